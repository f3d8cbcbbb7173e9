# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Price data and the monthly cost estimate of an environment (docs/cost-model.md).

The price data of each region lives in its own module_utils file (price_data_<region>.py): a module
runs as an AnsiballZ bundle, which ships Python module_utils only, so the data is a Python literal
rather than JSON. scripts/refresh-prices rewrites those files from the AWS Price List API.
Every price carries its source and date; the estimate copies both into each component.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

from ansible_collections.mithran.platform.plugins.module_utils import price_data_us_east_1
from ansible_collections.mithran.platform.plugins.module_utils import price_data_us_west_2

PRICE_DATA = {
    "us-east-1": price_data_us_east_1.PRICES,
    "us-west-2": price_data_us_west_2.PRICES,
}

HOURS_PER_MONTH = 730

# The seed guide's "Production Environment (50-100 users)" table, row by row (USD per month).
SEED_TABLE = (
    ("ECS Fargate (Frontend)", "2 vCPU, 4GB RAM", 35),
    ("ECS Fargate (Backend)", "4 vCPU, 8GB RAM", 70),
    ("EC2 (CAD Engine)", "c5.xlarge", 120),
    ("RDS PostgreSQL", "db.t3.large, 500GB", 180),
    ("S3 Standard", "1TB storage", 25),
    ("ElastiCache Redis", "t3.micro, 1GB", 15),
    ("Application Load Balancer", "-", 20),
    ("CloudFront CDN", "-", 10),
    ("Data Transfer", "~500GB/month", 30),
    ("CloudWatch Monitoring", "-", 15),
    ("AWS WAF", "-", 10),
)
SEED_TOTAL = 530
SEED_BY_LINE = dict((row, monthly) for row, _config, monthly in SEED_TABLE)

# The seed's figures as usage assumptions: the defaults of cost_estimate (the prod inventory).
SEED_ASSUMPTIONS = {
    "fargate_services": [
        {"name": "frontend", "vcpu": 2, "memory_gb": 4, "desired_count": 2},
        {"name": "backend", "vcpu": 4, "memory_gb": 8, "desired_count": 2},
    ],
    "ec2_instances": [
        {"name": "cad-engine", "instance_type": "c5.xlarge", "count": 1, "volume_gb": 50, "volume_type": "gp3"},
    ],
    "rds_instances": [
        {"name": "mithran-db", "instance_class": "db.t3.large", "engine": "postgres", "multi_az": True,
         "storage_gb": 500, "storage_type": "gp2"},
    ],
    "s3": {"storage_gb": 1024, "storage_class": "STANDARD", "put_requests": 100000, "get_requests": 1000000},
    "elasticache_nodes": [{"node_type": "cache.t3.micro", "count": 1}],
    "load_balancers": {"count": 1, "lcu": 1.0},
    "nat_gateways": {"count": 2, "processed_gb": 100},
    "cloudfront": {"data_out_gb": 100, "requests": 1000000},
    "data_transfer": {"out_gb": 500},
    "cloudwatch": {"alarms": 10, "dashboards": 1, "custom_metrics": 0, "log_ingest_gb": 20, "log_storage_gb": 60},
    "waf": {"web_acls": 1, "rules": 5, "requests_millions": 1.0},
    "dms": {"instance_class": "dms.t3.medium", "hours": 0},
}

# Names the line items take, so each lines up with its seed row.
FARGATE_LINE = "ECS Fargate (%s)"
LINE_NAMES = {
    "ec2": "EC2 (CAD Engine)",
    "rds": "RDS PostgreSQL",
    "s3": "S3 Standard",
    "elasticache": "ElastiCache Redis",
    "alb": "Application Load Balancer",
    "nat": "NAT Gateway",
    "cloudfront": "CloudFront CDN",
    "data_transfer": "Data Transfer",
    "cloudwatch": "CloudWatch Monitoring",
    "waf": "AWS WAF",
    "dms": "DMS (migration)",
}


