"""ECR repositories as the emulator holds them after converge."""

import json

import pytest

from aws_fixtures import assert_cost_tags, tag_dict

REPOS = [("mithran-frontend", "frontend"), ("mithran-backend", "backend"), ("mithran-cad-engine", "cad-engine")]


@pytest.fixture(scope="module")
def repos(aws):
    found = aws("ecr").describe_repositories()["repositories"]
    return {r["repositoryName"]: r for r in found}


@pytest.mark.parametrize("name,service", REPOS)
def test_repository(aws, repos, inventory, name, service):
    repo = repos[name]
    assert repo["imageScanningConfiguration"]["scanOnPush"] is True
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["encryptionConfiguration"]["encryptionType"] == "KMS"
    key = aws("kms").describe_key(KeyId="alias/mithran-storage")["KeyMetadata"]["Arn"]
    assert repo["encryptionConfiguration"]["kmsKey"] == key
    policy = json.loads(aws("ecr").get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"])
    keep = [r for r in policy["rules"] if r["selection"]["countType"] == "imageCountMoreThan"]
    assert keep and keep[0]["selection"]["countNumber"] == inventory["registry_keep_images"]
    assert keep[0]["selection"]["tagStatus"] == "any"
    tags = aws("ecr").list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"]
    assert_cost_tags(tags, service)
    assert tag_dict(tags)["Name"] == name


def test_only_our_repositories(repos):
    assert sorted(repos) == sorted(name for name, _ in REPOS)
