"""botocore_loader: one parsed service model, one built-in handler table and one client per set of inputs per
process, whatever number of boto3 Sessions asks for them."""

import boto3
import botocore.client
import botocore.config
import botocore.handlers
import botocore.hooks
import botocore.loaders
import botocore.session
import pytest
from moto import mock_aws

from ansible_collections.mithran.platform.plugins.module_utils import aws_retry  # noqa: F401 (installs it)
from ansible_collections.mithran.platform.plugins.module_utils import botocore_loader
from ansible_collections.mithran.platform.plugins.module_utils.botocore_loader import (
    clear_clients,
    share_builtin_handlers,
    share_clients,
    share_data_loader,
)


@pytest.fixture
def file_reads(monkeypatch):
    """The model files botocore reads from disk (JSONFileLoader.load_file), by path."""
    reads = []
    original = botocore.loaders.JSONFileLoader.load_file

    def counting(self, file_path):
        reads.append(file_path)
        return original(self, file_path)

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", counting)
    return reads


def _session(region_name="eu-west-1"):
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region_name)


def test_importing_aws_retry_puts_it_in_place_and_it_is_idempotent():
    assert share_data_loader() is True
    installed = botocore.session.create_loader
    assert share_data_loader() is True
    assert botocore.session.create_loader is installed


def test_a_new_session_reuses_the_models_another_session_parsed(file_reads):
    _session().client("sqs")  # parses the sqs model, its endpoint rules, endpoints.json (or not, if cached)
    del file_reads[:]
    _session().client("sqs")
    assert file_reads == [], "a second Session read the model files again: %s" % file_reads


def test_clients_of_sessions_sharing_the_loader_work_independently():
    with mock_aws():
        first, second = _session().client("ec2"), _session(region_name="us-east-1").client("ec2")
        first.create_vpc(CidrBlock="10.1.0.0/16")
        assert [v["CidrBlock"] for v in first.describe_vpcs()["Vpcs"] if v["CidrBlock"] == "10.1.0.0/16"]
        # another region of the same account: the VPC is not there, the shared model changed nothing
        assert not [v for v in second.describe_vpcs()["Vpcs"] if v["CidrBlock"] == "10.1.0.0/16"]
        assert first.meta.region_name == "eu-west-1" and second.meta.region_name == "us-east-1"


def test_a_different_data_path_gets_its_own_loader(tmp_path):
    default = botocore.session.Session()
    custom = botocore.session.Session()
    custom.set_config_variable("data_path", str(tmp_path))
    again = botocore.session.Session()
    assert default.get_component("data_loader") is again.get_component("data_loader")
    assert custom.get_component("data_loader") is not default.get_component("data_loader")
    assert str(tmp_path) in custom.get_component("data_loader").search_paths


def _handlers(session, event_name):
    """The handlers a Session calls for an event, in order (what its clients' emitters are copied from)."""
    return list(session._original_handler._handlers.prefix_search(event_name))


# every event botocore registers a built-in handler for (wildcards filled in), first/last ones included
EVENTS = sorted({spec[0].replace("*", "Any") for spec in botocore.handlers.BUILTIN_HANDLERS})


def test_a_later_session_gets_the_same_builtin_handlers_as_botocore_registers(monkeypatch):
    assert len(EVENTS) > 100
    assert share_builtin_handlers() is True
    botocore.session.Session()  # the first Session of the process builds the table (maybe done already)
    copied = botocore.session.Session()
    monkeypatch.setattr(botocore.session.Session, "_register_builtin_handlers",
                        botocore_loader._REGISTER_BUILTIN)  # botocore's own registration
    registered = botocore.session.Session()
    for event in EVENTS:
        assert _handlers(copied, event) == _handlers(registered, event), event
    assert sum(1 for event in EVENTS if _handlers(registered, event)) > 100  # the comparison compared something
    assert copied._original_handler._handlers is not registered._original_handler._handlers


def test_a_handler_registered_on_one_session_is_not_seen_by_another():
    share_builtin_handlers()
    first, second = botocore.session.Session(), botocore.session.Session()

    def mine(**kwargs):
        return None

    first.register("before-call.s3.PutObject", mine)
    assert mine in _handlers(first, "before-call.s3.PutObject")
    assert mine not in _handlers(second, "before-call.s3.PutObject")
    assert mine not in _handlers(botocore.session.Session(), "before-call.s3.PutObject")


def test_a_session_with_its_own_event_hooks_takes_botocores_path():
    share_builtin_handlers()
    hooks = botocore.hooks.HierarchicalEmitter()

    def early(**kwargs):
        return None

    hooks.register("before-call.s3.PutObject", early)
    session = botocore.session.Session(event_hooks=hooks)
    found = _handlers(session, "before-call.s3.PutObject")
    assert early in found  # kept, not replaced by the copied table
    assert len(found) > 1  # and the built-in ones were registered around it