class PricingError(ValueError):
    """An input the price data cannot answer (unknown region, instance type, ...)."""


def regions():
    return sorted(PRICE_DATA)


def price_table(region):
    if region not in PRICE_DATA:
        raise PricingError("region %r has no price data; known regions: %s (add one with scripts/refresh-prices)"
                           % (region, ", ".join(regions())))
    return PRICE_DATA[region]


def price(region, key):
    """The price entry {price, unit, source, date, ...} of key in region."""
    table = price_table(region)["prices"]
    if key not in table:
        raise PricingError("no price for %r in the %s price data" % (key, region))
    return table[key]


def _money(value):
    return round(value + 0.0, 2)


class _Line(object):
    def __init__(self, region, name, configuration):
        self.region = region
        self.name = name
        self.configuration = configuration
        self.components = []

    def add(self, description, key, quantity, unit_label=None):
        entry = price(self.region, key)
        cost = quantity * entry["price"]
        self.components.append({
            "description": description, "price_key": key, "quantity": round(quantity, 6),
            "unit": unit_label or entry["unit"], "unit_price": entry["price"], "monthly": round(cost, 4),
            "source": entry["source"], "date": entry["date"],
        })
        return cost

    def result(self):
        monthly = _money(sum(c["monthly"] for c in self.components))
        seed = SEED_BY_LINE.get(self.name)
        return {
            "line": self.name, "configuration": self.configuration, "monthly": monthly,
            "annual": _money(monthly * 12), "seed_monthly": seed,
            "difference": None if seed is None else _money(monthly - seed),
            "components": self.components,
        }


def _fargate(region, hours, services):
    lines = []
    for svc in services:
        name = str(svc["name"])
        line = _Line(region, FARGATE_LINE % name.capitalize(), "%s vCPU, %s GB x %d tasks"
                     % (_num(svc["vcpu"]), _num(svc["memory_gb"]), svc["desired_count"]))
        task_hours = hours * svc["desired_count"]
        line.add("%s vCPU x %d tasks x %d h" % (_num(svc["vcpu"]), svc["desired_count"], hours),
                 "fargate.vcpu_hour", svc["vcpu"] * task_hours)
        line.add("%s GB x %d tasks x %d h" % (_num(svc["memory_gb"]), svc["desired_count"], hours),
                 "fargate.gb_hour", svc["memory_gb"] * task_hours)
        lines.append(line)
    return lines


