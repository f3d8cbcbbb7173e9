#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: application_load_balancer
short_description: Manage an application load balancer with its attributes, listeners and rules
version_added: 0.1.0
description:
  - Creates, updates or deletes one application load balancer (ALB) found by name, together with its
    attributes, listeners (keyed by port) and listener rules (keyed by priority).
  - Only the settings this module manages are compared, so a rerun with the same input is a no-op.
  - Every input is checked before the first API call (HTTPS listeners need a certificate, path patterns
    must be valid, rule priorities unique, target groups must exist), so bad input never half-creates
    a load balancer.
  - Written because M(amazon.aws.elb_application_lb) 10.1.2 fails to create a new ALB whose listeners
    have rules (amazon.aws issue 2400).
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description: Whether the load balancer should exist.
    type: str
    choices: [present, absent]
    default: present
  name:
    description: The load balancer's name (at most 32 characters, letters, digits and hyphens).
    type: str
    required: true
  scheme:
    description: C(internet-facing) or C(internal). AWS cannot change it on an existing load balancer.
    type: str
    choices: [internet-facing, internal]
    default: internet-facing
  subnets:
    description: IDs of the subnets, at least two in different availability zones. Required when O(state=present).
    type: list
    elements: str
  security_groups:
    description: IDs of the security groups.
    type: list
    elements: str
    default: []
  ip_address_type:
    description: The IP address type.
    type: str
    choices: [ipv4, dualstack]
    default: ipv4
  deletion_protection:
    description: Whether deletion protection is on.
    type: bool
    default: false
  disable_deletion_protection:
    description:
      - On O(state=absent), turn deletion protection off before deleting. Without it a load balancer with
        deletion protection fails the task and stays.
    type: bool
    default: false
  drop_invalid_header_fields:
    description: Whether HTTP headers with invalid field names are removed.
    type: bool
    default: true
  idle_timeout:
    description: The idle timeout in seconds (1-4000).
    type: int
    default: 60
  access_logs:
    description: Access logging to S3. Not managed when omitted.
    type: dict
    suboptions:
      enabled:
        description: Whether access logs are written.
        type: bool
        default: true
      bucket:
        description: The S3 bucket name. Required when O(access_logs.enabled=true).
        type: str
      prefix:
        description: The key prefix in the bucket.
        type: str
        default: ""
  listeners:
    description:
      - The listeners, keyed by port. Each has a default action and optional rules.
      - An action is a dict with C(type) (C(forward), C(redirect) or C(fixed-response)) and, by type,
        C(target_group_name) or C(target_group_arn); C(redirect) (C(protocol), C(port), C(host), C(path),
        C(query), C(status_code)); C(fixed_response) (C(status_code), C(content_type), C(message_body)).
    type: list
    elements: dict
    default: []
    suboptions:
      port:
        description: The listener port.
        type: int
        required: true
      protocol:
        description: The listener protocol.
        type: str
        choices: [HTTP, HTTPS]
        required: true
      ssl_policy:
        description: The TLS policy of an HTTPS listener.
        type: str
        default: ELBSecurityPolicy-TLS13-1-2-2021-06
      certificate_arn:
        description: The ACM certificate of an HTTPS listener. Required when O(listeners[].protocol=HTTPS).
        type: str
      default_action:
        description: The action when no rule matches.
        type: dict
        required: true
      rules:
        description:
          - Rules of the listener, keyed by priority. Each is a dict with C(priority) (1-50000), C(action),
            and at least one of C(path_patterns) and C(host_headers) (at most five values in all).
        type: list
        elements: dict
        default: []
  purge_listeners:
    description: Whether listeners on ports not in O(listeners) are deleted.
    type: bool
    default: true
  purge_rules:
    description: Whether rules at priorities not in a listener's C(rules) are deleted.
    type: bool
    default: true
  wait:
    description: Wait until a new load balancer is active.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait when O(wait=true).
    type: int
    default: 600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: ALB with an HTTPS listener, a path rule and an HTTP redirect
  mithran.platform.application_load_balancer:
    name: mithran-alb
    subnets: "{{ public_subnet_ids }}"
    security_groups: ["{{ web_sg_id }}"]
    drop_invalid_header_fields: true
    access_logs:
      bucket: mithran-logs
      prefix: alb
    listeners:
      - port: 443
        protocol: HTTPS
        certificate_arn: "{{ cert_arn }}"
        default_action: {type: forward, target_group_name: mithran-frontend}
        rules:
          - priority: 10
            path_patterns: ["/api/*"]
            action: {type: forward, target_group_name: mithran-backend}
      - port: 80
        protocol: HTTP
        default_action:
          type: redirect
          redirect: {protocol: HTTPS, port: "443", status_code: HTTP_301}
    tags:
      Service: edge

