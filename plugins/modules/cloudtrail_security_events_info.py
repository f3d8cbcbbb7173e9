#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cloudtrail_security_events_info
short_description: Root-account use and IAM changes recorded by a CloudTrail trail in its CloudWatch Logs group
version_added: 0.1.0
description:
  - Read-only. Reads the CloudWatch Logs group a CloudTrail trail delivers to (C(FilterLogEvents), every
    page) over a time window and returns the root-account activity and the IAM changes it finds.
  - Root-account use follows the CIS AWS Foundations benchmark, an event whose C(userIdentity.type) is
    C(Root), that no AWS service made on the root's behalf (no C(userIdentity.invokedBy)) and that is not an
    C(AwsServiceEvent). This includes a root C(ConsoleLogin), successful or not.
  - An IAM change is an event of C(iam.amazonaws.com) whose name is in O(iam_event_names), whoever made it
    and whether or not it succeeded (a refused attempt is a signal too).
  - JSON filter patterns narrow what CloudWatch Logs returns (one read for root use, one per group of IAM
    call names); the module then parses every record it receives and classifies it itself, so the answer
    does not depend on how the patterns are evaluated.
    Messages that are not CloudTrail JSON records are counted in RV(unparsed) and otherwise ignored.
author:
  - Mithran platform team (@mithran-platform)
