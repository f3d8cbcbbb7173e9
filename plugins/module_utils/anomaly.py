# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared calls of the Cost Anomaly Detection modules (Cost Explorer API)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)


def all_monitors(client):
    found, request = [], {"MaxResults": 100}
    while True:
        page = client.get_anomaly_monitors(aws_retry=True, **request)
        found.extend(page.get("AnomalyMonitors", []))
        if not page.get("NextPageToken"):
            return found
        request["NextPageToken"] = page["NextPageToken"]


def all_subscriptions(client):
    found, request = [], {"MaxResults": 100}
    while True:
        page = client.get_anomaly_subscriptions(aws_retry=True, **request)
        found.extend(page.get("AnomalySubscriptions", []))
        if not page.get("NextPageToken"):
            return found
        request["NextPageToken"] = page["NextPageToken"]


def sync_tags(client, arn, tags, purge, check_mode):
    """Make the resource's tags match; returns (changed, tags after)."""
    current = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, ResourceArn=arn).get("ResourceTags", []))
    to_add, to_remove = compare_aws_tags(current, tags, purge)
    if (to_add or to_remove) and not check_mode:
        if to_remove:
            client.untag_resource(aws_retry=True, ResourceArn=arn, ResourceTagKeys=sorted(to_remove))
        if to_add:
            client.tag_resource(aws_retry=True, ResourceArn=arn, ResourceTags=ansible_dict_to_boto3_tag_list(dict(sorted(to_add.items()))))
    after = dict((k, v) for k, v in current.items() if k not in to_remove)
    after.update(to_add)
    return bool(to_add or to_remove), after
