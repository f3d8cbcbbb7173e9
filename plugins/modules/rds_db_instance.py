#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: rds_db_instance
short_description: Manage an RDS DB instance whose master password RDS keeps in Secrets Manager
version_added: 0.1.0
description:
  - Creates, modifies or deletes one RDS DB instance (PostgreSQL).
  - The master password is always managed by RDS in Secrets Manager (C(ManageMasterUserPassword));
    this module has no password option, so no password ever passes through a playbook or inventory.
  - A rerun compares only the settings this module manages, with pending modifications counted as
    done, and modifies only what differs, so it is a no-op when nothing changed. Settings AWS does not
    report are not compared.
  - Settings AWS cannot change on an existing instance (engine, storage encryption, its KMS key, the
    master user name, the database name) fail the task with the difference; storage never shrinks.
  - Engine version, instance class and storage are checked against the catalogue in
    C(plugins/module_utils/rds_catalogue.py) before any API call.
  - amazon.aws.rds_instance has no ManageMasterUserPassword and compares fields it does not manage.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description: Whether the instance should exist.
    type: str
    choices: [present, absent]
    default: present
  db_instance_identifier:
    description: The instance identifier (1-63 letters, digits and hyphens, starting with a letter).
    type: str
    required: true
    aliases: [id]
  engine:
    description: The engine.
    type: str
    choices: [postgres]
    default: postgres
  engine_version:
    description: The engine version, for example C(16.4), or a major version such as C(16).
    type: str
  allow_major_version_upgrade:
    description: Allow O(engine_version) to name a higher major version than the instance runs.
    type: bool
    default: false
  db_instance_class:
    description: The instance class, for example C(db.t3.large). Required when O(state=present).
    type: str
  allocated_storage:
    description: Storage in GiB. Required when O(state=present). It only ever grows.
    type: int
  max_allocated_storage:
    description: The storage autoscaling ceiling in GiB, above O(allocated_storage); C(0) turns autoscaling off.
    type: int
  storage_type:
    description: The storage type.
    type: str
    choices: [gp2, gp3, io1, io2, standard]
    default: gp3
  iops:
    description: Provisioned IOPS (io1, io2, or gp3 at 400 GiB and more). Not compared when omitted.
    type: int
  storage_throughput:
    description: gp3 throughput in MiB/s (gp3 at 400 GiB and more). Not compared when omitted.
    type: int
  storage_encrypted:
    description: Encrypt the storage.
    type: bool
    default: true
  kms_key_id:
    description: The KMS key (ARN) of storage encryption, Performance Insights and the master secret.
    type: str
  master_username:
    description: The master user name (set on create).
    type: str
    default: postgres
  master_user_secret_kms_key_id:
    description: The KMS key of the Secrets Manager secret with the master password; the AWS managed key when omitted.
    type: str
  db_name:
    description: The name of the database created with the instance.
    type: str
  port:
    description: The port.
    type: int
    default: 5432
  multi_az:
    description: Keep a standby in another Availability Zone. Needs a subnet group that spans two or more zones.
    type: bool
    default: false
  db_subnet_group_name:
    description: The DB subnet group.
    type: str
  vpc_security_group_ids:
    description: The VPC security groups.
    type: list
    elements: str
  db_parameter_group_name:
    description: The DB parameter group.
    type: str
  backup_retention_period:
    description: Days automated backups are kept (0-35).
    type: int
    default: 7
  preferred_backup_window:
    description: The daily backup window, C(hh24:mi-hh24:mi) in UTC, at least 30 minutes.
    type: str
  preferred_maintenance_window:
    description: The weekly maintenance window, C(ddd:hh24:mi-ddd:hh24:mi) in UTC.
    type: str
  deletion_protection:
    description: Refuse deletion.
    type: bool
    default: false
  copy_tags_to_snapshot:
    description: Copy the instance's tags to its snapshots.
    type: bool
    default: true
  enable_performance_insights:
    description: Turn Performance Insights on.
    type: bool
    default: false
  performance_insights_retention_period:
    description: Days Performance Insights data is kept (7, or a multiple of 31 up to 731).
    type: int
  enable_cloudwatch_logs_exports:
    description: The log types exported to CloudWatch Logs (for PostgreSQL C(postgresql), C(upgrade)).
    type: list
    elements: str
  auto_minor_version_upgrade:
    description: Apply minor engine upgrades in the maintenance window.
    type: bool
    default: true
  publicly_accessible:
    description: Give the instance a public address.
    type: bool
    default: false
  apply_immediately:
    description: Apply modifications now instead of in the next maintenance window.
    type: bool
    default: false
  disable_deletion_protection:
    description:
      - On O(state=absent), turn deletion protection off before deleting. Without it an instance with
        deletion protection fails the task.
    type: bool
    default: false
  skip_final_snapshot:
    description: On O(state=absent), delete without a final snapshot.
    type: bool
    default: false
  final_snapshot_identifier:
    description: On O(state=absent), the name of the final snapshot. Defaults to C(<identifier>-final).
    type: str
  wait:
    description: Wait until the instance is available (or deleted).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 3600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: PostgreSQL 16 for the medium profile
  mithran.platform.rds_db_instance:
    db_instance_identifier: mithran-db
    engine_version: "16.4"
    db_instance_class: db.t3.large
    allocated_storage: 500
    max_allocated_storage: 1000
    storage_type: gp3
    kms_key_id: "{{ database_key_arn }}"
    master_username: mithran
    multi_az: true
    db_subnet_group_name: mithran-db
    vpc_security_group_ids: ["{{ db_sg_id }}"]
    db_parameter_group_name: mithran-db-postgres16
    backup_retention_period: 7
    preferred_backup_window: "03:00-03:30"
    preferred_maintenance_window: "sun:04:00-sun:05:00"
    deletion_protection: true
    enable_performance_insights: true
    enable_cloudwatch_logs_exports: [postgresql, upgrade]
    tags:
      Service: database

