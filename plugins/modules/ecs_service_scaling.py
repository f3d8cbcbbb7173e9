#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecs_service_scaling
short_description: Scalable target and target tracking policies of ECS services
version_added: 0.1.0
description:
  - Registers an ECS service's desired count as an Application Auto Scaling target (minimum and maximum)
    and manages its target tracking policies (CPU, memory, ...) as one set.
  - With O(services), does so for several services of the cluster in one module call (one task and one
    boto3 session instead of a loop); every service's input is checked before any call.
  - Policies are read once for the service and matched by name, so a service with several policies is
    compared correctly. M(community.aws.application_autoscaling_policy) reads one policy with
    C(MaxResults=1) and relies on the C(PolicyNames) filter, which some AWS-compatible endpoints ignore;
    it then compares the wrong policy and reports a change on every run.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description: C(absent) deletes the policies and deregisters the target.
    type: str
    choices: [present, absent]
    default: present
  cluster:
    description: The cluster name.
    type: str
    required: true
  service:
    description: The service name. Required unless O(services) is given.
    type: str
  min_capacity:
    description: The fewest tasks. Required when O(state=present) (with O(service)).
    type: int
  max_capacity:
    description: The most tasks. Required when O(state=present) (with O(service)).
    type: int
  services:
    description:
      - Several services of O(cluster) at once, instead of O(service), O(min_capacity), O(max_capacity) and
        O(policies).
    type: list
    elements: dict
    suboptions:
      service:
        description: The service name.
        type: str
        required: true
      min_capacity:
        description: The fewest tasks. Required when O(state=present).
        type: int
      max_capacity:
        description: The most tasks. Required when O(state=present).
        type: int
      policies:
        description: The target tracking policies, keyed by name.
        type: list
        elements: dict
        default: []
        suboptions: &policy_suboptions
          name:
            description: The policy name.
            type: str
            required: true
          metric:
            description: The predefined metric.
            type: str
            choices: [ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization, ALBRequestCountPerTarget]
            required: true
          target:
            description: The target value of the metric.
            type: float
            required: true
          resource_label:
            description: The ALB/target group label, required for C(ALBRequestCountPerTarget).
            type: str
          scale_in_cooldown:
            description: Seconds after a scale-in before another.
            type: int
            default: 300
          scale_out_cooldown:
            description: Seconds after a scale-out before another.
            type: int
            default: 60
          disable_scale_in:
            description: Only scale out.
            type: bool
            default: false
  policies:
    description: The target tracking policies, keyed by name.
    type: list
    elements: dict
    default: []
    suboptions: *policy_suboptions  # the same as services[].policies
  purge_policies:
    description: Delete policies of the service that are not in O(policies).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: CPU and memory target tracking between 2 and 6 tasks
  mithran.platform.ecs_service_scaling:
    cluster: mithran-production
    service: backend-service
    min_capacity: 2
    max_capacity: 6
    policies:
      - {name: backend-service-cpu, metric: ECSServiceAverageCPUUtilization, target: 60}
      - {name: backend-service-memory, metric: ECSServiceAverageMemoryUtilization, target: 75}

- name: Both services in one call
  mithran.platform.ecs_service_scaling:
    cluster: mithran-production
    services:
      - service: frontend-service
        min_capacity: 2
        max_capacity: 4
        policies:
          - {name: frontend-service-cpu, metric: ECSServiceAverageCPUUtilization, target: 60}
      - service: backend-service
        min_capacity: 2
        max_capacity: 6
        policies:
          - {name: backend-service-cpu, metric: ECSServiceAverageCPUUtilization, target: 60}
"""

RETURN = r"""
scalable_target:
  description: The scalable target after the run, in snake_case. Empty when absent.
  returned: with O(service)
  type: dict
policies:
  description: The service's scaling policies after the run, in snake_case.
  returned: with O(service)
  type: list
  elements: dict
