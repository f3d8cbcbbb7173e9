# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each service's own tag calls, for resources the Resource Groups Tagging API does not tag.

TagResources answers such resources in FailedResourcesMap; cost_tags and cost_tag_info then read and
write their tags here: ECR, WAFv2, Route 53, IAM and ELBv2 (the types our platform creates).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.mithran.platform.plugins.module_utils.tag_policy import parse_arn

FALLBACK_SERVICES = ("ecr", "wafv2", "route53", "iam", "elasticloadbalancing")
_IAM_TYPES = {
    "role": ("tag_role", "untag_role", "list_role_tags", "RoleName"),
    "user": ("tag_user", "untag_user", "list_user_tags", "UserName"),
    "instance-profile": ("tag_instance_profile", "untag_instance_profile", "list_instance_profile_tags",
                         "InstanceProfileName"),
    "policy": ("tag_policy", "untag_policy", "list_policy_tags", "PolicyArn"),
}


class FallbackError(Exception):
    pass


class ServiceTagger(object):
    """Reads and writes the tags of one ARN with its own service's API; counts the write calls."""

    def __init__(self, module):
        self.module = module
        self._clients = {}
        self.write_calls = 0

    def handles(self, arn):
        try:
            service = parse_arn(arn)[1]
        except ValueError:
            return False
        if service == "iam":
            return self._iam(arn)[0] in _IAM_TYPES
        return service in FALLBACK_SERVICES

    def _client(self, service, region=None):
        key = (service, region)
        if key not in self._clients:
            extra = {"region": region} if region else {}
            self._clients[key] = self.module.client(service, retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES), **extra)
        return self._clients[key]

    @staticmethod
    def _iam(arn):
        resource = parse_arn(arn)[4]
        rtype, _sep, rest = resource.partition("/")
        return rtype, rest.rsplit("/", 1)[-1]

    def _wafv2_client(self, arn):
        region = parse_arn(arn)[2]
        # Web ACLs of CloudFront (scope global) live in us-east-1.
        if parse_arn(arn)[4].startswith("global/"):
            region = "us-east-1"
        return self._client("wafv2", region)

    def _route53(self, arn):
        rtype, _sep, rid = parse_arn(arn)[4].partition("/")
        return {"hostedzone": "hostedzone", "healthcheck": "healthcheck"}.get(rtype), rid

    def read(self, arn):
        service = parse_arn(arn)[1]
        if service == "ecr":
            tags = self._client("ecr", parse_arn(arn)[2]).list_tags_for_resource(aws_retry=True, resourceArn=arn)["tags"]
            return boto3_tag_list_to_ansible_dict(tags)
        if service == "wafv2":
            info = self._wafv2_client(arn).list_tags_for_resource(aws_retry=True, ResourceARN=arn)
            return boto3_tag_list_to_ansible_dict(info.get("TagInfoForResource", {}).get("TagList", []))
        if service == "route53":
            rtype, rid = self._route53(arn)
            found = self._client("route53").list_tags_for_resource(aws_retry=True, ResourceType=rtype, ResourceId=rid)
            return boto3_tag_list_to_ansible_dict(found["ResourceTagSet"].get("Tags", []))
        if service == "iam":
            rtype, name = self._iam(arn)
            _tag, _untag, list_call, param = _IAM_TYPES[rtype]
            value = arn if param == "PolicyArn" else name
            tags = getattr(self._client("iam"), list_call)(aws_retry=True, **{param: value})["Tags"]
            return boto3_tag_list_to_ansible_dict(tags)
        if service == "elasticloadbalancing":
            found = self._client("elbv2", parse_arn(arn)[2]).describe_tags(aws_retry=True, ResourceArns=[arn])
            descriptions = found.get("TagDescriptions", [])
            return boto3_tag_list_to_ansible_dict(descriptions[0].get("Tags", [])) if descriptions else {}
        raise FallbackError("no tag call for %s" % arn)

    def tag(self, arn, tags):
        if not tags:
            return
        service = parse_arn(arn)[1]
        boto_tags = ansible_dict_to_boto3_tag_list(tags)
        self.write_calls += 1
        if service == "ecr":
            self._client("ecr", parse_arn(arn)[2]).tag_resource(aws_retry=True, resourceArn=arn, tags=boto_tags)
        elif service == "wafv2":
            self._wafv2_client(arn).tag_resource(aws_retry=True, ResourceARN=arn, Tags=boto_tags)
        elif service == "route53":
            rtype, rid = self._route53(arn)
            self._client("route53").change_tags_for_resource(aws_retry=True, ResourceType=rtype, ResourceId=rid,
                                                             AddTags=boto_tags)
        elif service == "iam":
            rtype, name = self._iam(arn)
            tag_call, _untag, _list, param = _IAM_TYPES[rtype]
            getattr(self._client("iam"), tag_call)(aws_retry=True, Tags=boto_tags,
                                                   **{param: arn if param == "PolicyArn" else name})
        elif service == "elasticloadbalancing":
            self._client("elbv2", parse_arn(arn)[2]).add_tags(aws_retry=True, ResourceArns=[arn], Tags=boto_tags)
        else:
            raise FallbackError("no tag call for %s" % arn)

    def untag(self, arn, keys):
        if not keys:
            return
        keys = list(keys)
        service = parse_arn(arn)[1]
        self.write_calls += 1
        if service == "ecr":
            self._client("ecr", parse_arn(arn)[2]).untag_resource(aws_retry=True, resourceArn=arn, tagKeys=keys)
        elif service == "wafv2":
            self._wafv2_client(arn).untag_resource(aws_retry=True, ResourceARN=arn, TagKeys=keys)
        elif service == "route53":
            rtype, rid = self._route53(arn)
            self._client("route53").change_tags_for_resource(aws_retry=True, ResourceType=rtype, ResourceId=rid,
                                                             RemoveTagKeys=keys)
        elif service == "iam":
            rtype, name = self._iam(arn)
            _tag, untag_call, _list, param = _IAM_TYPES[rtype]
            getattr(self._client("iam"), untag_call)(aws_retry=True, TagKeys=keys,
                                                     **{param: arn if param == "PolicyArn" else name})
        elif service == "elasticloadbalancing":
            self._client("elbv2", parse_arn(arn)[2]).remove_tags(aws_retry=True, ResourceArns=[arn], TagKeys=keys)
        else:
            raise FallbackError("no untag call for %s" % arn)


