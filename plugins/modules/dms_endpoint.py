#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dms_endpoint
short_description: Manage an AWS DMS endpoint whose credentials live in Secrets Manager
version_added: 0.1.0
description:
  - Creates, modifies or deletes one AWS Database Migration Service source or target endpoint, found by its
    identifier.
  - Credentials are never passed to this module; the endpoint reads them from a Secrets Manager secret
    (O(secrets_manager_secret_id)) through an IAM role that DMS assumes (O(secrets_manager_access_role_arn)).
  - With O(require_ssl=true) an endpoint whose O(ssl_mode) is C(none) is refused before any AWS call.
  - Replaces community.aws.dms_endpoint, which passes C(wait) into CreateEndpoint and fails on C(tags).
author:
  - Mithran platform team (@mithran-platform)
options:
  identifier:
    description: The endpoint identifier.
    type: str
    required: true
  state:
    description: Whether the endpoint should exist.
    type: str
    choices: [present, absent]
    default: present
  endpoint_type:
    description: Whether DMS reads from (source) or writes to (target) this endpoint. Required when present.
    type: str
    choices: [source, target]
  engine_name:
    description: The database engine. Required when present.
    type: str
    choices: [postgres, aurora-postgresql, mysql, aurora, mariadb, oracle, sqlserver]
  server_name:
    description: The host name of the database; taken from the secret when omitted.
    type: str
  port:
    description: The port of the database; taken from the secret when omitted.
    type: int
  database_name:
    description: The database to migrate.
    type: str
  ssl_mode:
    description: How DMS encrypts the connection.
    type: str
    choices: [none, require, verify-ca, verify-full]
    default: require
  require_ssl:
    description:
      - Refuse O(ssl_mode=none). Roles set it for every target and for production sources.
    type: bool
    default: false
  certificate_arn:
    description: The DMS certificate used with O(ssl_mode=verify-ca) or O(ssl_mode=verify-full).
    type: str
  secrets_manager_secret_id:
    description:
      - The ARN of the Secrets Manager secret that holds C(username), C(password), C(host) and C(port).
      - Required when present.
    type: str
  secrets_manager_access_role_arn:
    description: The IAM role DMS assumes to read the secret. Required when present.
    type: str
  extra_connection_attributes:
    description: Extra connection attributes, C(key=value;key=value).
    type: str
  engine_settings:
    description:
      - More engine settings (the C(PostgreSQLSettings), C(MySQLSettings), ... of the API, in CamelCase),
        merged with the Secrets Manager settings.
    type: dict
  kms_key_id:
    description: The KMS key that encrypts the connection parameters. Cannot be changed later.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The on-premises PostgreSQL as the source, SSL required
  mithran.platform.dms_endpoint:
    identifier: mithran-source
    endpoint_type: source
    engine_name: postgres
    server_name: db.onprem.example.com
    port: 5432
    database_name: mithran
    ssl_mode: require
    require_ssl: true
    secrets_manager_secret_id: arn:aws:secretsmanager:us-west-2:123456789012:secret:mithran/onprem-db-AbCdEf
    secrets_manager_access_role_arn: arn:aws:iam::123456789012:role/mithran-dms-secrets
    tags:
      Service: migration
"""

RETURN = r"""
endpoint:
  description: The endpoint as DescribeEndpoints returns it, in snake_case, with its tags. Empty when absent.
  returned: always
  type: dict
  contains:
    endpoint_identifier:
      description: The identifier.
      type: str
      sample: mithran-source
    endpoint_arn:
      description: The ARN.
      type: str
      sample: arn:aws:dms:us-west-2:123456789012:endpoint:ABCDEFG
    endpoint_type:
      description: C(SOURCE) or C(TARGET).
      type: str
      sample: SOURCE
    ssl_mode:
      description: The SSL mode.
      type: str
      sample: require
    tags:
      description: Its tags as a dictionary.
      type: dict
      sample: {"Service": "migration"}
