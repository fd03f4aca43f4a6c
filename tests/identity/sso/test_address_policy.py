"""The outbound HTTP helper's address policy, proven with real sockets and the interpreter's audit events."""

import ipaddress
import socket
from collections.abc import Iterator

import pytest

from apps.core import http
from apps.identity.sso.models import IdentityProvider


def idp_body(issuer: str) -> dict:
    return {
        "identityProviderTypeId": "generic-oidc",
        "name": "Sneaky",
        "configWrite": {"oidc": {"issuer": issuer, "clientId": "c", "clientSecret": "client-secret-x"}},
    }


@pytest.fixture
def production_policy(settings) -> None:
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = []


@pytest.fixture
def alias_listener() -> Iterator[socket.socket]:
    """A server socket on 127.0.0.2 (loopback, but outside the tests' allowed 127.0.0.1/32)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.2", 0))
        listener.listen()
        listener.settimeout(0.3)
        yield listener


def nobody_connected(listener: socket.socket) -> bool:
    try:
        connection, _ = listener.accept()
    except TimeoutError:
        return True
    connection.close()
    return False


def test_the_production_default_refuses_loopback(production_policy, provider_a, socket_connects):
    with pytest.raises(http.OutboundRefused):
        http.get(f"{provider_a.issuer}/.well-known/openid-configuration")
    assert socket_connects == []


def test_the_production_default_refuses_a_loopback_issuer_through_the_api(
    production_policy, api, provider_a, socket_connects
):
    response = api.post("/auth/idps", idp_body(provider_a.issuer))
    assert response.status_code == 400
    assert response.json()["code"] == "address_not_allowed"
    assert response.json()["details"]["fieldErrors"] == {"configWrite.oidc.issuer": "Address not allowed."}
    assert socket_connects == []


def test_the_test_setting_allows_exactly_127_0_0_1(provider_a):
    assert http.get(f"{provider_a.issuer}/.well-known/openid-configuration").json()["issuer"] == provider_a.issuer


@pytest.mark.parametrize("host", ["169.254.169.254", "10.0.0.1"])
def test_an_issuer_at_a_metadata_or_private_address_is_refused_without_connecting(api, host, socket_connects):
    response = api.post("/auth/idps", idp_body(f"http://{host}/realms/acme"))
    assert response.status_code == 400
    assert response.json()["code"] == "address_not_allowed"
    response = api.post(
        "/auth/idps/auto-setup",
        {"name": "Auto", "providerUrl": f"http://{host}", "initialAccessToken": "some-initial-access-token"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "address_not_allowed"
    assert socket_connects == []
    assert not IdentityProvider.objects.exists()


@pytest.mark.parametrize("host", ["169.254.169.254", "10.0.0.1", "[fd00:ec2::254]", "[::ffff:10.0.0.1]", "0.0.0.0"])
def test_the_helper_raises_before_opening_a_socket(host, socket_connects):
    with pytest.raises(http.OutboundRefused):
        http.get(f"http://{host}/latest/meta-data/")
    assert socket_connects == []


def test_a_loopback_alias_outside_the_allowed_network_is_never_contacted(api, alias_listener, socket_connects):
    port = alias_listener.getsockname()[1]
    with pytest.raises(http.OutboundRefused):
        http.get(f"http://127.0.0.2:{port}/.well-known/openid-configuration")
    response = api.post("/auth/idps", idp_body(f"http://127.0.0.2:{port}"))
    assert response.status_code == 400 and response.json()["code"] == "address_not_allowed"
    assert nobody_connected(alias_listener)
    assert socket_connects == []


def test_an_allowed_network_opens_the_alias_again(settings, alias_listener):
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    port = alias_listener.getsockname()[1]
    with pytest.raises(http.OutboundTimeout):
        http.get(f"http://127.0.0.2:{port}/", timeout=0.5)  # connects, and the listener never answers
    assert not nobody_connected(alias_listener)


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.100.100.200", False),
        ("224.0.0.251", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00:ec2::254", False),
        ("::ffff:192.168.1.1", False),
        ("64:ff9b::a00:1", False),
    ],
)
def test_the_policy_refuses_every_non_public_range(production_policy, address, allowed):
    assert http.address_allowed(ipaddress.ip_address(address)) is allowed


def test_answers_larger_than_the_cap_are_refused(provider_a):
    with pytest.raises(http.OutboundError, match="more than"):
        http.get(f"{provider_a.issuer}/.well-known/openid-configuration", max_bytes=100)


def test_only_http_urls_are_called(socket_connects):
    for url in ("file:///etc/passwd", "gopher://example.test/", "http:///nohost"):
        with pytest.raises(http.OutboundRefused):
            http.get(url)
    assert socket_connects == []
