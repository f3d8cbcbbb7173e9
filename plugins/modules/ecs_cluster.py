#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecs_cluster
short_description: Manage an ECS cluster with Container Insights, capacity providers and tags
version_added: 0.1.0
description:
  - Creates, updates or deletes an ECS cluster, its Container Insights setting, its capacity providers
    with the default capacity provider strategy, and its tags.
  - Written because M(community.aws.ecs_cluster) manages neither cluster settings (Container Insights)
    nor tags.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description: Whether the cluster should exist.
    type: str
    choices: [present, absent]
    default: present
  name:
    description: The cluster name.
    type: str
    required: true
  container_insights:
    description: The Container Insights setting.
    type: str
    choices: [enabled, enhanced, disabled]
    default: enabled
  capacity_providers:
    description: The capacity providers of the cluster.
    type: list
    elements: str
    default: [FARGATE, FARGATE_SPOT]
  default_capacity_provider_strategy:
    description: The default strategy of services that give none.
    type: list
    elements: dict
    default: []
    suboptions:
      capacity_provider:
        description: One of O(capacity_providers).
        type: str
        required: true
      weight:
        description: The relative share of tasks.
        type: int
        default: 1
      base:
        description: Tasks always placed on this provider first.
        type: int
        default: 0
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Fargate cluster with Container Insights
  mithran.platform.ecs_cluster:
    name: mithran-production
    container_insights: enabled
    capacity_providers: [FARGATE, FARGATE_SPOT]
    default_capacity_provider_strategy:
      - {capacity_provider: FARGATE, weight: 1, base: 1}
    tags:
      Service: backend
"""

RETURN = r"""
cluster:
  description: The cluster as DescribeClusters returns it (with settings and tags), in snake_case. Empty when absent.
  returned: always
  type: dict
  contains:
    cluster_arn:
      description: The ARN.
      type: str
      sample: arn:aws:ecs:us-west-2:123456789012:cluster/mithran-production
    settings:
      description: The cluster settings.
      type: list
      sample: [{"name": "containerInsights", "value": "enabled"}]
    tags:
      description: The tags.
      type: dict
      sample: {"Service": "backend"}
"""

import re

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)


def errors():
    return (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)


def ecs_tags(tags):
    return [{"key": k, "value": v} for k, v in sorted(tags.items())]


def validate(module):
    params = module.params
    if not re.match(r"^[A-Za-z0-9_-]{1,255}$", params["name"] or ""):
        module.fail_json(msg="name must be 1-255 letters, digits, hyphens or underscores, got %r" % params["name"])
    strategy = params["default_capacity_provider_strategy"]
    for item in strategy:
        if item["capacity_provider"] not in params["capacity_providers"]:
            module.fail_json(msg="default_capacity_provider_strategy names %r, which is not in capacity_providers %r"
                             % (item["capacity_provider"], params["capacity_providers"]))
        if not 0 <= item["weight"] <= 1000 or not 0 <= item["base"] <= 100000:
            module.fail_json(msg="default_capacity_provider_strategy: weight must be 0-1000 and base 0-100000, got %r"
                             % item)
    if strategy and not any(item["weight"] > 0 for item in strategy):
        module.fail_json(msg="default_capacity_provider_strategy: at least one weight must be above 0")
    if sum(1 for item in strategy if item["base"] > 0) > 1:
        module.fail_json(msg="default_capacity_provider_strategy: only one provider can have a base")


def wanted_strategy(params):
    return sorted(({"capacityProvider": i["capacity_provider"], "weight": i["weight"], "base": i["base"]}
                   for i in params["default_capacity_provider_strategy"]), key=lambda i: i["capacityProvider"])


def current_strategy(cluster):
    return sorted(({"capacityProvider": i["capacityProvider"], "weight": i.get("weight", 0), "base": i.get("base", 0)}
                   for i in cluster.get("defaultCapacityProviderStrategy", [])), key=lambda i: i["capacityProvider"])


def describe(client, module):
    try:
        response = client.describe_clusters(
            aws_retry=True, clusters=[module.params["name"]], include=["SETTINGS", "TAGS"])
    except errors() as e:
        module.fail_json_aws(e, msg="Failed to describe cluster %s" % module.params["name"])
    active = [c for c in response.get("clusters", []) if c.get("status") != "INACTIVE"]
    return active[0] if active else None


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str", required=True),
        container_insights=dict(type="str", choices=["enabled", "enhanced", "disabled"], default="enabled"),
        capacity_providers=dict(type="list", elements="str", default=["FARGATE", "FARGATE_SPOT"]),
        default_capacity_provider_strategy=dict(type="list", elements="dict", default=[], options=dict(
            capacity_provider=dict(type="str", required=True),
            weight=dict(type="int", default=1),
            base=dict(type="int", default=0),
        )),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    cluster = describe(client, module)
    settings = [{"name": "containerInsights", "value": params["container_insights"]}]

    if params["state"] == "absent":
        if cluster and not module.check_mode:
            try:
                client.delete_cluster(aws_retry=True, cluster=params["name"])
            except errors() as e:
                module.fail_json_aws(e, msg="Failed to delete cluster %s" % params["name"])
        module.exit_json(changed=bool(cluster), cluster={})

    changed = False
    if cluster is None:
        changed = True
        if module.check_mode:
            module.exit_json(changed=True, cluster={})
        request = dict(clusterName=params["name"], settings=settings,
                       capacityProviders=params["capacity_providers"])
        if params["default_capacity_provider_strategy"]:
            request["defaultCapacityProviderStrategy"] = wanted_strategy(params)
        if params["tags"]:
            request["tags"] = ecs_tags(params["tags"])
        try:
            client.create_cluster(aws_retry=True, **request)
        except errors() as e:
            module.fail_json_aws(e, msg="Failed to create cluster %s" % params["name"])
    else:
        arn = cluster["clusterArn"]
        current_settings = dict((s["name"], s["value"]) for s in cluster.get("settings", []))
        try:
            if current_settings.get("containerInsights", "disabled") != params["container_insights"]:
                changed = True
                if not module.check_mode:
                    client.update_cluster(aws_retry=True, cluster=params["name"], settings=settings)
            if (sorted(cluster.get("capacityProviders", [])) != sorted(params["capacity_providers"])
                    or current_strategy(cluster) != wanted_strategy(params)):
                changed = True
                if not module.check_mode:
                    client.put_cluster_capacity_providers(
                        aws_retry=True, cluster=params["name"], capacityProviders=params["capacity_providers"],
                        defaultCapacityProviderStrategy=wanted_strategy(params))
            if params["tags"] is not None:
                current_tags = boto3_tag_list_to_ansible_dict(cluster.get("tags", []), "key", "value")
                to_add, to_remove = compare_aws_tags(current_tags, params["tags"], params["purge_tags"])
                if to_add or to_remove:
                    changed = True
                    if not module.check_mode:
                        if to_remove:
                            client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=to_remove)
                        if to_add:
                            client.tag_resource(aws_retry=True, resourceArn=arn, tags=ecs_tags(to_add))
        except errors() as e:
            module.fail_json_aws(e, msg="Failed to update cluster %s" % params["name"])

    cluster = describe(client, module) or {}
    tags = boto3_tag_list_to_ansible_dict(cluster.pop("tags", []), "key", "value")
    result = camel_dict_to_snake_dict(cluster)
    if result:
        result["tags"] = tags
    module.exit_json(changed=changed, cluster=result)


if __name__ == "__main__":
    main()
