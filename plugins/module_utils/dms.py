# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared code of the DMS modules: tags, polling, and the validation of table mappings and task settings.

Everything here is pure or takes a boto3 client, so it is unit tested without AWS.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import time

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

# How long one poll sleeps; tests patch time.sleep, not this.
POLL_DELAY = 15


class WaitTimeout(Exception):
    """A wait ran out of time; the message says what was awaited and the last state seen."""


class WaitFailed(Exception):
    """The resource reached a state from which the awaited one cannot follow."""


def wait_for(fetch, done, failed=None, timeout=1800, delay=POLL_DELAY, what="resource", state=None):
    """Call fetch() until done(value) is true; raise WaitFailed when failed(value) returns a reason.

    Returns the last value fetched. fetch() returning None means "gone" and is passed to done/failed.
    state(value), when given, describes the last value for the WaitTimeout message.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if failed is not None:
            reason = failed(value)
            if reason:
                raise WaitFailed("%s: %s" % (what, reason))
        if time.monotonic() + delay > deadline:
            last = ""
            if state is not None:
                last = "; last seen: %s" % ("it does not exist" if value is None else state(value))
            raise WaitTimeout("timed out after %ss waiting for %s%s" % (timeout, what, last))
        time.sleep(delay)


# ---------------------------------------------------------------------------------------------
# Tags (DMS tags every resource by ARN)


def get_tags(client, arn):
    tags = client.list_tags_for_resource(aws_retry=True, ResourceArn=arn).get("TagList", [])
    return boto3_tag_list_to_ansible_dict([{"Key": t["Key"], "Value": t.get("Value", "")} for t in tags])


def ensure_tags(client, module, arn, wanted, purge):
    """Reconcile the tags of one DMS resource; returns True when something changed (or would)."""
    if wanted is None:
        return False
    try:
        current = get_tags(client, arn)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list tags of %s" % arn)
    to_add, to_remove = compare_aws_tags(current, wanted, purge)
    if not (to_add or to_remove):
        return False
    if module.check_mode:
        return True
    try:
        if to_remove:
            client.remove_tags_from_resource(aws_retry=True, ResourceArn=arn, TagKeys=to_remove)
        if to_add:
            client.add_tags_to_resource(aws_retry=True, ResourceArn=arn, Tags=ansible_dict_to_boto3_tag_list(to_add))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to update tags of %s" % arn)
    return True


def boto3_tags(tags):
    return ansible_dict_to_boto3_tag_list(tags or {})


# ---------------------------------------------------------------------------------------------
# Table mappings
# https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TableMapping.html

RULE_ACTIONS = {
    "selection": ("include", "exclude", "explicit"),
    "transformation": (
        "add-column", "include-column", "remove-column", "rename", "convert-lowercase", "convert-uppercase",
        "add-prefix", "remove-prefix", "replace-prefix", "add-suffix", "remove-suffix", "replace-suffix",
        "define-primary-key", "change-data-type", "add-before-image-columns", "data-masking-digits-mask",
        "data-masking-digits-randomize", "data-masking-hash-mask",
    ),
    "table-settings": None,
    "post-processing": None,
}
TRANSFORMATION_TARGETS = ("schema", "table", "column", "table-tablespace", "index-tablespace", "change-data")


class TableMappingError(ValueError):
    """Table mappings that DMS would reject; the message names the rule and the problem."""


def parse_table_mappings(value):
    """Accept a JSON string, a dict with `rules`, or a list of rules; return the dict DMS expects.

    Raises TableMappingError naming the first problem found. Nothing is sent to AWS before this passes.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise TableMappingError("table_mappings is not valid JSON: %s" % exc)
    if isinstance(value, list):
        value = {"rules": value}
    if not isinstance(value, dict):
        raise TableMappingError("table_mappings must be a JSON object with a 'rules' list, got %s" % type(value).__name__)
    rules = value.get("rules")
    if not isinstance(rules, list) or not rules:
        raise TableMappingError("table_mappings must have a non-empty 'rules' list")
    seen_ids = set()
    seen_names = set()
    has_include = False
    for index, rule in enumerate(rules):
        where = "table_mappings rule #%d" % (index + 1)
        if not isinstance(rule, dict):
            raise TableMappingError("%s is not an object" % where)
        rule_type = rule.get("rule-type")
        if rule_type not in RULE_ACTIONS:
            raise TableMappingError("%s: rule-type %r is not one of %s" % (where, rule_type, ", ".join(sorted(RULE_ACTIONS))))
        rule_id = str(rule.get("rule-id", ""))
        if not rule_id.isdigit():
            raise TableMappingError("%s: rule-id must be a number (as a string), got %r" % (where, rule.get("rule-id")))
        if rule_id in seen_ids:
            raise TableMappingError("%s: rule-id %s is used twice" % (where, rule_id))
        seen_ids.add(rule_id)
        rule_name = rule.get("rule-name")
        if not rule_name:
            raise TableMappingError("%s: rule-name is missing" % where)
        if str(rule_name) in seen_names:
            raise TableMappingError("%s: rule-name %r is used twice" % (where, rule_name))
        seen_names.add(str(rule_name))
        actions = RULE_ACTIONS[rule_type]
        action = rule.get("rule-action")
        if actions is not None and action not in actions:
            raise TableMappingError("%s (%s): rule-action %r is not one of %s" % (where, rule_name, action, ", ".join(actions)))
        locator = rule.get("object-locator")
        if rule_type in ("selection", "transformation", "table-settings"):
            if not isinstance(locator, dict) or not locator.get("schema-name"):
                raise TableMappingError("%s (%s): object-locator with a schema-name is required" % (where, rule_name))
            if rule_type in ("selection", "table-settings") and not locator.get("table-name"):
                raise TableMappingError("%s (%s): object-locator.table-name is required" % (where, rule_name))
        if rule_type == "transformation":
            target = rule.get("rule-target")
            if target not in TRANSFORMATION_TARGETS:
                raise TableMappingError("%s (%s): rule-target %r is not one of %s"
                                        % (where, rule_name, target, ", ".join(TRANSFORMATION_TARGETS)))
            if action in ("rename", "add-prefix", "add-suffix", "remove-prefix", "remove-suffix") and "value" not in rule:
                raise TableMappingError("%s (%s): rule-action %s needs a value" % (where, rule_name, action))
        if rule_type == "selection" and action == "include":
            has_include = True
    if not has_include:
        raise TableMappingError("table_mappings must have at least one selection rule with rule-action include")
    return value


