"""Config the aws provider refuses before anything is created (the domain reports them as field errors)."""

from apps.infra.providers.aws.provider import AwsProvider

provider = AwsProvider()  # config checks make no AWS call


def test_connection_config():
    assert provider.config_errors("connection", {}) == {}
    good = {"accountId": "222233334444", "region": "eu-west-1", "roleArn": "arn:aws:iam::222233334444:role/lakesail-X"}
    assert provider.config_errors("connection", good) == {}
    assert set(provider.config_errors("connection", {"accountId": "2222", "region": "cn-north-1"})) == {
        "accountId",
        "region",
    }
    elsewhere = {**good, "roleArn": "arn:aws:iam::999988887777:role/lakesail-X"}
    assert provider.config_errors("connection", elsewhere) == {
        "roleArn": "The role is in account 999988887777, not the connection's 222233334444."
    }
    assert "roleArn" in provider.config_errors("connection", {"roleArn": "arn:aws:s3:::bucket"})


def test_network_config():
    assert provider.config_errors("network", {"cidr": "10.0.0.0/16"}) == {}
    assert "between /16 and /24" in provider.config_errors("network", {"cidr": "10.0.0.0/8"})["cidr"]


def test_cluster_config():
    good = {
        "kubernetesVersion": "1.31",
        "systemNodeGroup": {"name": "system", "instanceTypes": [["m7g.large", "m7g.xlarge"]], "diskSizeGb": 100},
    }
    assert provider.config_errors("cluster", good) == {}
    bad = {"kubernetesVersion": "latest", "systemNodeGroup": {"instanceTypes": ["M7G LARGE"], "diskSizeGb": 5}}
    assert set(provider.config_errors("cluster", bad)) == {
        "kubernetesVersion",
        "systemNodeGroup.instanceTypes",
        "systemNodeGroup.diskSizeGb",
    }
