# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rows and the bar chart of playbooks/cost-report.yml: estimate, seed figure and actual per line item."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from xml.sax.saxutils import escape

# The Cost Explorer SERVICE of each line item; the Fargate lines are the Service tag's values instead,
# as both run on ECS. "EC2 - Other" also holds EBS volumes, so the NAT line is an upper bound.
ACTUAL_SOURCE = {
    "ECS Fargate (Frontend)": ("tag", "frontend"),
    "ECS Fargate (Backend)": ("tag", "backend"),
    "EC2 (CAD Engine)": ("service", "Amazon Elastic Compute Cloud - Compute"),
    "RDS PostgreSQL": ("service", "Amazon Relational Database Service"),
    "S3 Standard": ("service", "Amazon Simple Storage Service"),
    "ElastiCache Redis": ("service", "Amazon ElastiCache"),
    "Application Load Balancer": ("service", "Amazon Elastic Load Balancing"),
    "NAT Gateway": ("service", "EC2 - Other"),
    "CloudFront CDN": ("service", "Amazon CloudFront"),
    "Data Transfer": ("service", "AWS Data Transfer"),
    "CloudWatch Monitoring": ("service", "AmazonCloudWatch"),
    "AWS WAF": ("service", "AWS WAF"),
    "DMS (migration)": ("service", "AWS Database Migration Service"),
}


def cost_report_rows(estimate, by_service=None, by_tag=None):
    """One row per estimate line item: line, configuration, seed, estimate, difference, actual (or None)."""
    have_actual = by_service is not None or by_tag is not None
    by_service = by_service or {}
    by_tag = by_tag or {}
    rows = []
    for item in estimate.get("line_items", []):
        kind, key = ACTUAL_SOURCE.get(item["line"], ("service", None))
        source = by_tag if kind == "tag" else by_service
        actual = round(float(source.get(key, 0.0)), 2) if have_actual and key else None
        rows.append({"line": item["line"], "configuration": item["configuration"], "seed": item["seed_monthly"],
                     "estimate": item["monthly"], "difference": item["difference"], "actual": actual,
                     "actual_source": "%s %s" % ("tag Service=" if kind == "tag" else "service", key)})
    return rows


def cost_report_svg(rows, width=860):
    """A self-contained SVG bar chart: seed, estimate and actual of each row (no script, no external file)."""
    bar_h, gap, label_w, top = 9, 10, 230, 34
    series = (("seed", "Seed guide", "#9aa5b1"), ("estimate", "Estimate (list prices)", "#1f6feb"),
              ("actual", "Actual", "#e8730c"))
    peak = max([1.0] + [float(r.get(k) or 0) for r in rows for k, _l, _c in series])
    scale = (width - label_w - 70) / peak
    group_h = bar_h * len(series) + gap
    height = top + group_h * len(rows) + 10
    out = ['<svg xmlns="http://www.w3.org/2000/svg" role="img" class="cost-chart" width="%d" height="%d" '
           'viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">' % (width, height, width, height),
           "<title>Monthly cost by line item: seed guide, estimate and actual (USD)</title>"]
    x = label_w
    for _key, label, color in series:
        out.append('<rect x="%d" y="8" width="10" height="10" fill="%s"/><text x="%d" y="17">%s</text>'
                   % (x, color, x + 14, escape(label)))
        x += 170
    for index, row in enumerate(rows):
        y = top + index * group_h
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                   % (label_w - 8, y + bar_h * 2, escape(row["line"])))
        for offset, (key, label, color) in enumerate(series):
            value = row.get(key)
            if value is None:
                continue
            w = max(0.5, float(value) * scale)
            yy = y + offset * bar_h
            out.append('<rect class="bar-%s" x="%d" y="%d" width="%.1f" height="%d" fill="%s">'
                       '<title>%s %s: $%.2f</title></rect>' % (key, label_w, yy, w, bar_h - 1, color,
                                                               escape(row["line"]), escape(label), float(value)))
            out.append('<text x="%.1f" y="%d" font-size="9">$%.0f</text>' % (label_w + w + 4, yy + bar_h - 1, float(value)))
    out.append("</svg>")
    return "".join(out)


class FilterModule(object):
    def filters(self):
        return {"cost_report_rows": cost_report_rows, "cost_report_svg": cost_report_svg}