- name: Delete it, keeping a final snapshot
  mithran.platform.rds_db_instance:
    db_instance_identifier: mithran-db
    state: absent
"""

RETURN = r"""
db_instance:
  description: The instance as DescribeDBInstances returns it, in snake_case, with C(tags) as a dictionary. Empty when absent.
  returned: always
  type: dict
  contains:
    db_instance_identifier:
      description: The identifier.
      type: str
      sample: mithran-db
    db_instance_status:
      description: The status.
      type: str
      sample: available
    endpoint:
      description: Address and port.
      type: dict
      sample: {"address": "mithran-db.abc.us-west-2.rds.amazonaws.com", "port": 5432}
    master_user_secret:
      description: The Secrets Manager secret RDS keeps the master password in (its ARN, never the password).
      type: dict
      sample: {"secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-1234", "secret_status": "active"}
    tags:
      description: The instance's tags.
      type: dict
      sample: {"Service": "database"}
modified:
  description: The ModifyDBInstance parameters sent to bring an existing instance in line.
  returned: when the instance existed
  type: list
  elements: str
  sample: ["BackupRetentionPeriod"]
"""

import re

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mithran.platform.plugins.module_utils.waiters import wait_with_waiter
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

from ansible_collections.mithran.platform.plugins.module_utils.rds_catalogue import (
    engine_version_problems,
    instance_class_problems,
    storage_problems,
    version_tuple,
)

_ID = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$")
_WEEKLY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$")
_DAILY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_USER = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]{0,62}$")
_LOG_TYPES = {"postgres": ("postgresql", "upgrade", "iam-db-auth-error")}
NOT_FOUND = "DBInstanceNotFound"


def validate(module):
    p = module.params
    if not _ID.match(p["db_instance_identifier"] or ""):
        module.fail_json(msg="db_instance_identifier %r must be 1-63 letters, digits and hyphens, start with a letter, "
                             "and have no two consecutive hyphens or a trailing hyphen" % p["db_instance_identifier"])
    if p["state"] != "present":
        return
    for key in ("engine_version", "db_instance_class", "allocated_storage"):
        if p[key] is None:
            module.fail_json(msg="%s is required when state is present" % key)
    problems = engine_version_problems(p["engine"], p["engine_version"])
    problems += instance_class_problems(p["engine"], p["db_instance_class"])
    problems += storage_problems(p["storage_type"], p["allocated_storage"], p["max_allocated_storage"])
    if problems:
        module.fail_json(msg="; ".join(problems))
    if not 0 <= p["backup_retention_period"] <= 35:
        module.fail_json(msg="backup_retention_period must be between 0 and 35, got %d" % p["backup_retention_period"])
    if p["preferred_maintenance_window"] and not _WEEKLY.match(p["preferred_maintenance_window"]):
        module.fail_json(msg="preferred_maintenance_window %r must look like sun:04:00-sun:05:00"
                         % p["preferred_maintenance_window"])
    if p["preferred_backup_window"]:
        match = _DAILY.match(p["preferred_backup_window"])
        if not match:
            module.fail_json(msg="preferred_backup_window %r must look like 03:00-03:30" % p["preferred_backup_window"])
        start = int(match.group(1)) * 60 + int(match.group(2))
        end = int(match.group(3)) * 60 + int(match.group(4))
        if (end - start) % 1440 < 30:
            module.fail_json(msg="preferred_backup_window %r must be at least 30 minutes" % p["preferred_backup_window"])
    if p["kms_key_id"] and not p["storage_encrypted"]:
        module.fail_json(msg="kms_key_id requires storage_encrypted")
    if (p["iops"] is not None or p["storage_throughput"] is not None) and p["storage_type"] not in ("gp3", "io1", "io2"):
        module.fail_json(msg="iops and storage_throughput need storage_type gp3, io1 or io2 (it is %s)" % p["storage_type"])
    if p["storage_type"] == "gp3" and (p["iops"] is not None or p["storage_throughput"] is not None) \
            and p["allocated_storage"] < 400:
        module.fail_json(msg="gp3 iops and storage_throughput can only be set from 400 GiB of allocated_storage (it is %d)"
                         % p["allocated_storage"])
    retention = p["performance_insights_retention_period"]
    if retention is not None and not (retention == 7 or (retention % 31 == 0 and 31 <= retention <= 731)):
        module.fail_json(msg="performance_insights_retention_period must be 7 or a multiple of 31 up to 731, got %d"
                         % retention)
    for log_type in p["enable_cloudwatch_logs_exports"] or []:
        if log_type not in _LOG_TYPES[p["engine"]]:
            module.fail_json(msg="enable_cloudwatch_logs_exports: %r is not a %s log type (%s)"
                             % (log_type, p["engine"], ", ".join(_LOG_TYPES[p["engine"]])))
    if not _USER.match(p["master_username"] or ""):
        module.fail_json(msg="master_username %r must be 1-63 letters, digits or underscores, starting with a letter"
                         % p["master_username"])
    if p["db_name"] is not None and not _USER.match(p["db_name"]):
        module.fail_json(msg="db_name %r must be 1-63 letters, digits or underscores, starting with a letter" % p["db_name"])


def describe(client, module):
    try:
        found = client.describe_db_instances(aws_retry=True, DBInstanceIdentifier=module.params["db_instance_identifier"])
    except is_boto3_error_code(NOT_FOUND):
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to describe DB instance %s" % module.params["db_instance_identifier"])
    instances = found.get("DBInstances", [])
    return instances[0] if instances else None


def check_subnet_group_zones(client, module):
    """Multi-AZ needs subnets in two or more zones: fail before creating anything."""
    p = module.params
    if not (p["multi_az"] and p["db_subnet_group_name"]):
        return
    try:
        groups = client.describe_db_subnet_groups(aws_retry=True, DBSubnetGroupName=p["db_subnet_group_name"])
    except is_boto3_error_code("DBSubnetGroupNotFoundFault"):
        if module.check_mode:
            return  # a check run before the subnet group exists cannot tell
        module.fail_json(msg="db_subnet_group_name %s does not exist" % p["db_subnet_group_name"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to describe DB subnet group %s" % p["db_subnet_group_name"])
    zones = set()
    for group in groups.get("DBSubnetGroups", []):
        for subnet in group.get("Subnets", []):
            zones.add(subnet.get("SubnetAvailabilityZone", {}).get("Name"))
    if len(zones) < 2:
        module.fail_json(msg="multi_az needs db_subnet_group_name %s to span two or more Availability Zones; its subnets "
                             "are in %s" % (p["db_subnet_group_name"], ", ".join(sorted(z for z in zones if z)) or "none"))


def wait_for(client, module, waiter_name):
    wait_with_waiter(client, module, waiter_name, 30, "DB instance %s" % module.params["db_instance_identifier"],
                     DBInstanceIdentifier=module.params["db_instance_identifier"])


def create(client, module):
    p = module.params
    request = {
        "DBInstanceIdentifier": p["db_instance_identifier"],
        "Engine": p["engine"],
        "EngineVersion": p["engine_version"],
        "DBInstanceClass": p["db_instance_class"],
        "AllocatedStorage": p["allocated_storage"],
        "StorageType": p["storage_type"],
        "StorageEncrypted": p["storage_encrypted"],
        "MasterUsername": p["master_username"],
        "ManageMasterUserPassword": True,
        "Port": p["port"],
        "MultiAZ": p["multi_az"],
        "BackupRetentionPeriod": p["backup_retention_period"],
        "DeletionProtection": p["deletion_protection"],
        "CopyTagsToSnapshot": p["copy_tags_to_snapshot"],
        "EnablePerformanceInsights": p["enable_performance_insights"],
        "AutoMinorVersionUpgrade": p["auto_minor_version_upgrade"],
        "PubliclyAccessible": p["publicly_accessible"],
    }
    optional = {
        "MaxAllocatedStorage": p["max_allocated_storage"] or None,
        "Iops": p["iops"],
        "StorageThroughput": p["storage_throughput"],
        "KmsKeyId": p["kms_key_id"],
        "MasterUserSecretKmsKeyId": p["master_user_secret_kms_key_id"],
        "DBName": p["db_name"],
        "DBSubnetGroupName": p["db_subnet_group_name"],
        "VpcSecurityGroupIds": p["vpc_security_group_ids"],
        "DBParameterGroupName": p["db_parameter_group_name"],
        "PreferredBackupWindow": p["preferred_backup_window"],
        "PreferredMaintenanceWindow": p["preferred_maintenance_window"],
        "EnableCloudwatchLogsExports": p["enable_cloudwatch_logs_exports"],
    }
    if p["enable_performance_insights"]:
        optional["PerformanceInsightsKMSKeyId"] = p["kms_key_id"]
        optional["PerformanceInsightsRetentionPeriod"] = p["performance_insights_retention_period"]
    request.update(dict((k, v) for k, v in optional.items() if v is not None))
    if p["tags"]:
        request["Tags"] = ansible_dict_to_boto3_tag_list(p["tags"])
    try:
        client.create_db_instance(aws_retry=True, **request)
    except is_boto3_error_code("DBInstanceAlreadyExists"):
        pass  # a retried create whose first answer was lost
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to create DB instance %s" % p["db_instance_identifier"])
    wait_for(client, module, "db_instance_available")


def key_id(value):
    if not value:
        return value
    return value.split("key/", 1)[1] if ":key/" in value else value


def effective(instance):
    """The instance as it will be once its pending modifications are applied."""
    view = dict(instance)
    pending = instance.get("PendingModifiedValues") or {}
    for key in ("DBInstanceClass", "AllocatedStorage", "MultiAZ", "EngineVersion", "BackupRetentionPeriod",
                "StorageType", "Iops", "StorageThroughput"):
        if key in pending:
            view[key] = pending[key]
    logs = pending.get("PendingCloudwatchLogsExports")
    if logs:
        enabled = set(view.get("EnabledCloudwatchLogsExports") or [])
        enabled |= set(logs.get("LogTypesToEnable") or [])
        enabled -= set(logs.get("LogTypesToDisable") or [])
        view["EnabledCloudwatchLogsExports"] = sorted(enabled)
    return view


def immutable_differences(module, current):
    p = module.params
    diffs = []

    def differ(name, wanted, actual):
        if wanted is not None and actual is not None and wanted != actual:
            diffs.append("%s (wanted %s, is %s)" % (name, wanted, actual))

    differ("engine", p["engine"], current.get("Engine"))
    differ("storage_encrypted", p["storage_encrypted"], current.get("StorageEncrypted"))
    if p["kms_key_id"] and current.get("KmsKeyId") and p["kms_key_id"].startswith("arn:") \
            and current["KmsKeyId"].startswith("arn:"):
        differ("kms_key_id", key_id(p["kms_key_id"]), key_id(current["KmsKeyId"]))
    differ("master_username", p["master_username"], current.get("MasterUsername"))
    differ("db_name", p["db_name"], current.get("DBName"))
    if current.get("AllocatedStorage") is not None and p["allocated_storage"] < current["AllocatedStorage"]:
        diffs.append("allocated_storage (wanted %d GiB, is %d GiB: storage never shrinks)"
                     % (p["allocated_storage"], current["AllocatedStorage"]))
    wanted_version, actual_version = version_tuple(p["engine_version"]), version_tuple(current.get("EngineVersion"))
    if actual_version and wanted_version and wanted_version[0] > actual_version[0] \
            and not p["allow_major_version_upgrade"]:
        diffs.append("engine_version (wanted %s, is %s: a major upgrade needs allow_major_version_upgrade)"
                     % (p["engine_version"], current["EngineVersion"]))
    return diffs


def modifications(module, current):
    p = module.params
    mods = {}

    def want(api_key, wanted, actual, compare_missing=False):
        if wanted is None:
            return
        if actual is None and not compare_missing:
            return  # not reported: not compared
        if wanted != actual:
            mods[api_key] = wanted

    want("DBInstanceClass", p["db_instance_class"], current.get("DBInstanceClass"))
    want("AllocatedStorage", p["allocated_storage"], current.get("AllocatedStorage"))
    want("StorageType", p["storage_type"], current.get("StorageType"))
    if p["max_allocated_storage"] is not None:
        actual_max = current.get("MaxAllocatedStorage") or 0
        if p["max_allocated_storage"] != actual_max:
            # 0 is not accepted by the API; autoscaling is turned off by setting the ceiling to the storage.
            mods["MaxAllocatedStorage"] = p["max_allocated_storage"] or p["allocated_storage"]
    want("Iops", p["iops"], current.get("Iops"))
    want("StorageThroughput", p["storage_throughput"], current.get("StorageThroughput"))
    want("MultiAZ", p["multi_az"], current.get("MultiAZ"))
    want("BackupRetentionPeriod", p["backup_retention_period"], current.get("BackupRetentionPeriod"))
    want("PreferredBackupWindow", p["preferred_backup_window"], current.get("PreferredBackupWindow"))
    want("PreferredMaintenanceWindow", p["preferred_maintenance_window"], current.get("PreferredMaintenanceWindow"))
    want("DeletionProtection", p["deletion_protection"], current.get("DeletionProtection"))
    want("CopyTagsToSnapshot", p["copy_tags_to_snapshot"], current.get("CopyTagsToSnapshot"))
    want("AutoMinorVersionUpgrade", p["auto_minor_version_upgrade"], current.get("AutoMinorVersionUpgrade"))
    want("PubliclyAccessible", p["publicly_accessible"], current.get("PubliclyAccessible"))
    want("EnablePerformanceInsights", p["enable_performance_insights"], current.get("PerformanceInsightsEnabled"))
    if p["enable_performance_insights"] and p["performance_insights_retention_period"] is not None:
        want("PerformanceInsightsRetentionPeriod", p["performance_insights_retention_period"],
             current.get("PerformanceInsightsRetentionPeriod"))
    if "EnablePerformanceInsights" in mods and p["enable_performance_insights"] and p["kms_key_id"]:
        mods["PerformanceInsightsKMSKeyId"] = p["kms_key_id"]
    # Engine version: only upgrades; an instance a minor upgrade moved ahead is left alone.
    wanted_version, actual_version = version_tuple(p["engine_version"]), version_tuple(current.get("EngineVersion"))
    if actual_version and wanted_version and wanted_version > actual_version[:len(wanted_version)]:
        mods["EngineVersion"] = p["engine_version"]
        if wanted_version[0] > actual_version[0]:
            mods["AllowMajorVersionUpgrade"] = True
    if p["db_subnet_group_name"] is not None and current.get("DBSubnetGroup"):
        want("DBSubnetGroupName", p["db_subnet_group_name"], current["DBSubnetGroup"].get("DBSubnetGroupName"))
    if p["vpc_security_group_ids"] is not None and "VpcSecurityGroups" in current:
        actual = sorted(sg["VpcSecurityGroupId"] for sg in current["VpcSecurityGroups"]
                        if sg.get("Status") in (None, "active", "adding"))
        if actual != sorted(p["vpc_security_group_ids"]):
            mods["VpcSecurityGroupIds"] = p["vpc_security_group_ids"]
    if p["db_parameter_group_name"] is not None and current.get("DBParameterGroups"):
        want("DBParameterGroupName", p["db_parameter_group_name"],
             current["DBParameterGroups"][0].get("DBParameterGroupName"))
    if p["enable_cloudwatch_logs_exports"] is not None:
        actual = set(current.get("EnabledCloudwatchLogsExports") or [])
        wanted = set(p["enable_cloudwatch_logs_exports"])
        if actual != wanted:
            mods["CloudwatchLogsExportConfiguration"] = {"EnableLogTypes": sorted(wanted - actual),
                                                         "DisableLogTypes": sorted(actual - wanted)}
    if not current.get("MasterUserSecret"):
        mods["ManageMasterUserPassword"] = True
        if p["master_user_secret_kms_key_id"]:
            mods["MasterUserSecretKmsKeyId"] = p["master_user_secret_kms_key_id"]
    return mods


def update_tags(client, module, instance):
    p = module.params
    if p["tags"] is None:
        return False
    current = boto3_tag_list_to_ansible_dict(instance.get("TagList", []))
    to_add, to_remove = compare_aws_tags(current, p["tags"], p["purge_tags"])
    if not (to_add or to_remove):
        return False
    if module.check_mode:
        return True
    arn = instance["DBInstanceArn"]
    try:
        if to_remove:
            client.remove_tags_from_resource(aws_retry=True, ResourceName=arn, TagKeys=to_remove)
        if to_add:
            client.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(to_add))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to update tags of %s" % arn)
    return True


def format_instance(instance):
    if not instance:
        return {}
    result = camel_dict_to_snake_dict(dict((k, v) for k, v in instance.items() if k != "TagList"))
    result["tags"] = boto3_tag_list_to_ansible_dict(instance.get("TagList", []))
    return result


def ensure_absent(client, module, instance):
    p = module.params
    if instance is None or instance.get("DBInstanceStatus") == "deleting":
        module.exit_json(changed=False, db_instance={})
    if instance.get("DeletionProtection") and not p["disable_deletion_protection"]:
        module.fail_json(msg="DB instance %s has deletion protection; set deletion_protection: false first, "
                             "or disable_deletion_protection: true" % p["db_instance_identifier"])
    if module.check_mode:
        module.exit_json(changed=True, db_instance={})
    if instance.get("DeletionProtection"):
        try:
            client.modify_db_instance(aws_retry=True, DBInstanceIdentifier=p["db_instance_identifier"],
                                      DeletionProtection=False, ApplyImmediately=True)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to turn off deletion protection of %s" % p["db_instance_identifier"])
    request = {"DBInstanceIdentifier": p["db_instance_identifier"], "SkipFinalSnapshot": p["skip_final_snapshot"]}
    if not p["skip_final_snapshot"]:
        request["FinalDBSnapshotIdentifier"] = p["final_snapshot_identifier"] or "%s-final" % p["db_instance_identifier"]
    try:
        client.delete_db_instance(aws_retry=True, **request)
    except is_boto3_error_code(NOT_FOUND):
        module.exit_json(changed=False, db_instance={})
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to delete DB instance %s" % p["db_instance_identifier"])
    wait_for(client, module, "db_instance_deleted")
    module.exit_json(changed=True, db_instance={})


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        db_instance_identifier=dict(type="str", required=True, aliases=["id"]),
        engine=dict(type="str", choices=["postgres"], default="postgres"),
        engine_version=dict(type="str"),
        allow_major_version_upgrade=dict(type="bool", default=False),
        db_instance_class=dict(type="str"),
        allocated_storage=dict(type="int"),
        max_allocated_storage=dict(type="int"),
        storage_type=dict(type="str", choices=["gp2", "gp3", "io1", "io2", "standard"], default="gp3"),
        iops=dict(type="int"),
        storage_throughput=dict(type="int"),
        storage_encrypted=dict(type="bool", default=True),
        kms_key_id=dict(type="str"),
        master_username=dict(type="str", default="postgres"),
        master_user_secret_kms_key_id=dict(type="str"),
        db_name=dict(type="str"),
        port=dict(type="int", default=5432),
        multi_az=dict(type="bool", default=False),
        db_subnet_group_name=dict(type="str"),
        vpc_security_group_ids=dict(type="list", elements="str"),
        db_parameter_group_name=dict(type="str"),
        backup_retention_period=dict(type="int", default=7),
        preferred_backup_window=dict(type="str"),
        preferred_maintenance_window=dict(type="str"),
        deletion_protection=dict(type="bool", default=False),
        copy_tags_to_snapshot=dict(type="bool", default=True),
        enable_performance_insights=dict(type="bool", default=False),
        performance_insights_retention_period=dict(type="int"),
        enable_cloudwatch_logs_exports=dict(type="list", elements="str"),
        auto_minor_version_upgrade=dict(type="bool", default=True),
        publicly_accessible=dict(type="bool", default=False),
        apply_immediately=dict(type="bool", default=False),
        disable_deletion_protection=dict(type="bool", default=False),
        skip_final_snapshot=dict(type="bool", default=False),
        final_snapshot_identifier=dict(type="str"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=3600),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    p = module.params
    client = module.client("rds", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))

    instance = describe(client, module)
    if p["state"] == "absent":
        ensure_absent(client, module, instance)

    if instance is None:
        check_subnet_group_zones(client, module)
        if module.check_mode:
            module.exit_json(changed=True, db_instance={})
        create(client, module)
        module.exit_json(changed=True, db_instance=format_instance(describe(client, module)))

    if instance.get("DBInstanceStatus") == "deleting":
        module.fail_json(msg="DB instance %s is being deleted; run again when it is gone" % p["db_instance_identifier"])
    current = effective(instance)
    diffs = immutable_differences(module, current)
    if diffs:
        module.fail_json(msg="DB instance %s cannot be changed in place: %s" % (p["db_instance_identifier"], "; ".join(diffs)))
    mods = modifications(module, current)
    if mods.get("MultiAZ") or mods.get("DBSubnetGroupName"):
        check_subnet_group_zones(client, module)
    changed = False
    if mods:
        changed = True
        if not module.check_mode:
            try:
                client.modify_db_instance(aws_retry=True, DBInstanceIdentifier=p["db_instance_identifier"],
                                          ApplyImmediately=p["apply_immediately"], **mods)
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(e, msg="Failed to modify DB instance %s (%s)"
                                     % (p["db_instance_identifier"], ", ".join(sorted(mods))))
            if p["apply_immediately"]:
                wait_for(client, module, "db_instance_available")
    changed |= update_tags(client, module, instance)
    module.exit_json(changed=changed, modified=sorted(mods),
                     db_instance=format_instance(describe(client, module) if changed and not module.check_mode else instance))


if __name__ == "__main__":
    main()