services:
  description: Service name -> its C(changed), C(scalable_target) and C(policies), as above.
  returned: with O(services)
  type: dict
"""

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

NAMESPACE = "ecs"
DIMENSION = "ecs:service:DesiredCount"


def errors():
    return (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)


POLICY_OPTIONS = dict(
    name=dict(type="str", required=True),
    metric=dict(type="str", required=True, choices=["ECSServiceAverageCPUUtilization",
                                                    "ECSServiceAverageMemoryUtilization",
                                                    "ALBRequestCountPerTarget"]),
    target=dict(type="float", required=True),
    resource_label=dict(type="str"),
    scale_in_cooldown=dict(type="int", default=300),
    scale_out_cooldown=dict(type="int", default=60),
    disable_scale_in=dict(type="bool", default=False),
)

SERVICE_OPTIONS = dict(
    service=dict(type="str", required=True),
    min_capacity=dict(type="int"),
    max_capacity=dict(type="int"),
    policies=dict(type="list", elements="dict", default=[], options=POLICY_OPTIONS),
)


def problems(spec, state):
    """What is wrong with one service's scaling (service, min_capacity, max_capacity, policies)."""
    if not spec["service"]:
        return "the service name must not be empty"
    if state == "absent":
        return None
    if spec["min_capacity"] is None or spec["max_capacity"] is None:
        return "min_capacity and max_capacity are required when state is present"
    if spec["min_capacity"] < 0 or spec["max_capacity"] < spec["min_capacity"]:
        return ("min_capacity %s and max_capacity %s: need 0 <= min_capacity <= max_capacity"
                % (spec["min_capacity"], spec["max_capacity"]))
    names = [p["name"] for p in spec["policies"]]
    if len(set(names)) != len(names):
        return "policies: names repeat (%s)" % ", ".join(names)
    for policy in spec["policies"]:
        if policy["target"] <= 0:
            return "policies: %s target must be above 0, got %s" % (policy["name"], policy["target"])
        if policy["metric"] == "ALBRequestCountPerTarget" and not policy.get("resource_label"):
            return "policies: %s needs resource_label for ALBRequestCountPerTarget" % policy["name"]
    return None


def wanted_config(policy):
    spec = {"PredefinedMetricType": policy["metric"]}
    if policy.get("resource_label"):
        spec["ResourceLabel"] = policy["resource_label"]
    return {
        "TargetValue": float(policy["target"]),
        "PredefinedMetricSpecification": spec,
        "ScaleInCooldown": policy["scale_in_cooldown"],
        "ScaleOutCooldown": policy["scale_out_cooldown"],
        "DisableScaleIn": policy["disable_scale_in"],
    }


def current_config(policy):
    config = policy.get("TargetTrackingScalingPolicyConfiguration", {})
    spec = dict((k, v) for k, v in config.get("PredefinedMetricSpecification", {}).items() if v)
    return {
        "TargetValue": float(config.get("TargetValue", 0)),
        "PredefinedMetricSpecification": spec,
        "ScaleInCooldown": config.get("ScaleInCooldown", 300),
        "ScaleOutCooldown": config.get("ScaleOutCooldown", 300),
        "DisableScaleIn": config.get("DisableScaleIn", False),
    }


def read(client, module, resource_id):
    try:
        targets = client.describe_scalable_targets(aws_retry=True, ServiceNamespace=NAMESPACE, ResourceIds=[resource_id],
                                                   ScalableDimension=DIMENSION)["ScalableTargets"]
        paginator = client.get_paginator("describe_scaling_policies")
        policies = paginator.paginate(ServiceNamespace=NAMESPACE, ResourceId=resource_id,
                                      ScalableDimension=DIMENSION).build_full_result()["ScalingPolicies"]
    except errors() as e:
        module.fail_json_aws(e, msg="Failed to read the scaling of %s" % resource_id)
    # Match by resource and name here rather than trusting server-side filters.
    targets = [t for t in targets if t["ResourceId"] == resource_id]
    policies = [p for p in policies if p["ResourceId"] == resource_id]
    return (targets[0] if targets else None), policies


