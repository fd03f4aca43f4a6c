"""Sessions ending without their owner (no servers: their instances stay pending; real servers are in
test_proxy_end_to_end.py): idle and closed under a frozen clock, max duration, a lost server, a destroyed cluster."""

from datetime import timedelta

import pytest
from celery.signals import before_task_publish

from apps.core import clock
from apps.core.events import OutboxEvent, deliver_pending, publish
from apps.infra.models import SailProcess
from apps.workloads.models import ComputeInstance, InfraStatus, Session, SessionStatus
from apps.workloads.services.session_lifecycle import session_activity, sessions_reap
from apps.workloads.services.sessions import session_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(as_bob, spark_config):
    return session_create(
        principal=as_bob,
        endpoint_type="spark_connect",
        workload_config_id=spark_config.pk,
        config={"idleTimeoutSeconds": 300, "idleCloseDelaySeconds": 60, "maxDurationSeconds": 3600},
    )


def _reload(session) -> Session:
    return Session.objects.get(pk=session.pk)


def test_a_quiet_session_turns_idle_then_closes_and_its_instance_is_released(session):
    with clock.frozen(clock.now()) as frozen:
        assert session_activity(session_id=session.pk)
        assert _reload(session).status == SessionStatus.ACTIVE
        frozen.advance(seconds=299)
        assert sessions_reap().idled == 0
        frozen.advance(seconds=2)
        assert sessions_reap().idled == 1
        idle = _reload(session)
        assert idle.status == SessionStatus.IDLE and idle.idle_since <= frozen.now()

        session_activity(session_id=session.pk)  # a call comes back: active again, the clock restarts
        assert _reload(session).status == SessionStatus.ACTIVE and _reload(session).idle_since is None
        frozen.advance(seconds=361)
        report = sessions_reap()
        assert (report.closed, report.swept) == (1, 1)
    closed = _reload(session)
    assert (closed.status, closed.termination_reason) == (SessionStatus.CLOSED, "idle_timeout")
    assert ComputeInstance.objects.get(pk=session.compute_instance_id).infra_status == InfraStatus.STOPPED
    event = OutboxEvent.objects.get(event_type="session.idle_closed")
    assert event.resource_id == session.pk and event.payload["teamIds"] == [session.team_id]
    assert event.payload["clusterId"] == session.compute_config.cluster_id
    assert event.payload["ownerId"] == session.member.user_id  # a user: what own_resources rules name
    assert not session_activity(session_id=session.pk)  # a closed session takes no activity


def test_a_session_closes_at_its_maximum_duration_whatever_its_activity(session):
    with clock.frozen(clock.now()) as frozen:
        for _ in range(12):
            frozen.advance(seconds=280)
            session_activity(session_id=session.pk)
            sessions_reap()
        assert _reload(session).is_open
        frozen.advance(seconds=280)
        sessions_reap()
    assert _reload(session).termination_reason == "max_duration"


def test_a_lost_server_fails_its_sessions(session):
    instance = ComputeInstance.objects.get(pk=session.compute_instance_id)
    process = SailProcess.objects.create(
        purpose=f"session server {instance.pk}",
        config_hash="x",
        hostname="elsewhere",
        boot_id="b",
        supervisor_pid=1,
        supervisor_created_at=0,
        work_dir="",
        log_path="",
    )
    ComputeInstance.objects.filter(pk=instance.pk).update(infra_status=InfraStatus.READY, sail_process_id=process.pk)
    publish("sail_process.lost", process, {"runId": "", "clusterId": "", "status": "exited", "message": "It died."})
    deliver_pending()
    failed = _reload(session)
    assert (failed.status, failed.termination_reason, failed.status_message) == ("failed", "server_failed", "It died.")
    assert ComputeInstance.objects.get(pk=instance.pk).infra_status == InfraStatus.FAILED
    assert OutboxEvent.objects.filter(event_type="session.failed", resource_id=session.pk).exists()


def test_a_destroyed_cluster_closes_its_sessions(session, cluster):
    publish("cluster.destroyed", cluster, {})
    deliver_pending()
    assert _reload(session).termination_reason == "cluster_destroyed"


def test_an_unstarted_instance_is_enqueued_again_by_the_sweep(session):
    published: list[tuple[str, str]] = []

    def record(sender: str, headers: dict, **_kwargs) -> None:  # what really goes to the broker
        published.append((sender, headers["argsrepr"]))

    before_task_publish.connect(record)
    try:
        with clock.frozen(clock.now() + timedelta(seconds=61)):
            report = sessions_reap()
    finally:
        before_task_publish.disconnect(record)
    assert report.swept == 1
    assert published == [
        ("apps.workloads.session_tasks.start_compute_instance_task", repr((session.compute_instance_id,)))
    ]
