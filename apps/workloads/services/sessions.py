"""Sessions as their owners and admins drive them: open, close, relaunch, and tokens for the session proxy.

Who may do what (beyond `CanManageSessions` in the session's team): open and relaunch for oneself (relaunch: the
owner only); close: the owner, a team admin of its team, or an org admin; tokens: the owner or an org admin.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from apps.core import audit, clock
from apps.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from apps.core.principal import Principal
from apps.infra.models import ResourceStatus
from apps.infra.selectors.clusters import cluster_get
from apps.org.access import grants, has, require
from apps.org.models import Member
from apps.workloads import session_tokens
from apps.workloads.models import (
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    ComputeConfig,
    EndpointType,
    Session,
    TerminationReason,
    WorkloadType,
)
from apps.workloads.selectors.compute_configs import compute_config_get, team_default_config
from apps.workloads.selectors.session_settings import TIMEOUT_KEYS, SessionSettings, session_settings
from apps.workloads.selectors.sessions import is_org_admin, is_owner, may_connect, session_get
from apps.workloads.services.compute_instances import instance_for_session
from apps.workloads.services.session_states import end_session

_MINIMUMS = {"idleTimeoutSeconds": 1, "idleCloseDelaySeconds": 0, "maxDurationSeconds": 1}
_COLUMNS = {
    "idleTimeoutSeconds": "idle_timeout_seconds",
    "idleCloseDelaySeconds": "idle_close_delay_seconds",
    "maxDurationSeconds": "max_duration_seconds",
}


def require_somewhere(principal: Principal, relation: str) -> None:
    """Refuse at once whoever holds the relation in no team and not organization-wide: nothing they name could pass,
    and the answer reveals nothing about the object they named."""
    require(principal, relation, team_ids=grants(principal).teams_with(relation))


def _record(action: str, session: Session, changes: dict[str, Any]) -> None:
    audit.record(
        action, organization_id=session.organization_id, target_type="session", target_id=session.pk, changes=changes
    )


def _timeouts(wanted: dict[str, Any] | None, limits: SessionSettings) -> dict[str, int]:
    values, errors = {}, {}
    for key in TIMEOUT_KEYS:
        value = (wanted or {}).get(key)
        value = limits.defaults[key] if value is None else value
        low, high = _MINIMUMS[key], limits.maximums[key]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[f"config.{key}"] = f"Between {low} and {high} (the organization's maximum)."
        values[key] = value
    if errors:
        raise InvalidInput("The session's timeouts are not valid.", field_errors=errors)
    return values


def _owner(principal: Principal, member_id: str | None, service_account_id: str | None) -> dict[str, Any]:
    """A session is opened for oneself: the owner fields may only name the caller."""
    if principal.member is not None and member_id in (None, principal.member.pk) and not service_account_id:
        return {"member": principal.member}
    account = principal.service_account
    if account is not None and service_account_id in (None, account.pk) and not member_id:
        return {"service_account": account}
    field = "memberId" if member_id else "serviceAccountId"
    raise InvalidInput("A session is opened for yourself.", field_errors={field: "Must be you, or left out."})


def _compute_config(principal: Principal, config_id: str | None, team_id: str | None) -> ComputeConfig:
    if config_id:
        try:
            config = compute_config_get(principal=principal, config_id=config_id)
        except NotFound as exc:
            raise InvalidInput(
                "Unknown compute config.", field_errors={"workloadConfigId": "No compute config you can see has it."}
            ) from exc
    elif team_id:
        config = team_default_config(principal=principal, team_id=team_id, workload_type=WorkloadType.SPARK_CONNECT)
        if config is None:
            raise InvalidInput(
                "The team has no default compute config: name one with workloadConfigId.",
                code="no_default_compute_config",
                field_errors={"workloadConfigId": "Required: the team has no default compute config."},
            )
    else:
        raise InvalidInput(
            "Name a compute config (workloadConfigId), or a team (teamId) whose default config to use.",
            field_errors={"workloadConfigId": "Required without teamId."},
        )
    if team_id and team_id != config.team_id:
        raise InvalidInput("Wrong team.", field_errors={"teamId": "Must be the compute config's team."})
    if config.workload_type != WorkloadType.SPARK_CONNECT:
        raise InvalidInput(
            "Sessions run on spark_connect compute configs.",
            field_errors={"workloadConfigId": f"A {config.workload_type} config; sessions need spark_connect."},
        )
    return config


def _require_runnable_cluster(principal: Principal, config: ComputeConfig) -> None:
    try:
        cluster = cluster_get(principal=principal, cluster_id=config.cluster_id)
    except NotFound as exc:
        raise Forbidden(
            "You may not run workloads on this compute config's cluster.",
            code="permission_denied",
            caused_by="CanUseClusters",
        ) from exc
    if cluster.provisioned_cluster.status != ResourceStatus.ACTIVE:
        raise Conflict(f"The cluster {cluster.name} is not running.", code="cluster_not_active")
    if cluster.connection.provider != "local":
        raise Conflict(
            f"Sessions run on local clusters for now; {cluster.name} is on {cluster.connection.provider}.",
            code="cluster_provider_unsupported",
        )


def _require_room(owner: dict[str, Any], config: ComputeConfig, limits: SessionSettings) -> None:
    if "member" in owner:
        Member.objects.select_for_update().filter(pk=owner["member"].pk).first()  # one open at a time per member
    mine = Session.objects.filter(status__in=OPEN_STATUSES, **owner).count()
    if limits.max_sessions_per_member and mine >= limits.max_sessions_per_member:
        raise Conflict(
            f"You have {mine} open sessions, the most this organization allows "
            "(settings.sessions.maxConcurrentSessionsPerMember): close one first.",
            code="session_limit_reached",
        )
    allowed = int(config.endpoint_limits.get(EndpointType.SPARK_CONNECT) or 0)
    if allowed and Session.objects.filter(status__in=OPEN_STATUSES, compute_config=config).count() >= allowed:
        raise Conflict(
            f"The compute config {config} has {allowed} open sessions, its endpointLimits.spark_connect: "
            "close one first.",
            code="compute_config_limit_reached",
        )


def _open(
    principal: Principal,
    *,
    config: ComputeConfig,
    owner: dict[str, Any],
    name: str,
    timeouts: dict[str, Any] | None,
    shared: bool,
    limits: SessionSettings,
    **fields: Any,
) -> Session:
    values = _timeouts(timeouts, limits)
    _require_runnable_cluster(principal, config)
    _require_room(owner, config, limits)
    instance = instance_for_session(compute_config=config, shared=shared, limits=limits)
    session = Session.objects.create(
        organization=principal.org,
        team_id=config.team_id,
        compute_config=config,
        compute_instance=instance,
        name=(name or "").strip() or f"{config} session",
        timeout_at=clock.now() + timedelta(seconds=values["maxDurationSeconds"]),
        **{_COLUMNS[key]: value for key, value in values.items()},
        **owner,
        **fields,
    )
    changes = {"computeConfigId": config.pk, "computeInstanceId": instance.pk, "shared": shared, **values}
    _record("session.create", session, changes)
    return session


@transaction.atomic
def session_create(
    *,
    principal: Principal,
    endpoint_type: str,
    name: str = "",
    team_id: str | None = None,
    workload_config_id: str | None = None,
    member_id: str | None = None,
    service_account_id: str | None = None,
    notebook_id: str = "",
    config: dict[str, Any] | None = None,
    metadata: dict[str, str] | None = None,
    allow_shared: bool = False,
) -> Session:
    """A pending session on a new compute instance, or on a compatible shared one (`allow_shared`)."""
    require_somewhere(principal, "CanManageSessions")
    if endpoint_type != EndpointType.SPARK_CONNECT:
        raise InvalidInput(
            "Unknown endpoint type.", field_errors={"endpointType": f"One of: {', '.join(EndpointType.values)}."}
        )
    owner = _owner(principal, member_id, service_account_id)
    if team_id:
        require(principal, "CanManageSessions", team_ids=[team_id])
    compute_config = _compute_config(principal, workload_config_id, team_id)
    require(principal, "CanManageSessions", team_ids=[compute_config.team_id])
    return _open(
        principal,
        config=compute_config,
        owner=owner,
        name=name,
        timeouts=config,
        shared=allow_shared,
        limits=session_settings(org=principal.org, endpoint_type=endpoint_type),
        notebook_id=notebook_id or "",
        metadata=dict(metadata or {}),
    )


@transaction.atomic
def session_close(*, principal: Principal, session_id: str) -> Session:
    """Closed now; its server is stopped after commit if no other open session uses it. Closing a session that has
    ended already changes nothing."""
    require_somewhere(principal, "CanManageSessions")
    session = session_get(principal=principal, session_id=session_id)
    require(principal, "CanManageSessions", session, team_ids=[session.team_id])
    team_admin = has(principal, "CanManageTeams", team_ids=[session.team_id])
    if not (is_owner(principal, session) or team_admin or is_org_admin(principal)):
        raise Forbidden(
            "Only the session's owner, an admin of its team or an organization admin closes it.",
            code="not_session_owner",
            caused_by="CanManageSessions",
        )
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status in TERMINAL_STATUSES:
        return session
    end_session(session, reason=TerminationReason.CLOSED_BY_USER)
    if session.compute_instance_id:
        instance_id = session.compute_instance_id
        transaction.on_commit(lambda: _enqueue_release(instance_id), robust=True)
    return session


def _enqueue_release(instance_id: str) -> None:
    from apps.workloads.session_tasks import release_compute_instance_task  # the tasks module imports this one

    release_compute_instance_task.delay(instance_id)


@transaction.atomic
def session_relaunch(*, principal: Principal, session_id: str) -> Session:
    """A new session with the ended one's compute config, name, timeouts (within today's maximums) and sharing."""
    require_somewhere(principal, "CanManageSessions")
    session = session_get(principal=principal, session_id=session_id)
    require(principal, "CanManageSessions", session, team_ids=[session.team_id])
    if not is_owner(principal, session):
        raise Forbidden(
            "Only the session's owner relaunches it.", code="not_session_owner", caused_by="CanManageSessions"
        )
    if session.status not in TERMINAL_STATUSES:
        raise Conflict(f"The session is {session.status}: close it before relaunching it.", code="session_not_ended")
    limits = session_settings(org=principal.org, endpoint_type=session.endpoint_type)
    timeouts = {key: min(value, limits.maximums[key]) for key, value in session.config.items()}
    shared = bool(session.compute_instance and session.compute_instance.shared)
    return _open(
        principal,
        config=session.compute_config,
        owner=_owner(principal, None, None),
        name=session.name,
        timeouts=timeouts,
        shared=shared,
        limits=limits,
        notebook_id=session.notebook_id,
        metadata=dict(session.metadata),
        relaunched_from=session,
    )


@transaction.atomic
def session_token_issue(
    *, principal: Principal, session_id: str, duration_seconds: int | None = None
) -> tuple[str, Any]:
    """A proxy token for the session (the owner's, or an org admin's), valid until the earlier of the asked
    duration and the session's `timeoutAt`. Returns (token, expiresAt)."""
    require_somewhere(principal, "CanManageSessions")
    session = session_get(principal=principal, session_id=session_id)
    require(principal, "CanManageSessions", session, team_ids=[session.team_id])
    if not may_connect(principal, session):
        raise Forbidden(
            "Only the session's owner or an organization admin connects to it.",
            code="not_session_owner",
            caused_by="CanManageSessions",
        )
    duration = settings.SESSION_TOKEN_DEFAULT_SECONDS if duration_seconds is None else duration_seconds
    if not isinstance(duration, int) or not 60 <= duration <= settings.SESSION_TOKEN_MAX_SECONDS:
        raise InvalidInput(
            "The token's duration is not valid.",
            field_errors={"durationSeconds": f"Between 60 and {settings.SESSION_TOKEN_MAX_SECONDS} seconds."},
        )
    if not session.is_open or session.compute_instance_id is None:
        raise Conflict(f"The session is {session.status}: relaunch it to connect again.", code="session_not_open")
    expires_at = min(clock.now() + timedelta(seconds=duration), session.timeout_at)
    token = session_tokens.sign(
        session_id=session.pk, target=session.compute_instance_id, subject=principal.id, expires_at=expires_at
    )
    _record("session.token_issue", session, {"expiresAt": expires_at, "durationSeconds": duration})
    return token, expires_at.replace(microsecond=0)
