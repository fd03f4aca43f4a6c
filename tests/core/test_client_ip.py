"""client_ip(): REMOTE_ADDR, unless it is a trusted proxy; then the right-most untrusted X-Forwarded-For hop."""

import pytest
from django.test import RequestFactory

from apps.core.client_ip import client_ip
from apps.identity.models import Login
from tests.conftest import PASSWORD


def request_from(remote: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_a_spoofed_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_a_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("1.2.3.4, 198.51.100.7", "198.51.100.7"),  # the client prepended 1.2.3.4 itself
        ("1.2.3.4, 198.51.100.7, 10.0.0.2", "198.51.100.7"),  # two trusted hops
        (" 198.51.100.7 ,10.0.0.3", "198.51.100.7"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:0db8:0000::0001", "2001:db8::1"),  # in its canonical spelling
        ("garbage, 198.51.100.7", "198.51.100.7"),
        ("10.0.0.9, 10.0.0.3", "10.0.0.9"),  # only proxies: the farthest one
        ("198.51.100.7, garbage", "10.0.0.1"),  # what a trusted hop appended is not an address
        ("", "10.0.0.1"),
    ],
)
def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(settings, forwarded, client):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request_from("10.0.0.1", forwarded)) == client


def test_behind_a_trusted_proxy_without_the_header_the_proxy_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request_from("10.0.0.1")) == "10.0.0.1"


def sign_in(anon, forwarded: str) -> Login:
    body = {"email": "alice@acme.test", "password": PASSWORD}
    response = anon.client.post(
        "/api/v1/auth/login", body, content_type="application/json", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert response.status_code == 200
    return Login.objects.get(pk=response.json()["loginId"])


def test_a_sign_in_behind_a_trusted_proxy_records_the_forwarded_client(anon, alice, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    assert sign_in(anon, "1.2.3.4, 198.51.100.7").remote_ip == "198.51.100.7"


def test_a_sign_in_without_trusted_proxies_records_the_peer_not_the_header(anon, alice, settings):
    settings.TRUSTED_PROXIES = []
    assert sign_in(anon, "198.51.100.7").remote_ip == "127.0.0.1"
