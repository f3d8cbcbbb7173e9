"""The cutover as the emulator holds it after converge: all weight on AWS at the low TTL, the health
check attached to the AWS record; then the rollback returns all weight to on-prem."""

import os
import subprocess
from pathlib import Path

import pytest

from aws_fixtures import PROJECT

ZONE = "local.mithran.example.com."
RECORD = "app.local.mithran.example.com."


@pytest.fixture
def records(aws):
    def read():
        r53 = aws("route53")
        zone = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == ZONE][0]
        sets = r53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
        return {r["SetIdentifier"]: r for r in sets if r["Name"] == RECORD}
    return read


def test_cutover_put_all_weight_on_aws_at_the_low_ttl(aws, records):
    found = records()
    assert found["on-prem"]["Weight"] == 0 and found["aws"]["Weight"] == 100
    assert found["on-prem"]["TTL"] == 60 and found["aws"]["TTL"] == 60
    checks = aws("route53").list_health_checks()["HealthChecks"]
    assert [c["Id"] for c in checks] == [found["aws"]["HealthCheckId"]]
    assert checks[0]["HealthCheckConfig"]["Type"] == "HTTPS"
    assert checks[0]["HealthCheckConfig"]["FullyQualifiedDomainName"] == "mithran-alb.us-west-2.elb.amazonaws.com"


def test_rollback_returns_all_weight_to_onprem(records):
    playbook = Path(__file__).resolve().parent / "rollback.yml"
    env = dict(os.environ, ANSIBLE_CONFIG=str(PROJECT / "ansible.cfg"))
    proc = subprocess.run([str(PROJECT / ".venv" / "bin" / "ansible-playbook"), str(playbook),
                           "-i", str(PROJECT / "inventories" / "local")], cwd=str(PROJECT), env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    found = records()
    assert found["on-prem"]["Weight"] == 100 and found["aws"]["Weight"] == 0
