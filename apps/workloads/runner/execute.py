"""Execute one run: get a Sail server, run the job on it, watch for timeout and cancel, clean up, report."""

import dataclasses
import shutil
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from apps.core import clock
from apps.infra.providers.local import SailServer, SailStartError, sail_detach, sail_start, sail_stop
from apps.infra.providers.local.sessions import session_url
from apps.workloads.runner.git_checkout import checkout, repository_file
from apps.workloads.runner.outcome import Aborted, NotPrepared, Outcome
from apps.workloads.runner.paths import RunLog, RunPaths
from apps.workloads.runner.python import PythonExecution
from apps.workloads.runner.reporting import RunReporter, RunResult, RunStatus
from apps.workloads.runner.spec import CleanupMode, JobConfigError, JobSpec
from apps.workloads.runner.sql import SqlExecution
from apps.workloads.runner.statements import split_statements

POLL_SECONDS = 0.2
# After an interrupt the engine answers within milliseconds; a stuck execution is abandoned after this.
INTERRUPT_WAIT_SECONDS = 3.0
INTERRUPT_RETRY_SECONDS = 0.3


@dataclass(frozen=True)
class SailTarget:
    """An existing server to run on (a cluster's), instead of one started for the run."""

    host: str
    port: int


class Execution(Protocol):
    def prepare(self) -> None: ...
    def start(self) -> None: ...
    def wait(self, timeout: float) -> bool: ...
    def interrupt(self) -> None: ...
    def close(self) -> None: ...
    def outcome(self) -> Outcome: ...


def execute_run(
    *,
    run_id: str,
    config: Mapping[str, Any],
    reporter: RunReporter,
    query_text: str | None = None,
    target: SailTarget | None = None,
    timeout_seconds: float | None = None,
    cleanup_mode: CleanupMode | str = CleanupMode.ALWAYS,
    sail_start_timeout: float = 60.0,
    parameters: list[str] | None = None,
    named_parameters: Mapping[str, str] | None = None,
    source_config: Mapping[str, Any] | None = None,
) -> RunResult:
    """Run a job version's `config` and report every status through `reporter`; never raises for the job's errors.

    With no `target`, a Sail server is started for the run (creating_sail, waiting_for_sail) and removed at the end
    according to `cleanup_mode`. `timeout_seconds` bounds the job's execution (from runnerStartedAt).
    `parameters` (the run's override) replaces the version's `python.parameters`; `named_parameters` merges over its
    `python.namedParameters`. `source_config` is the version's Git source (`sourceConfig`, pinned by publishing).
    """
    return _Run(
        run_id=run_id,
        reporter=reporter,
        target=target,
        timeout_seconds=timeout_seconds,
        cleanup_mode=CleanupMode(cleanup_mode),
        sail_start_timeout=sail_start_timeout,
    ).execute(
        lambda: JobSpec.from_config(config, query_text=query_text, source_config=source_config).overridden(
            parameters=parameters, named_parameters=named_parameters
        )
    )


