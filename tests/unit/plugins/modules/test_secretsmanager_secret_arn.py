"""secretsmanager_secret_arn against moto in-process: ARNs only, never values."""

import boto3

from ansible_collections.mithran.platform.plugins.modules import secretsmanager_secret_arn as mod


def test_arns_without_values(run_module, aws):
    arn = boto3.client("secretsmanager").create_secret(Name="mithran/cache/auth-token", SecretString="s3cr3t")["ARN"]
    failed, result = run_module(mod, dict(names=["mithran/cache/auth-token"]))
    assert not failed and not result["changed"]
    assert result["arns"] == {"mithran/cache/auth-token": arn}
    assert "s3cr3t" not in repr(result)


def test_missing(run_module, aws):
    failed, result = run_module(mod, dict(names=["nope"]))
    assert failed and "nope" in result["msg"]
    failed, result = run_module(mod, dict(names=["nope"], fail_on_missing=False))
    assert not failed and result["missing"] == ["nope"] and result["arns"] == {}
