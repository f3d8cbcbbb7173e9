#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dms_replication_task
short_description: Manage, start, stop and resume an AWS DMS replication task
version_added: 0.1.0
description:
  - Creates, modifies or deletes one AWS Database Migration Service replication task, found by its
    identifier; starts, stops and resumes it; waits until it is ready, running, stopped or has finished
    its full load; returns its table statistics.
  - O(table_mappings) are checked as DMS selection and transformation rules, and the LOB settings are
    checked, before any AWS call; bad input never creates a task.
  - A running task is never modified behind the operator's back; the module fails and asks to stop it first.
  - Neither amazon.aws nor community.aws has a replication task module.
author:
  - Mithran platform team (@mithran-platform)
options:
  identifier:
    description: The replication task identifier.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the task, V(running) also starts (or resumes) it, V(stopped) stops it
        (and leaves a task that does not exist absent), V(absent) stops and deletes it.
    type: str
    choices: [present, running, stopped, absent]
    default: present
  replication_instance:
    description: The identifier or ARN of the replication instance. Required to create the task.
    type: str
  source_endpoint:
    description: The identifier or ARN of the source endpoint. Required to create the task.
    type: str
  target_endpoint:
    description: The identifier or ARN of the target endpoint. Required to create the task.
    type: str
  migration_type:
    description: What the task migrates.
    type: str
    choices: [full-load, cdc, full-load-and-cdc]
    default: full-load-and-cdc
  table_mappings:
    description:
      - The table mapping rules, as a JSON string, a dictionary with C(rules), or a list of rules.
      - Every rule needs C(rule-type), a numeric C(rule-id), a unique C(rule-name) and a C(rule-action) valid for
        its type; selection and transformation rules need an C(object-locator). At least one selection rule
        must include something. Required to create the task.
    type: raw
  task_settings:
    description: The TaskSettings document (as a dictionary) the convenience options below are merged into.
    type: dict
  lob_mode:
    description:
      - How LOB columns are migrated. V(limited) truncates LOBs above O(lob_max_size_kb).
      - When omitted, the LOB keys of O(task_settings) apply; a new task without any gets V(limited).
      - Only the settings given are compared with an existing task.
    type: str
    choices: [none, limited, full]
  lob_max_size_kb:
    description: The largest LOB migrated in limited LOB mode, in KB. Must be greater than 0; a new task gets 32.
    type: int
  validation:
    description: Validate the migrated rows against the source; a new task gets V(true).
    type: bool
  cloudwatch_logging:
    description:
      - Send the task's log to CloudWatch Logs (needs the dms-cloudwatch-logs-role IAM role); a new task gets V(true).
    type: bool
  target_table_prep_mode:
    description: What the full load does with existing target tables.
    type: str
    choices: [DO_NOTHING, DROP_AND_CREATE, TRUNCATE_BEFORE_LOAD]
  start_type:
    description:
      - How O(state=running) starts a task that is not running. V(auto) starts a task that never ran and resumes
        a stopped one.
    type: str
    choices: [auto, start-replication, resume-processing, reload-target]
    default: auto
  wait_ready:
    description: After a create or a modification, wait until the task is C(ready).
    type: bool
    default: true
  wait:
    description: Wait until a start, stop or delete has taken effect.
    type: bool
    default: true
  wait_for_full_load:
    description: With O(state=running), wait until the full load is complete (every table loaded, none queued).
    type: bool
    default: false
  wait_timeout:
    description: Seconds each wait may take.
    type: int
    default: 3600
  table_statistics:
    description: Return the task's table statistics (DescribeTableStatistics).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The migration task, full load then CDC
  mithran.platform.dms_replication_task:
    identifier: migrate-mithran-db
    replication_instance: mithran-migration
    source_endpoint: mithran-source
    target_endpoint: mithran-target
    migration_type: full-load-and-cdc
    table_mappings:
      rules:
        - rule-type: selection
          rule-id: "1"
          rule-name: include-public
          object-locator: {schema-name: public, table-name: "%"}
          rule-action: include
    lob_mode: limited
    lob_max_size_kb: 64
    tags:
      Service: migration

- name: Start it and wait for the full load
  mithran.platform.dms_replication_task:
    identifier: migrate-mithran-db
    state: running
    wait_for_full_load: true
    table_statistics: true
  register: task

