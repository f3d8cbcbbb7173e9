#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dms_test_connection
short_description: Test the connection from a DMS replication instance to an endpoint
version_added: 0.1.0
description:
  - Runs TestConnection from one replication instance to one endpoint and waits for the result; fails,
    with DMS's failure message, when the connection cannot be made.
  - A pair whose last test succeeded is not tested again unless O(retest=true), so a rerun changes nothing.
  - Never reports a change (a connection test changes no configuration). In check mode it only reports the
    last known result.
author:
  - Mithran platform team (@mithran-platform)
options:
  replication_instance:
    description: The identifier or ARN of the replication instance.
    type: str
    required: true
  endpoint:
    description: The identifier or ARN of the endpoint.
    type: str
    required: true
  retest:
    description: Test again even when the last test of this pair succeeded.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for the test to finish.
    type: int
    default: 600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Can the replication instance reach the source database?
  mithran.platform.dms_test_connection:
    replication_instance: mithran-migration
    endpoint: mithran-source
"""

RETURN = r"""
connection:
  description: The connection as DescribeConnections returns it, in snake_case.
  returned: always
  type: dict
  contains:
    status:
      description: C(successful), C(failed), C(testing) or C(deleting); empty in check mode before any test.
      type: str
      sample: successful
    last_failure_message:
      description: Why the last test failed.
      type: str
      sample: ""
    endpoint_identifier:
      description: The endpoint.
      type: str
      sample: mithran-source
    replication_instance_identifier:
      description: The replication instance.
      type: str
      sample: mithran-migration
tested:
  description: Whether this run started a test.
  returned: always
  type: bool
  sample: true
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

from ansible_collections.mithran.platform.plugins.module_utils.dms import WaitFailed, WaitTimeout, wait_for


def resolve(client, module, kind, value):
    if value.startswith("arn:"):
        return value
    try:
        if kind == "replication instance":
            found = client.describe_replication_instances(
                aws_retry=True, Filters=[{"Name": "replication-instance-id", "Values": [value]}])["ReplicationInstances"]
            arns = [i["ReplicationInstanceArn"] for i in found]
        else:
            found = client.describe_endpoints(
                aws_retry=True, Filters=[{"Name": "endpoint-id", "Values": [value]}])["Endpoints"]
            arns = [e["EndpointArn"] for e in found]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to look up %s %s" % (kind, value))
    if not arns:
        module.fail_json(msg="%s %s does not exist" % (kind, value))
    return arns[0]


def find_connection(client, instance_arn, endpoint_arn):
    found = client.describe_connections(
        aws_retry=True, Filters=[{"Name": "endpoint-arn", "Values": [endpoint_arn]},
                                 {"Name": "replication-instance-arn", "Values": [instance_arn]}])["Connections"]
    # Filter here too: the pair must match on both sides.
    found = [c for c in found if c.get("EndpointArn") == endpoint_arn and c.get("ReplicationInstanceArn") == instance_arn]
    return found[0] if found else None


def main():
    argument_spec = dict(
        replication_instance=dict(type="str", required=True),
        endpoint=dict(type="str", required=True),
        retest=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=600),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    if p["wait_timeout"] <= 0:
        module.fail_json(msg="wait_timeout must be positive, got %d" % p["wait_timeout"])
    client = module.client("dms", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    instance_arn = resolve(client, module, "replication instance", p["replication_instance"])
    endpoint_arn = resolve(client, module, "endpoint", p["endpoint"])

    try:
        connection = find_connection(client, instance_arn, endpoint_arn)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to describe connections of %s" % p["endpoint"])

    tested = False
    if module.check_mode:
        module.exit_json(changed=False, tested=False, connection=camel_dict_to_snake_dict(connection or {}))
    if connection is None or p["retest"] or connection.get("Status") not in ("successful", "testing"):
        try:
            client.test_connection(aws_retry=True, ReplicationInstanceArn=instance_arn, EndpointArn=endpoint_arn)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to start the connection test of %s from %s"
                                 % (p["endpoint"], p["replication_instance"]))
        tested = True

    def failed(conn):
        if conn and conn.get("Status") == "failed":
            return "connection test failed: %s" % (conn.get("LastFailureMessage") or "no message")
        return None

    try:
        connection = wait_for(lambda: find_connection(client, instance_arn, endpoint_arn),
                              lambda c: bool(c) and c.get("Status") == "successful", failed,
                              timeout=p["wait_timeout"], delay=5,
                              what="the connection test of %s from %s" % (p["endpoint"], p["replication_instance"]),
                              state=lambda c: "status %s" % c.get("Status"))
    except (WaitFailed, WaitTimeout) as e:
        module.fail_json(msg=str(e), tested=tested)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed while waiting for the connection test of %s" % p["endpoint"])
    module.exit_json(changed=False, tested=tested, connection=camel_dict_to_snake_dict(connection))


if __name__ == "__main__":
    main()
