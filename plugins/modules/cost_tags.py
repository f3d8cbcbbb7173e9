#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cost_tags
short_description: Make every resource of an environment carry the standard cost allocation tags
version_added: 0.1.0
description:
  - Finds the resources of an environment by its identifying tags (Resource Groups Tagging API
    C(GetResources), every page) and by explicit ARNs, and gives each the standard cost tag set
    C(Project), C(Environment), C(CostCenter), C(Owner), C(Service), C(ManagedBy=ansible).
  - Writes only the tags that are missing or wrong, with C(TagResources) in batches of at most
    O(batch_size) ARNs (AWS allows 20) that need the same change.
  - For resources C(TagResources) does not handle (it reports them in C(FailedResourcesMap)), whose
    tags C(GetResources) did not return, or of O(direct_services), it uses the service's own tag call
    for ECR repositories, WAFv2 web ACLs, Route 53 hosted zones and health checks, IAM roles, users,
    policies and instance profiles, and ELBv2 load balancers and target groups.
  - Never removes a tag it does not own unless O(purge=true).
  - Neither amazon.aws nor community.aws has a module that tags across services.
author:
  - Mithran platform team (@mithran)
options:
  tags:
    description:
      - The identifying values of the environment, as in C(mithran_cost_tags) - C(Project),
        C(Environment), C(CostCenter), C(Owner). C(Service) and C(ManagedBy) are added per resource.
    type: dict
    required: true
  discover:
    description:
      - Find resources by O(tag_filters) with C(GetResources). When false only O(resources) are handled.
    type: bool
    default: true
  tag_filters:
    description:
      - Tags (key to a value or a list of values) that identify the environment's resources.
      - Defaults to the O(tags) C(Project) and C(Environment).
    type: dict
  resource_type_filters:
    description: Limit discovery to these types, for example C(ec2:instance) or C(s3).
    type: list
    elements: str
  resources:
    description: Resources given by ARN, for example those discovery cannot see (never tagged).
    type: list
    elements: dict
    default: []
    suboptions:
      arn:
        description: The resource's ARN.
        type: str
        required: true
      service:
        description: Its cost C(Service); when omitted, its current valid C(Service) tag or the default by ARN.
        type: str
  service_overrides:
    description:
      - The cost C(Service) of resources without one, by ARN service or C(service:resource-type)
        (for example C(ecs) or C(ec2:instance)). Built-in defaults cover the platform's services.
    type: dict
    default: {}
  purge:
    description:
      - Also remove tags that are not in the standard set (except C(aws:) tags and O(keep_keys)).
    type: bool
    default: false
  keep_keys:
    description: Tag keys O(purge) never removes.
    type: list
    elements: str
    default: [Name]
  batch_size:
    description: ARNs per C(TagResources) or C(UntagResources) call (1 to 20).
    type: int
    default: 20
  direct_services:
    description:
      - ARN services whose resources are tagged with their own service's call directly, without trying
        C(TagResources) first (which would cost one failing call per batch where that API does not handle
        them). Any of C(ecr), C(wafv2), C(route53), C(iam), C(elasticloadbalancing).
      - Set to C([]) to try C(TagResources) first for every ARN.
    type: list
    elements: str
    default: [ecr, wafv2, route53, iam, elasticloadbalancing]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Give every resource of the environment the cost tags
  mithran.platform.cost_tags:
    tags: "{{ mithran_cost_tags }}"
    resources:
      - arn: "{{ ecr_repo.repository.repositoryArn }}"
        service: registry

- name: Fix only the network resources and drop stray tags
  mithran.platform.cost_tags:
    tags: "{{ mithran_cost_tags }}"
    tag_filters: {Project: mithran, Service: network}
    purge: true
"""

RETURN = r"""
resources:
  description: Per ARN, what was (or in check mode would be) changed. Unchanged resources are listed too.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The resource's ARN.
      type: str
    service:
      description: Its cost C(Service).
      type: str
      sample: network
    added:
      description: Tags that were missing, with their new values.
      type: dict
      sample: {"CostCenter": "manufacturing-platform"}
    updated:
      description: Tags that had another value, as C(from) and C(to).
      type: dict
      sample: {"Owner": {"from": "bob", "to": "platform-infra"}}
    removed:
      description: Tags removed by O(purge).
      type: list
      elements: str
    method:
      description: C(tagging_api) or the service whose own tag call was used (C(ecr), C(iam), ...).
      type: str
    changed:
      description: Whether this resource changed.
      type: bool