def tag_filter_list(tag_filters):
    """{'Project': 'mithran', 'Service': ['a', 'b']} -> GetResources TagFilters."""
    result = []
    for key, values in sorted((tag_filters or {}).items()):
        if values is None or values == []:
            result.append({"Key": key})
        else:
            result.append({"Key": key, "Values": [str(v) for v in (values if isinstance(values, list) else [values])]})
    return result


# A listing whose page token expired starts again from its first page, at most this many times.
LISTING_RESTARTS = 3


def discover(client, tag_filters=None, resource_type_filters=None):
    """Every resource GetResources lists for the filters (all pages): {arn: tags}.

    A page token that has expired (PaginationTokenExpiredException: AWS keeps them for 15 minutes, and some
    implementations for one request only, so that a page request sent again after a lost answer finds it
    gone: known gaps, in docs/) restarts the listing from its first page."""
    first = {"ResourcesPerPage": 100}
    if tag_filters:
        first["TagFilters"] = tag_filter_list(tag_filters)
    if resource_type_filters:
        first["ResourceTypeFilters"] = list(resource_type_filters)
    for restart in range(LISTING_RESTARTS + 1):
        request, found = dict(first), {}
        try:
            while True:
                page = client.get_resources(aws_retry=True, **request)
                for item in page.get("ResourceTagMappingList", []):
                    found[item["ResourceARN"]] = boto3_tag_list_to_ansible_dict(item.get("Tags", []))
                token = page.get("PaginationToken")
                if not token:
                    return found
                request["PaginationToken"] = token
        except is_boto3_error_code("PaginationTokenExpiredException"):
            if restart == LISTING_RESTARTS:
                raise


def read_tags(client, arns, tagger):
    """The tags of explicit ARNs: GetResources by ARN (100 a call), then each service's own call for the
    ARNs that API did not answer (types it does not handle). Never-tagged resources read as {}."""
    found = {}
    arns = list(dict.fromkeys(arns))
    for start in range(0, len(arns), 100):
        page = client.get_resources(aws_retry=True, ResourceARNList=arns[start:start + 100])
        for item in page.get("ResourceTagMappingList", []):
            found[item["ResourceARN"]] = boto3_tag_list_to_ansible_dict(item.get("Tags", []))
    methods = {}
    for arn in arns:
        if arn in found:
            methods[arn] = "tagging_api"
        elif tagger.handles(arn):
            found[arn] = tagger.read(arn)
            methods[arn] = parse_arn(arn)[1]
        else:
            found[arn] = {}
            methods[arn] = "tagging_api"
    return found, methods