- name: Remove it
  mithran.platform.application_load_balancer:
    name: mithran-alb
    state: absent
"""

RETURN = r"""
load_balancer:
  description: The load balancer as DescribeLoadBalancers returns it, in snake_case, with its attributes,
    listeners and rules. Empty when absent.
  returned: always
  type: dict
  contains:
    load_balancer_arn:
      description: The ARN.
      type: str
      sample: arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/mithran-alb/50dc6c495c0c9188
    dns_name:
      description: The DNS name.
      type: str
      sample: mithran-alb-1234567890.us-west-2.elb.amazonaws.com
    canonical_hosted_zone_id:
      description: The hosted zone of the DNS name (for alias records).
      type: str
      sample: Z1H1FL5HABSF5
    attributes:
      description: The managed attributes as key/value strings.
      type: dict
      sample: {"deletion_protection.enabled": "false"}
    listeners:
      description: Each listener with its non-default rules.
      type: list
      elements: dict
    tags:
      description: The tags.
      type: dict
      sample: {"Service": "edge"}
"""

import re

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

BOTO_ERRORS = ()
try:
    BOTO_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
except NameError:
    pass

NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
# AWS: up to 128 characters of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?
PATH_PATTERN_RE = re.compile(r"^[A-Za-z0-9_\-.$/~\"'@:+&*?]{1,128}$")
ACTION_TYPES = ("forward", "redirect", "fixed-response")
REDIRECT_DEFAULTS = {"Protocol": "#{protocol}", "Port": "#{port}", "Host": "#{host}", "Path": "/#{path}",
                     "Query": "#{query}"}
ATTRIBUTE_DEFAULTS = {
    "deletion_protection.enabled": "false",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "idle_timeout.timeout_seconds": "60",
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
}


class ValidationError(Exception):
    pass


def _bool(value):
    return "true" if value else "false"


# ---------------------------------------------------------------- validation (no API call)

def validate_action(action, where):
    if not isinstance(action, dict):
        raise ValidationError("%s must be a dict, got %r" % (where, action))
    kind = action.get("type")
    if kind not in ACTION_TYPES:
        raise ValidationError("%s.type must be one of %s, got %r" % (where, ", ".join(ACTION_TYPES), kind))
    if kind == "forward":
        if bool(action.get("target_group_name")) == bool(action.get("target_group_arn")):
            raise ValidationError("%s: a forward action needs exactly one of target_group_name and target_group_arn"
                                  % where)
    elif kind == "redirect":
        redirect = action.get("redirect") or {}
        if redirect.get("status_code") not in ("HTTP_301", "HTTP_302"):
            raise ValidationError("%s.redirect.status_code must be HTTP_301 or HTTP_302, got %r"
                                  % (where, redirect.get("status_code")))
        protocol = redirect.get("protocol", "#{protocol}")
        if protocol not in ("HTTP", "HTTPS", "#{protocol}"):
            raise ValidationError("%s.redirect.protocol must be HTTP, HTTPS or #{protocol}, got %r" % (where, protocol))
        unknown = set(redirect) - {"protocol", "port", "host", "path", "query", "status_code"}
        if unknown:
            raise ValidationError("%s.redirect has unknown keys: %s" % (where, ", ".join(sorted(unknown))))
    else:
        fixed = action.get("fixed_response") or {}
        if not re.match(r"^[245]\d\d$", str(fixed.get("status_code", ""))):
            raise ValidationError("%s.fixed_response.status_code must be a 2XX, 4XX or 5XX code, got %r"
                                  % (where, fixed.get("status_code")))
    unknown = set(action) - {"type", "target_group_name", "target_group_arn", "redirect", "fixed_response"}
    if unknown:
        raise ValidationError("%s has unknown keys: %s" % (where, ", ".join(sorted(unknown))))


def validate_path_pattern(pattern, where):
    if not isinstance(pattern, str) or not PATH_PATTERN_RE.match(pattern):
        raise ValidationError(
            "%s: path pattern %r is not valid (1-128 characters of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?)"
            % (where, pattern))
    if not pattern.startswith(("/", "*")):
        raise ValidationError("%s: path pattern %r must start with '/' (or '*'): request paths always do"
                              % (where, pattern))


def validate(params):
    if not NAME_RE.match(params["name"] or "") or params["name"].startswith("internal-"):
        raise ValidationError("name %r is not a valid load balancer name (1-32 letters, digits and hyphens, "
                              "no leading or trailing hyphen, not starting with 'internal-')" % params["name"])
    if params["state"] == "absent":
        return
    subnets = params["subnets"] or []
    if len(subnets) < 2:
        raise ValidationError("subnets: an application load balancer needs at least two subnets, got %r" % subnets)
    if not 1 <= params["idle_timeout"] <= 4000:
        raise ValidationError("idle_timeout must be between 1 and 4000 seconds, got %r" % params["idle_timeout"])
    logs = params["access_logs"]
    if logs and logs["enabled"] and not logs.get("bucket"):
        raise ValidationError("access_logs.bucket is required when access_logs.enabled is true")
    ports = set()
    for index, listener in enumerate(params["listeners"]):
        where = "listeners[%d] (port %s)" % (index, listener["port"])
        if not 1 <= listener["port"] <= 65535:
            raise ValidationError("%s: port must be between 1 and 65535" % where)
        if listener["port"] in ports:
            raise ValidationError("%s: two listeners use port %s" % (where, listener["port"]))
        ports.add(listener["port"])
        if listener["protocol"] == "HTTPS":
            if not listener.get("certificate_arn"):
                raise ValidationError("%s: certificate_arn is required for an HTTPS listener" % where)
            if not str(listener["certificate_arn"]).startswith("arn:"):
                raise ValidationError("%s: certificate_arn must be an ARN, got %r" % (where, listener["certificate_arn"]))
        elif listener.get("certificate_arn"):
            raise ValidationError("%s: certificate_arn is only valid for an HTTPS listener" % where)
        validate_action(listener["default_action"], where + ".default_action")
        priorities = set()
        for rindex, rule in enumerate(listener["rules"] or []):
            rwhere = "%s.rules[%d]" % (where, rindex)
            if not isinstance(rule, dict):
                raise ValidationError("%s must be a dict" % rwhere)
            unknown = set(rule) - {"priority", "path_patterns", "host_headers", "action"}
            if unknown:
                raise ValidationError("%s has unknown keys: %s" % (rwhere, ", ".join(sorted(unknown))))
            try:
                priority = int(rule.get("priority"))
            except (TypeError, ValueError):
                raise ValidationError("%s.priority must be an integer, got %r" % (rwhere, rule.get("priority")))
            if not 1 <= priority <= 50000:
                raise ValidationError("%s.priority must be between 1 and 50000, got %r" % (rwhere, priority))
            if priority in priorities:
                raise ValidationError("%s: two rules have priority %d" % (rwhere, priority))
            priorities.add(priority)
            paths = rule.get("path_patterns") or []
            hosts = rule.get("host_headers") or []
            if not paths and not hosts:
                raise ValidationError("%s needs path_patterns or host_headers" % rwhere)
            if len(paths) + len(hosts) > 5:
                raise ValidationError("%s has %d condition values, AWS allows 5 per rule" % (rwhere, len(paths) + len(hosts)))
            for pattern in paths:
                validate_path_pattern(pattern, rwhere + ".path_patterns")
            if "action" not in rule:
                raise ValidationError("%s.action is required" % rwhere)
            validate_action(rule["action"], rwhere + ".action")


# ---------------------------------------------------------------- normalisation

def wanted_action(action, target_groups):
    kind = action["type"]
    if kind == "forward":
        arn = action.get("target_group_arn") or target_groups[action["target_group_name"]]
        return {"Type": "forward", "TargetGroupArn": arn}
    if kind == "redirect":
        redirect = action["redirect"]
        config = dict(REDIRECT_DEFAULTS)
        for key in ("protocol", "port", "host", "path", "query"):
            if redirect.get(key) is not None:
                config[key.capitalize()] = str(redirect[key])
        config["StatusCode"] = redirect["status_code"]
        return {"Type": "redirect", "RedirectConfig": config}
    fixed = action["fixed_response"]
    config = {"StatusCode": str(fixed["status_code"]), "ContentType": fixed.get("content_type") or "text/plain"}
    if fixed.get("message_body"):
        config["MessageBody"] = fixed["message_body"]
    return {"Type": "fixed-response", "FixedResponseConfig": config}


def current_action(action):
    kind = action.get("Type")
    if kind == "forward":
        arn = action.get("TargetGroupArn")
        if not arn:
            groups = action.get("ForwardConfig", {}).get("TargetGroups", [])
            arn = groups[0]["TargetGroupArn"] if len(groups) == 1 else sorted(g["TargetGroupArn"] for g in groups)
        return {"Type": "forward", "TargetGroupArn": arn}
    if kind == "redirect":
        config = dict(REDIRECT_DEFAULTS)
        config.update(dict((k, v) for k, v in action.get("RedirectConfig", {}).items() if v is not None))
        return {"Type": "redirect", "RedirectConfig": config}
    if kind == "fixed-response":
        fixed = action.get("FixedResponseConfig", {})
        config = {"StatusCode": str(fixed.get("StatusCode")), "ContentType": fixed.get("ContentType") or "text/plain"}
        if fixed.get("MessageBody"):
            config["MessageBody"] = fixed["MessageBody"]
        return {"Type": "fixed-response", "FixedResponseConfig": config}
    return {"Type": kind}


def wanted_conditions(rule):
    conditions = []
    if rule.get("host_headers"):
        conditions.append({"Field": "host-header", "HostHeaderConfig": {"Values": sorted(rule["host_headers"])}})
    if rule.get("path_patterns"):
        conditions.append({"Field": "path-pattern", "PathPatternConfig": {"Values": sorted(rule["path_patterns"])}})
    return conditions


def current_conditions(conditions):
    result = []
    for condition in conditions:
        field = condition.get("Field")
        key = {"host-header": "HostHeaderConfig", "path-pattern": "PathPatternConfig"}.get(field)
        values = condition.get(key, {}).get("Values") if key else None
        if values is None:
            values = condition.get("Values", [])
        result.append({"Field": field, key or "Values": {"Values": sorted(values)}})
    return sorted(result, key=lambda c: c["Field"])


# ---------------------------------------------------------------- AWS reads

class ALB(object):
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.client = module.client("elbv2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
        self.changed = False

    def fail(self, e, msg):
        self.module.fail_json_aws(e, msg=msg)

    def describe(self):
        try:
            found = self.client.describe_load_balancers(aws_retry=True, Names=[self.params["name"]])["LoadBalancers"]
        except is_boto3_error_code("LoadBalancerNotFound"):
            return None
        except BOTO_ERRORS as e:  # pylint: disable=duplicate-except
            self.fail(e, "Failed to describe load balancer %s" % self.params["name"])
        return found[0] if found else None

    def resolve_target_groups(self):
        names = set()
        for listener in self.params["listeners"]:
            actions = [listener["default_action"]] + [r["action"] for r in listener["rules"] or []]
            names.update(a["target_group_name"] for a in actions if a.get("target_group_name"))
        if not names:
            return {}
        try:
            found = self.client.describe_target_groups(aws_retry=True, Names=sorted(names))["TargetGroups"]
        except is_boto3_error_code("TargetGroupNotFound") as e:
            self.module.fail_json(msg="A target group named in listeners does not exist (%s): %s"
                                  % (", ".join(sorted(names)), e))
        except BOTO_ERRORS as e:  # pylint: disable=duplicate-except
            self.fail(e, "Failed to look up target groups %s" % ", ".join(sorted(names)))
        by_name = dict((tg["TargetGroupName"], tg["TargetGroupArn"]) for tg in found)
        missing = names - set(by_name)
        if missing:
            self.module.fail_json(msg="Target groups %s do not exist" % ", ".join(sorted(missing)))
        return by_name

    def attributes(self, arn):
        try:
            attrs = self.client.describe_load_balancer_attributes(aws_retry=True, LoadBalancerArn=arn)["Attributes"]
        except BOTO_ERRORS as e:
            self.fail(e, "Failed to describe attributes of %s" % self.params["name"])
        current = dict(ATTRIBUTE_DEFAULTS)
        current.update(dict((a["Key"], a["Value"]) for a in attrs))
        return current

    def tags(self, arn):
        try:
            descs = self.client.describe_tags(aws_retry=True, ResourceArns=[arn])["TagDescriptions"]
        except BOTO_ERRORS as e:
            self.fail(e, "Failed to describe tags of %s" % self.params["name"])
        return boto3_tag_list_to_ansible_dict(descs[0]["Tags"]) if descs else {}

    def listeners(self, arn):
        try:
            paginator = self.client.get_paginator("describe_listeners")
            return paginator.paginate(LoadBalancerArn=arn).build_full_result()["Listeners"]
        except BOTO_ERRORS as e:
            self.fail(e, "Failed to describe listeners of %s" % self.params["name"])

    def rules(self, listener_arn):
        try:
            rules = self.client.describe_rules(aws_retry=True, ListenerArn=listener_arn)["Rules"]
        except BOTO_ERRORS as e:
            self.fail(e, "Failed to describe rules of listener %s" % listener_arn)
        return [r for r in rules if not r.get("IsDefault")]

    # ------------------------------------------------------------ reconcile

    def wanted_attributes(self):
        params = self.params
        wanted = {
            "deletion_protection.enabled": _bool(params["deletion_protection"]),
            "routing.http.drop_invalid_header_fields.enabled": _bool(params["drop_invalid_header_fields"]),
            "idle_timeout.timeout_seconds": str(params["idle_timeout"]),
        }
        logs = params["access_logs"]
        if logs is not None:
            wanted["access_logs.s3.enabled"] = _bool(logs["enabled"])
            if logs["enabled"]:
                wanted["access_logs.s3.bucket"] = logs["bucket"]
                wanted["access_logs.s3.prefix"] = logs.get("prefix") or ""
        return wanted

    def create(self):
        params = self.params
        request = dict(Name=params["name"], Subnets=params["subnets"], Scheme=params["scheme"], Type="application",
                       IpAddressType=params["ip_address_type"])
        if params["security_groups"]:
            request["SecurityGroups"] = params["security_groups"]
        if params["tags"]:
            request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
        try:
            lb = self.client.create_load_balancer(aws_retry=True, **request)["LoadBalancers"][0]
        except BOTO_ERRORS as e:
            self.fail(e, "Failed to create load balancer %s" % params["name"])
        if params["wait"]:
            try:
                waiter = self.client.get_waiter("load_balancer_available")
                waiter.wait(LoadBalancerArns=[lb["LoadBalancerArn"]],
                            WaiterConfig={"Delay": 15, "MaxAttempts": max(1, params["wait_timeout"] // 15)})
            except botocore.exceptions.WaiterError as e:
                self.fail(e, "Timed out waiting for load balancer %s to become active" % params["name"])
        return lb

    def update_lb(self, lb):
        params = self.params
        arn = lb["LoadBalancerArn"]
        if lb.get("Scheme") != params["scheme"]:
            self.module.fail_json(msg="scheme: load balancer %s is %s and AWS cannot change it to %s; delete it first"
                                  % (params["name"], lb.get("Scheme"), params["scheme"]))
        current_subnets = set(az["SubnetId"] for az in lb.get("AvailabilityZones", []))
        if current_subnets != set(params["subnets"]):
            self.mutate("set_subnets", "set the subnets of", LoadBalancerArn=arn, Subnets=params["subnets"])
        if set(lb.get("SecurityGroups", [])) != set(params["security_groups"]):
            self.mutate("set_security_groups", "set the security groups of", LoadBalancerArn=arn,
                        SecurityGroups=params["security_groups"])
        if lb.get("IpAddressType", "ipv4") != params["ip_address_type"]:
            self.mutate("set_ip_address_type", "set the IP address type of", LoadBalancerArn=arn,
                        IpAddressType=params["ip_address_type"])

    def mutate(self, method, what, **kwargs):
        self.changed = True
        if self.module.check_mode:
            return None
        try:
            return getattr(self.client, method)(aws_retry=True, **kwargs)
        except BOTO_ERRORS as e:
            self.fail(e, "Failed to %s %s" % (what, self.params["name"]))

    def update_attributes(self, arn, is_new):
        wanted = self.wanted_attributes()
        current = dict(ATTRIBUTE_DEFAULTS) if is_new else self.attributes(arn)
        diff = [{"Key": k, "Value": v} for k, v in sorted(wanted.items()) if current.get(k) != v]
        if diff:
            self.mutate("modify_load_balancer_attributes", "modify attributes of", LoadBalancerArn=arn,
                        Attributes=diff)

    def update_tags(self, arn):
        if self.params["tags"] is None:
            return
        to_add, to_remove = compare_aws_tags(self.tags(arn), self.params["tags"], self.params["purge_tags"])
        if to_remove:
            self.mutate("remove_tags", "remove tags of", ResourceArns=[arn], TagKeys=to_remove)
        if to_add:
            self.mutate("add_tags", "tag", ResourceArns=[arn], Tags=ansible_dict_to_boto3_tag_list(to_add))

    def listener_request(self, listener, target_groups):
        request = {
            "Port": listener["port"],
            "Protocol": listener["protocol"],
            "DefaultActions": [wanted_action(listener["default_action"], target_groups)],
        }
        if listener["protocol"] == "HTTPS":
            request["SslPolicy"] = listener["ssl_policy"]
            request["Certificates"] = [{"CertificateArn": listener["certificate_arn"]}]
        return request

    def listener_differs(self, current, request):
        if current.get("Protocol") != request["Protocol"]:
            return True
        if [current_action(a) for a in current.get("DefaultActions", [])] != request["DefaultActions"]:
            return True
        if request["Protocol"] == "HTTPS":
            if current.get("SslPolicy") != request["SslPolicy"]:
                return True
            certs = [c["CertificateArn"] for c in current.get("Certificates", []) if c.get("IsDefault", True)]
            if certs[:1] != [request["Certificates"][0]["CertificateArn"]]:
                return True
        return False

    def update_listeners(self, arn, is_new, target_groups):
        current = {} if is_new else dict((l["Port"], l) for l in self.listeners(arn))
        wanted_ports = set()
        for listener in self.params["listeners"]:
            wanted_ports.add(listener["port"])
            request = self.listener_request(listener, target_groups)
            existing = current.get(listener["port"])
            if existing is None:
                created = self.mutate("create_listener", "create listener %s of" % listener["port"],
                                      LoadBalancerArn=arn, **request)
                listener_arn = created["Listeners"][0]["ListenerArn"] if created else None
                existing_rules = []
            else:
                listener_arn = existing["ListenerArn"]
                if self.listener_differs(existing, request):
                    self.mutate("modify_listener", "modify listener %s of" % listener["port"],
                                ListenerArn=listener_arn, **request)
                existing_rules = self.rules(listener_arn)
            self.update_rules(listener_arn, listener, existing_rules, target_groups)
        if self.params["purge_listeners"]:
            for port, existing in sorted(current.items()):
                if port not in wanted_ports:
                    self.mutate("delete_listener", "delete listener %s of" % port, ListenerArn=existing["ListenerArn"])

    def update_rules(self, listener_arn, listener, existing_rules, target_groups):
        by_priority = dict((int(r["Priority"]), r) for r in existing_rules)
        wanted_priorities = set()
        for rule in listener["rules"] or []:
            priority = int(rule["priority"])
            wanted_priorities.add(priority)
            conditions = wanted_conditions(rule)
            actions = [wanted_action(rule["action"], target_groups)]
            existing = by_priority.get(priority)
            if existing is None:
                self.mutate("create_rule", "create rule %d of listener %s of" % (priority, listener["port"]),
                            ListenerArn=listener_arn, Priority=priority, Conditions=conditions, Actions=actions)
            elif (current_conditions(existing.get("Conditions", [])) != sorted(conditions, key=lambda c: c["Field"])
                  or [current_action(a) for a in existing.get("Actions", [])] != actions):
                self.mutate("modify_rule", "modify rule %d of listener %s of" % (priority, listener["port"]),
                            RuleArn=existing["RuleArn"], Conditions=conditions, Actions=actions)
        if self.params["purge_rules"]:
            for priority, existing in sorted(by_priority.items()):
                if priority not in wanted_priorities:
                    self.mutate("delete_rule", "delete rule %d of listener %s of" % (priority, listener["port"]),
                                RuleArn=existing["RuleArn"])

    def result(self):
        lb = self.describe()
        if not lb:
            return {}
        arn = lb["LoadBalancerArn"]
        listeners = []
        for listener in sorted(self.listeners(arn), key=lambda l: l["Port"]):
            listener = dict(listener)
            listener["Rules"] = sorted(self.rules(listener["ListenerArn"]), key=lambda r: int(r["Priority"]))
            listeners.append(listener)
        result = camel_dict_to_snake_dict(lb)
        result["listeners"] = [camel_dict_to_snake_dict(l) for l in listeners]
        result["attributes"] = self.attributes(arn)
        result["tags"] = self.tags(arn)
        return result


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str", required=True),
        scheme=dict(type="str", choices=["internet-facing", "internal"], default="internet-facing"),
        subnets=dict(type="list", elements="str"),
        security_groups=dict(type="list", elements="str", default=[]),
        ip_address_type=dict(type="str", choices=["ipv4", "dualstack"], default="ipv4"),
        deletion_protection=dict(type="bool", default=False),
        disable_deletion_protection=dict(type="bool", default=False),
        drop_invalid_header_fields=dict(type="bool", default=True),
        idle_timeout=dict(type="int", default=60),
        access_logs=dict(type="dict", options=dict(
            enabled=dict(type="bool", default=True),
            bucket=dict(type="str"),
            prefix=dict(type="str", default=""),
        )),
        listeners=dict(type="list", elements="dict", default=[], options=dict(
            port=dict(type="int", required=True),
            protocol=dict(type="str", choices=["HTTP", "HTTPS"], required=True),
            ssl_policy=dict(type="str", default="ELBSecurityPolicy-TLS13-1-2-2021-06"),
            certificate_arn=dict(type="str"),
            default_action=dict(type="dict", required=True),
            rules=dict(type="list", elements="dict", default=[]),
        )),
        purge_listeners=dict(type="bool", default=True),
        purge_rules=dict(type="bool", default=True),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=600),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        validate(module.params)
    except ValidationError as e:
        module.fail_json(msg=str(e))

    alb = ALB(module)
    lb = alb.describe()

    if module.params["state"] == "absent":
        if lb:
            arn = lb["LoadBalancerArn"]
            if alb.attributes(arn).get("deletion_protection.enabled") == "true":
                if not module.params["disable_deletion_protection"]:
                    module.fail_json(msg="Load balancer %s has deletion protection; set deletion_protection: false "
                                         "first, or disable_deletion_protection: true" % module.params["name"])
                alb.mutate("modify_load_balancer_attributes", "turn off deletion protection of", LoadBalancerArn=arn,
                           Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}])
            alb.mutate("delete_load_balancer", "delete load balancer", LoadBalancerArn=arn)
        module.exit_json(changed=alb.changed, load_balancer={})

    target_groups = alb.resolve_target_groups()
    is_new = lb is None
    if is_new:
        alb.changed = True
        if module.check_mode:
            module.exit_json(changed=True, load_balancer={})
        lb = alb.create()
    else:
        alb.update_lb(lb)
    arn = lb["LoadBalancerArn"]
    alb.update_attributes(arn, is_new)
    if not is_new:
        alb.update_tags(arn)
    alb.update_listeners(arn, is_new, target_groups)
    module.exit_json(changed=alb.changed, load_balancer=alb.result())


if __name__ == "__main__":
    main()
