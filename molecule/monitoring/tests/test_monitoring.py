"""Log groups, alert topic, alarms and dashboard as the emulator holds them after converge."""

import json

import pytest

from aws_fixtures import assert_cost_tags, tag_dict

PREFIX = "mithran-monitoring-"


@pytest.fixture(scope="module")
def logs_key(aws):
    return aws("kms").describe_key(KeyId="alias/mithran-logs")["KeyMetadata"]["Arn"]


@pytest.mark.parametrize("name, service", [
    ("/aws/ecs/mithran", "backend"),
    ("/mithran/cad-engine/service", "cad-engine"),
    ("/mithran/cad-engine/syslog", "cad-engine"),
    ("/mithran/cad-engine/auth", "cad-engine"),
    ("/aws/rds/instance/mithran-db/postgresql", "database"),
    ("/aws/rds/instance/mithran-db/upgrade", "database"),
])
def test_log_groups_have_retention_kms_and_tags(aws, inventory, logs_key, name, service):
    logs = aws("logs")
    (group,) = [g for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] if g["logGroupName"] == name]
    assert group["retentionInDays"] == inventory["monitoring_log_retention_days"] == 7
    assert group["kmsKeyId"] == logs_key
    arn = group["arn"].rstrip(":*")
    assert_cost_tags(logs.list_tags_for_resource(resourceArn=arn)["tags"], service)


@pytest.fixture(scope="module")
def topic(aws):
    sns = aws("sns")
    (arn,) = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":mithran-alerts")]
    return arn


def test_topic_is_encrypted_tagged_and_subscribed(aws, inventory, topic):
    sns = aws("sns")
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"] == "alias/mithran-logs"
    assert_cost_tags(sns.list_tags_for_resource(ResourceArn=topic)["Tags"], "monitoring")
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert sorted((s["Protocol"], s["Endpoint"]) for s in subs) == [("email", e) for e in sorted(inventory["monitoring_alert_emails"])]


@pytest.fixture(scope="module")
def alarms(aws):
    pages = aws("cloudwatch").get_paginator("describe_alarms").paginate(AlarmNamePrefix=PREFIX).build_full_result()
    return {a["AlarmName"]: a for a in pages["MetricAlarms"]}


def test_one_alarm_per_kind_and_resource(alarms):
    kinds = {name[len(PREFIX):] for name in alarms}
    nat = sorted(k for k in kinds if k.startswith("nat-errors-"))
    assert len(nat) == 2, "one NAT gateway per AZ in the medium profile"
    assert kinds - set(nat) == {
        "alb-5xx-rate-mithran-alb", "alb-target-response-time-mithran-alb",
        "alb-unhealthy-hosts-mithran-frontend", "alb-unhealthy-hosts-mithran-backend",
        "ecs-cpu-frontend-service", "ecs-cpu-backend-service", "ecs-memory-frontend-service",
        "ecs-memory-backend-service", "ecs-running-below-desired-frontend-service",
        "ecs-running-below-desired-backend-service",
        "rds-cpu-mithran-db", "rds-free-storage-mithran-db", "rds-freeable-memory-mithran-db",
        "rds-connections-mithran-db",
        # the read replica of mithran-db (prepare.yml): the instance alarms, and replica lag
        "rds-cpu-mithran-db-replica", "rds-free-storage-mithran-db-replica", "rds-freeable-memory-mithran-db-replica",
        "rds-connections-mithran-db-replica", "rds-replica-lag-mithran-db-replica",
        "redis-cpu-mithran-cache-001", "redis-memory-mithran-cache-001", "redis-evictions-mithran-cache-001",
        "cad-cpu-mithran-cad-engine", "cad-status-check-mithran-cad-engine", "cad-disk-mithran-cad-engine",
        "cad-memory-mithran-cad-engine", "waf-blocked-spike-mithran-waf",
    }