write_calls:
  description: The write calls made (none in check mode).
  returned: always
  type: dict
  contains:
    tagging_api:
      description: C(TagResources) and C(UntagResources) calls.
      type: int
    fallback:
      description: Calls of the services' own tag APIs.
      type: int
summary:
  description: Counts of resources.
  returned: always
  type: dict
  sample: {"total": 42, "changed": 3, "fallback": 2}
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

from ansible_collections.mithran.platform.plugins.module_utils.cost_common import chunks, fail_on_problems
from ansible_collections.mithran.platform.plugins.module_utils.tag_fallbacks import (
    FALLBACK_SERVICES,
    ServiceTagger,
    discover,
    read_tags,
)
from ansible_collections.mithran.platform.plugins.module_utils.tag_policy import (
    COST_TAG_KEYS,
    MAX_TAGS,
    SERVICES,
    TagPolicyError,
    base_tag_problems,
    default_cost_service,
    parse_arn,
    standard_tags,
    tag_problems,
)

MAX_BATCH = 20


def validate(module):
    params = module.params
    problems = ["tags: %s" % p for p in base_tag_problems(params["tags"])]
    if not problems:
        try:
            standard_tags(params["tags"], "network")
        except TagPolicyError as e:
            problems.append("tags: %s" % e)
    if not 1 <= params["batch_size"] <= MAX_BATCH:
        problems.append("batch_size is %d; TagResources takes 1 to %d ARNs" % (params["batch_size"], MAX_BATCH))
    for index, res in enumerate(params["resources"]):
        try:
            parse_arn(res["arn"])
        except TagPolicyError as e:
            problems.append("resources[%d].arn: %s" % (index, e))
        if res.get("service") is not None and res["service"] not in SERVICES:
            problems.append("resources[%d].service is %r; expected one of %s" % (index, res["service"], ", ".join(SERVICES)))
    unknown = [s for s in params["direct_services"] if s not in FALLBACK_SERVICES]
    if unknown:
        problems.append("direct_services: %s has no own tag call here; choose from %s"
                        % (", ".join(unknown), ", ".join(FALLBACK_SERVICES)))
    for key, value in params["service_overrides"].items():
        if value not in SERVICES:
            problems.append("service_overrides.%s is %r; expected one of %s" % (key, value, ", ".join(SERVICES)))
    for key, value in (params["tag_filters"] or {}).items():
        problems.extend("tag_filters: %s" % p for p in tag_problems({key: value if not isinstance(value, list) else ""}))
    fail_on_problems(module, problems)


def plan(arn, actual, service, base, purge, keep_keys):
    wanted = standard_tags(base, service)
    added = dict((k, v) for k, v in wanted.items() if k not in actual)
    updated = dict((k, {"from": actual[k], "to": v}) for k, v in wanted.items() if k in actual and actual[k] != v)
    removed = []
    if purge:
        removed = sorted(k for k in actual if k not in wanted and k not in keep_keys and not k.lower().startswith("aws:"))
    delta = dict(added)
    delta.update(dict((k, v["to"]) for k, v in updated.items()))
    count_after = len(actual) + len(added) - len(removed)
    return {"arn": arn, "service": service, "added": added, "updated": updated, "removed": removed,
            "changed": bool(delta or removed), "_delta": delta, "_too_many": count_after > MAX_TAGS}


def choose_service(module, arn, explicit, actual):
    if explicit:
        return explicit
    if actual.get("Service") in SERVICES:
        return actual["Service"]
    return default_cost_service(arn, module.params["service_overrides"])


def direct_write(module, tagger, arn, change, write):
    try:
        if write == "tag":
            tagger.tag(arn, dict(change))
        else:
            tagger.untag(arn, list(change))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to %s %s with its service's own call" % (write, arn))
    return parse_arn(arn)[1]


