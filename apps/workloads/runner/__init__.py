"""The job runner: executes one run of a job version on a Sail server and reports through a RunReporter."""

from apps.workloads.runner.execute import SailTarget, clean_up_run, execute_run
from apps.workloads.runner.paths import RunPaths
from apps.workloads.runner.preview import read_preview
from apps.workloads.runner.reporters import FileRunReporter, MemoryRunReporter, read_events, request_cancel
from apps.workloads.runner.reporting import TERMINAL_STATUSES, RunReporter, RunResult, RunStatus
from apps.workloads.runner.spec import CleanupMode, JobConfigError, JobSpec
from apps.workloads.runner.statements import split_statements

__all__ = [
    "TERMINAL_STATUSES",
    "CleanupMode",
    "FileRunReporter",
    "JobConfigError",
    "JobSpec",
    "MemoryRunReporter",
    "RunPaths",
    "RunReporter",
    "RunResult",
    "RunStatus",
    "SailTarget",
    "clean_up_run",
    "execute_run",
    "read_events",
    "read_preview",
    "request_cancel",
    "split_statements",
]