def test_clients_of_copied_sessions_call_the_api_through_the_builtin_handlers():
    share_builtin_handlers()
    with mock_aws():
        for dummy in range(2):
            s3 = _session(region_name="us-east-1").client("s3")
            # ContentMD5 is computed by a built-in handler; a missing one would fail S3's check
            s3.create_bucket(Bucket="handlers-copied")
            s3.put_object(Bucket="handlers-copied", Key="k", Body=b"x", ChecksumAlgorithm="CRC32")
            head = s3.head_object(Bucket="handlers-copied", Key="k", ChecksumMode="ENABLED")
            assert head["ChecksumCRC32"]
            s3.delete_object(Bucket="handlers-copied", Key="k")
            s3.delete_bucket(Bucket="handlers-copied")


# ---- share_clients: one client per set of inputs ----

def _count_clients_built(monkeypatch):
    built = []
    original = botocore.client.ClientCreator.create_client

    def counting(self, service_name, *args, **kwargs):
        built.append(service_name)
        return original(self, service_name, *args, **kwargs)

    monkeypatch.setattr(botocore.client.ClientCreator, "create_client", counting)
    return built


def test_importing_aws_retry_puts_the_client_cache_in_place_and_it_is_idempotent():
    assert share_clients() is True
    installed = boto3.session.Session.client
    assert share_clients() is True
    assert boto3.session.Session.client is installed


def test_the_same_inputs_get_the_client_an_earlier_session_built(monkeypatch):
    built = _count_clients_built(monkeypatch)
    first = _session().client("sqs", config=botocore.config.Config(user_agent="mithran"))
    again = _session().client("sqs", config=botocore.config.Config(user_agent="mithran"))
    assert again is first
    assert built == ["sqs"]


@pytest.mark.parametrize("change", [
    "region", "endpoint", "config", "explicit_keys", "environment_keys", "environment_retries", "profile_vars",
])
def test_any_input_that_changes_the_client_gets_another_one(monkeypatch, change):
    built = _count_clients_built(monkeypatch)
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    first = _session().client("sqs")
    session, kwargs = _session(), {}
    if change == "region":
        session = _session(region_name="us-east-1")
    elif change == "endpoint":
        kwargs["endpoint_url"] = "http://127.0.0.1:1"
    elif change == "config":
        kwargs["config"] = botocore.config.Config(retries={"max_attempts": 3, "mode": "adaptive"})
    elif change == "explicit_keys":
        session = boto3.session.Session(aws_access_key_id="other", aws_secret_access_key="other",
                                        region_name="eu-west-1")
    elif change == "environment_keys":
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "another")
    elif change == "environment_retries":
        monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    elif change == "profile_vars":
        session._session.set_config_variable("max_attempts", 7)
    other = session.client("sqs", **kwargs)
    assert other is not first
    assert built == ["sqs", "sqs"]
    # and each is kept for its own inputs
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    assert _session().client("sqs") is first


def test_a_client_whose_events_were_hooked_is_never_handed_out_again():
    from botocore.stub import Stubber

    client = _session().client("logs")
    assert _session().client("logs") is client
    Stubber(client).activate()  # registers its handlers on that client's events
    fresh = _session().client("logs")
    assert fresh is not client
    assert _session().client("logs") is fresh


def test_a_session_with_handlers_of_its_own_gets_a_client_of_its_own(monkeypatch):
    built = _count_clients_built(monkeypatch)
    plain = _session().client("sqs")
    hooked = _session()
    hooked.events.register("before-call.sqs.ListQueues", lambda **kwargs: None)
    tagged = _session()
    tagged.events.register("before-call.sqs.ListQueues", lambda **kwargs: None, unique_id="mine")
    assert hooked.client("sqs") is not plain and hooked.client("sqs") is not plain
    assert tagged.client("sqs") is not plain
    assert len(built) == 4


def test_placebo_recordings_never_share_a_client(monkeypatch):
    monkeypatch.setenv("_ANSIBLE_PLACEBO_REPLAY", "/nonexistent")
    assert _session().client("sqs") is not _session().client("sqs")


def test_at_most_the_limit_of_clients_is_kept_least_recently_used_first_out(monkeypatch):
    monkeypatch.setattr(botocore_loader, "_CLIENT_LIMIT", 3)
    first = _session().client("sqs")
    for port in (1, 2):
        _session().client("sqs", endpoint_url="http://127.0.0.1:%d" % port)
    assert _session().client("sqs") is first  # used again: now the most recent
    _session().client("sqs", endpoint_url="http://127.0.0.1:3")  # the endpoint :1 goes
    assert len(botocore_loader._CLIENTS) == 3
    assert _session().client("sqs") is first
    clear_clients()
    assert _session().client("sqs") is not first


def test_shared_clients_call_the_api_of_their_own_region():
    with mock_aws():
        for dummy in range(2):
            west, east = _session().client("ec2"), _session(region_name="us-east-1").client("ec2")
            vpc = west.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
            assert vpc in [v["VpcId"] for v in west.describe_vpcs()["Vpcs"]]
            assert vpc not in [v["VpcId"] for v in east.describe_vpcs()["Vpcs"]]
            west.delete_vpc(VpcId=vpc)
        assert west is _session().client("ec2")
