"""The matcher's hot path: the compiled rules and when they are rebuilt, the queries per event whatever the number
of rules, the rows one INSERT writes, one enqueue per event, and the teams of a cluster read from infra."""

from datetime import UTC, datetime, time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import clock
from apps.core.events import Event, deliver_pending, publish
from apps.core.ids import new_id
from apps.notifications import matching, ruleset
from apps.notifications.models import Notification, NotificationStatus
from apps.notifications.services.channels import channel_update
from apps.notifications.services.rules import rule_update
from tests.notifications.conftest import deliver_all

T0 = datetime(2026, 6, 1, 12, tzinfo=UTC)


def run_event(org, event_type: str = "run.failed", **payload) -> Event:
    """A run event as the event bus hands it to the subscriber."""
    body = {"jobId": "JOB0000001", "runId": new_id(), "message": "It failed.", "teamIds": [], **payload}
    return Event(new_id(), event_type, "run", body["runId"], org.pk, body, clock.now())


def hooks(make_channel, receiver, count: int) -> list:
    return [
        make_channel("webhook", name=f"Hook {i}", config_write={"url": f"{receiver.url}/{i}"}).channel
        for i in range(count)
    ]


def test_the_compiled_rules_are_reused_until_a_rule_or_channel_changes(acme, owner, make_channel, make_rule, receiver):
    [hook] = hooks(make_channel, receiver, 1)
    rule = make_rule([hook])
    compiled = ruleset.current(acme.pk)
    assert ruleset.current(acme.pk) is compiled  # nothing changed: the same copy, no reload

    rule_update(principal=owner, rule=rule, event_types=["run.succeeded"])
    after_rule = ruleset.current(acme.pk)
    assert after_rule is not compiled
    assert after_rule.lookup("run.failed", [("organization", "")]) == []
    assert [r.pk for r, _c in after_rule.lookup("run.succeeded", [("organization", "")])] == [rule.pk]

    channel_update(principal=owner, channel=hook, status="disabled")
    after_channel = ruleset.current(acme.pk)
    assert after_channel is not after_rule
    [(_rule, channel)] = after_channel.lookup("run.succeeded", [("organization", "")])
    assert channel.status == "disabled"


def test_the_queries_per_event_do_not_grow_with_the_rules(acme, make_channel, make_rule, receiver):
    channels = hooks(make_channel, receiver, 3)

    def queries_for_one_event() -> int:
        matching.handle(run_event(acme))  # the first event after a change compiles the rules
        with CaptureQueriesContext(connection) as queries:
            matching.handle(run_event(acme))
        return len(queries)

    make_rule(channels[:1], name="R0")
    few = queries_for_one_event()
    for i in range(1, 40):
        make_rule([channels[i % 3]], name=f"R{i}")
    many = queries_for_one_event()
    # The rule set's version with the job's state read and replaced (one statement on PostgreSQL; on SQLite the
    # version, the state read, then updated), and the notifications' INSERT: for 1 rule to 1 channel as for 40
    # rules to 3 channels.
    assert few == many == (2 if connection.vendor == "postgresql" else 4)


def test_an_event_makes_one_row_per_channel_whatever_the_rules_and_one_enqueue(
    acme, make_channel, make_rule, receiver, django_capture_on_commit_callbacks
):
    first, second, third = hooks(make_channel, receiver, 3)
    make_rule([first, second], name="A")
    make_rule([second, third], name="B")
    event = run_event(acme)
    with django_capture_on_commit_callbacks() as callbacks:
        matching.handle(event)
        matching.handle(event)  # the subscriber run again for the same event: its rows are there, none is added
    rows = Notification.objects.filter(event_id=event.event_id)
    assert sorted(rows.values_list("channel_id", flat=True)) == sorted([first.pk, second.pk, third.pk])
    assert len(callbacks) == 2  # one fan-out task per run of the subscriber, not one per notification


def test_the_rows_written_in_one_statement_read_back_as_the_model_defines_them(
    acme, owner, make_channel, make_rule, receiver
):
    sent, muted, later = hooks(make_channel, receiver, 3)
    rule = make_rule([sent], name="Now")
    quiet = make_rule([muted], name="Quiet")
    make_rule([later], name="Later", delivery_mode="digest", digest_time=time(8, 0), digest_timezone="Europe/Paris")
    with clock.frozen(T0):
        rule_update(principal=owner, rule=quiet, muted_until=datetime(2026, 6, 2, tzinfo=UTC))
        event = run_event(acme, teamIds=["T1"], willRetry=False)
        matching.handle(event)
    now, skipped, held = (Notification.objects.get(event_id=event.event_id, channel=c) for c in (sent, muted, later))
    assert (now.rule_id, now.status, now.kind, now.status_message, now.attempts) == (rule.pk, "pending", "event", "", 0)
    assert (now.payload, now.occurred_at, now.created_at) == (event.payload, event.occurred_at, T0)
    assert (now.event_type, now.resource_type, now.resource_id) == ("run.failed", "run", event.resource_id)
    assert now.target_summary == f"{receiver.url}/0" and now.organization_id == acme.pk
    assert (now.digest_id, now.redelivery_of_id, now.next_attempt_at, now.delivered_at) == (None, None, None, None)
    assert skipped.status == NotificationStatus.SKIPPED and skipped.status_message.startswith("The rule is muted")
    assert held.digest_due_at == datetime(2026, 6, 2, 6, tzinfo=UTC)  # 08:00 in Paris, the next morning
    assert held.status_message == "Held for the digest (daily at 08:00 Europe/Paris)."


def test_a_cluster_event_reaches_the_rules_of_the_teams_the_cluster_is_shared_with(
    acme, owner, data_team, make_channel, make_rule, receiver
):
    from apps.org.services.teams import team_create
    from tests.workloads.sessions.conftest import running_cluster

    other_team = team_create(principal=owner, name="Other")
    shared = running_cluster(owner, data_team, name="Shared")
    elsewhere = running_cluster(owner, other_team, name="Elsewhere")
    hook = make_channel(
        "webhook", team_id=data_team.pk, name="Data hook", config_write={"url": f"{receiver.url}/data"}
    ).channel
    make_rule(
        [hook],
        team_id=data_team.pk,
        name="Data clusters",
        resource_type="cluster",
        scope_type="team",
        scope_id=data_team.pk,
        event_types=["cluster.unhealthy"],
    )
    deliver_pending()  # the clusters' own events
    for cluster in (shared, elsewhere):  # as infra publishes them: no teamIds
        publish("cluster.unhealthy", cluster, {"provisionedClusterId": cluster.provisioned_cluster_id})
    deliver_all()
    assert [r.json()["events"][0]["resourceId"] for r in receiver.to("/data")] == [shared.pk]