class _Run:
    def __init__(
        self,
        *,
        run_id: str,
        reporter: RunReporter,
        target: SailTarget | None,
        timeout_seconds: float | None,
        cleanup_mode: CleanupMode,
        sail_start_timeout: float,
    ) -> None:
        self.run_id = run_id
        self.reporter = reporter
        self.target = target
        self.timeout_seconds = timeout_seconds
        self.cleanup_mode = cleanup_mode
        self.sail_start_timeout = sail_start_timeout
        self.paths = RunPaths.for_run(run_id).create()
        self.log = RunLog(self.paths.runner_log)
        self.server: SailServer | None = None
        self.execution: Execution | None = None
        self.started_at: datetime | None = None
        self.started_clock = 0.0
        self.interrupted = False

    def execute(self, read_job: Callable[[], JobSpec]) -> RunResult:
        self._transition(RunStatus.STARTING)
        try:
            result = self._execute(read_job)
        except BaseException as exc:  # report before propagating a worker shutdown, so no run is left "running"
            self.log.write("runner error:\n" + traceback.format_exc())
            result = self._result(RunStatus.FAILED, f"The runner failed: {type(exc).__name__}: {exc}".splitlines()[0])
            self._finish(result)
            raise
        return self._finish(result)

    def _execute(self, read_job: Callable[[], JobSpec]) -> RunResult:
        try:
            job = read_job()
        except JobConfigError as exc:
            return self._result(RunStatus.FAILED, str(exc))
        if self.reporter.cancel_requested():
            return self._result(RunStatus.CANCELLED, "The run was cancelled.")
        try:
            host, port = self._server(job)
        except SailStartError as exc:
            if self.reporter.cancel_requested():
                return self._result(RunStatus.CANCELLED, "The run was cancelled while its Sail server was starting.")
            self.log.write(str(exc))
            return self._result(RunStatus.FAILED, str(exc).splitlines()[0])

        self._transition(RunStatus.CREATING_RUNNER)
        url = session_url(host=host, port=port, user_id=f"run-{self.run_id}")
        try:
            self.execution = self._execution(job, url)
            self.execution.prepare()
        except NotPrepared as exc:
            self.log.write(f"not prepared: {exc}")
            return self._result(RunStatus.FAILED, str(exc))
        except Aborted:
            return self._result(RunStatus.CANCELLED, "The run was cancelled.")
        if self.reporter.cancel_requested():
            return self._result(RunStatus.CANCELLED, "The run was cancelled.")
        self.started_at, self.started_clock = clock.now(), time.monotonic()
        self._transition(RunStatus.RUNNING, at=self.started_at)
        self.execution.start()
        ending = self._watch(self.execution)
        if ending is not None:
            self.interrupted = True
            self.log.write(f"{ending}: interrupting")
            self._interrupt(self.execution)
            message = (
                f"The run exceeded its timeout of {self.timeout_seconds:g} s."
                if ending == RunStatus.TIMEOUT
                else "The run was cancelled."
            )
            return self._result(ending, message)
        outcome = self.execution.outcome()
        if not outcome.succeeded:
            self.log.write(f"failed:\n{outcome.error}")
            return self._result(RunStatus.FAILED, outcome.first_line, row_count=outcome.row_count)
        return self._result(RunStatus.SUCCEEDED, "", row_count=outcome.row_count)

    def _interrupt(self, execution: Execution) -> None:
        """Interrupt until the execution ends (or INTERRUPT_WAIT_SECONDS pass): an interrupt sent just as a query
        starts can reach the server before the query does, and stops nothing."""
        deadline = time.monotonic() + INTERRUPT_WAIT_SECONDS
        while True:
            execution.interrupt()
            if execution.wait(min(INTERRUPT_RETRY_SECONDS, max(0.0, deadline - time.monotonic()))):
                return
            if time.monotonic() >= deadline:
                self.log.write("the execution did not stop after its interrupts: abandoned")
                return

    def _server(self, job: JobSpec) -> tuple[str, int]:
        if self.target is not None:
            return self.target.host, self.target.port
        self._transition(RunStatus.CREATING_SAIL)
        self.server = sail_start(
            purpose=f"run {self.run_id}",
            run_id=self.run_id,
            config=job.sail_config,
            work_dir=self.paths.tmp / "sail",
            log_path=self.paths.sail_log,
            timeout=self.sail_start_timeout,
            abort=self.reporter.cancel_requested,
            on_spawned=lambda: self._transition(RunStatus.WAITING_FOR_SAIL),
        )
        self.log.write(f"Sail server {self.server.process_id} serving on {self.server.host}:{self.server.port}")
        return self.server.host, self.server.port

    def _execution(self, job: JobSpec, url: str) -> Execution:
        source_dir = None
        if job.git is not None:
            source_dir = self.paths.tmp / "source"
            checkout(job.git, destination=source_dir, abort=self.reporter.cancel_requested, log=self.log)
        if job.kind == "python":
            return PythonExecution(
                job=job,
                session_url=url,
                run_id=self.run_id,
                paths=self.paths,
                log=self.log,
                abort=self.reporter.cancel_requested,
                source_dir=source_dir,
            )
        statements = job.statements
        if job.git_file is not None:
            assert source_dir is not None
            statements = split_statements(repository_file(source_dir, job.git_file).read_text())
            if not statements:
                raise NotPrepared(f"{job.git_file} has no SQL statements.")
        return SqlExecution(
            statements=statements,
            named_parameters=job.named_parameters,
            session_url=url,
            paths=self.paths,
            log=self.log,
        )

    def _watch(self, execution: Execution) -> RunStatus | None:
        deadline = self.started_clock + self.timeout_seconds if self.timeout_seconds else None
        while not execution.wait(POLL_SECONDS):
            if self.reporter.cancel_requested():
                return RunStatus.CANCELLED
            if deadline is not None and time.monotonic() >= deadline:
                return RunStatus.TIMEOUT
        return None

    def _result(self, status: RunStatus, message: str, *, row_count: int | None = None) -> RunResult:
        completed_at = clock.now() if self.started_at else None
        elapsed = int((time.monotonic() - self.started_clock) * 1_000_000) if self.started_at else None
        return RunResult(
            status=status,
            status_message=message,
            runner_started_at=self.started_at,
            runner_completed_at=completed_at,
            runner_execution_time_us=elapsed,
            row_count=row_count,
            preview_path=str(self.paths.preview) if self.paths.preview.exists() else None,
            log_dir=str(self.paths.logs),
        )

    def _finish(self, result: RunResult) -> RunResult:
        try:
            kept = self._clean_up(result.status)
        except Exception:  # the run's outcome stands; what was not removed is in the log (and the reaper's hands)
            self.log.write("cleanup failed:\n" + traceback.format_exc())
            kept = None
        output = str(self.paths.output) if self.paths.has_output() else None
        final = dataclasses.replace(result, output_path=output, sail_process_id=kept)
        self.log.write(f"{final.status}: {final.status_message}".rstrip(": "))
        self.reporter.finish(final)
        return final

    def _clean_up(self, status: RunStatus) -> str | None:
        """Returns the id of the run's server when it is kept running."""
        if self.execution is not None:
            self.execution.close()
        remove = self.cleanup_mode == CleanupMode.ALWAYS or (
            self.cleanup_mode == CleanupMode.ON_SUCCESS and status == RunStatus.SUCCEEDED
        )
        if self.server is None:
            if remove:
                shutil.rmtree(self.paths.tmp, ignore_errors=True)
            return None
        if not remove:
            sail_detach(process_id=self.server.process_id)  # outlives this runner: the reaper must not take it
            return self.server.process_id
        sail_stop(process_id=self.server.process_id, grace_seconds=2.0 if self.interrupted else 8.0, reason="run ended")
        shutil.rmtree(self.paths.tmp, ignore_errors=True)
        return None

    def _transition(self, status: RunStatus, *, at: datetime | None = None) -> None:
        self.log.write(f"status: {status}")
        self.reporter.transition(status, at=at or clock.now())


def clean_up_run(*, run_id: str) -> bool:
    """Remove what a run kept (cleanup mode `on_success` or `never`): its Sail server and temporary files.

    Returns True when something was removed; safe to call again.
    """
    from apps.infra.models import LIVE_STATUSES, SailProcess

    removed = False
    for process_id in SailProcess.objects.filter(run_id=run_id, status__in=LIVE_STATUSES).values_list("pk", flat=True):
        sail_stop(process_id=process_id, grace_seconds=2.0, reason="run cleaned up")
        removed = True
    tmp = RunPaths.for_run(run_id).tmp
    if tmp.exists():
        shutil.rmtree(tmp, ignore_errors=True)
        removed = True
    return removed
