"""Executing a dispatched run on a worker: the runner on the job's cluster, reporting into the run's row.

The dispatcher moved the run to `starting` for one attempt; `execute` claims it for this worker (a duplicate task
finds it claimed and does nothing), runs it through `runner.execute_run` with a `DatabaseRunReporter`, and
keeps its heartbeat fresh from a thread. Every ending goes through `end_run`, which applies `maxRetries`: a failed or
timed-out run with retries left is retried (same id) after a backoff, and its event says `willRetry`.

A run whose worker or Sail server is lost does not stay executing: `sweep_lost_runs` (beat) ends the runs whose
heartbeat is older than RUNS_LOST_SECONDS, and the reaper's `sail_process.lost` event ends the run whose own server
it found gone. Both end it `failed` with `retryable` set, through `end_run` like any failure.
"""

import copy
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from apps.core import clock
from apps.core.errors import InvalidInput
from apps.core.events import Event, subscribe
from apps.infra.models import SailProcess
from apps.infra.providers.local.host import hostname
from apps.infra.selectors.clusters import cluster_spark_endpoint
from apps.workloads.catalog_providers import catalog_urls, check_catalog_url, sail_catalog_config
from apps.workloads.models import EXECUTING_RUN_STATUSES, JobRun, JobRunStatus, RunCleanupMode
from apps.workloads.runner import RunResult, RunStatus, SailTarget, execute_run
from apps.workloads.runner.spec import is_sail_key
from apps.workloads.services.run_cost import estimated_cost
from apps.workloads.services.run_dispatch import enqueue_execution
from apps.workloads.services.run_states import can_move, move
from apps.workloads.services.runs import retry

log = logging.getLogger(__name__)

_RETRIED = (JobRunStatus.FAILED, JobRunStatus.TIMEOUT)


def worker_name() -> str:
    """`host:pid` of this process: who owns the runs it executes (and supervises their own Sail servers)."""
    return f"{hostname()}:{os.getpid()}"


class RunNotExecutable(Exception):
    """The run cannot be handed to the runner (its cluster went away, a catalog is refused); it fails with this."""


@dataclass(frozen=True)
class Plan:
    """What the runner gets for one run."""

    config: dict[str, Any]
    query_text: str | None
    source_config: dict[str, Any] | None
    parameters: list[str] | None  # the run's overrides
    named_parameters: dict[str, str] | None
    target: SailTarget | None  # None: a Sail server of the run's own
    timeout_seconds: float | None
    cleanup_mode: str


def plan(run: JobRun) -> Plan:
    """The version's config and the run's parameter overrides, and where it runs.

    On the cluster's long-running Sail server, unless the run needs process settings that server does not have:
    catalogs (a saved query's, as `catalog.*` settings) or Sail keys in `config.lakesail`; then on a server of its
    own, started by the runner with those settings and removed according to the run's `resourceCleanupMode`.
    """
    version = run.version
    config = copy.deepcopy(version.config or {})
    query = version.query if (config.get("sql") or {}).get("queryId") else None
    lakesail = config.setdefault("lakesail", {})
    own_settings = {key: value for key, value in lakesail.items() if is_sail_key(key)}
    if query is not None and query.catalog is not None:
        for url in catalog_urls(query.catalog):
            try:
                check_catalog_url(url, "catalogId")  # again: the name may resolve elsewhere since it was saved
            except InvalidInput as exc:
                raise RunNotExecutable(f"The query's catalog is not allowed: {exc.field_errors['catalogId']}") from exc
        catalog_settings = sail_catalog_config([query.catalog], database=query.catalog_schema)
        lakesail.update(catalog_settings)
        own_settings.update(catalog_settings)
    target = None
    if not own_settings:
        endpoint = cluster_spark_endpoint(cluster_id=run.cluster_id) if run.cluster_id else None
        if endpoint is None:
            raise RunNotExecutable("The job's cluster is not active.")
        target = SailTarget(host=endpoint.host, port=endpoint.port)
    timeout = version.timeout_seconds
    return Plan(
        config=config,
        query_text=query.query_text if query is not None else None,
        source_config=version.source_config,
        parameters=run.parameters,
        named_parameters=run.named_parameters,
        target=target,
        timeout_seconds=float(min(timeout, settings.RUNS_MAX_TIMEOUT_SECONDS)) if timeout else None,
        cleanup_mode=run.resource_cleanup_mode,
    )


