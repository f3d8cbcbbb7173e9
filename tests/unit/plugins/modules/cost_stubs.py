"""botocore Stubber for the APIs moto lacks (docs/emulator-gaps.md, cost section): UpdateBudget,
DescribeSubscribersForNotification, Create/DeleteSubscriber, every Cost Anomaly Detection call and
List/UpdateCostAllocationTags. The responses follow the AWS API reference shapes (botocore validates
both the requests we send and the responses we stub against its service model)."""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper


@pytest.fixture
def stub(monkeypatch):
    """stub(service) -> a Stubber whose client the module gets for that service; other services go to
    moto (when the aws fixture is active) as usual. Asserts every queued response was used."""
    stubbers = {}
    original = AnsibleAWSModule.client

    def client(self, service, retry_decorator=None, **extra):
        if service in stubbers:
            conn = stubbers[service].client
            return conn if retry_decorator is None else RetryingBotoClientWrapper(conn, retry_decorator)
        return original(self, service, retry_decorator=retry_decorator, **extra)

    monkeypatch.setattr(AnsibleAWSModule, "client", client)

    def make(service, region="us-east-1"):
        if service not in stubbers:
            stubber = Stubber(boto3.client(service, region_name=region))
            stubber.activate()
            stubbers[service] = stubber
        return stubbers[service]

    yield make
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
