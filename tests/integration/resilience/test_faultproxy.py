"""The fault-injecting proxy itself (tests/integration/resilience/faultproxy.py), in front of an in-process moto
server: each protocol gets the throttling error botocore recognises, a lost response still reaches the
emulator, tokens are replayed as AWS does, the same seed gives the same faults, and it stays bounded."""

import socket
import threading

import boto3
import botocore.config
import botocore.exceptions
import pytest
from botocore.retries.standard import RetryContext, ThrottledRetryableChecker, TransientRetryableChecker
from moto.server import ThreadedMotoServer

from faultproxy import FaultProxy, cbor_map

REGION = "us-west-2"


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def moto_url():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield "http://127.0.0.1:%d" % port
    server.stop()


def _client(service, url, attempts=1):
    config = botocore.config.Config(retries={"mode": "standard", "total_max_attempts": attempts},
                                    connect_timeout=5, read_timeout=30)
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                 region_name=REGION).client(service, endpoint_url=url, config=config)


CALLS = {  # service: (protocol, a harmless call)
    "ec2": ("ec2", lambda c: c.describe_vpcs()),
    "sts": ("query", lambda c: c.get_caller_identity()),
    "iam": ("query", lambda c: c.list_roles()),
    "kms": ("json", lambda c: c.list_keys()),
    "ecs": ("json", lambda c: c.list_clusters()),
    "s3": ("s3", lambda c: c.list_buckets()),
    "cloudwatch": ("cbor", lambda c: c.describe_alarms()),
    "route53": ("rest-xml", lambda c: c.list_hosted_zones()),
}
THROTTLE_CODES = {"ec2": "RequestLimitExceeded", "query": "Throttling", "json": "ThrottlingException",
                  "cbor": "ThrottlingException", "s3": "SlowDown", "rest-xml": "Throttling"}


def _error(service, url):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        CALLS[service][1](_client(service, url))
    return caught.value


@pytest.mark.parametrize("service", sorted(CALLS))
def test_throttling_in_the_protocol_of_each_service(moto_url, service):
    with FaultProxy(moto_url, rate=1.0, mix={"throttle": 1}) as proxy:
        error = _error(service, proxy.url)
    assert error.response["Error"]["Code"] == THROTTLE_CODES[CALLS[service][0]]
    # botocore's standard and adaptive retry modes treat it as throttling (and so retry it)
    context = RetryContext(attempt_number=1, parsed_response=error.response,
                           http_response=type("R", (), {"status_code": error.response["ResponseMetadata"]["HTTPStatusCode"]})())
    assert ThrottledRetryableChecker().is_retryable(context)


@pytest.mark.parametrize("service", ["ec2", "kms", "s3", "cloudwatch"])
def test_server_errors_are_retryable(moto_url, service):
    with FaultProxy(moto_url, rate=1.0, mix={"error": 1}) as proxy:
        error = _error(service, proxy.url)
    status = error.response["ResponseMetadata"]["HTTPStatusCode"]
    assert status in (500, 503)
    assert error.response["Error"]["Code"] in ("InternalError", "ServiceUnavailable")
    context = RetryContext(attempt_number=1, parsed_response=error.response,
                           http_response=type("R", (), {"status_code": status})())
    assert TransientRetryableChecker().is_retryable(context)


def test_a_lost_response_still_creates_and_a_retry_duplicates(moto_url):
    direct = _client("ec2", moto_url)
    before = len(direct.describe_vpcs()["Vpcs"])
    with FaultProxy(moto_url, rate=1.0, mix={"lost": 1}) as proxy:
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            _client("ec2", proxy.url).create_vpc(CidrBlock="10.99.0.0/16")
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert proxy.faults()["lost"] == 1
        proxy.set_rate(0.0)
        _client("ec2", proxy.url).create_vpc(CidrBlock="10.99.0.0/16")  # what a client's retry does
    # the call that "failed" happened: two VPCs (CreateVpc has no idempotency token)
    assert len(direct.describe_vpcs()["Vpcs"]) == before + 2


def test_idempotency_tokens_are_replayed_as_aws_does(moto_url):
    direct = _client("ecs", moto_url)
    direct.create_cluster(clusterName="proxy-test")
    args = dict(cluster="proxy-test", serviceName="svc-token", taskDefinition="x", desiredCount=0)
    direct.register_task_definition(family="x", containerDefinitions=[{"name": "c", "image": "i", "memory": 64}])
    with FaultProxy(moto_url, rate=1.0, mix={"lost": 1}) as proxy:
        client = _client("ecs", proxy.url, attempts=3)
        first = client.create_service(clientToken="token-1", **args)  # lost once, retried: replayed
        assert proxy.stats["token_replays"] >= 1
    assert first["service"]["serviceName"] == "svc-token"
    assert len(direct.list_services(cluster="proxy-test")["serviceArns"]) == 1


def test_the_same_seed_gives_the_same_faults(moto_url):
    def run(seed):
        with FaultProxy(moto_url, rate=0.5, seed=seed, mix={"throttle": 1, "error": 1}) as proxy:
            client = _client("sts", proxy.url)
            outcomes = []
            for _ in range(20):
                try:
                    client.get_caller_identity()
                    outcomes.append("ok")
                except botocore.exceptions.ClientError as exc:
                    outcomes.append(exc.response["Error"]["Code"])
            return outcomes

    first, again, other = run(3), run(3), run(4)
    assert first == again
    assert first != other
    assert 3 <= first.count("ok") <= 17


def test_moto_api_and_other_services_pass_through(moto_url):
    with FaultProxy(moto_url, rate=1.0, mix={"throttle": 1}, only={"kms"}) as proxy:
        assert _client("sts", proxy.url).get_caller_identity()["Account"]
        with pytest.raises(botocore.exceptions.ClientError):
            _client("kms", proxy.url).list_keys()
        import urllib.request
        with urllib.request.urlopen(proxy.url + "/moto-api/", timeout=5) as resp:
            assert resp.status == 200


def test_bounded_and_loopback_only(moto_url):
    with pytest.raises(ValueError):
        FaultProxy("http://192.0.2.1:80")
    with FaultProxy(moto_url, rate=0.0, workers=1, backlog=0) as proxy:
        # one idle connection holds the only slot: the next request is refused at once with 503
        hold = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
        try:
            threading.Event().wait(0.3)
            with pytest.raises(botocore.exceptions.ClientError) as caught:
                _client("sts", proxy.url).get_caller_identity()
            assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
            assert proxy.stats["rejected_busy"] >= 1
        finally:
            hold.close()


def test_cbor_map_encoding():
    assert cbor_map({"a": "b"}) == b"\xa1\x61a\x61b"
    assert cbor_map({"k": "x" * 30})[3:5] == b"\x78\x1e"
