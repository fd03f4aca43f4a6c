"""Sessions for real: the proxy as its own process (`manage.py session_proxy`), servers started and stopped by a
Celery worker, pyspark-client as a data engineer uses it."""

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import grpc
import jwt
import numpy as np
import psutil
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from pyspark.sql import SparkSession
from pyspark.sql.connect.client.retries import DefaultPolicy

from apps.core import clock
from apps.infra.models import SailProcess
from apps.infra.providers.local.process import free_port
from apps.infra.providers.local.sessions import SHORT_RETRIES, connect
from apps.workloads import session_tokens
from apps.workloads.models import ComputeInstance, InfraStatus, Session
from apps.workloads.services.compute_instances import instance_start
from apps.workloads.services.session_lifecycle import sessions_reap
from apps.workloads.services.sessions import session_create
from tests.plugins.celery_worker import _test_database_url, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("stop_session_servers")]
CONFIG = "/spark.connect.SparkConnectService/Config"


@dataclass(frozen=True)
class ProxyProcess:
    port: int
    log_path: Path

    def remote(self, token: str) -> str:
        return f"sc://localhost:{self.port}/;token={token}"

    def status_of(self, token: str | None) -> grpc.StatusCode:
        """What the proxy answers a raw Config call carrying `token` (an empty request: only the answer matters)."""
        metadata = [("authorization", f"Bearer {token}")] if token else []
        with grpc.insecure_channel(f"localhost:{self.port}") as channel:
            try:
                channel.unary_unary(CONFIG)(b"", metadata=metadata, timeout=10)
            except grpc.RpcError as error:
                return error.code()
        return grpc.StatusCode.OK


@pytest.fixture(scope="session")
def session_proxy(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[ProxyProcess]:
    with django_db_blocker.unblock():
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "DJANGO_SETTINGS_MODULE": "lakesail_console.settings",
        }
    port = free_port("127.0.0.1")
    log_path = tmp_path_factory.mktemp("session-proxy") / "proxy.log"
    command = [sys.executable, "manage.py", "session_proxy", "--host", "localhost", "--port", str(port)]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    proxy = ProxyProcess(port=port, log_path=log_path)
    if not wait_for(lambda: process.poll() is not None or "listening" in log_path.read_text(), timeout=60):
        process.kill()
        raise RuntimeError(f"the session proxy did not start:\n{log_path.read_text()}")
    assert process.poll() is None, log_path.read_text()
    yield proxy
    process.send_signal(15)  # SIGTERM: drains and exits cleanly
    assert process.wait(timeout=15) == 0, log_path.read_text()


