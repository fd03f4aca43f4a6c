from apps.workloads.models.backfills import JobBackfill
from apps.workloads.models.catalogs import Catalog, CatalogTeam
from apps.workloads.models.choices import (
    CatalogProvider,
    ConcurrencyPolicy,
    JobStatus,
    JobType,
    MissedSchedulePolicy,
    VersionStatus,
)
from apps.workloads.models.compute_configs import ComputeConfig, ExecutionMode, WorkloadType
from apps.workloads.models.job_counts import JobCount
from apps.workloads.models.jobs import Job, JobTeam, JobVersion
from apps.workloads.models.queries import Query, QueryTeam
from apps.workloads.models.run_counts import JobRunCount
from apps.workloads.models.runs import (
    ACTIVE_RUN_STATUSES,
    EXECUTING_RUN_STATUSES,
    RETRYABLE_RUN_STATUSES,
    TERMINAL_RUN_STATUSES,
    JobRun,
    JobRunStatus,
    JobRunStatusChange,
    PendingReason,
    RunCleanupMode,
    RunTrigger,
)
from apps.workloads.models.sessions import (
    LIVE_INFRA_STATUSES,
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    ComputeInstance,
    EndpointType,
    InfraStatus,
    Session,
    SessionStatus,
    ShutdownPolicy,
    TerminationReason,
)

__all__ = [
    "ACTIVE_RUN_STATUSES",
    "EXECUTING_RUN_STATUSES",
    "LIVE_INFRA_STATUSES",
    "OPEN_STATUSES",
    "RETRYABLE_RUN_STATUSES",
    "TERMINAL_RUN_STATUSES",
    "TERMINAL_STATUSES",
    "Catalog",
    "CatalogProvider",
    "CatalogTeam",
    "ComputeConfig",
    "ComputeInstance",
    "ConcurrencyPolicy",
    "EndpointType",
    "ExecutionMode",
    "InfraStatus",
    "Job",
    "JobBackfill",
    "JobCount",
    "JobRun",
    "JobRunCount",
    "JobRunStatus",
    "JobRunStatusChange",
    "JobStatus",
    "JobTeam",
    "JobType",
    "JobVersion",
    "MissedSchedulePolicy",
    "PendingReason",
    "Query",
    "QueryTeam",
    "RunCleanupMode",
    "RunTrigger",
    "Session",
    "SessionStatus",
    "ShutdownPolicy",
    "TerminationReason",
    "VersionStatus",
    "WorkloadType",
]
