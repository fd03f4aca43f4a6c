"""Two real OpenID providers (npm `oidc-provider`, see tests/oidc_provider/server.mjs) on 127.0.0.1.

They model two organizations' identity providers. Both know dana@example.test, under different
`sub`s, so tests can prove that an email alone never joins two identities.
"""

import hashlib
import json
import os
import select
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc_provider"


def provider_home() -> Path:
    """Where `make oidc-provider` installs the npm packages: a cache outside the checkout, one folder per lock file
    (the Makefile names it the same way)."""
    lock = hashlib.sha256((PROVIDER_DIR / "package-lock.json").read_bytes()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "lakesail-console" / f"oidc-provider-{lock}"


IDP_PASSWORD = "idp-password-1"
INITIAL_ACCESS_TOKEN = "test-initial-access-token"

ACCOUNTS_A = [
    {"sub": "dana-at-a", "email": "dana@example.test", "name": "Dana Scully"},
    {"sub": "erin-at-a", "email": "erin@example.test", "name": "Erin Example"},
    {"sub": "alice-at-a", "email": "alice@acme.test", "name": "Alice"},
    {"sub": "gil-at-a", "email": "gil@elsewhere.test", "name": "Gil"},
    {"sub": "uma-at-a", "email": "uma@example.test", "name": "Unverified Uma", "emailVerified": False},
]
ACCOUNTS_B = [
    {"sub": "dana-at-b", "email": "dana@example.test", "name": "Dana at B"},
    {"sub": "frank-at-b", "email": "frank@globex.test", "name": "Frank"},
]


@dataclass
class OidcProvider:
    """A running provider: its issuer, and what a browser would do against it."""

    issuer: str
    process: subprocess.Popen
    log: Any
    accounts: list[dict[str, Any]] = field(default_factory=list)
    initial_access_token: str = INITIAL_ACCESS_TOKEN

    def register_client(self, redirect_uri: str) -> tuple[str, str]:
        """A confidential client registered directly (RFC 7591), as an admin would in the IdP's console."""
        response = requests.post(
            f"{self.issuer}/reg",
            json={"redirect_uris": [redirect_uri], "client_name": "test client"},
            headers={"Authorization": f"Bearer {self.initial_access_token}"},
            timeout=10,
        )
        response.raise_for_status()
        body = response.json()
        return body["client_id"], body["client_secret"]

    def sign_in(self, authorize_url: str, email: str, password: str = IDP_PASSWORD) -> str:
        """Play the browser at the provider: authorize, log in, and return the callback URL it redirects to."""
        browser = requests.Session()
        url = authorize_url
        for _hop in range(10):
            if not url.startswith(self.issuer):
                return url  # back at the relying party (the console's callback)
            response = browser.get(url, allow_redirects=False, timeout=10)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["Location"])
                continue
            if "/interaction/" in url and response.status_code == 200:
                if "Wrong email or password" in response.text:
                    raise AssertionError("the provider refused the test account")
                response = browser.post(
                    url + "/login", data={"email": email, "password": password}, allow_redirects=False, timeout=10
                )
                if response.status_code == 200:
                    raise AssertionError("the provider refused the test account")
                url = urljoin(url, response.headers["Location"])
                continue
            raise AssertionError(f"unexpected answer from the provider at {url}: {response.status_code}")
        raise AssertionError("too many redirects at the provider")


def _start(accounts: list[dict[str, Any]]) -> OidcProvider:
    home = provider_home()
    if not (home / "node_modules" / "oidc-provider").exists():
        pytest.fail(f"oidc-provider is not installed in {home}: run `make oidc-provider`")
    # Node resolves the script's imports from its own folder: the server runs from beside the packages. Replaced
    # whole (another test worker may be starting it), and only when it changed.
    script, source = home / "server.mjs", (PROVIDER_DIR / "server.mjs").read_bytes()
    if not script.exists() or script.read_bytes() != source:
        staged = home / f"server.mjs.{os.getpid()}"
        staged.write_bytes(source)
        os.replace(staged, script)
    options = {
        "initialAccessToken": INITIAL_ACCESS_TOKEN,
        "accounts": [{**a, "password": IDP_PASSWORD} for a in accounts],
    }
    log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the provider process)
    process = subprocess.Popen(
        ["node", str(script), json.dumps(options)],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        log.seek(0)
        pytest.fail(f"the OpenID provider did not start: {log.read().decode(errors='replace')[-2000:]}")
    return OidcProvider(issuer=json.loads(line)["issuer"], process=process, log=log, accounts=accounts)


def _stop(provider: OidcProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
    provider.log.close()


@pytest.fixture(scope="session")
def oidc_providers() -> Iterator[tuple[OidcProvider, OidcProvider]]:
    """Provider A (Acme's IdP in most tests) and provider B (Globex's), started once per test session."""
    a, b = _start(ACCOUNTS_A), _start(ACCOUNTS_B)
    yield a, b
    _stop(a)
    _stop(b)


@pytest.fixture
def provider_a(oidc_providers) -> OidcProvider:
    return oidc_providers[0]


@pytest.fixture
def provider_b(oidc_providers) -> OidcProvider:
    return oidc_providers[1]


@pytest.fixture
def outbound_to_loopback(settings) -> None:
    """Let the outbound HTTP helper reach the test providers on 127.0.0.1 (production refuses loopback)."""
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
