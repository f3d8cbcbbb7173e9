"""botocore_loader: one parsed service model per process, whatever number of boto3 Sessions asks for it."""

import boto3
import botocore.loaders
import botocore.session
import pytest
from moto import mock_aws

from ansible_collections.mithran.platform.plugins.module_utils import aws_retry  # noqa: F401 (installs it)
from ansible_collections.mithran.platform.plugins.module_utils.botocore_loader import share_data_loader


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
