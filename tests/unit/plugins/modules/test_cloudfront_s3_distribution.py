"""cloudfront_s3_distribution against moto in-process: the emulated CloudFront state is the judge."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import cloudfront_s3_distribution as cdn


def args(**extra):
    base = dict(name="mithran-static", bucket="mithran-static-assets", tags={"Service": "edge"})
    base.update(extra)
    return base


def distributions():
    cf = boto3.client("cloudfront")
    items = cf.list_distributions()["DistributionList"].get("Items", []) or []
    result = []
    for item in items:
        config = cf.get_distribution_config(Id=item["Id"])["DistributionConfig"]
        tags = cf.list_tags_for_resource(Resource=item["ARN"])["Tags"].get("Items", [])
        result.append(dict(id=item["Id"], config=config, tags=dict((t["Key"], t["Value"]) for t in tags)))
    return result


def oacs():
    items = boto3.client("cloudfront").list_origin_access_controls()["OriginAccessControlList"].get("Items", [])
    return items or []


def test_create_then_noop(run_module, aws):
    failed, result = run_module(cdn, args())
    assert not failed and result["changed"], result
    [d] = distributions()
    config = d["config"]
    assert config["CallerReference"] == "mithran-static"
    [origin] = config["Origins"]["Items"]
    assert origin["DomainName"] == "mithran-static-assets.s3.us-west-2.amazonaws.com"
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "https-only"
    assert behaviour["Compress"] is True
    assert behaviour["TargetOriginId"] == origin["Id"]
    assert config["DefaultRootObject"] == "index.html"
    assert d["tags"] == {"Service": "edge"}
    [oac] = oacs()
    assert oac["Name"] == "mithran-static" and oac["SigningBehavior"] == "always" and oac["SigningProtocol"] == "sigv4"
    assert oac["OriginAccessControlOriginType"] == "s3"
    assert result["origin_access_control_id"] == oac["Id"]
    statement = result["bucket_policy_statement"]
    assert statement["Condition"]["StringEquals"]["AWS:SourceArn"] == result["distribution"]["arn"]
    assert statement["Resource"] == "arn:aws:s3:::mithran-static-assets/*"

    failed, result = run_module(cdn, args())
    assert not failed and not result["changed"], result
    assert len(distributions()) == 1 and len(oacs()) == 1


def test_a_create_whose_answer_was_lost_is_found_not_made_twice(run_module, aws, monkeypatch):
    """CreateDistributionWithTags reaches CloudFront, its answer is lost (a 503 here), the retry is refused with
    DistributionAlreadyExists (as moto does for a repeat; AWS answers it with the distribution it made)."""
    import botocore.client
    import botocore.exceptions

    real = botocore.client.BaseClient._make_api_call
    lost = []

    def losing(self, operation, params):
        response = real(self, operation, params)
        if operation == "CreateDistributionWithTags" and not lost:
            lost.append(response["Distribution"]["Id"])
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": "ServiceUnavailable", "Message": "the answer was lost"},
                 "ResponseMetadata": {"HTTPStatusCode": 503}}, operation)
        return response

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", losing)
    failed, result = run_module(cdn, args())
    assert not failed, result["msg"]
    [d] = distributions()
    assert lost == [d["id"]] and result["distribution"]["id"] == d["id"] and result["changed"]
    assert d["tags"] == {"Service": "edge"}


def test_check_mode_creates_nothing(run_module, aws):
    failed, result = run_module(cdn, args(), check_mode=True)
    assert not failed and result["changed"]
    assert distributions() == [] and oacs() == []


def test_update_in_place(run_module, aws):
    run_module(cdn, args())
    [before] = distributions()
    failed, result = run_module(cdn, args(viewer_protocol_policy="redirect-to-https", compress=False,
                                          tags={"Service": "edge", "Name": "cdn"}))
    assert not failed and result["changed"]
    [after] = distributions()
    assert after["id"] == before["id"]
    assert after["config"]["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert after["config"]["DefaultCacheBehavior"]["Compress"] is False
    assert after["tags"] == {"Service": "edge", "Name": "cdn"}
    failed, result = run_module(cdn, args(viewer_protocol_policy="redirect-to-https", compress=False,
                                          tags={"Service": "edge", "Name": "cdn"}))
    assert not failed and not result["changed"]


def test_absent(run_module, aws):
    run_module(cdn, args())
    failed, result = run_module(cdn, dict(name="mithran-static", state="absent"))
    assert not failed and result["changed"]
    assert distributions() == [] and oacs() == []
    failed, result = run_module(cdn, dict(name="mithran-static", state="absent"))
    assert not failed and not result["changed"]


@pytest.mark.parametrize("bad,needle", [
    (dict(bucket="Not_A_Bucket"), "bucket must be an S3 bucket name"),
    (dict(bucket=None), "bucket must be"),
    (dict(origin_path="assets/"), "origin_path"),
    (dict(aliases=["static.example.com"]), "acm_certificate_arn is required"),
    (dict(aliases=["static.example.com"],
          acm_certificate_arn="arn:aws:acm:us-west-2:123456789012:certificate/abc"), "us-east-1"),
    (dict(allowed_methods=["GET"]), "GET and HEAD"),
])
def test_bad_input_creates_nothing(run_module, aws, bad, needle):
    failed, result = run_module(cdn, args(**bad))
    assert failed and needle in result["msg"], result["msg"]
    assert distributions() == [] and oacs() == []