options:
  log_group_name:
    description:
      - The CloudWatch Logs group of the trail (the trail's C(CloudWatchLogsLogGroupArn)), by name.
    type: str
    required: true
  hours:
    description: Length of the window in hours (1 to 2160), ending at O(end_time).
    type: int
    default: 24
  end_time:
    description:
      - End of the window, UTC, as C(YYYY-MM-DDTHH:MM:SS) (a trailing C(Z) is accepted).
      - Now by default.
    type: str
  iam_event_names:
    description:
      - The IAM API calls that count as a change.
      - When not given, the write calls on users, groups, roles, access keys, login profiles, MFA devices,
        inline and managed policies and their attachments (C(CreateUser), C(CreateAccessKey),
        C(AttachUserPolicy), C(PutUserPolicy), C(DeleteRolePolicy), C(UpdateAssumeRolePolicy), ...).
      - An empty list reports root-account use only.
    type: list
    elements: str
  max_events:
    description:
      - At most this many events of each kind are returned (the newest ones); the counts are always complete.
    type: int
    default: 100
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Root-account use and IAM changes of the last 24 hours
  mithran.platform.cloudtrail_security_events_info:
    log_group_name: CloudTrail/mithran
  register: trail

- name: Fail when the root account was used
  ansible.builtin.assert:
    that: trail.root_event_count == 0
    fail_msg: "{{ trail.root_events | map(attribute='description') | join('; ') }}"

- name: IAM changes of the week up to a given time, only policy attachments
  mithran.platform.cloudtrail_security_events_info:
    log_group_name: CloudTrail/mithran
    hours: 168
    end_time: "2026-11-02T00:00:00"
    iam_event_names: [AttachUserPolicy, AttachRolePolicy, AttachGroupPolicy]
"""

RETURN = r"""
window:
  description: The window read, UTC.
  returned: always
  type: dict
  sample: {"start": "2026-11-01T00:00:00Z", "end": "2026-11-02T00:00:00Z"}
filter_patterns:
  description:
    - The CloudWatch Logs filter patterns sent with C(FilterLogEvents), one read each (a pattern holds at most
      1024 characters, so the IAM call names may need several).
  returned: always
  type: list
  elements: str
scanned:
  description: Distinct log events read from the group (what the filter patterns let through).
  returned: always
  type: int
  sample: 12
unparsed:
  description: Log events whose message is not a CloudTrail JSON record.
  returned: always
  type: int
  sample: 0
root_event_count:
  description: Root-account events in the window.
  returned: always
  type: int
  sample: 1
iam_change_count:
  description: IAM change events in the window.
  returned: always
  type: int
  sample: 2
root_events:
  description: The root-account events, newest first, at most O(max_events).
  returned: always
  type: list
  elements: dict
  contains:
    time:
      description: The event's C(eventTime).
      type: str
      sample: "2026-11-01T09:12:44Z"
    event_name:
      description: The API call or C(ConsoleLogin).
      type: str
      sample: ConsoleLogin
    event_source:
      description: The service.
      type: str
      sample: signin.amazonaws.com
    event_id:
      description: The CloudTrail event ID.
      type: str
    principal:
      description: Who made the call (the identity ARN, else its type).
      type: str
      sample: "arn:aws:iam::123456789012:root"
    source_ip:
      description: The C(sourceIPAddress).
      type: str
      sample: 203.0.113.7
    aws_region:
      description: The region of the call.
      type: str
      sample: us-east-1
    error_code:
      description: The C(errorCode) of a refused call (for a console login, C(Failed) when it failed), else null.
      type: str
    target:
      description: The IAM entities or policy named in the request (for example C(userName=bob)), else C("").
      type: str
    description:
      description: One line for a report.
      type: str
      sample: "2026-11-01T09:12:44Z ConsoleLogin (signin.amazonaws.com) by arn:aws:iam::123456789012:root from 203.0.113.7"
iam_changes:
  description: The IAM change events, newest first, at most O(max_events); the same keys as RV(root_events).
  returned: always
  type: list
  elements: dict
truncated:
  description: Whether a list holds fewer events than its count (O(max_events)).
  returned: always
  type: bool
"""

import datetime
import json
import re

try:
    import botocore.exceptions
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.mithran.platform.plugins.module_utils.cost_common import fail_on_problems

IAM_SOURCE = "iam.amazonaws.com"
# Write calls of IAM that change who can do what (CIS AWS Foundations 4.4 "IAM policy changes", plus the
# user, key, login profile, group membership, role and MFA changes).
DEFAULT_IAM_EVENT_NAMES = [
    "CreateUser", "DeleteUser", "UpdateUser",
    "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey",
    "CreateLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile",
    "AddUserToGroup", "RemoveUserFromGroup", "CreateGroup", "DeleteGroup",
    "CreateRole", "DeleteRole", "UpdateAssumeRolePolicy",
    "PutUserPolicy", "PutGroupPolicy", "PutRolePolicy",
    "DeleteUserPolicy", "DeleteGroupPolicy", "DeleteRolePolicy",
    "AttachUserPolicy", "AttachGroupPolicy", "AttachRolePolicy",
    "DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy",
    "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion",
    "DeactivateMFADevice", "DeleteVirtualMFADevice",
]
# FilterLogEvents accepts a filter pattern of at most 1024 characters.
MAX_PATTERN = 1024
ROOT_PATTERN = '($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent")'
TARGET_KEYS = ("userName", "groupName", "roleName", "policyArn", "policyName", "serialNumber")
_LOG_GROUP = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
_EVENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,127}$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?$")


def filter_patterns(iam_event_names):
    """The server-side patterns: one for root use, then the IAM calls by name in as few patterns as fit
    FilterLogEvents' 1024 characters each."""
    patterns = ["{ %s }" % ROOT_PATTERN]
    names = []

    def iam_pattern(chunk):
        return '{ $.eventSource = "%s" && (%s) }' % (IAM_SOURCE, " || ".join('$.eventName = "%s"' % n for n in chunk))

    for name in iam_event_names:
        if names and len(iam_pattern(names + [name])) > MAX_PATTERN:
            patterns.append(iam_pattern(names))
            names = []
        names.append(name)
    if names:
        patterns.append(iam_pattern(names))
    return patterns


def is_root_use(record):
    identity = record.get("userIdentity") or {}
    return (identity.get("type") == "Root" and not identity.get("invokedBy")
            and record.get("eventType") != "AwsServiceEvent")


def is_iam_change(record, names):
    return record.get("eventSource") == IAM_SOURCE and record.get("eventName") in names


def summarize(record):
    identity = record.get("userIdentity") or {}
    params = record.get("requestParameters") or {}
    error = record.get("errorCode")
    if not error and record.get("eventName") == "ConsoleLogin":
        outcome = (record.get("responseElements") or {}).get("ConsoleLogin")
        error = outcome if outcome and outcome != "Success" else None
    target = ", ".join("%s=%s" % (k, params[k]) for k in TARGET_KEYS if isinstance(params, dict) and params.get(k))
    event = dict(
        time=record.get("eventTime", ""), event_name=record.get("eventName", ""),
        event_source=record.get("eventSource", ""), event_id=record.get("eventID", ""),
        principal=identity.get("arn") or identity.get("type") or "unknown",
        source_ip=record.get("sourceIPAddress", ""), aws_region=record.get("awsRegion", ""),
        error_code=error, target=target)
    text = "%s %s (%s) by %s" % (event["time"], event["event_name"], event["event_source"], event["principal"])
    if target:
        text += " on %s" % target
    if event["source_ip"]:
        text += " from %s" % event["source_ip"]
    if error:
        text += ": failed (%s)" % error
    event["description"] = text
    return event


def validate(module):
    """Every problem of the input, before any call. Returns the window (start, end) as aware datetimes."""
    p = module.params
    problems = []
    if not _LOG_GROUP.match(p["log_group_name"] or ""):
        problems.append("log_group_name %r is not a CloudWatch Logs group name (1-512 of A-Z a-z 0-9 . - _ / #)"
                        % p["log_group_name"])
    if not 1 <= p["hours"] <= 2160:
        problems.append("hours must be between 1 and 2160, got %d" % p["hours"])
    if not 1 <= p["max_events"] <= 10000:
        problems.append("max_events must be between 1 and 10000, got %d" % p["max_events"])
    for name in p["iam_event_names"]:
        if not _EVENT_NAME.match(name):
            problems.append("iam_event_names: %r is not an IAM API call name (letters and digits, e.g. CreateUser)" % name)
    end = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    if p["end_time"] is not None:
        try:
            if not _TIME.match(p["end_time"]):
                raise ValueError
            end = datetime.datetime.strptime(p["end_time"].rstrip("Z"), "%Y-%m-%dT%H:%M:%S").replace(
                tzinfo=datetime.timezone.utc)
        except ValueError:
            problems.append("end_time %r is not a UTC time YYYY-MM-DDTHH:MM:SS" % p["end_time"])
    fail_on_problems(module, problems)
    return end - datetime.timedelta(hours=p["hours"]), end


def millis(moment):
    return int(moment.timestamp() * 1000)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            log_group_name=dict(type="str", required=True),
            hours=dict(type="int", default=24),
            end_time=dict(type="str"),
            iam_event_names=dict(type="list", elements="str"),
            max_events=dict(type="int", default=100),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if p["iam_event_names"] is None:
        p["iam_event_names"] = list(DEFAULT_IAM_EVENT_NAMES)
    start, end = validate(module)
    names = set(p["iam_event_names"])
    patterns = filter_patterns(p["iam_event_names"])
    client = module.client("logs", retry_decorator=AWSRetry.jittered_backoff())
    # A root IAM call matches two patterns: log events are kept once, by their ID.
    messages = {}
    try:
        for pattern in patterns:
            request = dict(logGroupName=p["log_group_name"], startTime=millis(start), endTime=millis(end),
                           filterPattern=pattern)
            while True:
                page = client.filter_log_events(aws_retry=True, **request)
                for log_event in page.get("events", []):
                    key = log_event.get("eventId") or (log_event.get("logStreamName"), log_event.get("timestamp"),
                                                       log_event.get("message"))
                    messages[key] = log_event.get("message", "")
                if not page.get("nextToken"):
                    break
                request["nextToken"] = page["nextToken"]
    except is_boto3_error_code("ResourceNotFoundException"):
        module.fail_json(msg="log_group_name: the log group %s does not exist (is the trail still delivering to "
                             "CloudWatch Logs?)" % p["log_group_name"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to read the CloudTrail events of log group %s" % p["log_group_name"])

    root, iam, unparsed = [], [], 0
    for message in messages.values():
        try:
            record = json.loads(message)
        except ValueError:
            record = None
        if not isinstance(record, dict) or "eventName" not in record:
            unparsed += 1
            continue
        # A root IAM call is both: each list stands on its own.
        if is_root_use(record):
            root.append(summarize(record))
        if is_iam_change(record, names):
            iam.append(summarize(record))

    def newest(events):
        return sorted(events, key=lambda e: (e["time"], e["event_id"]), reverse=True)[:p["max_events"]]

    module.exit_json(
        changed=False,
        window=dict(start=start.strftime("%Y-%m-%dT%H:%M:%SZ"), end=end.strftime("%Y-%m-%dT%H:%M:%SZ")),
        filter_patterns=patterns, scanned=len(messages), unparsed=unparsed,
        root_event_count=len(root), iam_change_count=len(iam),
        root_events=newest(root), iam_changes=newest(iam),
        truncated=len(root) > p["max_events"] or len(iam) > p["max_events"])


if __name__ == "__main__":
    main()
