"""Reconcile SailProcess rows with the processes on this host, after a crash or a restart.

- a Sail process whose row is missing or finished is a stray: stopped;
- a Sail process whose supervisor is gone (a run's server, or any server still starting) is an orphan: stopped,
  its row marked `reaped`;
- a live row whose process is gone is marked `exited`.
Each row ended here is announced with the event `sail_process.lost` on the SailProcess, payload `runId`,
`clusterId`, `status`, `message` (a subscriber fails the run or marks the cluster the server served).
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction

from apps.core import clock
from apps.core.events import publish
from apps.infra.models import LIVE_STATUSES, SailProcess, SailProcessLifetime, SailProcessStatus
from apps.infra.providers.local.host import ProcessRef, boot_id, hostname
from apps.infra.providers.local.process import marked_processes, stop_process
from apps.infra.providers.local.supervisor import namespace

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LostProcess:
    process_id: str
    run_id: str
    cluster_id: str
    status: str
    message: str


@dataclass
class ReapReport:
    lost: list[LostProcess] = field(default_factory=list)
    strays_stopped: list[int] = field(default_factory=list)  # pids of processes without a live row

    @property
    def run_ids(self) -> list[str]:
        return [each.run_id for each in self.lost if each.run_id]


def reap_sail_processes(*, grace_seconds: float = 3.0) -> ReapReport:
    report = ReapReport()
    this_host, this_boot = hostname(), boot_id()
    running = {marked.process_id: marked for marked in marked_processes(namespace=namespace())}
    rows = SailProcess.objects.in_bulk(list(running))

    for process_id, marked in running.items():
        row = rows.get(process_id)
        if row is None or not row.is_live:
            logger.warning("stopping stray Sail process pid=%s (row %s)", marked.ref.pid, process_id)
            stop_process(marked.ref, grace_seconds=grace_seconds)
            report.strays_stopped.append(marked.ref.pid)
        elif _orphaned(row):
            stop_process(marked.ref, grace_seconds=grace_seconds)
            message = (
                f"The process supervising this Sail server (pid {row.supervisor_pid}) stopped unexpectedly; "
                f"the reaper stopped the server (pid {marked.ref.pid})."
            )
            _end(row, SailProcessStatus.REAPED, message, report)

    gone = SailProcess.objects.filter(hostname=this_host, status__in=LIVE_STATUSES).exclude(pk__in=list(running))
    for row in gone:
        if row.boot_id == this_boot:
            if row.status == SailProcessStatus.STARTING and _supervisor(row).is_alive():
                continue  # being spawned right now
            if row.pid and row.process_created_at and ProcessRef(row.pid, row.process_created_at).is_alive():
                continue  # alive but its environment is unreadable to us: not ours to judge
            if row.status == SailProcessStatus.STOPPING:
                _end(row, SailProcessStatus.STOPPED, "stopped (its stopper did not record the end)", None)
                continue
            message = f"The Sail server (pid {row.pid}) exited unexpectedly."
        else:
            message = f"The host restarted; the Sail server (pid {row.pid}) did not survive it."
        _end(row, SailProcessStatus.EXITED, message, report)
    return report


def _supervisor(row: SailProcess) -> ProcessRef:
    return ProcessRef(row.supervisor_pid, row.supervisor_created_at)


def _orphaned(row: SailProcess) -> bool:
    bound = row.lifetime == SailProcessLifetime.SUPERVISOR or row.status == SailProcessStatus.STARTING
    return bound and not _supervisor(row).is_alive()


@transaction.atomic
def _end(row: SailProcess, status: SailProcessStatus, message: str, report: ReapReport | None) -> None:
    # Conditional on the row still being live: two reapers racing end it (and announce it) once.
    updated = SailProcess.objects.filter(pk=row.pk, status__in=LIVE_STATUSES).update(
        status=status, status_message=message, stopped_at=clock.now()
    )
    if not updated or report is None:
        return
    lost = LostProcess(
        process_id=row.pk, run_id=row.run_id, cluster_id=row.cluster_id, status=str(status), message=message
    )
    report.lost.append(lost)
    logger.warning("Sail process %s %s: %s", row.pk, status, message)
    # Committed with the status change: the announcement cannot be lost, nor made for a change that rolled back.
    publish(
        "sail_process.lost",
        row,
        {"runId": lost.run_id, "clusterId": lost.cluster_id, "status": lost.status, "message": lost.message},
    )
