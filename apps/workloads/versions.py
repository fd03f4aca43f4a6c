"""The fields of a job version: how a request changes them, and what makes them valid.

A request names fields by wire name. `config` and `sourceConfig` change as JSON merge patches (RFC 7396: objects
merge key by key, null removes a key, anything else replaces), so `{"config": {"sql": {"source": "..."}}}` keeps the
compute and lakesail settings; every other field is replaced, and null sets it back to its default.

Checks report every problem at once, keyed by wire path (`config.sql.queryId`, `dependsOn[1].jobKey`). Publishing
(and creating a job) checks more: the cluster must be active, and the Git source is pinned to a commit.
"""

from collections.abc import Mapping
from typing import Any

from apps.core.errors import InvalidInput, NotFound
from apps.core.principal import Principal
from apps.infra.models import ResourceStatus
from apps.infra.selectors.clusters import cluster_get
from apps.workloads.git_sources import GitSourceError, check_source, resolve_commit
from apps.workloads.models import ConcurrencyPolicy, Job, JobType, JobVersion, MissedSchedulePolicy, VersionStatus
from apps.workloads.runner.spec import JobConfigError, JobSpec, is_sail_key
from apps.workloads.schedule import ScheduleError, validate, zone
from apps.workloads.selectors.queries import query_get

# Wire name -> model attribute, in the reference's order.
VERSION_FIELDS: dict[str, str] = {
    "clusterId": "cluster_id",
    "description": "description",
    "config": "config",
    "timeoutSeconds": "timeout_seconds",
    "sourceConfig": "source_config",
    "dependsOn": "depends_on",
    "cronExpression": "cron_expression",
    "cronTimezone": "cron_timezone",
    "concurrencyPolicy": "concurrency_policy",
    "maxConcurrentRuns": "max_concurrent_runs",
    "missedSchedulePolicy": "missed_schedule_policy",
}
MERGED = ("config", "sourceConfig")
DEFAULTS: dict[str, Any] = {
    "description": "",
    "config": {},
    "depends_on": [],
    "cron_expression": None,
    "cron_timezone": "UTC",
    "concurrency_policy": ConcurrencyPolicy.SKIP,
    "max_concurrent_runs": 1,
    "missed_schedule_policy": MissedSchedulePolicy.LATEST,
}
CONFIG_SECTIONS = ("sql", "python", "compute", "lakesail")
LAKESAIL_DECLARED = ("executionMode", "maxRetries", "lakesailImageUri", "libraries")
CAPACITY_TYPES = ("on-demand", "spot")
VOLUME_TYPES = ("gp2", "gp3", "io1", "io2", "st1", "sc1")
MAX_TIMEOUT_SECONDS = 7 * 24 * 3600
MAX_RETRIES = 10
MAX_CONCURRENT_RUNS = 100


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, Mapping):
        return patch
    merged = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def new_version(job: Job, *, number: int, member: Any, base: JobVersion | None = None) -> JobVersion:
    """An unsaved draft numbered `number`, a copy of `base`'s fields (its Git pin is left to publishing)."""
    version = JobVersion(job=job, number=number, status=VersionStatus.DRAFT, member=member, **DEFAULTS)
    if base is not None:
        version.based_on = base.number
        version.job_type = base.job_type
        version.query_id = base.query_id
        for attr in VERSION_FIELDS.values():
            setattr(version, attr, getattr(base, attr))
    version.source_config = _unpinned(version.source_config)
    return version


def _unpinned(source: dict[str, Any] | None) -> dict[str, Any] | None:
    return {**source, "snapshotCommit": None} if source else source


def apply_changes(version: JobVersion, changes: Mapping[str, Any]) -> None:
    """Set the fields a request names (by wire name): merge patches for `config` and `sourceConfig`."""
    for wire, value in changes.items():
        attr = VERSION_FIELDS[wire]
        if value is None:
            setattr(version, attr, DEFAULTS.get(attr))
        elif wire in MERGED:
            setattr(version, attr, merge_patch(getattr(version, attr), value))
        else:
            setattr(version, attr, value)
    if "sourceConfig" in changes:
        version.source_config = _unpinned(version.source_config)


def check_version(principal: Principal, job: Job, version: JobVersion, *, publishing: bool) -> None:
    """Raise InvalidInput naming every field that is not valid; sets the version's job type and saved query.

    `publishing` also requires an active cluster and pins the Git source (`sourceConfig.snapshotCommit`).
    """
    errors: dict[str, str] = {}
    check_cluster(principal, version, errors, active=publishing)
    _check_config(principal, version, errors)
    if version.timeout_seconds is not None and not 1 <= version.timeout_seconds <= MAX_TIMEOUT_SECONDS:
        errors["timeoutSeconds"] = f"Between 1 and {MAX_TIMEOUT_SECONDS} seconds, or null for no limit."
    _check_source(version, errors, pin=publishing)
    _check_dependencies(job, version, errors)
    _check_schedule(version, errors)
    if errors:
        raise InvalidInput(
            "The job version is not valid: " + "; ".join(f"{k}: {v}" for k, v in errors.items()), field_errors=errors
        )


def check_cluster(principal: Principal, version: JobVersion, errors: dict[str, str], *, active: bool) -> None:
    """The cluster must be one the principal may use (CanUseClusters) and, to run on it, active."""
    if version.cluster_id is None:
        errors["clusterId"] = "Required: the cluster the job runs on."
        return
    try:
        cluster = cluster_get(principal=principal, cluster_id=version.cluster_id)
    except NotFound:
        errors["clusterId"] = "No cluster you can use has this id."
        return
    status = cluster.provisioned_cluster.status
    if active and status != ResourceStatus.ACTIVE:
        errors["clusterId"] = f"The cluster is {status}: jobs need an active cluster."