- name: Stop CDC (rollback)
  mithran.platform.dms_replication_task:
    identifier: migrate-mithran-db
    state: stopped
"""

RETURN = r"""
replication_task:
  description: The task as DescribeReplicationTasks returns it, in snake_case, with its tags. Empty when absent.
  returned: always
  type: dict
  contains:
    replication_task_identifier:
      description: The identifier.
      type: str
      sample: migrate-mithran-db
    replication_task_arn:
      description: The ARN.
      type: str
      sample: arn:aws:dms:us-west-2:123456789012:task:ABCDEFG
    status:
      description: creating, ready, starting, running, stopping, stopped, failed, modifying, deleting, ...
      type: str
      sample: running
    replication_task_stats:
      description: Progress of the full load (percent, tables loaded, loading, queued, errored).
      type: dict
      sample: {"full_load_progress_percent": 100, "tables_loaded": 12, "tables_errored": 0}
    tags:
      description: Its tags as a dictionary.
      type: dict
      sample: {"Service": "migration"}
table_statistics:
  description: Per-table statistics, in snake_case, when O(table_statistics=true).
  returned: when requested and the task exists
  type: list
  elements: dict
  sample: [{"schema_name": "public", "table_name": "parts", "full_load_rows": 1200, "table_state": "Table completed",
            "validation_state": "Validated"}]
table_summary:
  description: Totals of O(table_statistics) - table count, rows loaded, tables by load and by validation state.
  returned: when requested and the task exists
  type: dict
  sample: {"tables": 12, "full_load_rows": 50000, "errored_tables": [], "by_table_state": {"Table completed": 12},
           "by_validation_state": {"Validated": 12}}
