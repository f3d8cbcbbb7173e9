# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

MULTI_AZ_PROFILES = ("medium", "large")


def _network(value, var, problems):
    try:
        net = ipaddress.ip_network(str(value), strict=True)
    except ValueError as exc:
        problems.append("%s: %r is not a valid IPv4 network (%s)" % (var, value, exc))
        return None
    if net.version != 4:
        problems.append("%s: %r is not an IPv4 network" % (var, value))
        return None
    if not 16 <= net.prefixlen <= 28:
        problems.append("%s: %r has prefix /%d; AWS accepts /16 to /28" % (var, value, net.prefixlen))
    return net


def subnet_plan_errors(vpc_cidr, availability_zones, tiers, region=None, profile=None):
    """Every problem of a VPC layout, each naming the variable and the bad value.

    vpc_cidr: the VPC CIDR (network_vpc_cidr)
    availability_zones: list of AZ names (network_availability_zones)
    tiers: {variable name: list of subnet CIDRs, one per AZ}
    """
    problems = []
    vpc = _network(vpc_cidr, "network_vpc_cidr", problems)
    azs = list(availability_zones or [])
    if not azs:
        problems.append("network_availability_zones is empty: at least one AZ is needed")
    if len(set(azs)) != len(azs):
        problems.append("network_availability_zones %s lists an AZ twice" % azs)
    if profile in MULTI_AZ_PROFILES and len(set(azs)) < 2:
        problems.append("network_availability_zones %s: the %s profile is multi-AZ and needs at least two AZs"
                        % (azs, profile))
    if region:
        for az in azs:
            if not (str(az).startswith(region) and len(str(az)) > len(region)):
                problems.append("network_availability_zones: %r is not an AZ of region %s (mithran_region)" % (az, region))
    seen = []
    for var, cidrs in sorted((tiers or {}).items()):
        cidrs = list(cidrs or [])
        if len(cidrs) != len(azs):
            problems.append("%s has %d subnets for %d AZs (network_availability_zones): give one per AZ"
                            % (var, len(cidrs), len(azs)))
        for idx, cidr in enumerate(cidrs):
            net = _network(cidr, "%s[%d]" % (var, idx), problems)
            if net is None:
                continue
            if vpc is not None and not net.subnet_of(vpc):
                problems.append("%s[%d]: %s is outside the VPC %s (network_vpc_cidr)" % (var, idx, cidr, vpc_cidr))
            for other_var, other in seen:
                if net.overlaps(other):
                    problems.append("%s[%d]: %s overlaps %s (%s)" % (var, idx, cidr, other, other_var))
            seen.append(("%s[%d]" % (var, idx), net))
    return problems


def cidr_list_errors(cidrs, var):
    """Problems of a list of IPv4/IPv6 CIDRs (any prefix), each naming var and the bad value."""
    problems = []
    if isinstance(cidrs, str) or not isinstance(cidrs, (list, tuple)):
        return ["%s must be a list of CIDRs, got %r" % (var, cidrs)]
    for idx, cidr in enumerate(cidrs):
        try:
            ipaddress.ip_network(str(cidr), strict=True)
        except ValueError as exc:
            problems.append("%s[%d]: %r is not a valid CIDR (%s)" % (var, idx, cidr, exc))
    return problems


class FilterModule(object):
    def filters(self):
        return {"subnet_plan_errors": subnet_plan_errors, "cidr_list_errors": cidr_list_errors}