def apply_groups(module, client, tagger, items, write, batch_size, counts, direct=()):
    """items: [(arn, key)] where key is a hashable change; one call per batch of ARNs with the same change.
    ARNs in direct (whose tags the Tagging API did not return) go straight to their service's own call;
    others whose TagResources fails fall back to it. Returns {arn: method} for each ARN written."""
    methods = {}
    groups = {}
    for arn, change in items:
        if arn in direct:
            methods[arn] = direct_write(module, tagger, arn, change, write)
            continue
        groups.setdefault(change, []).append(arn)
    for change, arns in sorted(groups.items(), key=lambda g: str(g[0])):
        for batch in chunks(sorted(arns), batch_size):
            try:
                if write == "tag":
                    failed = client.tag_resources(aws_retry=True, ResourceARNList=batch, Tags=dict(change))
                else:
                    failed = client.untag_resources(aws_retry=True, ResourceARNList=batch, TagKeys=list(change))
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(e, msg="Failed to %s %d resources (%s, ...)" % (write, len(batch), batch[0]))
            counts["tagging_api"] += 1
            failures = failed.get("FailedResourcesMap") or {}
            for arn in batch:
                if arn not in failures:
                    methods[arn] = "tagging_api"
                    continue
                if not tagger.handles(arn):
                    error = failures[arn]
                    module.fail_json(msg="Failed to %s %s: %s %s" % (write, arn, error.get("ErrorCode"), error.get("ErrorMessage")),
                                     failed_resources=failures)
                methods[arn] = direct_write(module, tagger, arn, change, write)
    return methods


def main():
    argument_spec = dict(
        tags=dict(type="dict", required=True),
        discover=dict(type="bool", default=True),
        tag_filters=dict(type="dict"),
        resource_type_filters=dict(type="list", elements="str"),
        resources=dict(type="list", elements="dict", default=[], options=dict(
            arn=dict(type="str", required=True),
            service=dict(type="str"),
        )),
        service_overrides=dict(type="dict", default={}),
        purge=dict(type="bool", default=False),
        keep_keys=dict(type="list", elements="str", default=["Name"], no_log=False),
        batch_size=dict(type="int", default=MAX_BATCH),
        direct_services=dict(type="list", elements="str", default=list(FALLBACK_SERVICES)),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    base = dict((k, str(params["tags"][k])) for k in ("Project", "Environment", "CostCenter", "Owner"))
    client = module.client("resourcegroupstaggingapi", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    tagger = ServiceTagger(module)

    explicit = dict((r["arn"], r.get("service")) for r in params["resources"])
    try:
        found = {}
        if params["discover"]:
            filters = params["tag_filters"] or {"Project": base["Project"], "Environment": base["Environment"]}
            found = discover(client, filters, params["resource_type_filters"])
        methods = dict.fromkeys(found, "tagging_api")
        extra, extra_methods = read_tags(client, [a for a in explicit if a not in found], tagger)
        found.update(extra)
        methods.update(extra_methods)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to read the tags of the environment's resources")

    results, problems = [], []
    for arn in sorted(found):
        service = choose_service(module, arn, explicit.get(arn), found[arn])
        if service is None:
            problems.append("%s has no Service tag and no default for its type: give it in resources or service_overrides" % arn)
            continue
        item = plan(arn, found[arn], service, base, params["purge"], params["keep_keys"])
        if item["_too_many"]:
            problems.append("%s would carry more than %d tags" % (arn, MAX_TAGS))
        item["method"] = methods.get(arn, "tagging_api")
        results.append(item)
    fail_on_problems(module, problems)

    counts = {"tagging_api": 0, "fallback": 0}
    if not module.check_mode:
        to_tag = [(r["arn"], tuple(sorted(r["_delta"].items()))) for r in results if r["_delta"]]
        to_untag = [(r["arn"], tuple(r["removed"])) for r in results if r["removed"]]
        direct = set(arn for arn, method in methods.items() if method != "tagging_api")
        direct.update(r["arn"] for r in results
                      if parse_arn(r["arn"])[1] in params["direct_services"] and tagger.handles(r["arn"]))
        written = apply_groups(module, client, tagger, to_tag, "tag", params["batch_size"], counts, direct)
        written.update(apply_groups(module, client, tagger, to_untag, "untag", params["batch_size"], counts, direct))
        counts["fallback"] = tagger.write_calls
        for r in results:
            if r["arn"] in written:
                r["method"] = written[r["arn"]]

    for r in results:
        r.pop("_delta")
        r.pop("_too_many")
    summary = {
        "total": len(results),
        "changed": sum(1 for r in results if r["changed"]),
        "fallback": sum(1 for r in results if r["method"] != "tagging_api"),
        "cost_tag_keys": list(COST_TAG_KEYS),
    }
    module.exit_json(changed=summary["changed"] > 0, resources=results, write_calls=counts, summary=summary)


if __name__ == "__main__":
    main()
