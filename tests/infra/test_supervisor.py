import contextlib
import os
import threading
import time

import psutil
import pytest

from apps.infra.models import SailProcess, SailProcessStatus
from apps.infra.providers.local import SailStartError, sail_health, sail_start, sail_stop
from apps.infra.providers.local.config import config_hash, merged_config
from apps.infra.providers.local.host import ProcessRef, boot_id, hostname
from apps.infra.providers.local.process import PROCESS_ID_VAR, spawn_sail
from apps.infra.providers.local.sessions import connect, session_url

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

LONG_QUERY = "SELECT sum(a.id * b.id) FROM range(100000) a CROSS JOIN range(100000) b"
LAKE = {
    "catalog": {
        "list": [{"name": "lake", "type": "memory", "initial_database": ["analytics"]}],
        "default_catalog": "lake",
        "default_database": ["analytics"],
    }
}


def test_it_starts_a_configured_server_on_loopback_and_records_the_process(sail_data_dir):
    server = sail_start(purpose="test: start", config=LAKE, cluster_id="CLUSTER001")
    try:
        row = SailProcess.objects.get(pk=server.process_id)
        assert row.status == SailProcessStatus.RUNNING
        assert (row.host, row.port, row.pid) == ("127.0.0.1", server.port, server.ref.pid)
        assert row.config_hash == config_hash(merged_config(LAKE))
        assert (row.hostname, row.boot_id, row.supervisor_pid) == (hostname(), boot_id(), os.getpid())
        assert row.cluster_id == "CLUSTER001" and row.started_at <= row.ready_at

        process = psutil.Process(row.pid)
        listening = [c.laddr for c in process.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
        assert [(address.ip, address.port) for address in listening] == [("127.0.0.1", server.port)]
        assert process.environ()[PROCESS_ID_VAR] == row.id
        assert os.getsid(row.pid) == row.pid != os.getsid(0)  # a session of its own

        spark = connect(server.remote)
        assert spark.sql("SELECT current_catalog() AS c, current_database() AS d").toArrow().to_pylist() == [
            {"c": "lake", "d": "analytics"}
        ]
        spark.stop()
        assert (sail_data_dir / "sail" / row.id / "spark-warehouse").resolve() == sail_data_dir / "warehouse"
    finally:
        sail_stop(process_id=server.process_id)
    row.refresh_from_db()
    assert row.status == SailProcessStatus.STOPPED and row.stopped_at is not None
    assert not server.ref.is_alive()


def test_it_reads_health_and_resource_use_from_the_os():
    server = sail_start(purpose="test: health")
    try:
        spark = connect(session_url(host=server.host, port=server.port))
        busy = threading.Thread(target=lambda: _swallow(lambda: spark.sql(LONG_QUERY).toArrow()), daemon=True)
        busy.start()
        time.sleep(0.5)
        health = sail_health(process_id=server.process_id, interval=0.5)
        assert health.alive and health.serving and health.status == "running"
        assert health.resources.pid == server.ref.pid
        assert health.resources.rss_bytes > 20 * 1024 * 1024
        assert health.resources.cpu_percent > 20  # the query keeps at least part of a core busy
        spark.interruptAll()
    finally:
        sail_stop(process_id=server.process_id, grace_seconds=2)
    stopped = sail_health(process_id=server.process_id, interval=0.1)
    assert (stopped.alive, stopped.serving, stopped.resources, stopped.status) == (False, False, None, "stopped")


def test_a_busy_server_is_killed_after_the_grace_period_unless_its_sessions_are_interrupted():
    stubborn, polite = sail_start(purpose="test: stubborn"), sail_start(purpose="test: polite")
    urls = {}
    for server in (stubborn, polite):
        urls[server.process_id] = session_url(host=server.host, port=server.port)
        spark = connect(urls[server.process_id])
        threading.Thread(target=lambda s=spark: _swallow(lambda: s.sql(LONG_QUERY).toArrow()), daemon=True).start()
    time.sleep(1)

    began = time.monotonic()
    row = sail_stop(process_id=stubborn.process_id, grace_seconds=1.5)
    assert row.status_message == "stopped (killed)"  # SIGINT waits for running queries
    assert 1.5 <= time.monotonic() - began < 5

    began = time.monotonic()
    row = sail_stop(process_id=polite.process_id, grace_seconds=10, interrupt=[urls[polite.process_id]])
    assert row.status_message == "stopped (interrupted)"
    assert time.monotonic() - began < 5
    assert not stubborn.ref.is_alive() and not polite.ref.is_alive()


def test_a_server_that_cannot_start_fails_with_sails_own_message():
    with pytest.raises(SailStartError, match="unknown variant"):
        sail_start(purpose="test: bad mode", config={"mode": "warp-speed"})
    row = SailProcess.objects.get(purpose="test: bad mode")
    assert row.status == SailProcessStatus.FAILED and "unknown variant" in row.status_message
    assert not ProcessRef(row.pid, row.process_created_at).is_alive()


def test_an_aborted_start_leaves_no_process():
    with pytest.raises(SailStartError, match="aborted"):
        sail_start(purpose="test: aborted", abort=lambda: True)
    row = SailProcess.objects.get(purpose="test: aborted")
    assert row.status == SailProcessStatus.FAILED
    assert not ProcessRef(row.pid, row.process_created_at).is_alive()


def test_it_refuses_to_listen_beyond_loopback(tmp_path):
    with pytest.raises(ValueError, match="loopback"):
        spawn_sail(
            process_id="X",
            namespace="n",
            sail_env={},
            host="0.0.0.0",
            port=1,
            work_dir=tmp_path,
            log_path=tmp_path / "log",
        )


def test_stopping_twice_is_harmless():
    server = sail_start(purpose="test: twice")
    first = sail_stop(process_id=server.process_id)
    second = sail_stop(process_id=server.process_id)
    assert first.status == second.status == SailProcessStatus.STOPPED
    assert second.status_message == first.status_message


def _swallow(action) -> None:
    with contextlib.suppress(Exception):  # interrupted or killed on purpose
        action()
