import contextlib
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

from apps.identity.sso.models import IdentityProvider
from tests.conftest import ApiClient

CALLBACK = "http://testserver/sso/callback"

# Every socket.connect() this process makes is an audit event (PEP 578): the tests read them to prove
# that a refused destination was never contacted. Hooks cannot be removed, so this one is switchable.
_connects: list = []
_recording = threading.Event()


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect" and _recording.is_set():
        _connects.append(args[1])


sys.addaudithook(_audit)


@pytest.fixture
def socket_connects() -> Iterator[list]:
    """The addresses this process connects to while the test runs."""
    _connects.clear()
    _recording.set()
    yield _connects
    _recording.clear()


@pytest.fixture(autouse=True)
def _sso_test_setup(outbound_to_loopback) -> Iterator[None]:
    # Discovery documents are cached per issuer; every test starts from what the provider says now.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_secret_in_any_response(db) -> Iterator[None]:
    """No API response of an SSO test carries a client secret or initial access token, ever."""
    start = len(ApiClient.recorded)
    yield
    exchanges = ApiClient.recorded[start:]
    secrets = {s for s in IdentityProvider.objects.values_list("client_secret", flat=True) if s}
    for _method, _url, request_body, _status, _response_body in exchanges:
        body = json.loads(request_body) if request_body else {}
        if isinstance(body, dict):
            oidc = (body.get("configWrite") or {}).get("oidc") or {}
            secrets |= {
                v for v in (oidc.get("clientSecret"), body.get("clientSecret"), body.get("initialAccessToken")) if v
            }
    for secret in secrets:
        for method, url, _request, _status, response_body in exchanges:
            assert secret not in response_body, f"{method} {url} answered with a secret"


@pytest.fixture
def make_idp(provider_a):
    """An identity provider of `org` with a client registered at `provider` (an admin's manual setup)."""

    def make(org, provider=None, *, name="Company SSO", domains=(), enabled=True) -> IdentityProvider:
        provider = provider or provider_a
        client_id, client_secret = provider.register_client(CALLBACK)
        return IdentityProvider.objects.create(
            organization=org,
            provider_type="generic-oidc",
            name=name,
            issuer=provider.issuer,
            client_id=client_id,
            client_secret=client_secret,
            allowed_email_domains=list(domains),
            is_enabled=enabled,
        )

    return make


class _Handler(BaseHTTPRequestHandler):
    """Discovery documents that go wrong in the ways test-connection must report."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        kind = self.path.strip("/").split("/", 1)[0]
        if kind == "slow":
            time.sleep(3)
        if kind == "redirect-private":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/.well-known/openid-configuration")
            self.end_headers()
            return
        if kind == "missing":
            self.send_error(404)
            return
        if kind == "badjson":
            body = b"<html>not json</html>"
        else:
            issuer = "https://someone-else.test" if kind == "mismatch" else f"{base}/{kind}"
            document = {
                "issuer": issuer,
                "authorization_endpoint": f"{base}/{kind}/auth",
                "token_endpoint": f"{base}/{kind}/token",
                "jwks_uri": f"{base}/{kind}/jwks",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
            body = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the slow case's client gave up
            self.wfile.write(body)


@pytest.fixture
def unused_port() -> int:
    """A 127.0.0.1 port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def broken_idp() -> Iterator[str]:
    """Base URL of a local server whose discovery documents are wrong: /mismatch, /badjson, /slow, /noreg..."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
