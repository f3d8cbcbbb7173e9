"""The budget and the cost tags as the emulator holds them after converge."""

from aws_fixtures import assert_cost_tags, tag_dict

ACCOUNT = "123456789012"


def test_budget_is_600_usd_monthly_for_the_environment(aws):
    budget = aws("budgets").describe_budget(AccountId=ACCOUNT, BudgetName="mithran-local-monthly")["Budget"]
    assert float(budget["BudgetLimit"]["Amount"]) == 600.0 and budget["BudgetLimit"]["Unit"] == "USD"
    assert budget["TimeUnit"] == "MONTHLY" and budget["BudgetType"] == "COST"
    assert budget["CostFilters"] == {"TagKeyValue": ["user:Environment$local"]}


def test_budget_alerts_forecast_80_and_actual_100(aws):
    notes = aws("budgets").describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="mithran-local-monthly")
    assert sorted((n["NotificationType"], float(n["Threshold"]), n["ComparisonOperator"])
                  for n in notes["Notifications"]) == [("ACTUAL", 100.0, "GREATER_THAN"),
                                                        ("FORECASTED", 80.0, "GREATER_THAN")]


def test_drifted_vpc_and_group_carry_the_cost_tags(aws):
    ec2 = aws("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-cost-drift"]}])["Vpcs"][0]
    assert_cost_tags(vpc["Tags"], "network")
    assert tag_dict(vpc["Tags"])["Name"] == "mithran-cost-drift"  # not ours: kept
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["mithran-cost-drift"]}])["SecurityGroups"][0]
    assert_cost_tags(group["Tags"], "network")
    assert tag_dict(group["Tags"])["Owner"] == "platform-infra"


def test_bucket_carries_the_cost_tags(aws):
    tags = aws("s3").get_bucket_tagging(Bucket="mithran-cost-drift-local")["TagSet"]
    assert_cost_tags(tags, "storage")


def test_fallback_types_carry_the_cost_tags(aws):
    repo = "arn:aws:ecr:us-west-2:%s:repository/mithran-cost-drift" % ACCOUNT
    assert_cost_tags(aws("ecr").list_tags_for_resource(resourceArn=repo)["tags"], "registry")
    assert_cost_tags(aws("iam").list_role_tags(RoleName="mithran-cost-drift")["Tags"], "security")


def test_every_resource_the_tagging_api_lists_is_covered(aws):
    found = aws("resourcegroupstaggingapi").get_resources(
        TagFilters=[{"Key": "Project", "Values": ["mithran"]}, {"Key": "Environment", "Values": ["local"]}])
    assert found["ResourceTagMappingList"]
    for item in found["ResourceTagMappingList"]:
        tags = tag_dict(item["Tags"])
        assert all(tags.get(k) for k in ("CostCenter", "Owner", "Service", "ManagedBy")), item
