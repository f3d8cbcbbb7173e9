"""What the DMS modules' unit tests need in moto: a VPC with private subnets, a KMS key with an alias,
a replication subnet group. Built with boto3 until the foundation's network/security roles exist."""

import boto3


def foundation():
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = []
    for index, az in enumerate(("us-west-2a", "us-west-2b")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.%d.0/24" % (10 + index), AvailabilityZone=az)["Subnet"]
        ec2.create_tags(Resources=[subnet["SubnetId"]], Tags=[{"Key": "Tier", "Value": "private"}])
        subnets.append(subnet["SubnetId"])
    sg = ec2.create_security_group(GroupName="mithran-db", Description="db", VpcId=vpc)["GroupId"]
    kms = boto3.client("kms")
    key = kms.create_key(Description="database")["KeyMetadata"]
    kms.create_alias(AliasName="alias/mithran-database", TargetKeyId=key["KeyId"])
    dms = boto3.client("dms")
    dms.create_replication_subnet_group(ReplicationSubnetGroupIdentifier="mithran-migration",
                                        ReplicationSubnetGroupDescription="private", SubnetIds=subnets)
    return {"vpc": vpc, "subnets": subnets, "sg": sg, "key_arn": key["Arn"], "key_id": key["KeyId"]}


def stub_client(monkeypatch, module_class, service, setup):
    """Give the module a client of `service` whose calls are answered by a Stubber that setup() fills.

    The module's own retry wrapper stays in place (the stubber sits on the inner boto3 client). Returns a
    list that holds the Stubber once the module asked for the client, to assert_no_pending_responses().
    """
    from botocore.stub import Stubber

    original = module_class.client
    made = []

    def client(self, name, *args, **kwargs):
        wrapped = original(self, name, *args, **kwargs)
        if name == service:
            inner = getattr(wrapped, "client", wrapped)
            stubber = Stubber(inner)
            setup(stubber)
            stubber.activate()
            made.append(stubber)
        return wrapped

    monkeypatch.setattr(module_class, "client", client)
    return made


def without_metadata(response):
    response = dict(response)
    response.pop("ResponseMetadata", None)
    return response
