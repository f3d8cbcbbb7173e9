#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecs_service_scaling
short_description: Scalable target and target tracking policies of one ECS service
version_added: 0.1.0
description:
  - Registers an ECS service's desired count as an Application Auto Scaling target (minimum and maximum)
    and manages its target tracking policies (CPU, memory, ...) as one set.
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
    suboptions:
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
"""

RETURN = r"""
scalable_target:
  description: The scalable target after the run, in snake_case. Empty when absent.
  returned: always
  type: dict
policies:
  description: The service's scaling policies after the run, in snake_case.
  returned: always
  type: list
  elements: dict
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


def validate(module):
    params = module.params
    if params["state"] == "absent":
        return
    if params["min_capacity"] is None or params["max_capacity"] is None:
        module.fail_json(msg="min_capacity and max_capacity are required when state is present")
    if params["min_capacity"] < 0 or params["max_capacity"] < params["min_capacity"]:
        module.fail_json(msg="min_capacity %s and max_capacity %s: need 0 <= min_capacity <= max_capacity"
                         % (params["min_capacity"], params["max_capacity"]))
    names = [p["name"] for p in params["policies"]]
    if len(set(names)) != len(names):
        module.fail_json(msg="policies: names repeat (%s)" % ", ".join(names))
    for policy in params["policies"]:
        if policy["target"] <= 0:
            module.fail_json(msg="policies: %s target must be above 0, got %s" % (policy["name"], policy["target"]))
        if policy["metric"] == "ALBRequestCountPerTarget" and not policy.get("resource_label"):
            module.fail_json(msg="policies: %s needs resource_label for ALBRequestCountPerTarget" % policy["name"])


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


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        cluster=dict(type="str", required=True),
        service=dict(type="str", required=True),
        min_capacity=dict(type="int"),
        max_capacity=dict(type="int"),
        policies=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            metric=dict(type="str", required=True, choices=["ECSServiceAverageCPUUtilization",
                                                            "ECSServiceAverageMemoryUtilization",
                                                            "ALBRequestCountPerTarget"]),
            target=dict(type="float", required=True),
            resource_label=dict(type="str"),
            scale_in_cooldown=dict(type="int", default=300),
            scale_out_cooldown=dict(type="int", default=60),
            disable_scale_in=dict(type="bool", default=False),
        )),
        purge_policies=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    client = module.client("application-autoscaling", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    resource_id = "service/%s/%s" % (params["cluster"], params["service"])
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
        module.exit_json(changed=changed, scalable_target={}, policies=[])

    if not target or target["MinCapacity"] != params["min_capacity"] or target["MaxCapacity"] != params["max_capacity"]:
        changed = True
        call("register_scalable_target", "register the scalable target",
             MinCapacity=params["min_capacity"], MaxCapacity=params["max_capacity"])
    by_name = dict((p["PolicyName"], p) for p in policies)
    for policy in params["policies"]:
        wanted = wanted_config(policy)
        existing = by_name.get(policy["name"])
        if existing and existing.get("PolicyType") == "TargetTrackingScaling" and current_config(existing) == wanted:
            continue
        changed = True
        call("put_scaling_policy", "put policy %s" % policy["name"], PolicyName=policy["name"],
             PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration=wanted)
    if params["purge_policies"]:
        wanted_names = set(p["name"] for p in params["policies"])
        for name in sorted(set(by_name) - wanted_names):
            changed = True
            call("delete_scaling_policy", "delete policy %s" % name, PolicyName=name)

    target, policies = read(client, module, resource_id)
    module.exit_json(changed=changed, scalable_target=camel_dict_to_snake_dict(target or {}),
                     policies=[camel_dict_to_snake_dict(p) for p in policies])


if __name__ == "__main__":
    main()
