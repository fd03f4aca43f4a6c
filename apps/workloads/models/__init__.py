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
from apps.workloads.models.jobs import Job, JobTeam, JobVersion
from apps.workloads.models.queries import Query, QueryTeam
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
    "LIVE_INFRA_STATUSES",
    "OPEN_STATUSES",
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
    "JobStatus",
    "JobTeam",
    "JobType",
    "JobVersion",
    "MissedSchedulePolicy",
    "Query",
    "QueryTeam",
    "Session",
    "SessionStatus",
    "ShutdownPolicy",
    "TerminationReason",
    "VersionStatus",
    "WorkloadType",
]