def _our_key() -> Ed25519PrivateKey:
    key = load_pem_private_key(settings.SESSION_TOKEN_PRIVATE_KEY.encode(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def _refused(remote: str) -> Exception:
    """The error pyspark (default retry policy) raises for a first call through `remote`: at once, never after
    minutes of retries."""
    spark = SparkSession.builder.remote(remote).create()
    began = time.monotonic()
    try:
        with pytest.raises(Exception) as caught:
            spark.sql("SELECT 1").collect()
        assert time.monotonic() - began < 10
    finally:
        # Its release is refused too: with short retries, so a stopped proxy cannot hold up interpreter exit.
        spark.client.set_retry_policies([DefaultPolicy(**SHORT_RETRIES)])
        with contextlib.suppress(Exception):
            spark.stop()
    return caught.value


def test_pyspark_through_the_proxy_from_open_to_close(
    session_proxy, celery_worker, transactional_db, api_as, bob, acme, spark_config
):
    bob_api = api_as(bob, acme)
    session = bob_api.post(
        "/workloads/sessions", {"endpointType": "spark_connect", "workloadConfigId": spark_config.pk}
    ).json()
    assert session["status"] == "pending"
    assert session["connectionInfo"]["grpcEndpoint"] == f"localhost:{settings.SESSION_PROXY_PORT}"
    instance_id = session["workloadId"]
    # The worker starts the session's server (the task enqueued when the create committed).
    ready = wait_for(lambda: ComputeInstance.objects.get(pk=instance_id).infra_status == InfraStatus.READY, timeout=90)
    assert ready, session_proxy.log_path.read_text()
    token = bob_api.post(f"/workloads/sessions/{session['id']}/token", {"durationSeconds": 600}).json()["token"]

    spark = connect(session_proxy.remote(token))
    try:
        assert spark.sql("SELECT 1 AS one").collect()[0].one == 1
        assert Session.objects.get(pk=session["id"]).status == "active"  # the first proxied call
        table = spark.sql("SELECT id, id * 2 AS twice FROM range(1000000)").toArrow()
        # Without ORDER BY, Sail sends each partition's batches as they are ready: the rows arrive in any order
        # (the last one is not always 999999), so every row is checked, whatever its place.
        ids = table.column("id").to_numpy()
        assert np.array_equal(np.sort(ids), np.arange(1_000_000))  # each row once: none lost, none repeated
        assert np.array_equal(table.column("twice").to_numpy(), ids * 2)
        with pytest.raises(Exception, match="no_such_table"):  # Sail's error and its details pass through
            spark.sql("SELECT * FROM no_such_table").collect()
    finally:
        spark.stop()
    assert Session.objects.get(pk=session["id"]).last_activity_at is not None

    # Refused: no token, an expired one, one signed with another key, one for another audience.
    claims = session_tokens.verify(token)
    expired = session_tokens.sign(
        session_id=claims.session_id, target=claims.target, subject=claims.subject, expires_at=clock.now()
    )
    payload = jwt.decode(token, options={"verify_signature": False})
    foreign = jwt.encode(payload, Ed25519PrivateKey.generate(), algorithm="EdDSA")
    wrong_audience = jwt.encode({**payload, "aud": "someone-else"}, _our_key(), algorithm="EdDSA")
    for refused in (None, expired, foreign, wrong_audience, "not-a-jwt"):
        assert session_proxy.status_of(refused) == grpc.StatusCode.UNAUTHENTICATED, refused
    assert "UNAUTHENTICATED" in str(_refused(session_proxy.remote(foreign)))

    # Closed: FAILED_PRECONDITION at once (UNAVAILABLE would keep pyspark retrying for minutes), server stopped.
    assert bob_api.delete(f"/workloads/sessions/{session['id']}").status_code == 204
    assert session_proxy.status_of(token) == grpc.StatusCode.FAILED_PRECONDITION
    assert "closed" in str(_refused(session_proxy.remote(token)))
    stopped = wait_for(lambda: ComputeInstance.objects.get(pk=instance_id).infra_status == InfraStatus.STOPPED, 60)
    assert stopped
    process = SailProcess.objects.get(pk=ComputeInstance.objects.get(pk=instance_id).sail_process_id)
    assert process.status == "stopped" and not psutil.pid_exists(process.pid)


def test_the_idle_reaper_closes_a_session_and_stops_its_server(transactional_db, as_bob, spark_config):
    session = session_create(
        principal=as_bob,
        endpoint_type="spark_connect",
        workload_config_id=spark_config.pk,
        config={"idleTimeoutSeconds": 60, "idleCloseDelaySeconds": 30},
    )
    instance_start(instance_id=session.compute_instance_id)  # the start task's body, in this process
    instance = ComputeInstance.objects.get(pk=session.compute_instance_id)
    assert instance.infra_status == InfraStatus.READY
    pid = SailProcess.objects.get(pk=instance.sail_process_id).pid
    assert psutil.pid_exists(pid)
    with clock.frozen(clock.now() + timedelta(seconds=61)) as frozen:
        assert sessions_reap().idled == 1
        assert psutil.pid_exists(pid)  # idle is not closed: the server stays for the delay
        frozen.advance(seconds=30)
        assert sessions_reap().closed == 1
    closed = Session.objects.get(pk=session.pk)
    assert (closed.status, closed.termination_reason) == ("closed", "idle_timeout")
    assert ComputeInstance.objects.get(pk=instance.pk).infra_status == InfraStatus.STOPPED
    assert not psutil.pid_exists(pid)


def test_a_server_that_does_not_start_fails_its_session(transactional_db, as_bob, owner, cluster, data_team):
    from apps.workloads.services.compute_configs import compute_config_create

    broken = compute_config_create(
        principal=owner,
        name="Broken",
        workload_type="spark_connect",
        cluster_id=cluster.pk,
        team_id=data_team.pk,
        config={"sail": {"extraEnv": {"SAIL_EXECUTION__BATCH_SIZE": '"lots"'}}},
    )
    session = session_create(principal=as_bob, endpoint_type="spark_connect", workload_config_id=broken.pk)
    instance_start(instance_id=session.compute_instance_id)
    failed = Session.objects.get(pk=session.pk)
    assert (failed.status, failed.termination_reason) == ("failed", "server_failed")
    assert "BATCH_SIZE" in failed.status_message
