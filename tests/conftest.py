import json
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.identity.services.logins import login_create
from apps.identity.services.users import user_create
from apps.org.services.organizations import member_add, organization_create
from tests import reference

# pytest-xdist runs tests in a worker whose `__main__` has neither a spec nor a file; pyspark.sql.connect takes
# that for a doctest run and exits the process on import. Naming the module keeps pyspark importable there.
if getattr(sys.modules["__main__"], "__spec__", None) is None and not hasattr(sys.modules["__main__"], "__file__"):
    sys.modules["__main__"].__file__ = "pytest-xdist-worker"

pytest_plugins = [
    "tests.plugins.sail",
    "tests.plugins.celery_worker",
    "tests.plugins.smtp",
    "tests.plugins.oidc",
    "tests.plugins.secret_leaks",
]


def pytest_report_header(config) -> list[str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL.split("@")[-1]
    return [f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('HOST') or db['NAME']})", f"broker: {broker}"]


PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~0.2 s a hash by design; tests create many users. Argon2 still verifies (listed second)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _no_api_rate_limits(settings):
    """The suite sends thousands of requests from one address, and query budgets must not count the limiter's
    cache queries: tests/core/test_rate_limits.py sets the limits it checks."""
    settings.RATE_LIMIT_PER_PRINCIPAL = settings.RATE_LIMIT_PER_IP = ""


@pytest.fixture
def acme(db):
    return organization_create(name="Acme Corp")


@pytest.fixture
def globex(db):
    return organization_create(name="Globex")


def _person(org, email: str, role: str):
    user = user_create(email=email, password=PASSWORD, given_name=email.split("@")[0].title())
    member_add(org=org, user=user, role_keys=[role])
    return user


@pytest.fixture
def alice(acme):
    """Owner of Acme."""
    return _person(acme, "alice@acme.test", "owner")


@pytest.fixture
def bob(acme):
    """A plain member of Acme (same org as alice)."""
    return _person(acme, "bob@acme.test", "member")


@pytest.fixture
def charlie(globex):
    """Owner of Globex, another organization: must never see Acme's data."""
    return _person(globex, "charlie@globex.test", "owner")


def pytest_terminal_summary(terminalreporter) -> None:
    from tests.contract.coverage import summary_line

    terminalreporter.write_line(summary_line())


class ApiClient:
    """JSON client for /api/v1 that sends Bearer + organization header and checks reference shapes."""

    # Every exchange of this test process: (method, url, request body, status, response body), for leak checks.
    recorded: list[tuple[str, str, str, int, str]] = []

    def __init__(self, token: str | None = None, org_id: str | None = None) -> None:
        self.client = Client()
        self.token = token
        self.org_id = org_id

    def as_(self, user, org=None) -> "ApiClient":
        _login, token = login_create(user=user)
        return ApiClient(token, org.pk if org else None)

    def request(
        self, method: str, path: str, body: Any = None, *, max_queries: int | None = None, headers: dict | None = None
    ):
        url = path if path.startswith("/api/") else reference.BASE + path
        extra = {}
        if self.token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        if self.org_id:
            extra["HTTP_LAKESAIL_ORGANIZATION_ID"] = self.org_id
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        data = json.dumps(body) if body is not None else None
        with CaptureQueriesContext(connection) as queries:
            response = self.client.generic(method.upper(), url, data or "", content_type="application/json", **extra)
        if max_queries is not None:
            assert len(queries) <= max_queries, f"{len(queries)} queries > budget {max_queries}:\n" + "\n".join(
                q["sql"] for q in queries.captured_queries
            )
        ApiClient.recorded.append((method.upper(), url, data or "", response.status_code, response.content.decode()))
        self._check(method, url, response)
        return response

    def _check(self, method: str, url: str, response) -> None:
        body = response.json() if response.content and response["Content-Type"].startswith("application/json") else None
        if response.status_code >= 400:
            assert body is not None and {"code", "message", "errorType", "details"} <= set(body), body
            assert {"retryable", "fieldErrors", "requestId"} <= set(body["details"]), body
            assert body["details"]["requestId"] == response["X-Request-Id"]
            return
        endpoint = reference.endpoint_for(method, url)
        if endpoint and endpoint["responses"] and body is not None:
            missing = reference.missing_keys(endpoint["responses"][0]["example"], body)
            assert not missing, f"{method} {url} lacks reference keys: {missing}"

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def anon(db) -> ApiClient:
    return ApiClient()


@pytest.fixture
def api(alice, acme) -> ApiClient:
    """Alice, owner of Acme, calling the API."""
    return ApiClient().as_(alice, acme)


@pytest.fixture
def api_as(db) -> Callable[..., ApiClient]:
    return lambda user, org=None: ApiClient().as_(user, org)
