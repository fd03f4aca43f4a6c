"""Every state-changing notifications service writes an audit record, in the caller's transaction.

The services are read from `apps.notifications.services`, so a new public function fails here until it has a
scenario (and therefore a record) or is allow-listed as changing nothing.
"""

import importlib
import inspect
import pkgutil
from collections.abc import Callable

import pytest
from django.db import transaction

from apps.core.audit import AuditEvent
from apps.core.ids import new_id
from apps.notifications import services as services_package
from apps.notifications.models import Notification
from apps.notifications.services import channels, notifications, owners, rules
from apps.org.services.teams import team_create
from tests.notifications.conftest import verify_email

ALLOWED = {
    "apps.notifications.services.common.raise_errors": "a pure helper",
    "apps.notifications.services.common.clean_name": "a pure helper",
    "apps.notifications.services.common.check_owner": "a read",
    "apps.notifications.services.common.record": "the audit helper itself",
    "apps.notifications.services.rules.spec_of": "a read",
}


def public_services() -> set[str]:
    names = set()
    for info in pkgutil.iter_modules(services_package.__path__):
        module = importlib.import_module(f"apps.notifications.services.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                names.add(f"{module.__name__}.{name}")
    return names


class World:
    def __init__(self, owner, make_channel, make_rule, receiver) -> None:
        self.owner, self.make_channel, self.make_rule, self.receiver = owner, make_channel, make_rule, receiver

    def hook(self):
        return self.make_channel("webhook", config_write={"url": f"{self.receiver.url}/h"}).channel

    def rule(self):
        return self.make_rule([self.hook()])


def _redeliver(w: World) -> None:
    channel = w.hook()
    sent = Notification.objects.create(organization_id=channel.organization_id, channel=channel, status="failed")
    notifications.notification_redeliver(principal=w.owner, notification=sent)


def _team_with_a_rule(w: World) -> str:
    team = team_create(principal=w.owner, name=f"Team {new_id()}")
    channel = w.make_channel("email", team_id=team.pk).channel
    w.make_rule([channel], team_id=team.pk, scope_type="team", scope_id=team.pk)
    return team.pk


SCENARIOS: dict[str, tuple[str, Callable[[World], object]]] = {
    "apps.notifications.services.channels.channel_create": ("notification_channel.create", lambda w: w.hook()),
    "apps.notifications.services.channels.channel_update": (
        "notification_channel.update",
        lambda w: channels.channel_update(principal=w.owner, channel=w.hook(), name="Renamed"),
    ),
    "apps.notifications.services.channels.channel_delete": (
        "notification_channel.delete",
        lambda w: channels.channel_delete(principal=w.owner, channel=w.hook()),
    ),
    "apps.notifications.services.channels.channel_retire": (
        "notification_channel.delete",
        lambda w: channels.channel_retire(channel=w.hook(), reason="test"),
    ),
    "apps.notifications.services.channels.channel_test": (
        "notification_channel.test",
        lambda w: channels.channel_test(principal=w.owner, channel=w.hook()),
    ),
    "apps.notifications.services.rules.rule_create": ("notification_rule.create", lambda w: w.rule()),
    "apps.notifications.services.rules.rule_update": (
        "notification_rule.update",
        lambda w: rules.rule_update(principal=w.owner, rule=w.rule(), enabled=False),
    ),
    "apps.notifications.services.rules.rule_delete": (
        "notification_rule.delete",
        lambda w: rules.rule_delete(principal=w.owner, rule=w.rule()),
    ),
    "apps.notifications.services.rules.rule_remove": (
        "notification_rule.delete",
        lambda w: rules.rule_remove(rule=w.rule(), reason="test"),
    ),
    "apps.notifications.services.notifications.notification_redeliver": ("notification.redeliver", _redeliver),
    "apps.notifications.services.owners.owner_gone": (
        "notification_rule.delete",
        lambda w: owners.owner_gone(organization_id=w.owner.org.pk, team_id=_team_with_a_rule(w)),
    ),
}


class Rollback(Exception):
    pass


@pytest.fixture
def world(owner, alice, make_channel, make_rule, receiver) -> World:
    verify_email(alice)
    return World(owner, make_channel, make_rule, receiver)


@pytest.mark.parametrize("service", sorted(public_services() - set(ALLOWED)))
def test_a_state_changing_service_writes_an_audit_record_in_its_transaction(service, world):
    assert service in SCENARIOS, f"{service} has no audit scenario (or add it to ALLOWED with a reason)"
    action, scenario = SCENARIOS[service]
    with pytest.raises(Rollback), transaction.atomic():
        scenario(world)
        assert AuditEvent.objects.filter(action=action).exists()
        raise Rollback
    assert not AuditEvent.objects.filter(action=action).exists()  # it rolled back with the change
    scenario(world)
    record = AuditEvent.objects.filter(action=action).latest("created_at")
    assert record.organization_id == world.owner.org.pk and record.target_id


def test_the_lists_name_only_public_services():
    services = public_services()
    assert not set(ALLOWED) - services, "allow-listed but gone"
    assert not set(SCENARIOS) - services, "a scenario for a service that is gone"
