"""Filters of the application layer: pure functions, no AWS."""

import pytest

from ansible_collections.mithran.platform.plugins.filter.app import alb_path_pattern_errors, fargate_size_errors


@pytest.mark.parametrize("cpu,memory", [(256, 512), (2048, 4096), (4096, 8192), (1024, 2048), (8192, 16384), (16384, 122880)])
def test_fargate_accepts(cpu, memory):
    assert fargate_size_errors(cpu, memory) == []


@pytest.mark.parametrize("cpu,memory,needle", [
    (2048, 2048, "memory 2048 is not valid with cpu 2048"),
    (4096, 4096, "memory 4096 is not valid with cpu 4096"),
    (3000, 8192, "cpu 3000 is not a Fargate size"),
    (256, 3072, "not valid with cpu 256"),
    ("x", 1, "must be integers"),
])
def test_fargate_rejects(cpu, memory, needle):
    [problem] = fargate_size_errors(cpu, memory, "ecs_services_frontend")
    assert needle in problem and problem.startswith("ecs_services_frontend")


def test_path_patterns():
    assert alb_path_pattern_errors(["/api/*", "*.jpg", "/a?c"]) == []
    problems = alb_path_pattern_errors(["api/*", "/a b", "/" + "x" * 128], "edge_backend_path_patterns")
    assert len(problems) == 3
    assert "must start with '/'" in problems[0] and "not a valid path pattern" in problems[1]


def test_secret_refs():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.mithran.platform.plugins.filter.app import ecs_secret_ref
    arns = {"mithran/cache/auth-token": "arn:s1", "mithran-db": "arn:db"}
    assert ecs_secret_ref({"name": "A", "secret_name": "mithran/cache/auth-token"}, arns) == {"name": "A", "valueFrom": "arn:s1"}
    assert ecs_secret_ref({"name": "B", "rds_instance": "mithran-db", "json_key": "password"}, arns) == {
        "name": "B", "valueFrom": "arn:db:password::"}
    with pytest.raises(AnsibleFilterError):
        ecs_secret_ref({"name": "C", "secret_name": "nope"}, arns)