def _num(value):
    return ("%f" % value).rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def estimate(region, usage, hours=HOURS_PER_MONTH):
    """The monthly estimate of the environment described by usage (same keys as SEED_ASSUMPTIONS).

    Returns {region, currency, hours_per_month, line_items: [...], total, annual, seed_total,
    difference}. Each line item lists its components with quantity, unit price, source and date.
    Raises PricingError for a region or size the price data does not know.
    """
    data = price_table(region)
    u = dict(SEED_ASSUMPTIONS)
    u.update(dict((k, v) for k, v in (usage or {}).items() if v is not None))
    lines = _fargate(region, hours, u["fargate_services"])

    ec2 = u["ec2_instances"]
    if ec2:
        line = _Line(region, LINE_NAMES["ec2"], ", ".join("%s x %d" % (i["instance_type"], i["count"]) for i in ec2))
        for inst in ec2:
            line.add("%s x %d x %d h" % (inst["instance_type"], inst["count"], hours),
                     "ec2.%s.hour" % inst["instance_type"], inst["count"] * hours)
            if inst.get("volume_gb"):
                line.add("%s GB %s volume x %d" % (inst["volume_gb"], inst.get("volume_type", "gp3"), inst["count"]),
                         "ebs.%s.gb_month" % inst.get("volume_type", "gp3"), inst["volume_gb"] * inst["count"])
        lines.append(line)

    rds = u["rds_instances"]
    if rds:
        line = _Line(region, LINE_NAMES["rds"], ", ".join(
            "%s%s, %s GB %s" % (d["instance_class"], " Multi-AZ" if d.get("multi_az") else "", d["storage_gb"],
                                d.get("storage_type", "gp2")) for d in rds))
        for db in rds:
            az = "multi_az" if db.get("multi_az") else "single_az"
            engine = db.get("engine", "postgres")
            line.add("%s %s %s x %d h" % (engine, db["instance_class"], az.replace("_", "-"), hours),
                     "rds.%s.%s.%s.hour" % (engine, db["instance_class"], az), hours)
            line.add("%s GB %s storage (%s)" % (db["storage_gb"], db.get("storage_type", "gp2"), az.replace("_", "-")),
                     "rds.storage.%s.%s.gb_month" % (db.get("storage_type", "gp2"), az), db["storage_gb"])
        lines.append(line)

    s3 = u["s3"]
    if s3 and s3.get("storage_gb"):
        cls = str(s3.get("storage_class", "STANDARD")).lower()
        line = _Line(region, LINE_NAMES["s3"], "%s GB %s" % (s3["storage_gb"], s3.get("storage_class", "STANDARD")))
        line.add("%s GB-month" % s3["storage_gb"], "s3.%s.gb_month" % cls, s3["storage_gb"])
        line.add("%d PUT/LIST requests" % s3.get("put_requests", 0), "s3.put.per_1000", s3.get("put_requests", 0) / 1000.0)
        line.add("%d GET requests" % s3.get("get_requests", 0), "s3.get.per_1000", s3.get("get_requests", 0) / 1000.0)
        lines.append(line)

    nodes = u["elasticache_nodes"]
    if nodes:
        line = _Line(region, LINE_NAMES["elasticache"], ", ".join("%s x %d" % (n["node_type"], n["count"]) for n in nodes))
        for node in nodes:
            line.add("%s x %d x %d h" % (node["node_type"], node["count"], hours),
                     "elasticache.%s.hour" % node["node_type"], node["count"] * hours)
        lines.append(line)

    lb = u["load_balancers"]
    if lb and lb.get("count"):
        line = _Line(region, LINE_NAMES["alb"], "%d ALB, %s LCU average" % (lb["count"], _num(lb.get("lcu", 0))))
        line.add("%d ALB x %d h" % (lb["count"], hours), "alb.hour", lb["count"] * hours)
        line.add("%s LCU x %d ALB x %d h" % (_num(lb.get("lcu", 0)), lb["count"], hours), "alb.lcu_hour",
                 lb.get("lcu", 0) * lb["count"] * hours)
        lines.append(line)

    nat = u["nat_gateways"]
    if nat and nat.get("count"):
        line = _Line(region, LINE_NAMES["nat"], "%d NAT gateways, %s GB processed" % (nat["count"], nat.get("processed_gb", 0)))
        line.add("%d NAT x %d h" % (nat["count"], hours), "nat.hour", nat["count"] * hours)
        line.add("%s GB processed" % nat.get("processed_gb", 0), "nat.gb", nat.get("processed_gb", 0))
        lines.append(line)

    cf = u["cloudfront"]
    if cf and (cf.get("data_out_gb") or cf.get("requests")):
        line = _Line(region, LINE_NAMES["cloudfront"], "%s GB out, %d requests" % (cf.get("data_out_gb", 0), cf.get("requests", 0)))
        line.add("%s GB to viewers" % cf.get("data_out_gb", 0), "cloudfront.gb", cf.get("data_out_gb", 0))
        line.add("%d HTTPS requests" % cf.get("requests", 0), "cloudfront.https.per_10000", cf.get("requests", 0) / 10000.0)
        lines.append(line)

    dt = u["data_transfer"]
    if dt and dt.get("out_gb"):
        free = data.get("free_data_transfer_out_gb", {}).get("value", 0)
        billable = max(0, dt["out_gb"] - free)
        line = _Line(region, LINE_NAMES["data_transfer"], "%s GB out to the internet (%s GB free)" % (dt["out_gb"], free))
        line.add("%s GB out less %s GB free" % (dt["out_gb"], free), "data_transfer.out_gb", billable)
        lines.append(line)

    cw = u["cloudwatch"]
    if cw:
        line = _Line(region, LINE_NAMES["cloudwatch"], "%d alarms, %d dashboards, %s GB logs" % (
            cw.get("alarms", 0), cw.get("dashboards", 0), cw.get("log_ingest_gb", 0)))
        line.add("%d alarms" % cw.get("alarms", 0), "cloudwatch.alarm_month", cw.get("alarms", 0))
        line.add("%d dashboards" % cw.get("dashboards", 0), "cloudwatch.dashboard_month", cw.get("dashboards", 0))
        line.add("%d custom metrics" % cw.get("custom_metrics", 0), "cloudwatch.metric_month", cw.get("custom_metrics", 0))
        line.add("%s GB logs ingested" % cw.get("log_ingest_gb", 0), "cloudwatch.logs_ingest_gb", cw.get("log_ingest_gb", 0))
        line.add("%s GB logs stored" % cw.get("log_storage_gb", 0), "cloudwatch.logs_storage_gb_month", cw.get("log_storage_gb", 0))
        lines.append(line)

    waf = u["waf"]
    if waf and waf.get("web_acls"):
        line = _Line(region, LINE_NAMES["waf"], "%d web ACL, %d rules, %s M requests" % (
            waf["web_acls"], waf.get("rules", 0), _num(waf.get("requests_millions", 0))))
        line.add("%d web ACLs" % waf["web_acls"], "waf.web_acl_month", waf["web_acls"])
        line.add("%d rules" % waf.get("rules", 0), "waf.rule_month", waf.get("rules", 0))
        line.add("%s million requests" % _num(waf.get("requests_millions", 0)), "waf.million_requests",
                 waf.get("requests_millions", 0))
        lines.append(line)

    dms = u["dms"]
    if dms and dms.get("hours"):
        line = _Line(region, LINE_NAMES["dms"], "%s for %s h of migration" % (dms["instance_class"], dms["hours"]))
        line.add("%s x %s h" % (dms["instance_class"], dms["hours"]), "dms.%s.hour" % dms["instance_class"], dms["hours"])
        lines.append(line)

    items = [line.result() for line in lines]
    total = _money(sum(i["monthly"] for i in items))
    return {
        "region": region, "currency": data.get("currency", "USD"), "hours_per_month": hours,
        "line_items": items, "total": total, "annual": _money(total * 12), "seed_total": SEED_TOTAL,
        "difference": _money(total - SEED_TOTAL),
    }


def render_price_module(data):
    """The text of a price_data_<region>.py file holding data (used by scripts/refresh-prices)."""
    return (
        "# -*- coding: utf-8 -*-\n"
        "# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)\n"
        "# Price data of %s, written by scripts/refresh-prices: every price with its source and date.\n"
        "# A Python literal, not JSON, because modules ship as AnsiballZ bundles of Python module_utils.\n"
        "# fmt: off\n"
        "from __future__ import absolute_import, division, print_function\n\n"
        "__metaclass__ = type\n\n"
        "PRICES = %s\n" % (data["region"], _literal(data))
    )


def _literal(value, level=0):
    """A Python literal with hanging indents (pep8-clean, stable key order)."""
    pad = "    " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ["%s%r: %s," % (pad, k, _literal(value[k], level + 1)) for k in sorted(value)]
        return "{\n" + "\n".join(items) + "\n" + "    " * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        items = ["%s%s," % (pad, _literal(v, level + 1)) for v in value]
        return "[\n" + "\n".join(items) + "\n" + "    " * level + "]"
    return repr(value)


def price_module_name(region):
    return "price_data_%s" % region.replace("-", "_")


def ceil_div(n, d):
    return int(math.ceil(float(n) / d))