def converge(module, client, cluster, spec):
    """Returns (changed, scalable target, policies) of one service after the run."""
    params = module.params
    resource_id = "service/%s/%s" % (cluster, spec["service"])
    target, policies = read(client, module, resource_id)
    changed = False

    def call(method, what, **kwargs):
        if module.check_mode:
            return
        try:
            getattr(client, method)(aws_retry=True, ServiceNamespace=NAMESPACE, ResourceId=resource_id,
                                    ScalableDimension=DIMENSION, **kwargs)
        except errors() as e:
            module.fail_json_aws(e, msg="Failed to %s of %s" % (what, resource_id))

    if params["state"] == "absent":
        for policy in policies:
            changed = True
            call("delete_scaling_policy", "delete policy %s" % policy["PolicyName"], PolicyName=policy["PolicyName"])
        if target:
            changed = True
            call("deregister_scalable_target", "deregister the scalable target")
        return changed, {}, []

    if not target or target["MinCapacity"] != spec["min_capacity"] or target["MaxCapacity"] != spec["max_capacity"]:
        changed = True
        call("register_scalable_target", "register the scalable target",
             MinCapacity=spec["min_capacity"], MaxCapacity=spec["max_capacity"])
    by_name = dict((p["PolicyName"], p) for p in policies)
    for policy in spec["policies"]:
        wanted = wanted_config(policy)
        existing = by_name.get(policy["name"])
        if existing and existing.get("PolicyType") == "TargetTrackingScaling" and current_config(existing) == wanted:
            continue
        changed = True
        call("put_scaling_policy", "put policy %s" % policy["name"], PolicyName=policy["name"],
             PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration=wanted)
    if params["purge_policies"]:
        wanted_names = set(p["name"] for p in spec["policies"])
        for name in sorted(set(by_name) - wanted_names):
            changed = True
            call("delete_scaling_policy", "delete policy %s" % name, PolicyName=name)

    if changed and not module.check_mode:
        target, policies = read(client, module, resource_id)
    return changed, camel_dict_to_snake_dict(target or {}), [camel_dict_to_snake_dict(p) for p in policies]


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        cluster=dict(type="str", required=True),
        service=dict(type="str"),
        min_capacity=dict(type="int"),
        max_capacity=dict(type="int"),
        services=dict(type="list", elements="dict", options=SERVICE_OPTIONS),
        policies=dict(type="list", elements="dict", default=[], options=POLICY_OPTIONS),
        purge_policies=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[("service", "services")],
        mutually_exclusive=[("service", "services"), ("min_capacity", "services"), ("max_capacity", "services")],
    )
    params = module.params
    if params["services"] is not None:
        if params["policies"]:
            module.fail_json(msg="policies: give each service's policies in services, not beside them")
        specs = params["services"]
        names = [spec["service"] for spec in specs]
        twice = sorted(set(n for n in names if names.count(n) > 1))
        if twice:
            module.fail_json(msg="services: %s named twice" % ", ".join(twice))
    else:
        specs = [dict(service=params["service"], min_capacity=params["min_capacity"],
                      max_capacity=params["max_capacity"], policies=params["policies"])]
    for spec in specs:
        problem = problems(spec, params["state"])
        if problem:
            module.fail_json(msg=problem if params["service"] else "services[%s]: %s" % (spec["service"], problem))
    client = module.client("application-autoscaling", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    results = {}
    for spec in specs:
        changed, target, policies = converge(module, client, params["cluster"], spec)
        results[spec["service"]] = dict(changed=changed, scalable_target=target, policies=policies)
    if params["services"] is not None:
        module.exit_json(changed=any(r["changed"] for r in results.values()), services=results)
    module.exit_json(**results[params["service"]])


if __name__ == "__main__":
    main()
