"""pytest fixtures for molecule verify steps of AWS roles: boto3 clients on the scenario's emulator.

Import from a scenario's tests/conftest.py:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "_shared"))
    from aws_fixtures import *  # noqa: F401,F403
"""

import os
from pathlib import Path

import boto3
import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2]
REGION = "us-west-2"
COST_TAG_KEYS = ("Project", "Environment", "CostCenter", "Owner", "Service", "ManagedBy")


def endpoint_url():
    return "http://127.0.0.1:%s" % os.environ.get("MITHRAN_EMULATOR_PORT", "24566")


@pytest.fixture(scope="session")
def aws():
    """aws('ec2') -> a boto3 client on the scenario's emulator (dummy credentials)."""
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name=REGION)

    def client(service):
        return session.client(service, endpoint_url=endpoint_url())

    return client


@pytest.fixture(scope="session")
def inventory():
    """The merged group_vars/all of inventories/local, as the scenario converged with them."""
    merged = {}
    for path in sorted((PROJECT / "inventories" / "local" / "group_vars" / "all").glob("*.yml")):
        merged.update(yaml.safe_load(path.read_text()) or {})
    return merged


def tag_dict(tags):
    return {t["Key"]: t["Value"] for t in tags or []}


def assert_cost_tags(tags, service, environment="local"):
    """The resource carries the standard cost tag set with this Service."""
    tags = tag_dict(tags) if isinstance(tags, list) else dict(tags or {})
    missing = [k for k in COST_TAG_KEYS if not tags.get(k)]
    assert not missing, "missing cost tags %s in %s" % (missing, tags)
    assert tags["Service"] == service, tags
    assert tags["Environment"] == environment, tags
    assert tags["ManagedBy"] == "ansible", tags