"""

import json
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
    TableMappingError,
    WaitFailed,
    WaitTimeout,
    boto3_tags,
    build_task_settings,
    ensure_tags,
    get_tags,
    normalize_json,
    parse_table_mappings,
    has_lob_mode,
    settings_differ,
    task_settings_problems,
    wait_for,
)

IDENTIFIER = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,254}(?<!-)$")
RUNNING = ("running", "starting")
BUSY = ("creating", "modifying", "moving")


def describe(client, identifier):
    try:
        found = client.describe_replication_tasks(
            aws_retry=True, Filters=[{"Name": "replication-task-id", "Values": [identifier]}])["ReplicationTasks"]
    except is_boto3_error_code("ResourceNotFoundFault"):
        return None
    return found[0] if found else None


def validate(module):
    """Every input check; returns (table_mappings, wanted settings, settings of a new task). No AWS call before it.

    The wanted settings hold only what was asked for (compared with an existing task); a new task also gets
    the defaults: limited LOB mode of 32 KB, validation and CloudWatch logging on.
    """
    p = module.params
    if not IDENTIFIER.match(p["identifier"]):
        module.fail_json(msg="identifier %r is not a valid replication task identifier (letters, digits and "
                         "hyphens, starting with a letter, no trailing or double hyphen)" % p["identifier"])
    if p["wait_timeout"] <= 0:
        module.fail_json(msg="wait_timeout must be positive, got %d" % p["wait_timeout"])
    if p["state"] == "absent":
        return None, None, None
    mappings = None
    if p["table_mappings"] is not None:
        try:
            mappings = parse_table_mappings(p["table_mappings"])
        except TableMappingError as e:
            module.fail_json(msg=str(e))
    if p["lob_max_size_kb"] is not None and p["lob_max_size_kb"] <= 0:
        module.fail_json(msg="lob_max_size_kb must be greater than 0 in limited LOB mode, got %s" % p["lob_max_size_kb"])
    wanted = build_task_settings(p["task_settings"], lob_mode=p["lob_mode"], lob_max_size_kb=p["lob_max_size_kb"],
                                 validation=p["validation"], cloudwatch_logging=p["cloudwatch_logging"],
                                 target_table_prep_mode=p["target_table_prep_mode"])
    default_lob = None if p["lob_mode"] or has_lob_mode(p["task_settings"]) else "limited"
    initial = build_task_settings(
        wanted, lob_mode=default_lob,
        lob_max_size_kb=None if p["lob_max_size_kb"] is not None or has_lob_size(wanted) else 32,
        validation=True if p["validation"] is None and not has_key(wanted, "ValidationSettings", "EnableValidation") else None,
        cloudwatch_logging=True if p["cloudwatch_logging"] is None and not has_key(wanted, "Logging", "EnableLogging") else None)
    problems = task_settings_problems(initial)
    if problems:
        module.fail_json(msg="; ".join(problems))
    return mappings, wanted, initial


def has_key(settings, section, key):
    return key in (settings or {}).get(section, {})


def has_lob_size(settings):
    target = (settings or {}).get("TargetMetadata", {})
    return "LobMaxSize" in target or not target.get("LimitedSizeLobMode", True)


def resolve(client, module, kind, value):
    if value is None or value.startswith("arn:"):
        return value
    try:
        if kind == "replication_instance":
            found = [i["ReplicationInstanceArn"] for i in client.describe_replication_instances(
                aws_retry=True, Filters=[{"Name": "replication-instance-id", "Values": [value]}])["ReplicationInstances"]]
        else:
            found = [e["EndpointArn"] for e in client.describe_endpoints(
                aws_retry=True, Filters=[{"Name": "endpoint-id", "Values": [value]}])["Endpoints"]]
    except is_boto3_error_code("ResourceNotFoundFault"):
        found = []
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to look up %s %s" % (kind, value))
    if not found:
        module.fail_json(msg="%s %s does not exist" % (kind, value))
    return found[0]


def task_state(task):
    """The status and full-load progress of a task, for a timeout message."""
    stats = task.get("ReplicationTaskStats") or {}
    text = "status %s" % task.get("Status")
    if stats:
        text += ", full load %s %%, tables loaded %s, loading %s, queued %s, errored %s" % (
            stats.get("FullLoadProgressPercent", 0), stats.get("TablesLoaded", 0), stats.get("TablesLoading", 0),
            stats.get("TablesQueued", 0), stats.get("TablesErrored", 0))
    return text


def wait_status(client, module, identifier, done, failed, what):
    try:
        return wait_for(lambda: describe(client, identifier), done, failed, timeout=module.params["wait_timeout"],
                        what="replication task %s %s" % (identifier, what), state=task_state)
    except (WaitTimeout, WaitFailed) as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed while waiting for replication task %s" % identifier)


def _failure(task):
    if task is None:
        return "it does not exist"
    if task.get("Status") == "failed":
        return "status failed: %s" % (task.get("LastFailureMessage") or task.get("StopReason") or "no message")
    return None


def wait_ready(client, module, identifier, created=False):
    """Wait until the task is no longer creating or modifying. A task that turns `failed` while it is being
    created was not created (DMS says why in LastFailureMessage); after a modification, a task that had
    failed before may still say `failed` until it is started again, which is no error of the modification."""
    waiting = BUSY + ("failed",) if created else BUSY

    def done(task):
        return task is not None and task.get("Status") not in waiting

    return wait_status(client, module, identifier, done, _failure, "to be ready")


def full_load_finished(task):
    """Every table loaded: none loading, queued or errored (an errored table fails the wait instead)."""
    if task is None:
        return False
    stats = task.get("ReplicationTaskStats") or {}
    if stats.get("TablesErrored"):
        return False
    if task.get("Status") == "stopped" and "FULL_LOAD_ONLY_FINISHED" in (task.get("StopReason") or ""):
        return True
    return (task.get("Status") == "running" and stats.get("FullLoadProgressPercent") == 100
            and not stats.get("TablesLoading") and not stats.get("TablesQueued"))


def full_load_failure(task):
    reason = _failure(task)
    if reason:
        return reason
    stats = task.get("ReplicationTaskStats") or {}
    if stats.get("TablesErrored"):
        return "%d tables errored during the full load" % stats["TablesErrored"]
    if task.get("Status") == "stopped":
        return "stopped before the full load finished: %s" % (task.get("StopReason") or "no reason given")
    return None


def start(client, module, task):
    start_type = module.params["start_type"]
    if start_type == "auto":
        never_ran = task.get("Status") == "ready" and not task.get("ReplicationTaskStartDate")
        start_type = "start-replication" if never_ran or task.get("Status") in BUSY else "resume-processing"
    try:
        client.start_replication_task(aws_retry=True, ReplicationTaskArn=task["ReplicationTaskArn"],
                                      StartReplicationTaskType=start_type)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to start replication task %s (%s)" % (module.params["identifier"], start_type))
    return start_type


def stop(client, module, task):
    try:
        client.stop_replication_task(aws_retry=True, ReplicationTaskArn=task["ReplicationTaskArn"])
    except is_boto3_error_code("InvalidResourceStateFault"):
        pass  # it stopped in the meantime
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to stop replication task %s" % module.params["identifier"])
    if module.params["wait"]:
        return wait_status(client, module, module.params["identifier"],
                           lambda t: t is None or t.get("Status") in ("stopped", "failed", "ready"), None, "to stop")
    return describe(client, module.params["identifier"])


def table_statistics(client, module, arn):
    stats = []
    request = {"ReplicationTaskArn": arn, "MaxRecords": 500}
    try:
        while True:
            response = client.describe_table_statistics(aws_retry=True, **request)
            stats.extend(response.get("TableStatistics", []))
            if not response.get("Marker"):
                break
            request["Marker"] = response["Marker"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to get table statistics of replication task %s" % module.params["identifier"])
    summary = {"tables": len(stats), "full_load_rows": 0, "errored_tables": [], "by_table_state": {},
               "by_validation_state": {}}
    for table in stats:
        summary["full_load_rows"] += table.get("FullLoadRows", 0) or 0
        state = table.get("TableState", "unknown")
        summary["by_table_state"][state] = summary["by_table_state"].get(state, 0) + 1
        validation = table.get("ValidationState", "unknown")
        summary["by_validation_state"][validation] = summary["by_validation_state"].get(validation, 0) + 1
        if "error" in state.lower() or table.get("FullLoadErrorRows"):
            summary["errored_tables"].append("%s.%s" % (table.get("SchemaName"), table.get("TableName")))
    return [camel_dict_to_snake_dict(t) for t in stats], summary


def differences(task, mappings, settings, migration_type):
    changes = {}
    if task.get("MigrationType") != migration_type:
        changes["MigrationType"] = migration_type
    if mappings is not None and normalize_json(task.get("TableMappings")) != mappings:
        changes["TableMappings"] = json.dumps(mappings)
    if settings and settings_differ(settings, normalize_json(task.get("ReplicationTaskSettings")) or {}):
        changes["ReplicationTaskSettings"] = json.dumps(settings)
    return changes


def immutable_differences(task, arns):
    names = {"replication_instance": "ReplicationInstanceArn", "source_endpoint": "SourceEndpointArn",
             "target_endpoint": "TargetEndpointArn"}
    return ["%s (is %s)" % (option, task.get(key)) for option, key in names.items()
            if arns.get(option) and task.get(key) != arns[option]]


def format_task(client, task):
    if not task:
        return {}
    result = camel_dict_to_snake_dict(task)
    # Keep the JSON documents as they are (snake_case conversion does not touch strings).
    result["tags"] = get_tags(client, task["ReplicationTaskArn"])
    return result


def main():
    argument_spec = dict(
        identifier=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "running", "stopped", "absent"], default="present"),
        replication_instance=dict(type="str"),
        source_endpoint=dict(type="str"),
        target_endpoint=dict(type="str"),
        migration_type=dict(type="str", choices=["full-load", "cdc", "full-load-and-cdc"], default="full-load-and-cdc"),
        table_mappings=dict(type="raw"),
        task_settings=dict(type="dict"),
        lob_mode=dict(type="str", choices=["none", "limited", "full"]),
        lob_max_size_kb=dict(type="int"),
        validation=dict(type="bool"),
        cloudwatch_logging=dict(type="bool"),
        target_table_prep_mode=dict(type="str", choices=["DO_NOTHING", "DROP_AND_CREATE", "TRUNCATE_BEFORE_LOAD"]),
        start_type=dict(type="str", choices=["auto", "start-replication", "resume-processing", "reload-target"],
                        default="auto"),
        wait_ready=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_for_full_load=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=3600),
        table_statistics=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    mappings, settings, initial_settings = validate(module)
    p = module.params
    client = module.client("dms", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))

    try:
        task = describe(client, p["identifier"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to describe replication task %s" % p["identifier"])

    if p["state"] == "absent":
        if task is None:
            module.exit_json(changed=False, replication_task={})
        if module.check_mode:
            module.exit_json(changed=True, replication_task={})
        if task.get("Status") in RUNNING:
            task = stop(client, module, task) or task
        try:
            client.delete_replication_task(aws_retry=True, ReplicationTaskArn=task["ReplicationTaskArn"])
        except is_boto3_error_code("ResourceNotFoundFault"):
            pass
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg="Failed to delete replication task %s" % p["identifier"])
        if p["wait"]:
            wait_status(client, module, p["identifier"], lambda t: t is None, None, "to be deleted")
        module.exit_json(changed=True, replication_task={})

    if task is None and p["state"] == "stopped":
        module.exit_json(changed=False, actions=[], replication_task={})

    changed = False
    actions = []
    arns = dict((kind, resolve(client, module, kind, p[kind]))
                for kind in ("replication_instance", "source_endpoint", "target_endpoint"))

    if task is None:
        missing = [k for k in ("replication_instance", "source_endpoint", "target_endpoint") if not arns[k]]
        if mappings is None:
            missing.append("table_mappings")
        if missing:
            module.fail_json(msg="replication task %s does not exist; to create it these are required: %s"
                             % (p["identifier"], ", ".join(missing)))
        if module.check_mode:
            module.exit_json(changed=True, replication_task={}, actions=["create"])
        request = dict(ReplicationTaskIdentifier=p["identifier"], SourceEndpointArn=arns["source_endpoint"],
                       TargetEndpointArn=arns["target_endpoint"], ReplicationInstanceArn=arns["replication_instance"],
                       MigrationType=p["migration_type"], TableMappings=json.dumps(mappings),
                       ReplicationTaskSettings=json.dumps(initial_settings))
        if p["tags"]:
            request["Tags"] = boto3_tags(p["tags"])
        try:
            task = client.create_replication_task(aws_retry=True, **request)["ReplicationTask"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to create replication task %s" % p["identifier"])
        changed = True
        actions.append("create")
        if p["wait_ready"]:
            task = wait_ready(client, module, p["identifier"], created=True)
    else:
        problems = immutable_differences(task, arns)
        if problems:
            module.fail_json(msg="replication task %s cannot be changed in place: %s differ. Delete it (state=absent) "
                             "and create it again." % (p["identifier"], ", ".join(problems)))
        changes = differences(task, mappings, settings, p["migration_type"])
        if changes:
            if task.get("Status") in RUNNING:
                module.fail_json(msg="replication task %s is %s; stop it (state=stopped) before changing %s"
                                 % (p["identifier"], task.get("Status"), ", ".join(sorted(changes))))
            changed = True
            actions.append("modify")
            if not module.check_mode:
                try:
                    task = client.modify_replication_task(aws_retry=True, ReplicationTaskArn=task["ReplicationTaskArn"],
                                                          **changes)["ReplicationTask"]
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                    module.fail_json_aws(e, msg="Failed to modify replication task %s" % p["identifier"])
                if p["wait_ready"]:
                    task = wait_ready(client, module, p["identifier"])
        if ensure_tags(client, module, task["ReplicationTaskArn"], p["tags"], p["purge_tags"]):
            changed = True
            actions.append("tag")

    if p["state"] == "running" and task.get("Status") not in RUNNING:
        changed = True
        if module.check_mode:
            actions.append("start")
        else:
            actions.append(start(client, module, task))
            if p["wait"]:
                task = wait_status(client, module, p["identifier"],
                                   lambda t: t is not None and (t.get("Status") == "running" or full_load_finished(t)),
                                   _failure, "to run")
    elif p["state"] == "stopped" and task.get("Status") in RUNNING:
        changed = True
        actions.append("stop")
        if not module.check_mode:
            task = stop(client, module, task) or task

    if p["state"] == "running" and p["wait_for_full_load"] and not module.check_mode:
        task = wait_status(client, module, p["identifier"], full_load_finished, full_load_failure,
                           "to finish its full load")

    task = describe(client, p["identifier"]) or task
    result = dict(changed=changed, actions=actions, replication_task=format_task(client, task))
    if p["table_statistics"] and not (module.check_mode and "create" in actions):
        result["table_statistics"], result["table_summary"] = table_statistics(client, module, task["ReplicationTaskArn"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