def execute(*, run_id: str, attempt: int) -> str | None:
    """Execute attempt `attempt` of the run if it is still waiting for a worker; returns how it ended (or None when
    another worker has it, or it was cancelled or deleted meanwhile)."""
    worker = worker_name()
    run = claim(run_id, attempt, worker)
    if run is None:
        return None
    reporter = DatabaseRunReporter(run_id=run_id, attempt=attempt, worker=worker)
    try:
        execution = plan(run)
    except RunNotExecutable as exc:
        reporter.finish(RunResult(status=RunStatus.FAILED, status_message=str(exc)), retryable=True)
        return JobRunStatus.FAILED
    except Exception as exc:  # ended now rather than found silent by the sweep a minute later
        log.exception("run %s could not be prepared", run_id)
        reporter.finish(RunResult(status=RunStatus.FAILED, status_message=f"The run could not be prepared: {exc}"))
        return JobRunStatus.FAILED
    heartbeat = Heartbeat(run_id=run_id, attempt=attempt, worker=worker)
    heartbeat.start()
    try:
        result = execute_run(
            run_id=run_id,
            config=execution.config,
            reporter=reporter,
            query_text=execution.query_text,
            source_config=execution.source_config,
            parameters=execution.parameters,
            named_parameters=execution.named_parameters,
            target=execution.target,
            timeout_seconds=execution.timeout_seconds,
            cleanup_mode=execution.cleanup_mode,
        )
    finally:
        heartbeat.stop()
    return str(result.status)


@transaction.atomic
def claim(run_id: str, attempt: int, worker: str) -> JobRun | None:
    """Take attempt `attempt` of a `starting` run for `worker`; None when it is not waiting for a worker any more."""
    run = (
        JobRun.objects.select_for_update(of=("self",))
        .select_related("job", "version", "version__query__catalog")
        .filter(pk=run_id, attempt=attempt, status=JobRunStatus.STARTING, worker="")
        .first()
    )
    if run is None:
        return None
    run.worker = worker
    run.heartbeat_at = clock.now()
    run.save(update_fields=["worker", "heartbeat_at", "updated_at", "updated_by"])
    return run


class DatabaseRunReporter:
    """The runner's RunReporter on the run's row. Each call is a short transaction of its own on the locked row, and
    acts only while this worker still owns this attempt: a run declared lost, retried or deleted meanwhile is no longer
    its business (and `cancel_requested` tells the runner to stop)."""

    def __init__(self, *, run_id: str, attempt: int, worker: str) -> None:
        self.run_id = run_id
        self.attempt = attempt
        self.worker = worker

    def _owned(self) -> JobRun | None:
        return (
            JobRun.objects.select_for_update(of=("self",))
            .select_related("job", "version")
            .filter(pk=self.run_id, attempt=self.attempt, worker=self.worker, status__in=EXECUTING_RUN_STATUSES)
            .first()
        )

    def transition(self, status: RunStatus, *, at: Any, message: str = "") -> None:
        with transaction.atomic():
            run = self._owned()
            # `starting` is where the dispatcher left it: the runner's first report changes nothing.
            if run is not None and run.status != status and can_move(run, status):
                move(run, status, at=at, message=message)

    def cancel_requested(self) -> bool:
        row = JobRun.objects.filter(pk=self.run_id).values_list("attempt", "worker", "cancel_requested_at").first()
        return row is None or row[:2] != (self.attempt, self.worker) or row[2] is not None

    def finish(self, result: RunResult, *, retryable: bool = False) -> None:
        with transaction.atomic():
            run = self._owned()
            if run is None:
                log.info(
                    "run %s attempt %s ended %s after it was taken from this worker",
                    self.run_id,
                    self.attempt,
                    result.status,
                )
                return
            message = result.status_message
            if result.status == RunStatus.CANCELLED and run.cancel_requested_at is not None:
                message = run.status_message or message  # who cancelled it, as request_cancel recorded
            removed = run.resource_cleanup_mode == RunCleanupMode.ALWAYS or (
                run.resource_cleanup_mode == RunCleanupMode.ON_SUCCESS and result.status == RunStatus.SUCCEEDED
            )
            end_run(
                run,
                str(result.status),
                message=message,
                retryable=retryable,
                fields={
                    "runner_started_at": result.runner_started_at,
                    "runner_completed_at": result.runner_completed_at,
                    "runner_execution_time_us": result.runner_execution_time_us,
                    "output_path": result.output_path or "",
                    "row_count": result.row_count,
                    "preview": read_preview(result.preview_path),
                    "log_dir": result.log_dir or "",
                    "sail_process_id": result.sail_process_id or "",
                    "cleaned_at": clock.now() if removed and not result.sail_process_id else None,
                },
            )


def read_preview(path: str | None) -> dict[str, Any] | None:
    """The runner's preview file as the run keeps it: {columns: [{name, type}], rows: [[...]]} (≤ 100 rows)."""
    if not path:
        return None
    try:
        preview = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return {"columns": preview.get("columns", []), "rows": preview.get("rows", [])[:100]}


def retry_delay(retries_spent: int) -> float:
    """Seconds before automatic retry number `retries_spent + 1`."""
    return min(settings.RUNS_RETRY_BASE_SECONDS * 2**retries_spent, settings.RUNS_RETRY_MAX_SECONDS)