def normalize_json(value):
    """A JSON document (string or object) as a canonical object, for comparisons."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------------------------------------
# Task settings


def build_task_settings(base, lob_mode=None, lob_max_size_kb=None, validation=None, cloudwatch_logging=None,
                        target_table_prep_mode=None):
    """Merge the convenience options into the TaskSettings document and return it (a new dict)."""
    settings = copy.deepcopy(base or {})
    if lob_mode is not None:
        target = settings.setdefault("TargetMetadata", {})
        target["SupportLobs"] = lob_mode != "none"
        target["FullLobMode"] = lob_mode == "full"
        target["LimitedSizeLobMode"] = lob_mode == "limited"
    if lob_max_size_kb is not None and lob_mode in ("limited", None):
        settings.setdefault("TargetMetadata", {})["LobMaxSize"] = int(lob_max_size_kb)
    if validation is not None:
        settings.setdefault("ValidationSettings", {})["EnableValidation"] = bool(validation)
    if cloudwatch_logging is not None:
        settings.setdefault("Logging", {})["EnableLogging"] = bool(cloudwatch_logging)
    if target_table_prep_mode is not None:
        settings.setdefault("FullLoadSettings", {})["TargetTablePrepMode"] = target_table_prep_mode
    return settings


LOB_KEYS = ("SupportLobs", "FullLobMode", "LimitedSizeLobMode")


def has_lob_mode(settings):
    return any(k in (settings or {}).get("TargetMetadata", {}) for k in LOB_KEYS)


def task_settings_problems(settings):
    """Reasons DMS would reject or we refuse these settings (LOB size 0, ...)."""
    problems = []
    target = (settings or {}).get("TargetMetadata") or {}
    if target.get("LimitedSizeLobMode"):
        size = target.get("LobMaxSize")
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            problems.append("limited LOB mode needs a LOB size (lob_max_size_kb / TargetMetadata.LobMaxSize) "
                            "greater than 0 KB, got %r" % (size,))
    if target.get("FullLobMode") and target.get("LimitedSizeLobMode"):
        problems.append("TargetMetadata.FullLobMode and LimitedSizeLobMode cannot both be true")
    return problems


def settings_differ(wanted, current):
    """True when a key we ask for has another value in the current settings (AWS adds defaults we ignore)."""
    if isinstance(wanted, dict):
        if not isinstance(current, dict):
            return True
        return any(settings_differ(v, current.get(k)) for k, v in wanted.items())
    return wanted != current
