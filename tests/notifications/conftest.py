"""Notifications tests: a real HTTP receiver on 127.0.0.1 (webhooks, Slack, PagerDuty), the real SMTP sink, and
run events published on a stand-in resource (the runs issue will publish the same shape)."""

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from apps.core import clock
from apps.core.events import Event, deliver_pending, publish
from apps.core.ids import new_id
from apps.core.principal import Principal
from apps.identity.models import User, UserEmail
from apps.notifications import delivery
from apps.notifications.services.channels import channel_create
from apps.notifications.services.rules import RuleSpec, rule_create
from tests.org.conftest import as_alice, data_team, in_team, member_of, owner_principal, team_role, viewer

__all__ = ["as_alice", "data_team", "in_team", "member_of", "team_role", "viewer"]  # the org tests' fixtures, shared


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What a test HTTP endpoint got, and what it answers next (`answers`, then 200; `check` may refuse a body)."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    check: Callable[[Received], tuple[int, bytes]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def to(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        receiver: Receiver = self.server.receiver
        got = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        with receiver.lock:
            receiver.requests.append(got)
            status, answer = (receiver.answers.pop(0), b"") if receiver.answers else (200, b"ok")
        if status == 200 and receiver.check is not None:
            status, answer = receiver.check(got)
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def receiver(outbound_to_loopback) -> Iterator[Receiver]:
    """An HTTP endpoint on 127.0.0.1 (the outbound policy allows it for the test's duration)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.receiver = Receiver(port=server.server_address[1])  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.receiver  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


@pytest.fixture
def owner(alice, acme) -> Principal:
    return owner_principal(alice, acme)


def verify_email(user: User) -> User:
    """Mark the user's login address verified (sign-up's link does this for real in the identity tests)."""
    now = clock.now()
    User.objects.filter(pk=user.pk).update(email_verified_at=now)
    UserEmail.objects.filter(user=user, email=user.email).update(verified_at=now)
    user.refresh_from_db()
    return user


@pytest.fixture
def alice_member(alice, acme):
    verify_email(alice)
    return acme.members.get(user=alice)


def run_resource(org_id: str, run_id: str | None = None) -> Any:
    """A stand-in for a job run, which does not exist yet: what `publish` reads from a model instance."""
    return SimpleNamespace(_meta=SimpleNamespace(model_name="run"), pk=run_id or new_id(), organization_id=org_id)


def publish_run(org, event_type: str = "run.failed", *, job_id: str = "JOB0000001", **payload: Any) -> Event:
    """A run event with the payload the runs issue will publish (docs/notifications.md): jobId, runId, status,
    message, teamIds (and ownerId, willRetry when they apply)."""
    run = run_resource(org.pk)
    status = event_type.split(".", 1)[1]
    body = {"jobId": job_id, "runId": run.pk, "status": status, "message": f"The run {status}.", "teamIds": []}
    return publish(event_type, run, {**body, **payload})


def deliver_all() -> None:
    """Run the event bus and the due sends in this process, as the worker would."""
    deliver_pending()
    delivery.send_due()


@pytest.fixture
def make_channel(owner):
    def make(channel_type: str = "webhook", *, principal: Principal | None = None, **kwargs: Any):
        kwargs.setdefault("name", f"{channel_type} channel")
        kwargs.setdefault("config_write", {})
        return channel_create(principal=principal or owner, channel_type=channel_type, **kwargs)

    return make


@pytest.fixture
def make_rule(owner):
    def make(channels, *, principal: Principal | None = None, team_id=None, member_id=None, **spec: Any):
        spec.setdefault("name", "Failures")
        spec.setdefault("resource_type", "job")
        spec.setdefault("scope_type", "organization")
        spec.setdefault("event_types", ["run.failed"])
        spec["channel_ids"] = [c.pk for c in channels]
        return rule_create(principal=principal or owner, spec=RuleSpec(**spec), team_id=team_id, member_id=member_id)

    return make


def committed(fn: Callable[[], Any]) -> Any:
    with transaction.atomic():
        return fn()


def notification_objects(owner: Principal, team) -> dict[str, str]:
    """A team's email channel and a team rule sending to it, for the permission matrix."""
    channel = channel_create(principal=owner, channel_type="email", name="Matrix mail", team_id=team.pk).channel
    spec = RuleSpec(
        name="Matrix rule",
        resource_type="job",
        scope_type="team",
        scope_id=team.pk,
        event_types=["run.failed"],
        channel_ids=[channel.pk],
    )
    rule = rule_create(principal=owner, spec=spec, team_id=team.pk)
    return {"channel": channel.pk, "rule": rule.pk}