def end_run(
    run: JobRun, status: str, *, message: str, retryable: bool = False, fields: dict[str, Any] | None = None
) -> bool:
    """End the locked, executing `run` with `status`; a failure with `maxRetries` left is retried after a backoff.

    Returns whether it will be retried. The dispatcher is woken after commit: a slot is free, downstream runs may go.
    """
    from apps.workloads.run_tasks import dispatch_runs  # tasks import services

    now = clock.now()
    max_retries = int((run.version.config.get("lakesail") or {}).get("maxRetries") or 0)
    will_retry = status in _RETRIED and run.auto_retries < max_retries
    run.finished_at = now
    run.estimated_cost = estimated_cost(run)
    move(
        run,
        status,
        message=message,
        at=now,
        fields={**(fields or {}), "retryable": retryable, "estimated_cost": run.estimated_cost},
        event_extra={"willRetry": will_retry, "attempt": run.attempt} if status in _RETRIED else None,
    )
    if will_retry:
        delay = retry_delay(run.auto_retries)
        run.auto_retries += 1
        retry(run, not_before=now + timedelta(seconds=delay))
        transaction.on_commit(lambda: dispatch_runs.apply_async(countdown=delay), robust=True)
    transaction.on_commit(dispatch_runs.delay, robust=True)
    return will_retry


class Heartbeat:
    """Refreshes the run's `heartbeat_at` every RUNS_HEARTBEAT_SECONDS from a thread (with its own connection), so a
    run whose worker died is found by `sweep_lost_runs` even while the runner is busy (installing, starting Sail)."""

    def __init__(self, *, run_id: str, attempt: int, worker: str) -> None:
        self.run_id, self.attempt, self.worker = run_id, attempt, worker
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{run_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(10)

    def _beat(self) -> None:
        try:
            while not self._stopped.wait(settings.RUNS_HEARTBEAT_SECONDS):
                try:
                    JobRun.objects.filter(
                        pk=self.run_id, attempt=self.attempt, worker=self.worker, status__in=EXECUTING_RUN_STATUSES
                    ).update(heartbeat_at=clock.now())
                except Exception:  # a database hiccup: the next beat tries again (the sweep allows several)
                    log.exception("heartbeat of run %s failed", self.run_id)
                    close_old_connections()
        finally:
            connection.close()


# --- Lost runs ---


def sweep_lost_runs() -> list[str]:
    """Beat: end the executing runs whose worker stopped beating (failed, retryable); returns their ids.

    A run still `starting` with no worker is not lost but waiting for one (its task may have been lost with a
    worker that took it): its task is sent again, and it is looked at again after another RUNS_LOST_SECONDS.
    """
    cutoff = clock.now() - timedelta(seconds=settings.RUNS_LOST_SECONDS)
    stale = JobRun.objects.filter(status__in=EXECUTING_RUN_STATUSES, heartbeat_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    return [run_id for run_id in list(stale) if _recover(run_id, cutoff)]


@transaction.atomic
def _recover(run_id: str, cutoff: Any) -> bool:
    run = (
        JobRun.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("job", "version")
        .filter(pk=run_id, status__in=EXECUTING_RUN_STATUSES, heartbeat_at__lt=cutoff)
        .first()
    )
    if run is None:
        return False
    if not run.worker:
        run.heartbeat_at = clock.now()
        run.save(update_fields=["heartbeat_at", "updated_at", "updated_by"])
        transaction.on_commit(lambda: enqueue_execution(run.pk, run.attempt), robust=True)
        return False
    lost_for = int(settings.RUNS_LOST_SECONDS)
    end_run(
        run,
        JobRunStatus.FAILED,
        message=f"The worker executing the run ({run.worker}) was lost: no heartbeat for {lost_for} s.",
        retryable=True,
    )
    return True


def run_server_lost(event: Event) -> None:
    """The reaper found a run's own Sail server gone (its worker died, or the server crashed): the run failed.

    Only the attempt whose worker started that server: an older attempt's server reaped late changes nothing.
    """
    run_id = event.payload.get("runId")
    if not run_id:
        return
    run = (
        JobRun.objects.select_for_update(of=("self",))
        .select_related("job", "version")
        .filter(pk=run_id, status__in=EXECUTING_RUN_STATUSES)
        .first()
    )
    server = SailProcess.objects.filter(pk=event.resource_id).values_list("hostname", "supervisor_pid").first()
    if run is None or server is None or run.worker != f"{server[0]}:{server[1]}":
        return
    reason = event.payload.get("message") or "it stopped unexpectedly."
    end_run(run, JobRunStatus.FAILED, message=f"The run's Sail server was lost: {reason}", retryable=True)


def connect() -> None:
    subscribe("sail_process.lost", run_server_lost, name="workloads.run_server_lost")
