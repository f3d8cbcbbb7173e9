"""CloudTrail records as a trail delivers them to CloudWatch Logs (one JSON record per log event).

The shapes follow the CloudTrail record contents reference (eventVersion 1.08/1.09): a root console
sign-in, root and IAM user API calls, an AWS service acting for the root, IAM reads. Used by the unit
tests of cloudtrail_security_events_info and by the daily operations integration test, which put them
into a log group of the emulator (`put_records`).
"""

import datetime
import json
import uuid

ACCOUNT = "123456789012"
ROOT = {"type": "Root", "principalId": ACCOUNT, "arn": "arn:aws:iam::%s:root" % ACCOUNT, "accountId": ACCOUNT}
ADMIN = {"type": "IAMUser", "principalId": "AIDAEXAMPLEADMIN0001", "arn": "arn:aws:iam::%s:user/alice" % ACCOUNT,
         "accountId": ACCOUNT, "userName": "alice", "accessKeyId": "AKIAEXAMPLEALICE0001"}
DEPLOY_ROLE = {"type": "AssumedRole", "principalId": "AROAEXAMPLEDEPLOY001:ansible",
               "arn": "arn:aws:sts::%s:assumed-role/mithran-deploy/ansible" % ACCOUNT, "accountId": ACCOUNT}


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def record(when, event_name, source, identity, region="us-east-1", request=None, response=None, error=None,
           event_type="AwsApiCall", read_only=False, **extra):
    rec = {
        "eventVersion": "1.09", "userIdentity": identity, "eventTime": iso(when), "eventSource": source,
        "eventName": event_name, "awsRegion": region, "sourceIPAddress": "203.0.113.7",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64", "requestParameters": request,
        "responseElements": response, "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()),
        "readOnly": read_only, "eventType": event_type, "managementEvent": True,
        "recipientAccountId": ACCOUNT, "eventCategory": "Management",
    }
    if error:
        rec["errorCode"] = error
        rec["errorMessage"] = "User is not authorized to perform this action"
    rec.update(extra)
    return rec


def signals(now):
    """The records a daily check must report, with what it must say: (record, kind, event name)."""
    hour = datetime.timedelta(hours=1)
    return [
        (record(now - 20 * hour, "ConsoleLogin", "signin.amazonaws.com", ROOT, event_type="AwsConsoleSignIn",
                response={"ConsoleLogin": "Success"}, additionalEventData={"MFAUsed": "No"}), "root", "ConsoleLogin"),
        (record(now - 19 * hour, "CreateAccessKey", "iam.amazonaws.com", ROOT,
                response={"accessKey": {"accessKeyId": "AKIAEXAMPLEROOT00001", "status": "Active",
                                        "userName": ACCOUNT}}), "root+iam", "CreateAccessKey"),
        (record(now - 18 * hour, "DescribeInstances", "ec2.amazonaws.com", ROOT, region="us-west-2", read_only=True,
                request={"instancesSet": {}}), "root", "DescribeInstances"),
        (record(now - 10 * hour, "CreateUser", "iam.amazonaws.com", ADMIN, request={"userName": "bob"},
                response={"user": {"userName": "bob", "arn": "arn:aws:iam::%s:user/bob" % ACCOUNT}}), "iam", "CreateUser"),
        (record(now - 9 * hour, "AttachUserPolicy", "iam.amazonaws.com", ADMIN,
                request={"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
         "iam", "AttachUserPolicy"),
        (record(now - 8 * hour, "PutUserPolicy", "iam.amazonaws.com", DEPLOY_ROLE,
                request={"userName": "bob", "policyName": "inline-s3", "policyDocument": "{}"}, error="AccessDenied"),
         "iam", "PutUserPolicy"),
        (record(now - 2 * hour, "DeleteRolePolicy", "iam.amazonaws.com", DEPLOY_ROLE,
                request={"roleName": "mithran-ecs-task", "policyName": "old-inline"}), "iam", "DeleteRolePolicy"),
    ]


def noise(now):
    """Records a daily check must not report: reads, other services, AWS acting for the root, old events."""
    hour = datetime.timedelta(hours=1)
    return [
        record(now - 23 * hour, "GetUser", "iam.amazonaws.com", ADMIN, request={"userName": "bob"}, read_only=True),
        record(now - 22 * hour, "ListAttachedRolePolicies", "iam.amazonaws.com", DEPLOY_ROLE,
               request={"roleName": "mithran-ecs-task"}, read_only=True),
        record(now - 21 * hour, "ConsoleLogin", "signin.amazonaws.com", ADMIN, event_type="AwsConsoleSignIn",
               response={"ConsoleLogin": "Success"}),
        record(now - 7 * hour, "RunInstances", "ec2.amazonaws.com", DEPLOY_ROLE, region="us-west-2"),
        record(now - 6 * hour, "AssumeRole", "sts.amazonaws.com", dict(ROOT, invokedBy="support.amazonaws.com"),
               read_only=True),
        record(now - 5 * hour, "Decrypt", "kms.amazonaws.com", ROOT, event_type="AwsServiceEvent", read_only=True),
        # Outside a 24 h window ending now.
        record(now - 30 * hour, "CreateUser", "iam.amazonaws.com", ADMIN, request={"userName": "old"}),
        record(now - 31 * hour, "ConsoleLogin", "signin.amazonaws.com", ROOT, event_type="AwsConsoleSignIn",
               response={"ConsoleLogin": "Success"}),
    ]


def put_records(logs, group, records, stream=ACCOUNT + "_CloudTrail_us-west-2", extra_messages=()):
    """Create the group (if needed) and its stream, and put the records as log events, oldest first."""
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    events = [{"timestamp": int(datetime.datetime.strptime(r["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp() * 1000), "message": json.dumps(r)} for r in records]
    if extra_messages:
        newest = max(e["timestamp"] for e in events) if events else int(
            datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000) - 60000
        events += [{"timestamp": newest, "message": message} for message in extra_messages]
    if events:
        logs.put_log_events(logGroupName=group, logStreamName=stream,
                            logEvents=sorted(events, key=lambda e: e["timestamp"]))
