"""scripts/refresh-prices: parsing of a GetProducts answer (stubbed: no network, and moto has no Price List API)."""

import importlib.machinery
import importlib.util
import json
import os

import boto3
from botocore.stub import Stubber

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def load():
    loader = importlib.machinery.SourceFileLoader("refresh_prices", os.path.join(ROOT, "scripts", "refresh-prices"))
    spec = importlib.util.spec_from_loader("refresh_prices", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def product(usd, unit="Hrs"):
    return json.dumps({"product": {"sku": "X"}, "terms": {"OnDemand": {"X.T": {"priceDimensions": {"X.T.D": {
        "unit": unit, "beginRange": "0", "endRange": "Inf", "pricePerUnit": {"USD": "%s" % usd}}}}}}})


def test_fetch_reads_the_on_demand_price_and_scales_request_units():
    script = load()
    client = boto3.client("pricing", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("get_products", {"PriceList": [product("0.1700000000")], "FormatVersion": "aws_v1"})
        stub.add_response("get_products", {"PriceList": [product("0.0000050000", "Requests")], "FormatVersion": "aws_v1"})
        stub.add_response("get_products", {"PriceList": [product("0.17"), product("0.2")], "FormatVersion": "aws_v1"})
        query = {"ServiceCode": "AmazonEC2", "Filters": {"instanceType": "c5.xlarge"}}
        assert script.fetch(client, query, "hour") == (0.17, None)
        assert script.fetch(client, query, "1,000 requests")[0] == 0.005
        assert script.fetch(client, query, "hour") == (None, "2 distinct prices")
