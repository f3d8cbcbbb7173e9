#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: vpc_route_tables
short_description: The route tables of a VPC, their routes and subnets, and its gateway endpoints, in one call
version_added: 0.1.0
description:
  - Manages a set of route tables of one VPC, each found by its C(Name) tag, with its IPv4 routes, the
    subnets associated with it and its tags; and the gateway endpoints (S3, DynamoDB) that route from
    those tables to an AWS service.
  - One look-up reads every table and endpoint of the VPC, so a run that changes nothing costs two
    describe calls, whatever the number of tables.
  - After a change it reads the state back and repeats what AWS does not show yet (eventual consistency),
    with short backoff, instead of sleeping a fixed time. M(amazon.aws.ec2_vpc_route_table) sleeps 5
    seconds after every change of every table; M(amazon.aws.ec2_vpc_endpoint) cannot change the route
    tables of an existing endpoint and, in amazon.aws 10.1, fails with C(KeyError) after creating an
    endpoint with a client token.
  - New tables and endpoints are created with a client token, so a retry of a create whose answer was lost
    does not make a second one, and with their tags in the create call, so a run interrupted right after a
    create finds the table by its name on the next run.
  - Only the routes to an IPv4 CIDR are managed. The C(local) route, routes that a gateway endpoint or a
    virtual private gateway adds, IPv6 and prefix-list routes are left as they are.
  - Deleting tables is M(amazon.aws.ec2_vpc_route_table) with O(amazon.aws.ec2_vpc_route_table#module:state=absent).
author:
  - Mithran platform team (@mithran-platform)
options:
  vpc_id:
    description: The VPC of the tables and endpoints.
    type: str
    required: true
  route_tables:
    description: The route tables, each found by its C(Name) tag in the VPC.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The C(Name) tag. Unique in this list; at most one table of the VPC may have it.
        type: str
        required: true
      subnets:
        description:
          - The IDs of the subnets associated with this table. A subnet associated with another table is
            moved to this one. A subnet may appear in one table only.
        type: list
        elements: str
        default: []
      routes:
        description: The IPv4 routes, each with exactly one target.
        type: list
        elements: dict
        default: []
        suboptions:
          dest:
            description: The destination IPv4 CIDR, for example C(0.0.0.0/0). Unique in one table.
            type: str
            required: true
          gateway_id:
            description: An internet gateway (C(igw-)) or virtual private gateway (C(vgw-)).
            type: str
          nat_gateway_id:
            description: A NAT gateway (C(nat-)).
            type: str
          transit_gateway_id:
            description: A transit gateway (C(tgw-)).
            type: str
          vpc_peering_connection_id:
            description: A VPC peering connection (C(pcx-)).
            type: str
      tags:
        description: Tags of the table, with C(Name=<name>) added.
        type: dict
        default: {}
  gateway_endpoints:
    description: Gateway endpoints of the VPC, each found by its C(Name) tag.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The C(Name) tag. Unique in this list; at most one active endpoint of the VPC may have it.
        type: str
        required: true
      service:
        description: The service name, for example C(com.amazonaws.us-west-2.s3).
        type: str
        required: true
      route_tables:
        description:
          - The names of the tables in O(route_tables) the endpoint routes from. The endpoint routes from these
            tables only; any other table it routes from is taken off it.
        type: list
        elements: str
        required: true
      tags:
        description: Tags of the endpoint, with C(Name=<name>) added.
        type: dict
        default: {}
  purge_routes:
    description: Remove the IPv4 CIDR routes of a table that O(route_tables[].routes) does not list.
    type: bool
    default: true
  purge_subnets:
    description:
      - Disassociate from a table the subnets that no table in O(route_tables) lists; they fall back to the
        VPC's main route table.
    type: bool
    default: true
  purge_tags:
    description: Remove the tags that are not in O(route_tables[].tags) or O(gateway_endpoints[].tags) (never C(aws:) tags).
    type: bool
    default: false
  wait_timeout:
    description: How long to wait, in seconds, for AWS to show a change before the module fails (1 to 600).
    type: int
    default: 60
notes:
  - Supports check mode and diff mode; the diff shows each table's routes and subnets and each endpoint's
    tables before and after.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Public subnets through the internet gateway, private ones through their AZ's NAT gateway, S3 direct
  mithran.platform.vpc_route_tables:
    vpc_id: "{{ vpc_id }}"
    route_tables:
      - name: mithran-public
        subnets: [subnet-0a1, subnet-0b1]
        routes:
          - dest: 0.0.0.0/0
            gateway_id: igw-0123456789abcdef0
        tags:
          Tier: public
      - name: mithran-private-us-west-2a
        subnets: [subnet-0a2]
        routes:
          - dest: 0.0.0.0/0
            nat_gateway_id: nat-0123456789abcdef0
      - name: mithran-database
        subnets: [subnet-0a3, subnet-0b3]
    gateway_endpoints:
      - name: mithran-s3-endpoint
        service: com.amazonaws.us-west-2.s3
        route_tables: [mithran-private-us-west-2a, mithran-database]
  register: routing

- name: The ID of each table by name
  ansible.builtin.debug:
    msg: "{{ routing.route_table_ids['mithran-public'] }}"
"""

RETURN = r"""
route_table_ids:
  description: The ID of each table in O(route_tables), by name. C(rtb-xxxxxxxx) in check mode for a table still to create.
  returned: always
  type: dict
  sample: {"mithran-public": "rtb-0123456789abcdef0"}
gateway_endpoint_ids:
  description: The ID of each endpoint in O(gateway_endpoints), by name. C(vpce-xxxxxxxx) in check mode for one still to create.
  returned: always
  type: dict
  sample: {"mithran-s3-endpoint": "vpce-0123456789abcdef0"}
route_tables:
  description: Each table of O(route_tables) as AWS describes it after the run (snake_case), with its C(name).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The C(Name) tag.
      type: str
    route_table_id:
      description: The table's ID.
      type: str
    routes:
      description: Every route of the table, the ones the module leaves alone included.
      type: list
      elements: dict
    associations:
      description: The table's subnet associations.
      type: list
      elements: dict
    tags:
      description: The table's tags.
      type: dict
gateway_endpoints:
  description: Each endpoint of O(gateway_endpoints) as AWS describes it after the run (snake_case), with its C(name).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The C(Name) tag.
      type: str
    vpc_endpoint_id:
      description: The endpoint's ID.
      type: str
    route_table_ids:
      description: The tables it routes from.
      type: list
      elements: str
    state:
      description: The endpoint's state.
      type: str
changes:
  description: What the run changed (or, in check mode, would change), one line each.
  returned: always
  type: list
  elements: str
  sample: ["create route table mithran-public", "mithran-public: route 0.0.0.0/0 -> igw-0123456789abcdef0"]
"""

import copy
import ipaddress
import re
import time
import uuid

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

# The route targets this module manages: option -> the key of the API.
TARGETS = {
    "gateway_id": "GatewayId",
    "nat_gateway_id": "NatGatewayId",
    "transit_gateway_id": "TransitGatewayId",
    "vpc_peering_connection_id": "VpcPeeringConnectionId",
}
TARGET_PREFIXES = {
    "gateway_id": ("igw-", "vgw-"),
    "nat_gateway_id": ("nat-",),
    "transit_gateway_id": ("tgw-",),
    "vpc_peering_connection_id": ("pcx-",),
}
# A new table, endpoint or subnet is not yet visible to every API for a moment (eventual consistency).
NOT_YET_CODES = ["InvalidRouteTableID.NotFound", "InvalidSubnetID.NotFound", "InvalidVpcEndpointId.NotFound",
                 "InvalidNatGatewayID.NotFound", "InvalidInternetGatewayID.NotFound", "InvalidGatewayID.NotFound"]
GONE_STATES = ("deleted", "deleting", "failed", "rejected", "expired")
NAME = re.compile(r"^[A-Za-z0-9 _.:/=+@-]{1,255}$")
AWS_ID = re.compile(r"^[a-z]+-[0-9a-f]{8,17}$")


def fail_input(module, option, message, value):
    module.fail_json(msg="%s %s, got %r" % (option, message, value))


def validate(module):
    """Every check that needs no AWS call, before the first one."""
    params = module.params
    if not AWS_ID.match(params["vpc_id"] or "") or not params["vpc_id"].startswith("vpc-"):
        fail_input(module, "vpc_id", "must be a VPC ID (vpc-...)", params["vpc_id"])
    if not 1 <= params["wait_timeout"] <= 600:
        fail_input(module, "wait_timeout", "must be between 1 and 600 seconds", params["wait_timeout"])
    names = set()
    subnet_owner = {}
    for i, table in enumerate(params["route_tables"]):
        where = "route_tables[%d]" % i
        if not NAME.match(table["name"] or ""):
            fail_input(module, where + ".name", "must be 1 to 255 letters, digits, spaces or _.:/=+@-", table["name"])
        if table["name"] in names:
            fail_input(module, where + ".name", "must be unique in route_tables", table["name"])
        names.add(table["name"])
        for subnet in table["subnets"]:
            if not (AWS_ID.match(subnet or "") and subnet.startswith("subnet-")):
                fail_input(module, where + ".subnets", "must list subnet IDs (subnet-...)", subnet)
            if subnet in subnet_owner:
                fail_input(module, where + ".subnets", "lists a subnet that route table %s lists too" % subnet_owner[subnet], subnet)
            subnet_owner[subnet] = table["name"]
        dests = set()
        for j, route in enumerate(table["routes"]):
            at = "%s.routes[%d]" % (where, j)
            try:
                network = ipaddress.IPv4Network(route["dest"] or "", strict=True)
            except ValueError:
                fail_input(module, at + ".dest", "must be an IPv4 CIDR such as 0.0.0.0/0", route["dest"])
            if str(network) in dests:
                fail_input(module, at + ".dest", "must be unique in the table", route["dest"])
            dests.add(str(network))
            targets = [key for key in TARGETS if route.get(key)]
            if len(targets) != 1:
                fail_input(module, at, "must have exactly one of %s" % ", ".join(TARGETS), targets)
            if not route[targets[0]].startswith(TARGET_PREFIXES[targets[0]]):
                fail_input(module, "%s.%s" % (at, targets[0]), "must start with %s" % " or ".join(TARGET_PREFIXES[targets[0]]),
                           route[targets[0]])
        check_tags(module, where + ".tags", table["tags"])
    endpoint_names = set()
    for i, endpoint in enumerate(params["gateway_endpoints"]):
        where = "gateway_endpoints[%d]" % i
        if not NAME.match(endpoint["name"] or ""):
            fail_input(module, where + ".name", "must be 1 to 255 letters, digits, spaces or _.:/=+@-", endpoint["name"])
        if endpoint["name"] in endpoint_names:
            fail_input(module, where + ".name", "must be unique in gateway_endpoints", endpoint["name"])
        endpoint_names.add(endpoint["name"])
        if not re.match(r"^[a-z0-9.-]+\.[a-z0-9-]+$", endpoint["service"] or ""):
            fail_input(module, where + ".service", "must be a service name such as com.amazonaws.us-west-2.s3", endpoint["service"])
        if not endpoint["route_tables"]:
            fail_input(module, where + ".route_tables", "must name at least one table of route_tables", endpoint["route_tables"])
        for name in endpoint["route_tables"]:
            if name not in names:
                fail_input(module, where + ".route_tables", "must name tables of route_tables (%s)" % ", ".join(sorted(names)), name)
        check_tags(module, where + ".tags", endpoint["tags"])


def check_tags(module, option, tags):
    for key, value in (tags or {}).items():
        if not isinstance(value, str):
            fail_input(module, "%s.%s" % (option, key), "must be a string", value)
        if key.startswith("aws:"):
            fail_input(module, option, "must not set aws: tags", key)


def desired_tags(item):
    tags = dict(item["tags"] or {})
    tags["Name"] = item["name"]
    return tags


def wanted_routes(table):
    """The routes of one O(route_tables) entry: normalised destination -> (target option, target ID)."""
    wanted = {}
    for route in table["routes"]:
        option = next(key for key in TARGETS if route.get(key))
        wanted[str(ipaddress.IPv4Network(route["dest"]))] = (option, route[option])
    return wanted


def described(wanted, found):
    """What AWS holds for each wanted item found, snake_case, with its name."""
    result = []
    for item in wanted:
        current = found.get(item["name"])
        if current is not None:
            snake = camel_dict_to_snake_dict(current, ignore_list=["Tags"])
            snake["tags"] = boto3_tag_list_to_ansible_dict(current.get("Tags", []))
            snake["name"] = item["name"]
            result.append(snake)
    return result


def route_target(route):
    """(option, id) of a described route, or None for a route this module leaves alone."""
    if not route.get("DestinationCidrBlock") or route.get("Origin") not in (None, "CreateRoute"):
        return None
    if route.get("GatewayId") == "local" or route.get("DestinationPrefixListId"):
        return None
    for option, key in TARGETS.items():
        if route.get(key):
            return option, route[key]
    return "other", route.get("InstanceId") or route.get("NetworkInterfaceId") or "unknown"


PENDING = "rtb-xxxxxxxx"  # the ID of a table still to create, in check mode and in a plan


class Routing:
    def __init__(self, module):
        self.module = module
        self.client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
        # Tokens of this run: a botocore retry of a create repeats its token, so AWS answers with the
        # first result; a later run makes a new one (a token names one create, not a table forever).
        self.tokens = {}
        self.created = {}  # (kind, name) -> ID, made in this run (a describe may not show it yet)
        self.changes = []
        self.not_yet = None  # the last NotFound answer for an ID AWS does not show yet
        self.all_tables = []  # every table of the VPC at the last read
        self.vpc_id = module.params["vpc_id"]

    # ---- reading -------------------------------------------------------------------------------
    def read(self):
        try:
            tables = self.client.describe_route_tables(
                aws_retry=True, Filters=[{"Name": "vpc-id", "Values": [self.vpc_id]}])["RouteTables"]
            endpoints = []
            if self.module.params["gateway_endpoints"]:
                endpoints = self.client.describe_vpc_endpoints(
                    aws_retry=True, Filters=[{"Name": "vpc-id", "Values": [self.vpc_id]}])["VpcEndpoints"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.module.fail_json_aws(e, msg="Failed to describe the route tables of %s (vpc_id)" % self.vpc_id)
        endpoints = [e for e in endpoints if e.get("State", "").lower() not in GONE_STATES]
        self.all_tables = tables  # the unnamed ones too: a subnet may be associated with any table of the VPC
        return (self.by_name(tables, "table", "RouteTableId", "route_tables"),
                self.by_name(endpoints, "endpoint", "VpcEndpointId", "gateway_endpoints"))

    def by_name(self, items, kind, id_key, option):
        found = {}
        for item in items:
            name = boto3_tag_list_to_ansible_dict(item.get("Tags", [])).get("Name")
            if name is None:
                continue
            if name in found:
                self.module.fail_json(msg="%s and %s of %s are both named %s (%s[].name): expected at most one"
                                      % (found[name][id_key], item[id_key], self.vpc_id, name, option))
            found[name] = item
        # Made in this run but not in the list yet: read it by its ID; while AWS does not show it, a stub
        # with the ID (never a second create), so the calls that need it are sent and retried.
        for (made_kind, name), item_id in self.created.items():
            if made_kind == kind and name not in found:
                found[name] = self.read_created(kind, name, item_id)
        return found

    def read_created(self, kind, name, item_id):
        try:
            if kind == "table":
                return self.client.describe_route_tables(aws_retry=True, RouteTableIds=[item_id])["RouteTables"][0]
            return self.client.describe_vpc_endpoints(aws_retry=True, VpcEndpointIds=[item_id])["VpcEndpoints"][0]
        except is_boto3_error_code(NOT_YET_CODES):
            pass
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg="Failed to read %s %s, created by this run" % (item_id, name))
        if kind == "table":
            wanted = next(t for t in self.module.params["route_tables"] if t["name"] == name)
            return {"RouteTableId": item_id, "Tags": ansible_dict_to_boto3_tag_list(desired_tags(wanted)),
                    "Routes": [], "Associations": []}
        wanted = next(e for e in self.module.params["gateway_endpoints"] if e["name"] == name)
        return {"VpcEndpointId": item_id, "ServiceName": wanted["service"], "VpcEndpointType": "Gateway",
                "Tags": ansible_dict_to_boto3_tag_list(desired_tags(wanted)), "RouteTableIds": [], "State": "pending"}

    # ---- planning --------------------------------------------------------------------------------
    def plan(self, tables, endpoints):
        """The calls that bring AWS to the wanted state: (description, operation, arguments, name)."""
        params = self.module.params
        actions = []
        wanted_subnets = {s: t["name"] for t in params["route_tables"] for s in t["subnets"]}
        associated = {}  # subnet -> (table ID, association ID) over every table of the VPC
        every_table = dict((t["RouteTableId"], t) for t in self.all_tables)
        every_table.update((t["RouteTableId"], t) for t in tables.values())
        for table in every_table.values():
            for assoc in table.get("Associations", []):
                if assoc.get("SubnetId") and assoc.get("AssociationState", {}).get("State", "associated") == "associated":
                    associated[assoc["SubnetId"]] = (table["RouteTableId"], assoc["RouteTableAssociationId"])
        for table in params["route_tables"]:
            name = table["name"]
            current = tables.get(name)
            table_id = current["RouteTableId"] if current else PENDING
            if current is None:
                actions.append(("create route table %s" % name, "create_route_table", {
                    "VpcId": self.vpc_id, "ClientToken": self.token("table", name),
                    "TagSpecifications": [{"ResourceType": "route-table",
                                           "Tags": ansible_dict_to_boto3_tag_list(desired_tags(table))}]}, name))
            else:
                actions.extend(self.plan_tags(name, table_id, current.get("Tags", []), desired_tags(table), "route table"))
            have = {}
            for route in (current or {}).get("Routes", []):
                target = route_target(route)
                if target:
                    have[route["DestinationCidrBlock"]] = (target, route.get("State"))
            wanted = wanted_routes(table)
            for dest, (option, target) in wanted.items():
                args = {"RouteTableId": table_id, "DestinationCidrBlock": dest, TARGETS[option]: target}
                if dest not in have:
                    actions.append(("%s: route %s -> %s" % (name, dest, target), "create_route", args, name))
                elif have[dest][0] != (option, target) or have[dest][1] == "blackhole":
                    was = have[dest][0][1] + (", blackhole" if have[dest][1] == "blackhole" else "")
                    actions.append(("%s: route %s -> %s (was %s)" % (name, dest, target, was), "replace_route", args, name))
            if params["purge_routes"]:
                for dest in sorted(set(have) - set(wanted)):
                    actions.append(("%s: remove route %s -> %s" % (name, dest, have[dest][0][1]), "delete_route",
                                    {"RouteTableId": table_id, "DestinationCidrBlock": dest}, name))
            for subnet in table["subnets"]:
                owner = associated.get(subnet)
                if owner is None:
                    actions.append(("%s: associate %s" % (name, subnet), "associate_route_table",
                                    {"RouteTableId": table_id, "SubnetId": subnet}, name))
                elif owner[0] != table_id:
                    actions.append(("%s: associate %s (was %s)" % (name, subnet, owner[0]), "replace_route_table_association",
                                    {"RouteTableId": table_id, "AssociationId": owner[1]}, name))
            if params["purge_subnets"] and current is not None:
                for subnet, owner in sorted(associated.items()):
                    if owner[0] == table_id and subnet not in wanted_subnets:
                        actions.append(("%s: disassociate %s" % (name, subnet), "disassociate_route_table",
                                        {"AssociationId": owner[1]}, name))
        table_ids = {t["name"]: tables[t["name"]]["RouteTableId"] if t["name"] in tables else PENDING
                     for t in params["route_tables"]}
        for endpoint in params["gateway_endpoints"]:
            actions.extend(self.plan_endpoint(endpoint, endpoints.get(endpoint["name"]), table_ids))
        return actions

    def plan_endpoint(self, endpoint, current, table_ids):
        name = endpoint["name"]
        wanted = sorted(table_ids[t] for t in endpoint["route_tables"])
        if current is None:
            return [("create gateway endpoint %s (%s)" % (name, endpoint["service"]), "create_vpc_endpoint", {
                "VpcEndpointType": "Gateway", "VpcId": self.vpc_id, "ServiceName": endpoint["service"],
                "RouteTableIds": wanted, "ClientToken": self.token("endpoint", name),
                "TagSpecifications": [{"ResourceType": "vpc-endpoint",
                                       "Tags": ansible_dict_to_boto3_tag_list(desired_tags(endpoint))}]}, name)]
        if current["ServiceName"] != endpoint["service"] or current.get("VpcEndpointType") != "Gateway":
            self.module.fail_json(msg="%s (%s) is a %s endpoint of %s, but gateway_endpoints[].service asks for a Gateway endpoint "
                                  "of %s: delete it or choose another name"
                                  % (name, current["VpcEndpointId"], current.get("VpcEndpointType"), current["ServiceName"],
                                     endpoint["service"]))
        actions = []
        have = set(current.get("RouteTableIds", []))
        args = {"VpcEndpointId": current["VpcEndpointId"]}
        if set(wanted) - have:
            args["AddRouteTableIds"] = sorted(set(wanted) - have)
        if have - set(wanted):
            args["RemoveRouteTableIds"] = sorted(have - set(wanted))
        if len(args) > 1:
            by_id = {v: k for k, v in table_ids.items()}
            added = ", ".join(by_id.get(t, t) for t in args.get("AddRouteTableIds", []))
            removed = ", ".join(args.get("RemoveRouteTableIds", []))
            actions.append(("%s: route tables +[%s] -[%s]" % (name, added, removed), "modify_vpc_endpoint", args, name))
        actions.extend(self.plan_tags(name, current["VpcEndpointId"], current.get("Tags", []), desired_tags(endpoint),
                                      "gateway endpoint"))
        return actions

    def plan_tags(self, name, resource_id, current, wanted, what):
        have = boto3_tag_list_to_ansible_dict(current)
        actions = []
        add = {k: v for k, v in wanted.items() if have.get(k) != v}
        if add:
            actions.append(("%s %s: tags %s" % (what, name, ", ".join("%s=%s" % kv for kv in sorted(add.items()))), "create_tags",
                            {"Resources": [resource_id], "Tags": ansible_dict_to_boto3_tag_list(add)}, name))
        if self.module.params["purge_tags"]:
            extra = sorted(k for k in have if k not in wanted and not k.startswith("aws:"))
            if extra:
                actions.append(("%s %s: remove tags %s" % (what, name, ", ".join(extra)), "delete_tags",
                                {"Resources": [resource_id], "Tags": [{"Key": k} for k in extra]}, name))
        return actions

    # ---- changing --------------------------------------------------------------------------------
    def token(self, kind, name):
        return self.tokens.setdefault((kind, name), str(uuid.uuid4()))

    def apply(self, action):
        """Send one call. False when AWS does not know an ID in it yet (a resource made moments ago)."""
        description, operation, args, name = action
        try:
            answer = getattr(self.client, operation)(aws_retry=True, **args)
        except is_boto3_error_code(["RouteAlreadyExists", "Resource.AlreadyAssociated", "InvalidRoute.NotFound",
                                    "InvalidAssociationID.NotFound"]):
            return True  # a repeat of a call that had worked (its answer lost, or AWS slow to show it): the next read tells
        except is_boto3_error_code(NOT_YET_CODES) as e:  # pylint: disable=duplicate-except
            self.not_yet = "%s: %s" % (description, e)
            return False
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg="Failed to %s" % description)
        if operation == "create_route_table":
            self.created[("table", name)] = answer["RouteTable"]["RouteTableId"]
        elif operation == "create_vpc_endpoint":
            self.created[("endpoint", name)] = answer["VpcEndpoint"]["VpcEndpointId"]
        return True

    def run(self):
        """Plan, send, read back; repeat until AWS shows the wanted state. Returns what it read last."""
        deadline = time.time() + self.module.params["wait_timeout"]
        delay = 0.5
        sent = set()
        tables, endpoints = self.read()
        before = self.summary(tables, endpoints)
        actions = self.plan(tables, endpoints)
        if self.module.check_mode:
            self.changes = [a[0] for a in actions]
            return tables, endpoints, before, self.predict(before)
        while actions:
            progress = False
            # A call that needs a table still to create waits for the round after the create.
            for action in actions:
                if PENDING in repr(action[2]) or action[0] in sent or not self.apply(action):
                    continue
                progress = True
                sent.add(action[0])
                if action[0] not in self.changes:
                    self.changes.append(action[0])
            if not progress:
                # Everything left was sent, or names an ID AWS does not show yet: wait, then read again.
                if time.time() + delay > deadline:
                    self.module.fail_json(
                        msg="Gave up after %d s (wait_timeout) waiting for AWS to show: %s%s"
                            % (self.module.params["wait_timeout"], "; ".join(a[0] for a in actions),
                               " (last answer: %s)" % self.not_yet if self.not_yet else ""),
                        changes=self.changes)
                time.sleep(delay)
                delay = min(delay * 2, 8)
            tables, endpoints = self.read()
            actions = self.plan(tables, endpoints)
        return tables, endpoints, before, self.summary(tables, endpoints)

    # ---- reporting -------------------------------------------------------------------------------
    def summary(self, tables, endpoints):
        """Routes and subnets of each wanted table, tables of each wanted endpoint (for the diff)."""
        out = {"route_tables": {}, "gateway_endpoints": {}}
        ids = {}
        for table in self.module.params["route_tables"]:
            current = tables.get(table["name"])
            if current is None:
                continue
            ids[current["RouteTableId"]] = table["name"]
            out["route_tables"][table["name"]] = {
                "routes": {r["DestinationCidrBlock"]: route_target(r)[1] for r in current.get("Routes", []) if route_target(r)},
                "subnets": sorted(a["SubnetId"] for a in current.get("Associations", []) if a.get("SubnetId")),
            }
        for endpoint in self.module.params["gateway_endpoints"]:
            current = endpoints.get(endpoint["name"])
            if current is not None:
                out["gateway_endpoints"][endpoint["name"]] = {
                    "service": current["ServiceName"],
                    "route_tables": sorted(ids.get(t, t) for t in current.get("RouteTableIds", [])),
                }
        return out

    def predict(self, before):
        after = copy.deepcopy(before)
        params = self.module.params
        for table in params["route_tables"]:
            routes = {} if params["purge_routes"] else dict(after["route_tables"].get(table["name"], {}).get("routes", {}))
            routes.update((dest, target) for dest, (_option, target) in wanted_routes(table).items())
            after["route_tables"][table["name"]] = {"routes": routes, "subnets": sorted(table["subnets"])}
        for endpoint in params["gateway_endpoints"]:
            after["gateway_endpoints"][endpoint["name"]] = {"service": endpoint["service"],
                                                            "route_tables": sorted(endpoint["route_tables"])}
        return after


def main():
    route_spec = dict(
        dest=dict(type="str", required=True),
        gateway_id=dict(type="str"),
        nat_gateway_id=dict(type="str"),
        transit_gateway_id=dict(type="str"),
        vpc_peering_connection_id=dict(type="str"),
    )
    argument_spec = dict(
        vpc_id=dict(type="str", required=True),
        route_tables=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            subnets=dict(type="list", elements="str", default=[]),
            routes=dict(type="list", elements="dict", default=[], options=route_spec),
            tags=dict(type="dict", default={}),
        )),
        gateway_endpoints=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            service=dict(type="str", required=True),
            route_tables=dict(type="list", elements="str", required=True),
            tags=dict(type="dict", default={}),
        )),
        purge_routes=dict(type="bool", default=True),
        purge_subnets=dict(type="bool", default=True),
        purge_tags=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=60),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    routing = Routing(module)
    tables, endpoints, before, after = routing.run()
    params = module.params
    module.exit_json(
        changed=bool(routing.changes),
        changes=routing.changes,
        route_table_ids={t["name"]: tables[t["name"]]["RouteTableId"] if t["name"] in tables else PENDING
                         for t in params["route_tables"]},
        gateway_endpoint_ids={e["name"]: endpoints[e["name"]]["VpcEndpointId"] if e["name"] in endpoints else "vpce-xxxxxxxx"
                              for e in params["gateway_endpoints"]},
        route_tables=described(params["route_tables"], tables),
        gateway_endpoints=described(params["gateway_endpoints"], endpoints),
        diff=dict(before=before, after=after),
    )


if __name__ == "__main__":
    main()
