"""Secrets shown once must never be shown again.

Every API exchange of the test process is in `ApiClient.recorded`. After each test this plugin
collects the secrets that creation responses show once (API keys, TOTP seeds and otpauth URIs,
recovery codes, temporary passwords, login/trusted-device/challenge tokens) and the IdP client
secrets sent in request bodies to `/auth/idps*`, then fails the test if any OTHER response body
contains one of them, or any audit record written in this process does (an audit record never shows
a secret). It runs per test inside each process, so it also holds under pytest-xdist.
"""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

Exchange = tuple[str, str, str, int, str]  # method, url, request body, status, response body
Record = tuple[str, str]  # a description of an audit record, and every value it stores as text

# Response keys whose values are shown once, by the response that creates them.
ONCE_KEYS = {"secret", "otpauthUri", "recoveryCodes", "token", "trustedDeviceToken", "challengeId", "password"}
MIN_LENGTH = 16  # shorter values (a 6-digit code, a key prefix) are not secrets on their own


@dataclass
class Leak:
    secret: str
    shown_by: str
    leaked_by: str

    def __str__(self) -> str:
        return f"{self.secret[:6]}… shown once by {self.shown_by} reappeared in {self.leaked_by}"


def _json(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _values(node: Any, keys: set[str]) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys:
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str) and len(item) >= MIN_LENGTH:
                        yield item
            else:
                yield from _values(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item, keys)


def _secrets_of(exchange: Exchange) -> Iterator[str]:
    _method, url, request_body, status, response_body = exchange
    if 200 <= status < 300:
        yield from _values(_json(response_body), ONCE_KEYS)
    if "/auth/idps" in url and 200 <= status < 300:
        request = _json(request_body)
        oidc = ((request or {}).get("configWrite") or {}).get("oidc") if isinstance(request, dict) else None
        if (
            isinstance(oidc, dict)
            and isinstance(oidc.get("clientSecret"), str)
            and len(oidc["clientSecret"]) >= MIN_LENGTH
        ):
            yield oidc["clientSecret"]


@dataclass
class LeakDetector:
    """Incremental: feed exchanges as they happen; `check` returns the leaks among everything fed so far."""

    exchanges: list[Exchange] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    shown_at: dict[str, int] = field(default_factory=dict)
    scanned: int = 0
    records_scanned: int = 0

    def feed(self, exchanges: Sequence[Exchange]) -> None:
        self.exchanges.extend(exchanges)

    def feed_records(self, records: Sequence[Record]) -> None:
        self.records.extend(records)

    def check(self) -> list[Leak]:
        new_secrets: dict[str, int] = {}
        for index in range(self.scanned, len(self.exchanges)):
            for secret in _secrets_of(self.exchanges[index]):
                if secret not in self.shown_at and secret not in new_secrets:
                    new_secrets[secret] = index
        self.shown_at.update(new_secrets)
        leaks = []
        for index, exchange in enumerate(self.exchanges):
            # Old exchanges only need checking against new secrets; new ones against all.
            candidates = self.shown_at if index >= self.scanned else new_secrets
            body = exchange[4]
            for secret, shown in candidates.items():
                if index != shown and secret in body:
                    leaks.append(Leak(secret, _describe(self.exchanges[shown]), _describe(exchange)))
        for index, (description, text) in enumerate(self.records):
            candidates = self.shown_at if index >= self.records_scanned else new_secrets
            leaks.extend(
                Leak(secret, _describe(self.exchanges[shown]), description)
                for secret, shown in candidates.items()
                if secret in text
            )
        self.scanned = len(self.exchanges)
        self.records_scanned = len(self.records)
        return leaks


def _describe(exchange: Exchange) -> str:
    return f"{exchange[0]} {exchange[1]} ({exchange[3]})"


_detector = LeakDetector()
_records: list[Record] = []  # every audit record this process saved, as it was saved (rolled back or not)


def _capture_audit_record(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        values = [str(getattr(instance, f.attname)) for f in instance._meta.concrete_fields if f.name != "changes"]
        text = " ".join([*values, json.dumps(instance.changes, default=str)])
        _records.append((f"the audit record {instance.action} {instance.target_type}:{instance.target_id}", text))


@pytest.fixture(autouse=True)
def _no_secret_leaks() -> Iterator[None]:
    from django.db.models.signals import post_save

    from apps.core.audit import AuditEvent
    from tests.conftest import ApiClient

    post_save.connect(_capture_audit_record, sender=AuditEvent, dispatch_uid="secret-leaks", weak=False)
    yield
    fresh = ApiClient.recorded[len(_detector.exchanges) :]
    _detector.feed(fresh)
    _detector.feed_records(_records[len(_detector.records) :])
    leaks = _detector.check()
    if leaks:
        pytest.fail("secret leaked:\n" + "\n".join(str(leak) for leak in leaks), pytrace=False)