"""

import re

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

from ansible_collections.mithran.platform.plugins.module_utils.dms import (
    boto3_tags,
    ensure_tags,
    get_tags,
    settings_differ,
)

SETTINGS_KEY = {
    "postgres": "PostgreSQLSettings",
    "aurora-postgresql": "PostgreSQLSettings",
    "mysql": "MySQLSettings",
    "aurora": "MySQLSettings",
    "mariadb": "MySQLSettings",
    "oracle": "OracleSettings",
    "sqlserver": "MicrosoftSQLServerSettings",
}
IDENTIFIER = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,254}(?<!-)$")
SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$")


def describe(client, identifier):
    try:
        found = client.describe_endpoints(
            aws_retry=True, Filters=[{"Name": "endpoint-id", "Values": [identifier]}])["Endpoints"]
    except is_boto3_error_code("ResourceNotFoundFault"):
        return None
    return found[0] if found else None


def validate(module):
    p = module.params
    if not IDENTIFIER.match(p["identifier"]):
        module.fail_json(msg="identifier %r is not a valid endpoint identifier (letters, digits and hyphens, "
                         "starting with a letter, no trailing or double hyphen)" % p["identifier"])
    if p["state"] != "present":
        return
    for key in ("endpoint_type", "engine_name", "secrets_manager_secret_id", "secrets_manager_access_role_arn"):
        if not p[key]:
            module.fail_json(msg="%s is required when state is present (endpoint %s)" % (key, p["identifier"]))
    if p["require_ssl"] and p["ssl_mode"] == "none":
        module.fail_json(msg="%s endpoint %s: ssl_mode none is refused because require_ssl is true; use require, "
                         "verify-ca or verify-full" % (p["endpoint_type"], p["identifier"]))
    if p["ssl_mode"] in ("verify-ca", "verify-full") and not p["certificate_arn"]:
        module.fail_json(msg="ssl_mode %s needs certificate_arn (endpoint %s)" % (p["ssl_mode"], p["identifier"]))
    if not SECRET_ARN.match(p["secrets_manager_secret_id"]):
        module.fail_json(msg="secrets_manager_secret_id must be the ARN of a Secrets Manager secret, got %r"
                         % p["secrets_manager_secret_id"])
    if not ROLE_ARN.match(p["secrets_manager_access_role_arn"]):
        module.fail_json(msg="secrets_manager_access_role_arn must be an IAM role ARN, got %r"
                         % p["secrets_manager_access_role_arn"])
    if p["port"] is not None and not 1 <= p["port"] <= 65535:
        module.fail_json(msg="port must be between 1 and 65535, got %d" % p["port"])
    for key in ("Username", "Password"):
        if key in (p["engine_settings"] or {}):
            module.fail_json(msg="engine_settings.%s is refused: credentials come from secrets_manager_secret_id" % key)


def wanted_settings(p):
    settings = dict(p["engine_settings"] or {})
    settings["SecretsManagerSecretId"] = p["secrets_manager_secret_id"]
    settings["SecretsManagerAccessRoleArn"] = p["secrets_manager_access_role_arn"]
    return settings


def wanted_attributes(p):
    """The top-level attributes we manage, as the API names them; None means 'leave as is'."""
    attributes = {
        "EngineName": p["engine_name"],
        "SslMode": p["ssl_mode"],
        "ServerName": p["server_name"],
        "Port": p["port"],
        "DatabaseName": p["database_name"],
        "CertificateArn": p["certificate_arn"],
        "ExtraConnectionAttributes": p["extra_connection_attributes"],
    }
    return dict((k, v) for k, v in attributes.items() if v is not None)


def differences(p, current):
    changes = {}
    for key, value in wanted_attributes(p).items():
        if current.get(key) != value:
            changes[key] = value
    settings_key = SETTINGS_KEY[p["engine_name"]]
    settings = wanted_settings(p)
    if settings_differ(settings, current.get(settings_key) or {}):
        changes[settings_key] = settings
    return changes


def main():
    argument_spec = dict(
        identifier=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        endpoint_type=dict(type="str", choices=["source", "target"]),
        engine_name=dict(type="str", choices=sorted(SETTINGS_KEY)),
        server_name=dict(type="str"),
        port=dict(type="int"),
        database_name=dict(type="str"),
        ssl_mode=dict(type="str", choices=["none", "require", "verify-ca", "verify-full"], default="require"),
        require_ssl=dict(type="bool", default=False),
        certificate_arn=dict(type="str"),
        secrets_manager_secret_id=dict(type="str", no_log=False),
        secrets_manager_access_role_arn=dict(type="str", no_log=False),
        extra_connection_attributes=dict(type="str"),
        engine_settings=dict(type="dict"),
        kms_key_id=dict(type="str", no_log=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    p = module.params
    client = module.client("dms", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))

    try:
        current = describe(client, p["identifier"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to describe endpoint %s" % p["identifier"])

    if p["state"] == "absent":
        if current is None:
            module.exit_json(changed=False, endpoint={})
        if not module.check_mode:
            try:
                client.delete_endpoint(aws_retry=True, EndpointArn=current["EndpointArn"])
            except is_boto3_error_code("ResourceNotFoundFault"):
                pass
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                module.fail_json_aws(e, msg="Failed to delete endpoint %s (is a task still using it?)" % p["identifier"])
        module.exit_json(changed=True, endpoint={})

    changed = False
    if current is None:
        if module.check_mode:
            module.exit_json(changed=True, endpoint={})
        request = dict(EndpointIdentifier=p["identifier"], EndpointType=p["endpoint_type"], **wanted_attributes(p))
        request[SETTINGS_KEY[p["engine_name"]]] = wanted_settings(p)
        if p["kms_key_id"]:
            request["KmsKeyId"] = p["kms_key_id"]
        if p["tags"]:
            request["Tags"] = boto3_tags(p["tags"])
        try:
            current = client.create_endpoint(aws_retry=True, **request)["Endpoint"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to create endpoint %s" % p["identifier"])
        changed = True
    else:
        if current.get("EndpointType", "").lower() != p["endpoint_type"]:
            module.fail_json(msg="endpoint %s is a %s endpoint; endpoint_type %s cannot be changed in place"
                             % (p["identifier"], current.get("EndpointType", "").lower(), p["endpoint_type"]))
        changes = differences(p, current)
        if changes:
            changed = True
            if not module.check_mode:
                try:
                    current = client.modify_endpoint(aws_retry=True, EndpointArn=current["EndpointArn"],
                                                     **changes)["Endpoint"]
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                    module.fail_json_aws(e, msg="Failed to modify endpoint %s" % p["identifier"])
        changed |= ensure_tags(client, module, current["EndpointArn"], p["tags"], p["purge_tags"])

    result = camel_dict_to_snake_dict(describe(client, p["identifier"]) or current)
    result["tags"] = get_tags(client, current["EndpointArn"])
    module.exit_json(changed=changed, endpoint=result)


if __name__ == "__main__":
    main()
