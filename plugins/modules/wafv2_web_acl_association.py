#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: wafv2_web_acl_association
short_description: Associate a regional WAFv2 web ACL with one resource
version_added: 0.1.0
description:
  - Associates a regional WAFv2 web ACL with one resource (an application load balancer, an API Gateway
    stage, ...) or removes the association.
  - The current association is read from the resource's side with GetWebACLForResource, so the module
    needs neither ListResourcesForWebACL nor the web ACL's lock token.
  - A resource has at most one web ACL; associating another one replaces it.
  - M(community.aws.wafv2_resources) lists the web ACL's resources with ListResourcesForWebACL, which
    some AWS-compatible endpoints do not implement; this module does not depend on it.
  - Web ACLs of CloudFront distributions are set on the distribution itself (its C(WebACLId)), not here.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description:
      - C(present) associates O(web_acl_arn) with O(resource_arn).
      - C(absent) removes the resource's association (only when it is O(web_acl_arn), if given).
    type: str
    choices: [present, absent]
    default: present
  resource_arn:
    description: The ARN of the resource.
    type: str
    required: true
  web_acl_arn:
    description: The ARN of the regional web ACL. Required when O(state=present).
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Protect the ALB with the web ACL
  mithran.platform.wafv2_web_acl_association:
    resource_arn: "{{ alb.load_balancer.load_balancer_arn }}"
    web_acl_arn: "{{ acl.arn }}"

- name: Remove the ALB's web ACL
  mithran.platform.wafv2_web_acl_association:
    resource_arn: "{{ alb.load_balancer.load_balancer_arn }}"
    state: absent
"""

RETURN = r"""
web_acl_arn:
  description: The ARN of the web ACL associated with the resource after the run; empty when none.
  returned: always
  type: str
  sample: arn:aws:wafv2:us-west-2:123456789012:regional/webacl/mithran-waf/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111
resource_arn:
  description: The resource.
  returned: always
  type: str
  sample: arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/mithran-alb/50dc6c495c0c9188
"""

import re

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

ARN_RE = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$")
ACL_RE = re.compile(r"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional/webacl/[^/]+/[^/]+$")


def validate(module):
    params = module.params
    if not ARN_RE.match(params["resource_arn"] or ""):
        module.fail_json(msg="resource_arn must be the ARN of a resource, got %r" % params["resource_arn"])
    if params["state"] == "present" and not params["web_acl_arn"]:
        module.fail_json(msg="web_acl_arn is required when state is present")
    if params["web_acl_arn"] and not ACL_RE.match(params["web_acl_arn"]):
        module.fail_json(msg="web_acl_arn must be the ARN of a regional WAFv2 web ACL "
                             "(arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>), got %r"
                         % params["web_acl_arn"])


def current_acl(client, module):
    try:
        response = client.get_web_acl_for_resource(aws_retry=True, ResourceArn=module.params["resource_arn"])
    except is_boto3_error_code("WAFNonexistentItemException"):
        return ""
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to read the web ACL of %s" % module.params["resource_arn"])
    return (response.get("WebACL") or {}).get("ARN", "")


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        resource_arn=dict(type="str", required=True),
        web_acl_arn=dict(type="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    client = module.client("wafv2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))

    current = current_acl(client, module)
    if params["state"] == "present":
        if current == params["web_acl_arn"]:
            module.exit_json(changed=False, web_acl_arn=current, resource_arn=params["resource_arn"])
        if not module.check_mode:
            try:
                client.associate_web_acl(aws_retry=True, WebACLArn=params["web_acl_arn"],
                                         ResourceArn=params["resource_arn"])
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(e, msg="Failed to associate %s with %s"
                                     % (params["web_acl_arn"], params["resource_arn"]))
        module.exit_json(changed=True, web_acl_arn=params["web_acl_arn"], resource_arn=params["resource_arn"])

    if not current or (params["web_acl_arn"] and current != params["web_acl_arn"]):
        module.exit_json(changed=False, web_acl_arn=current, resource_arn=params["resource_arn"])
    if not module.check_mode:
        try:
            client.disassociate_web_acl(aws_retry=True, ResourceArn=params["resource_arn"])
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to remove the web ACL of %s" % params["resource_arn"])
    module.exit_json(changed=True, web_acl_arn="", resource_arn=params["resource_arn"])


if __name__ == "__main__":
    main()
