#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cost_estimate
short_description: Estimate the monthly AWS cost of an environment before anything is created
version_added: 0.1.0
description:
  - Prices the environment described by the inputs (the inventory's sizes and usage assumptions) with
    the price data shipped in this collection for O(region), one line item per row of the seed guide's
    monthly table, plus NAT gateways and DMS (while a migration runs).
  - A month is O(hours_per_month) hours (730 by default, as AWS prices a month).
  - Each line item carries its components (quantity, unit price, the price's source and date), the
    seed guide's own figure beside it and the difference.
  - Makes no AWS call. The usage inputs default to the seed guide's production figures; any input that
    is omitted keeps its default.
  - See docs/cost-model.md for the formulas; C(scripts/refresh-prices) refreshes the price data from the
    AWS Price List API.
author:
  - Mithran platform team (@mithran)
options:
  hours_per_month:
    description: Hours in a month.
    type: int
    default: 730
  budget:
    description: A monthly budget to compare the total with (RV(estimate.over_budget)).
    type: float
  fargate_services:
    description:
      - ECS Fargate services, each C({name, vcpu, memory_gb, desired_count}); each is one line item.
      - Default C(frontend) 2 vCPU 4 GB x 2 and C(backend) 4 vCPU 8 GB x 2 (the seed guide).
    type: list
    elements: dict
  ec2_instances:
    description:
      - EC2 instances, each C({name, instance_type, count, volume_gb, volume_type}).
      - Default one C(c5.xlarge) with a 50 GB gp3 volume (the CAD engine).
    type: list
    elements: dict
  rds_instances:
    description:
      - RDS instances, each C({name, instance_class, engine, multi_az, storage_gb, storage_type}).
      - Default C(db.t3.large) PostgreSQL Multi-AZ with 500 GB gp2.
    type: list
    elements: dict
  s3:
    description: C({storage_gb, storage_class, put_requests, get_requests}); default 1024 GB STANDARD.
    type: dict
  elasticache_nodes:
    description: Redis nodes, each C({node_type, count}); default one C(cache.t3.micro).
    type: list
    elements: dict
  load_balancers:
    description: C({count, lcu}) application load balancers and their average LCUs; default 1 and 1.
    type: dict
  nat_gateways:
    description: C({count, processed_gb}); default 2 gateways and 100 GB.
    type: dict
  cloudfront:
    description: C({data_out_gb, requests}); default 100 GB and 1,000,000 HTTPS requests.
    type: dict
  data_transfer:
    description: C({out_gb}) to the internet; default 500 GB (the seed guide's ~500 GB/month).
    type: dict
  cloudwatch:
    description: C({alarms, dashboards, custom_metrics, log_ingest_gb, log_storage_gb}); default 10, 1, 0, 20, 60.
    type: dict
  waf:
    description: C({web_acls, rules, requests_millions}); default 1, 5, 1.
    type: dict
  dms:
    description: C({instance_class, hours}) of a DMS replication instance while a migration runs; default 0 hours.
    type: dict
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Estimate the environment described by the inventory
  mithran.platform.cost_estimate:
    region: "{{ mithran_region }}"
    budget: 600
    fargate_services:
      - {name: frontend, vcpu: 1, memory_gb: 2, desired_count: 1}
      - {name: backend, vcpu: 2, memory_gb: 4, desired_count: 1}
  register: estimate
"""

RETURN = r"""
estimate:
  description: The estimate.
  returned: success
  type: dict
  contains:
    region:
      description: The region whose prices were used.
      type: str
      sample: us-west-2
    hours_per_month:
      description: Hours in the month.
      type: int
      sample: 730
    line_items:
      description:
        - One per seed table row (plus NAT and DMS), each with C(line), C(configuration), C(monthly),
          C(annual), C(seed_monthly) (null when the seed guide has no such row), C(difference) and
          C(components) (C(description), C(price_key), C(quantity), C(unit), C(unit_price), C(monthly),
          C(source), C(date)).
      type: list
      elements: dict
    total:
      description: Monthly total in USD.
      type: float
      sample: 1088.51
    annual:
      description: Twelve times the total.
      type: float
    seed_total:
      description: The seed guide's monthly total (530).
      type: float
    difference:
      description: total minus seed_total.
      type: float
    budget:
      description: O(budget), when given.
      type: float
    over_budget:
      description: Whether the total exceeds O(budget) (false without a budget).
      type: bool
    price_dates:
      description: The distinct dates of the prices used.
      type: list
      elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.mithran.platform.plugins.module_utils.cost_common import fail_on_problems
from ansible_collections.mithran.platform.plugins.module_utils.pricing import (
    SEED_ASSUMPTIONS,
    PricingError,
    estimate,
    price_table,
    regions,
)

LIST_INPUTS = ("fargate_services", "ec2_instances", "rds_instances", "elasticache_nodes")
DICT_INPUTS = ("s3", "load_balancers", "nat_gateways", "cloudfront", "data_transfer", "cloudwatch", "waf", "dms")
# Fields of each input: numeric (must be >= 0) and required.
FIELDS = {
    "fargate_services": ({"vcpu": True, "memory_gb": True, "desired_count": True}, ("name",)),
    "ec2_instances": ({"count": True, "volume_gb": False}, ("instance_type",)),
    "rds_instances": ({"storage_gb": True}, ("instance_class",)),
    "elasticache_nodes": ({"count": True}, ("node_type",)),
    "s3": ({"storage_gb": False, "put_requests": False, "get_requests": False}, ()),
    "load_balancers": ({"count": False, "lcu": False}, ()),
    "nat_gateways": ({"count": False, "processed_gb": False}, ()),
    "cloudfront": ({"data_out_gb": False, "requests": False}, ()),
    "data_transfer": ({"out_gb": False}, ()),
    "cloudwatch": ({"alarms": False, "dashboards": False, "custom_metrics": False, "log_ingest_gb": False,
                    "log_storage_gb": False}, ()),
    "waf": ({"web_acls": False, "rules": False, "requests_millions": False}, ()),
    "dms": ({"hours": False}, ()),
}
_FARGATE_SIZES = {0.25: (0.5, 2), 0.5: (1, 4), 1: (2, 8), 2: (4, 16), 4: (8, 30), 8: (16, 60), 16: (32, 120)}


def check_entry(option, entry, problems):
    numeric, required = FIELDS[option]
    if not isinstance(entry, dict):
        problems.append("%s: %r is not a dictionary" % (option, entry))
        return
    for key in required:
        if entry.get(key) in (None, ""):
            problems.append("%s: %s is required" % (option, key))
    for key, needed in numeric.items():
        value = entry.get(key)
        if value is None:
            if needed:
                problems.append("%s: %s is required" % (option, key))
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                value = float(value)
                entry[key] = value
            except (TypeError, ValueError):
                problems.append("%s: %s is %r, not a number" % (option, key, entry.get(key)))
                continue
        if value < 0:
            problems.append("%s: %s is %s; it cannot be negative" % (option, key, value))


def validate(module):
    p = module.params
    problems = []
    region = module.region
    if not region:
        problems.append("region is required (the price data is per region)")
    elif region not in regions():
        problems.append("region %r has no price data; known regions: %s" % (region, ", ".join(regions())))
    if p["hours_per_month"] <= 0 or p["hours_per_month"] > 744:
        problems.append("hours_per_month is %d; it must be between 1 and 744" % p["hours_per_month"])
    if p["budget"] is not None and not p["budget"] > 0:
        problems.append("budget is %s; a budget must be more than 0" % p["budget"])
    for option in LIST_INPUTS + DICT_INPUTS:
        value = p[option]
        if value is None:
            continue
        for entry in value if option in LIST_INPUTS else [value]:
            check_entry(option, entry, problems)
    for svc in p["fargate_services"] or []:
        try:
            vcpu, memory = float(svc.get("vcpu")), float(svc.get("memory_gb"))
        except (TypeError, ValueError):
            continue
        if vcpu not in _FARGATE_SIZES:
            problems.append("fargate_services %s: vcpu %s is not a Fargate size (%s)" % (
                svc.get("name"), svc.get("vcpu"), ", ".join(str(k) for k in sorted(_FARGATE_SIZES))))
        elif not _FARGATE_SIZES[vcpu][0] <= memory <= _FARGATE_SIZES[vcpu][1]:
            problems.append("fargate_services %s: memory_gb %s is outside %s-%s GB for %s vCPU" % (
                svc.get("name"), svc.get("memory_gb"), _FARGATE_SIZES[vcpu][0], _FARGATE_SIZES[vcpu][1], svc.get("vcpu")))
    fail_on_problems(module, problems)


def main():
    argument_spec = dict(
        hours_per_month=dict(type="int", default=730),
        budget=dict(type="float"),
    )
    for option in LIST_INPUTS:
        argument_spec[option] = dict(type="list", elements="dict")
    for option in DICT_INPUTS:
        argument_spec[option] = dict(type="dict")
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    p = module.params
    usage = dict((k, p[k]) for k in LIST_INPUTS + DICT_INPUTS if p[k] is not None)
    for option in DICT_INPUTS:
        if option in usage:  # keys the inventory leaves out keep the seed's figure
            usage[option] = dict(SEED_ASSUMPTIONS[option], **usage[option])
    try:
        result = estimate(module.region, usage, hours=p["hours_per_month"])
    except PricingError as e:
        module.fail_json(msg="Cannot price the environment: %s" % e)
    result["budget"] = p["budget"]
    result["over_budget"] = p["budget"] is not None and result["total"] > p["budget"]
    result["price_dates"] = sorted(set(c["date"] for item in result["line_items"] for c in item["components"]))
    result["price_data_location"] = price_table(module.region).get("location")
    module.exit_json(changed=False, estimate=result)


if __name__ == "__main__":
    main()
