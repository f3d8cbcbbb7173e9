"""The RDS catalogue and S3 name filters the data roles validate with."""

import pytest

from ansible_collections.mithran.platform.plugins.filter.rds import rds_instance_problems
from ansible_collections.mithran.platform.plugins.filter.storage import s3_bucket_name_problems


def test_seed_medium_profile_is_valid():
    assert rds_instance_problems("postgres", "16.4", "db.t3.large", "gp3", 500, 1000) == []
    assert rds_instance_problems("postgres", "16", "db.r6g.xlarge", "gp3", 20, 0) == []


@pytest.mark.parametrize("args, words", [
    (("postgres", "16.99", "db.t3.large"), ["engine version '16.99'"]),
    (("postgres", "18.0", "db.t3.large"), ["engine version '18.0'"]),
    (("mysql", "8.0", "db.t3.large"), ["engine 'mysql'"]),
    (("postgres", "16.4", "db.t2.large"), ["db.t2.large is not offered"]),
    (("postgres", "16.4", "db.m5.micro"), ["db.m5.micro is not offered"]),
    (("postgres", "16.4", "large"), ["not an RDS instance class"]),
    (("postgres", "16.4", "db.t3.large", "gp3", 10, 100), ["10 GiB is outside 20-65536"]),
    (("postgres", "16.4", "db.t3.large", "io1", 50, 100), ["outside 100-65536"]),
    (("postgres", "16.4", "db.t3.large", "gp3", 500, 400), ["below the autoscaling ceiling"]),
    (("postgres", "16.4", "db.t3.large", "gp3", 500, 70000), ["above 65536"]),
])
def test_problems_name_the_bad_value(args, words):
    problems = " ".join(rds_instance_problems(*args))
    for word in words:
        assert word in problems


@pytest.mark.parametrize("name", ["mithran-cad-files", "mithran-cad-files-123456789012", "a.b-c"])
def test_valid_bucket_names(name):
    assert s3_bucket_name_problems(name) == []


@pytest.mark.parametrize("name, word", [
    ("Mithran-CAD", "lowercase"), ("ab", "3 to 63"), ("x" * 64, "3 to 63"), ("my..bucket", "adjacent"),
    ("10.0.0.1", "IP address"), ("xn--bucket", "xn--"), ("bucket-s3alias", "-s3alias"), ("-bucket", "begin and end"),
    ("bucket_name", "lowercase"),
])
def test_invalid_bucket_names(name, word):
    problems = s3_bucket_name_problems(name)
    assert len(problems) == 1 and repr(name) in problems[0] and word in problems[0]