def _check_config(principal: Principal, version: JobVersion, errors: dict[str, str]) -> None:
    config = version.config
    for key in config:
        if key not in CONFIG_SECTIONS:
            errors[f"config.{key}"] = f"Not a job setting (they are: {', '.join(CONFIG_SECTIONS)})."
    sql = config.get("sql") or {}
    query_text = None
    version.query = None
    if sql.get("queryId"):
        if sql.get("source"):
            errors["config.sql"] = "Give the SQL (source) or a saved query (queryId), not both."
        try:
            version.query = query_get(principal=principal, query_id=sql["queryId"])
            query_text = version.query.query_text
        except NotFound:
            errors["config.sql.queryId"] = "No saved query you can see has this id."
            return
    try:
        spec = JobSpec.from_config(config, query_text=query_text, source_config=version.source_config)
        version.job_type = JobType(spec.kind)
    except JobConfigError as exc:
        errors.setdefault("config", str(exc))
    _check_lakesail(config.get("lakesail") or {}, errors)
    _check_compute(config.get("compute") or {}, errors)


def _check_lakesail(lakesail: Mapping[str, Any], errors: dict[str, str]) -> None:
    for key in lakesail:
        if key not in LAKESAIL_DECLARED and not is_sail_key(key):
            errors[f"config.lakesail.{key}"] = (
                "Extra properties are Sail configuration keys, such as sql.shuffle.partitions."
            )
    retries = lakesail.get("maxRetries")
    if retries is not None and not 0 <= retries <= MAX_RETRIES:
        errors["config.lakesail.maxRetries"] = f"Between 0 and {MAX_RETRIES}."


def _check_compute(compute: Mapping[str, Any], errors: dict[str, str]) -> None:
    for role in ("driver", "worker"):
        node = compute.get(role) or {}
        ebs = node.get("ebsConfig") or {}
        if ebs.get("volumeType") is not None and ebs["volumeType"] not in VOLUME_TYPES:
            errors[f"config.compute.{role}.ebsConfig.volumeType"] = f"One of: {', '.join(VOLUME_TYPES)}."
    worker = compute.get("worker") or {}
    if worker.get("capacityType") is not None and worker["capacityType"] not in CAPACITY_TYPES:
        errors["config.compute.worker.capacityType"] = f"One of: {', '.join(CAPACITY_TYPES)}."
    if worker.get("maxNodes") is not None and worker["maxNodes"] < 1:
        errors["config.compute.worker.maxNodes"] = "At least 1."


def _check_source(version: JobVersion, errors: dict[str, str], *, pin: bool) -> None:
    source = version.source_config
    if not source:
        return
    try:
        check_source(source)
        if pin:
            version.source_config = {**source, "snapshotCommit": resolve_commit(source)}
    except GitSourceError as exc:
        errors[exc.field] = exc.message


def _check_dependencies(job: Job, version: JobVersion, errors: dict[str, str]) -> None:
    keys = [item.get("jobKey") if isinstance(item, Mapping) else None for item in version.depends_on]
    existing = set(
        Job.objects.filter(organization_id=job.organization_id, job_key__in=[k for k in keys if k]).values_list(
            "job_key", flat=True
        )
    )
    for index, key in enumerate(keys):
        where = f"dependsOn[{index}].jobKey"
        if not key:
            errors[where] = "Required: the key of the job this one waits for."
        elif key == job.job_key:
            errors[where] = "A job cannot depend on itself."
        elif key in keys[:index]:
            errors[where] = "Listed twice."
        elif key not in existing:
            errors[where] = "No job of the organization has this key."
    if not any(where.startswith("dependsOn") for where in errors) and _reaches(job, set(keys)):
        errors["dependsOn"] = f"This would make a cycle: a job it depends on already depends on {job.job_key}."


def _reaches(job: Job, start: set[str]) -> bool:
    """Whether the current versions' dependencies lead from `start` back to the job."""
    edges: dict[str, list[str]] = {}
    for key, depends in (
        Job.objects.filter(organization_id=job.organization_id, current_version__isnull=False)
        .exclude(current_version__depends_on=[])
        .values_list("job_key", "current_version__depends_on")
    ):
        edges[key] = [item.get("jobKey") for item in depends if isinstance(item, Mapping)]
    seen, todo = set(), list(start)
    while todo:
        key = todo.pop()
        if key == job.job_key:
            return True
        if key not in seen:
            seen.add(key)
            todo.extend(edges.get(key, []))
    return False


def _check_schedule(version: JobVersion, errors: dict[str, str]) -> None:
    try:
        if version.cron_expression:
            validate(version.cron_expression, version.cron_timezone)
        else:
            zone(version.cron_timezone)
    except ScheduleError as exc:
        errors[exc.field] = exc.message
    if version.concurrency_policy not in ConcurrencyPolicy.values:
        errors["concurrencyPolicy"] = f"One of: {', '.join(ConcurrencyPolicy.values)}."
    if version.missed_schedule_policy not in MissedSchedulePolicy.values:
        errors["missedSchedulePolicy"] = f"One of: {', '.join(MissedSchedulePolicy.values)}."
    if not 1 <= version.max_concurrent_runs <= MAX_CONCURRENT_RUNS:
        errors["maxConcurrentRuns"] = f"Between 1 and {MAX_CONCURRENT_RUNS}."
