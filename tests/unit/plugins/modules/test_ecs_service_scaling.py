"""ecs_service_scaling against moto in-process: DescribeScalingPolicies is the judge."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import ecs_service_scaling as mod

POLICIES = [dict(name="svc-cpu", metric="ECSServiceAverageCPUUtilization", target=60),
            dict(name="svc-memory", metric="ECSServiceAverageMemoryUtilization", target=75)]


@pytest.fixture
def service(aws):
    ecs = boto3.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="f", containerDefinitions=[{"name": "x", "image": "x", "memory": 512}])
    ecs.create_service(cluster="c", serviceName="svc", taskDefinition="f:1", desiredCount=2)


def state():
    aas = boto3.client("application-autoscaling")
    targets = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    policies = aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    return targets, dict((p["PolicyName"], p) for p in policies)


def test_two_policies_then_noop(run_module, service):
    args = dict(cluster="c", service="svc", min_capacity=2, max_capacity=6, policies=POLICIES)
    failed, result = run_module(mod, args)
    assert not failed and result["changed"], result
    targets, policies = state()
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [(2, 6)]
    assert sorted(policies) == ["svc-cpu", "svc-memory"]
    memory = policies["svc-memory"]["TargetTrackingScalingPolicyConfiguration"]
    assert memory["TargetValue"] == 75.0
    assert memory["PredefinedMetricSpecification"]["PredefinedMetricType"] == "ECSServiceAverageMemoryUtilization"
    failed, result = run_module(mod, args)
    assert not failed and not result["changed"], result


def test_change_and_purge(run_module, service):
    run_module(mod, dict(cluster="c", service="svc", min_capacity=2, max_capacity=6, policies=POLICIES))
    failed, result = run_module(mod, dict(cluster="c", service="svc", min_capacity=1, max_capacity=3,
                                          policies=[dict(POLICIES[0], target=50)]))
    assert not failed and result["changed"]
    targets, policies = state()
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [(1, 3)]
    assert sorted(policies) == ["svc-cpu"]
    assert policies["svc-cpu"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 50.0


def test_check_mode_and_absent(run_module, service):
    args = dict(cluster="c", service="svc", min_capacity=2, max_capacity=6, policies=POLICIES)
    failed, result = run_module(mod, args, check_mode=True)
    assert not failed and result["changed"] and state() == ([], {})
    run_module(mod, args)
    failed, result = run_module(mod, dict(cluster="c", service="svc", state="absent"))
    assert not failed and result["changed"] and state() == ([], {})


@pytest.mark.parametrize("bad,needle", [
    (dict(min_capacity=5, max_capacity=2), "min_capacity <= max_capacity"),
    (dict(policies=[POLICIES[0], POLICIES[0]]), "names repeat"),
    (dict(policies=[dict(POLICIES[0], target=0)]), "above 0"),
])
def test_bad_input(run_module, service, bad, needle):
    args = dict(cluster="c", service="svc", min_capacity=2, max_capacity=6, policies=POLICIES)
    args.update(bad)
    failed, result = run_module(mod, args)
    assert failed and needle in result["msg"]
    assert state() == ([], {})


def test_several_services_in_one_call(run_module, service):
    ecs = boto3.client("ecs")
    ecs.create_service(cluster="c", serviceName="svc2", taskDefinition="f:1", desiredCount=1)
    args = dict(cluster="c", services=[
        dict(service="svc", min_capacity=2, max_capacity=6, policies=POLICIES),
        dict(service="svc2", min_capacity=1, max_capacity=3, policies=[dict(name="svc2-cpu", metric="ECSServiceAverageCPUUtilization", target=50)]),
    ])
    failed, result = run_module(mod, args, check_mode=True)
    assert not failed and result["changed"]
    assert state() == ([], {})
    failed, result = run_module(mod, args)
    assert not failed and result["changed"], result
    targets, policies = state()
    assert sorted((t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) for t in targets) == [
        ("service/c/svc", 2, 6), ("service/c/svc2", 1, 3)]
    assert sorted(policies) == ["svc-cpu", "svc-memory", "svc2-cpu"]
    assert [p["policy_name"] for p in result["services"]["svc2"]["policies"]] == ["svc2-cpu"]
    failed, result = run_module(mod, args)
    assert not failed and not result["changed"]
    assert not any(s["changed"] for s in result["services"].values())


def test_services_checked_before_any_call(run_module, service):
    failed, result = run_module(mod, dict(cluster="c", services=[
        dict(service="svc", min_capacity=2, max_capacity=6, policies=POLICIES),
        dict(service="svc2", min_capacity=3, max_capacity=1)]))
    assert failed and "services[svc2]: min_capacity 3 and max_capacity 1" in result["msg"]
    assert state() == ([], {})
    failed, result = run_module(mod, dict(cluster="c", service="svc", services=[]))
    assert failed and "mutually exclusive" in result["msg"]
