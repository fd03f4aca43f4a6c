"""Verify = STS AssumeRole into the customer's role with the ExternalId, then GetCallerIdentity as that role."""

import dataclasses

import pytest
from botocore.stub import ANY, Stubber

from apps.core import clock
from apps.infra.providers.base import ProviderError
from tests.infra.aws.conftest import CUSTOMER_ACCOUNT, REGION


def test_verify_assumes_the_role_in_the_customer_account(provider, connection):
    result = provider.verify(connection)

    assert result.ok, result.message
    assert result.details["accountId"] == CUSTOMER_ACCOUNT
    assert result.details["arn"] == (
        f"arn:aws:sts::{CUSTOMER_ACCOUNT}:assumed-role/lakesail-{connection.id}/lakesail-{connection.id}"
    )


def test_a_role_in_another_account_than_the_connection_names_is_refused(provider, connection):
    elsewhere = dataclasses.replace(
        connection, provider_config={**connection.provider_config, "accountId": "999988887777"}
    )

    result = provider.verify(elsewhere)

    assert not result.ok
    assert result.details == {"code": "aws_wrong_account", "accountId": CUSTOMER_ACCOUNT}


def test_a_connection_without_a_role_yet_is_not_verified(provider, connection):
    result = provider.verify(dataclasses.replace(connection, provider_config={"region": REGION}))

    assert not result.ok
    assert result.details["code"] == "aws_no_role"


def test_a_wrong_external_id_is_refused(provider, connection):
    # Stubber: moto does not enforce the trust policy's sts:ExternalId across accounts; real STS answers this.
    sts = provider.clients.base_client("sts", REGION)
    with Stubber(sts) as stub:
        stub.add_client_error(
            "assume_role",
            service_error_code="AccessDenied",
            service_message="User is not authorized to perform: sts:AssumeRole",
            http_status_code=403,
            expected_params={
                "RoleArn": connection.provider_config["roleArn"],
                "RoleSessionName": f"lakesail-{connection.id}",
                "ExternalId": "not-the-one-in-the-trust-policy",
                "DurationSeconds": ANY,
            },
        )
        result = provider.verify(dataclasses.replace(connection, external_id="not-the-one-in-the-trust-policy"))

    assert not result.ok
    assert result.details["code"] == "aws_access_denied"
    assert "not authorized" in result.message


def test_a_throttled_sts_is_an_error_worth_retrying_not_a_verdict(provider, connection):
    # Stubber: moto never throttles.
    with Stubber(provider.clients.base_client("sts", REGION)) as stub:
        stub.add_client_error("assume_role", service_error_code="Throttling", http_status_code=400)
        with pytest.raises(ProviderError) as raised:
            provider.verify(connection)

    assert raised.value.retryable
    assert raised.value.code == "aws_throttled"


def test_assumed_credentials_are_reused_until_shortly_before_they_expire(provider, connection):
    with clock.frozen() as frozen:
        first = provider.clients.assume(connection)
        assert provider.clients.assume(connection) is first

        frozen.advance(minutes=54)
        assert provider.clients.assume(connection) is first

        frozen.advance(minutes=2)  # within five minutes of the hour's expiry
        renewed = provider.clients.assume(connection)

    assert renewed is not first
    assert renewed.session.get_credentials().access_key != first.session.get_credentials().access_key


def test_a_new_external_id_assumes_the_role_again(provider, connection):
    first = provider.clients.assume(connection)

    again = provider.clients.assume(dataclasses.replace(connection, external_id="rotated-external-id-0001"))

    assert again is not first