def test_replica_lag_alarm_only_on_the_read_replica(aws, alarms, topic, inventory):
    rds = aws("rds")
    (replica,) = rds.describe_db_instances(DBInstanceIdentifier="mithran-db-replica")["DBInstances"]
    assert replica["ReadReplicaSourceDBInstanceIdentifier"] == "mithran-db"
    assert PREFIX + "rds-replica-lag-mithran-db" not in alarms, "the source instance has no replica lag"
    lag = alarms[PREFIX + "rds-replica-lag-mithran-db-replica"]
    assert (lag["Namespace"], lag["MetricName"], lag["Statistic"], lag["ComparisonOperator"]) == (
        "AWS/RDS", "ReplicaLag", "Maximum", "GreaterThanThreshold")
    assert lag["Threshold"] == inventory["monitoring_thresholds"]["rds_replica_lag_seconds"]
    assert lag["Dimensions"] == [{"Name": "DBInstanceIdentifier", "Value": "mithran-db-replica"}]
    assert lag["Period"] == inventory["monitoring_alarm_period"]
    assert lag["AlarmActions"] == [topic] and lag["OKActions"] == [topic]
    assert "monitoring_thresholds.rds_replica_lag_seconds" in lag["AlarmDescription"]


def test_alarms_notify_the_topic_and_carry_the_thresholds(aws, alarms, topic, inventory):
    thresholds = inventory["monitoring_thresholds"]
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic], alarm["AlarmName"]
        assert alarm["EvaluationPeriods"] == inventory["monitoring_alarm_evaluation_periods"]
        assert_cost_tags(aws("cloudwatch").list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"], "monitoring")
    rds_cpu = alarms[PREFIX + "rds-cpu-mithran-db"]
    assert (rds_cpu["Namespace"], rds_cpu["MetricName"], rds_cpu["Statistic"], rds_cpu["Threshold"]) == (
        "AWS/RDS", "CPUUtilization", "Average", thresholds["rds_cpu_percent"])
    assert tag_dict([{"Key": d["Name"], "Value": d["Value"]} for d in rds_cpu["Dimensions"]]) == {"DBInstanceIdentifier": "mithran-db"}
    storage = alarms[PREFIX + "rds-free-storage-mithran-db"]
    assert storage["ComparisonOperator"] == "LessThanThreshold"
    assert storage["Threshold"] == thresholds["rds_free_storage_gib"] * 1024 ** 3
    latency = alarms[PREFIX + "alb-target-response-time-mithran-alb"]
    assert latency["ExtendedStatistic"] == "p95"
    assert latency["Dimensions"][0]["Value"].startswith("app/mithran-alb/")
    rate = alarms[PREFIX + "alb-5xx-rate-mithran-alb"]
    assert {m["Id"] for m in rate["Metrics"]} == {"rate", "target5xx", "elb5xx", "requests"}
    assert rate["Threshold"] == thresholds["alb_5xx_rate_percent"]
    disk = alarms[PREFIX + "cad-disk-mithran-cad-engine"]
    assert disk["Namespace"] == "CWAgent"
    assert {d["Name"] for d in disk["Dimensions"]} == {"InstanceId", "path", "fstype"}
    status = alarms[PREFIX + "cad-status-check-mithran-cad-engine"]
    assert status["Period"] == 60 and status["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_dashboard_has_one_row_per_layer(aws, alarms):
    body = json.loads(aws("cloudwatch").get_dashboard(DashboardName="mithran-local")["DashboardBody"])
    headers = [w for w in body["widgets"] if w["type"] == "text" and w["width"] == 24 and w["height"] == 1]
    assert [h["properties"]["markdown"] for h in headers] == [
        "## Edge: load balancer and WAF", "## Application: ECS services", "## Data: RDS PostgreSQL and Redis",
        "## CAD engine host", "## Network: NAT gateways"]
    for header in headers:
        row = [w for w in body["widgets"] if w["y"] == header["y"] + 1]
        assert 1 <= len(row) <= 4 and all(w["type"] == "metric" for w in row), header
    namespaces = {m[0] for w in body["widgets"] if w["type"] == "metric" for m in w["properties"]["metrics"]}
    assert namespaces == {"AWS/ApplicationELB", "AWS/WAFV2", "AWS/ECS", "ECS/ContainerInsights", "AWS/RDS",
                          "AWS/ElastiCache", "AWS/EC2", "CWAgent", "AWS/NATGateway"}
