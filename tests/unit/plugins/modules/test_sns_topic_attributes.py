"""sns_topic_attributes against moto in-process: GetTopicAttributes after each run is the judge."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import sns_topic_attributes


@pytest.fixture
def topic(aws):
    return boto3.client("sns").create_topic(Name="mithran-alerts")["TopicArn"]


def attrs(arn):
    return boto3.client("sns").get_topic_attributes(TopicArn=arn)["Attributes"]


def test_set_then_noop(run_module, topic):
    failed, result = run_module(sns_topic_attributes, dict(topic_arn=topic, attributes={"KmsMasterKeyId": "alias/mithran-logs"}))
    assert not failed and result["changed"] and result["changed_attributes"] == ["KmsMasterKeyId"]
    assert attrs(topic)["KmsMasterKeyId"] == "alias/mithran-logs"
    failed, result = run_module(sns_topic_attributes, dict(topic_arn=topic, attributes={"KmsMasterKeyId": "alias/mithran-logs"}))
    assert not failed and not result["changed"]


def test_check_mode(run_module, topic):
    failed, result = run_module(sns_topic_attributes, dict(topic_arn=topic, attributes={"DisplayName": "Alerts"}), check_mode=True)
    assert not failed and result["changed"]
    assert attrs(topic).get("DisplayName", "") == ""


def test_policy_compared_as_json(run_module, topic):
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                                      "Action": "sns:Publish", "Resource": topic}]}
    run_module(sns_topic_attributes, dict(topic_arn=topic, attributes={"Policy": policy}))
    failed, result = run_module(sns_topic_attributes, dict(topic_arn=topic, attributes={"Policy": dict(reversed(list(policy.items())))}))
    assert not failed and not result["changed"]


def test_errors(run_module, topic):
    failed, result = run_module(sns_topic_attributes, dict(topic_arn="mithran-alerts", attributes={}))
    assert failed and "topic_arn" in result["msg"]
    failed, result = run_module(sns_topic_attributes, dict(topic_arn=topic, attributes={"TopicArn": "x"}))
    assert failed and "read-only" in result["msg"]
    failed, result = run_module(sns_topic_attributes, dict(topic_arn=topic + "-gone", attributes={"DisplayName": "x"}))
    assert failed and "does not exist" in result["msg"]
