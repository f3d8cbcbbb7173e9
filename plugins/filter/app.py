# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the application layer's inputs that argument_specs cannot express (no API call)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.errors import AnsibleFilterError

# Fargate's task sizes: CPU units -> the memory values (MiB) AWS accepts with it.
FARGATE_SIZES = {
    256: [512, 1024, 2048],
    512: list(range(1024, 4096 + 1, 1024)),
    1024: list(range(2048, 8192 + 1, 1024)),
    2048: list(range(4096, 16384 + 1, 1024)),
    4096: list(range(8192, 30720 + 1, 1024)),
    8192: list(range(16384, 61440 + 1, 4096)),
    16384: list(range(32768, 122880 + 1, 8192)),
}
# AWS: 1-128 characters of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?
_PATH_PATTERN = re.compile(r"^[A-Za-z0-9_\-.$/~\"'@:+&*?]{1,128}$")


def fargate_size_errors(cpu, memory, var="task size"):
    """Why Fargate would reject this CPU/memory pair (empty list when it accepts it)."""
    try:
        cpu_i, memory_i = int(cpu), int(memory)
    except (TypeError, ValueError):
        return ["%s: cpu %r and memory %r must be integers" % (var, cpu, memory)]
    if cpu_i not in FARGATE_SIZES:
        return ["%s: cpu %d is not a Fargate size (one of %s)" % (var, cpu_i, ", ".join(str(c) for c in sorted(FARGATE_SIZES)))]
    allowed = FARGATE_SIZES[cpu_i]
    if memory_i not in allowed:
        return ["%s: memory %d is not valid with cpu %d on Fargate (%d-%d in steps of %d)"
                % (var, memory_i, cpu_i, allowed[0], allowed[-1], (allowed[1] - allowed[0]) if len(allowed) > 1 else 0)]
    return []


def alb_path_pattern_errors(patterns, var="path patterns"):
    """Why an ALB would reject (or never match) each path pattern (empty list when all are valid)."""
    problems = []
    for pattern in patterns or []:
        if not isinstance(pattern, str) or not _PATH_PATTERN.match(pattern):
            problems.append("%s: %r is not a valid path pattern (1-128 characters of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?)"
                            % (var, pattern))
        elif not pattern.startswith(("/", "*")):
            problems.append("%s: %r must start with '/' (request paths always do)" % (var, pattern))
    return problems


def ecs_secret_ref(secret, arns):
    """{'name': N, 'secret_name'|'rds_instance'|'secret_arn': X, 'json_key'?: K} -> an ECS container secret.

    arns maps secret names and RDS instance identifiers to secret ARNs (looked up, never the values).
    """
    source = secret.get("secret_arn") or arns.get(secret.get("secret_name") or secret.get("rds_instance"))
    if not source:
        raise AnsibleFilterError("no secret ARN known for %s (%s)" % (
            secret.get("name"), secret.get("secret_name") or secret.get("rds_instance")))
    value_from = source
    if secret.get("json_key"):
        value_from = "%s:%s::" % (source, secret["json_key"])
    return {"name": secret["name"], "valueFrom": value_from}


def ecs_taskdef_ref(taskdefinition):
    """A task definition (as ecs_taskdefinition returns it) -> {task_definition: family:revision, image}."""
    containers = taskdefinition.get("containerDefinitions") or taskdefinition.get("container_definitions") or [{}]
    return {"task_definition": "%s:%s" % (taskdefinition["family"], taskdefinition["revision"]),
            "image": containers[0].get("image")}


class FilterModule(object):
    def filters(self):
        return {
            "fargate_size_errors": fargate_size_errors,
            "alb_path_pattern_errors": alb_path_pattern_errors,
            "ecs_secret_ref": ecs_secret_ref,
            "ecs_taskdef_ref": ecs_taskdef_ref,
        }
