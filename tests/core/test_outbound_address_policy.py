"""The outbound address policy judges every spelling of an address by where its packets go.

IPv6 transition forms carry an IPv4 address (IPv4-mapped, IPv4-compatible, 6to4, NAT64, Teredo);
Python calls `::7f00:1` and `2002:7f00:1::` global, so they are unwrapped and judged by that IPv4
address. Hosts are resolved by the real resolver: `2130706433` and `0x7f.1` are 127.0.0.1 too.
"""

import socket
from collections.abc import Iterator

import pytest

from apps.core import http
from apps.identity.sso.models import IdentityProvider

ALLOWED = [
    "93.184.216.34",
    "8.8.8.8",
    "[2606:4700:4700::1111]",
    "[2001:4860:4860::8888]",
    "[::ffff:93.184.216.34]",  # IPv4-mapped
    "[::ffff:5db8:d822]",
    "[::5db8:d822]",  # IPv4-compatible (deprecated)
    "[2002:5db8:d822::1]",  # 6to4
    "[64:ff9b::93.184.216.34]",  # NAT64, well-known prefix
    "[64:ff9b::808:808]",
    "[64:ff9b:1::808:808]",  # NAT64, local-use prefix in its /96 layout
    "[2001:0:4136:e378:8000:63bf:a247:27dd]",  # Teredo: public server, client 93.184.216.34
]

REFUSED = [
    # IPv4, and the shorthand spellings the resolver accepts
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0x7f.1",
    "0177.0.0.1",
    "0.0.0.0",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # shared address space
    "169.254.169.254",  # cloud metadata
    "100.100.100.200",  # Alibaba metadata
    "192.0.2.1",  # documentation
    "198.18.0.1",  # benchmarking
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    # IPv6
    "[::1]",
    "[::]",
    "[fe80::1]",
    "[fc00::1]",
    "[fd00:ec2::254]",
    "[ff02::1]",
    "[ff0e::1]",  # global-scope multicast
    "[2001:db8::1]",
    "[100::1]",  # discard-only
    "[4000::1]",  # unallocated, outside 2000::/3
    # IPv4-mapped
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[::ffff:10.0.0.1]",
    "[::ffff:169.254.169.254]",
    # IPv4-compatible (deprecated): Python 3.11 calls these global
    "[::7f00:1]",
    "[::127.0.0.1]",
    "[::a9fe:a9fe]",
    "[::ffff:0:7f00:1]",  # IPv4-translated (SIIT): reserved space
    # 6to4
    "[2002:7f00:1::]",
    "[2002:a00:1::1]",
    "[2002:a9fe:a9fe::]",
    # NAT64
    "[64:ff9b::7f00:1]",
    "[64:ff9b::127.0.0.1]",
    "[64:ff9b::169.254.169.254]",
    "[64:ff9b:1::7f00:1]",
    "[64:ff9b:1::a00:1]",
    "[64:ff9b:1:7f00:0:100::]",  # the /48 layout of 127.0.0.1: refused as reserved
    "[64:ff9b:1:7f00:0:100:5db8:d822]",  # public under /96, loopback under /48
    # Teredo
    "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",  # client 192.0.2.45
    "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  # client 127.0.0.1
    "[2001:0:a00:1:8000:63bf:a247:27dd]",  # server 10.0.0.1
]


@pytest.mark.parametrize("host", ALLOWED)
def test_a_public_destination_is_allowed_in_every_spelling(host):
    http.check_destination(f"http://{host}:8080/.well-known/openid-configuration")


@pytest.mark.parametrize("host", REFUSED)
def test_a_non_public_destination_is_refused_in_every_spelling(host):
    with pytest.raises(http.OutboundRefused):
        http.check_destination(f"http://{host}:8080/.well-known/openid-configuration")


def test_the_policy_covers_enough_forms():
    assert len(ALLOWED) + len(REFUSED) >= 40


@pytest.mark.parametrize("issuer", ["http://[::7f00:1]:18080", "http://[2002:7f00:1::]", "http://[64:ff9b:1::7f00:1]"])
def test_an_issuer_in_an_ipv6_form_of_loopback_is_not_saved(api, issuer):
    body = {
        "identityProviderTypeId": "generic-oidc",
        "name": "Sneaky",
        "configWrite": {"oidc": {"issuer": issuer, "clientId": "c", "clientSecret": "client-secret-x"}},
    }
    response = api.post("/auth/idps", body)
    assert response.status_code == 400
    assert response.json()["code"] == "address_not_allowed"
    assert not IdentityProvider.objects.exists()


@pytest.fixture
def loopback_listener() -> Iterator[socket.socket]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.3)
        yield listener


@pytest.mark.parametrize("form", ["[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::7f00:1]", "[2002:7f00:1::]"])
def test_a_loopback_server_is_never_contacted_through_an_ipv6_form(loopback_listener, form):
    port = loopback_listener.getsockname()[1]
    with pytest.raises(http.OutboundRefused):
        http.get(f"http://{form}:{port}/")
    with pytest.raises(TimeoutError):
        loopback_listener.accept()


def test_an_allowed_network_is_matched_by_the_unwrapped_address(settings):
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    for host in ("10.20.1.2", "[::ffff:10.20.1.2]", "[64:ff9b::a14:102]", "[2002:a14:102::1]"):
        http.check_destination(f"http://{host}/")
    for host in ("10.21.0.1", "[::ffff:127.0.0.1]", "[2002:7f00:1::]"):
        with pytest.raises(http.OutboundRefused):
            http.check_destination(f"http://{host}/")


def test_an_allowed_ipv6_network_is_matched_as_written(settings):
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = ["fd12:3456::/32"]
    http.check_destination("http://[fd12:3456::10]/")
    with pytest.raises(http.OutboundRefused):
        http.check_destination("http://[fd12:9999::10]/")
