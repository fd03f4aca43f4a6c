"""Compute configs: created for a team (`CanManageComputeConfigs` in it) on a cluster the author may use; the
workload type, cluster and team never change. The first named config of a team and type is its default."""

from typing import Any

from django.db import transaction

from apps.core import audit
from apps.core.errors import Conflict, InvalidInput, NotFound
from apps.core.principal import Principal
from apps.infra.models import Cluster
from apps.infra.selectors.clusters import cluster_get
from apps.org.access import require
from apps.org.models import Team
from apps.workloads.models import ComputeConfig, EndpointType, WorkloadType
from apps.workloads.sail_settings import sail_errors


def _record(action: str, config: ComputeConfig, changes: dict[str, Any]) -> None:
    audit.record(
        action,
        organization_id=config.organization_id,
        target_type="compute_config",
        target_id=config.pk,
        changes=changes,
    )


def _raise(errors: dict[str, str], message: str) -> None:
    if errors:
        raise InvalidInput(message, field_errors=errors)


def _usable_cluster(principal: Principal, cluster_id: str) -> Cluster:
    try:
        return cluster_get(principal=principal, cluster_id=cluster_id)
    except NotFound as exc:
        raise InvalidInput(
            "Unknown cluster.", field_errors={"clusterId": "No cluster you may run workloads on has this id."}
        ) from exc


def _checked_config(config: dict[str, Any], cluster: Cluster) -> dict[str, Any]:
    unknown = sorted(set(config) - {"sail"})
    errors = {f"config.{key}": "Unknown key: the configuration has `sail` only." for key in unknown}
    local = cluster.connection.provider == "local"
    errors.update({f"config.sail.{k}": v for k, v in sail_errors(config.get("sail") or {}, local=local).items()})
    _raise(errors, "The compute configuration is not valid.")
    return config


def _checked_limits(limits: dict[str, Any]) -> dict[str, int]:
    errors = {}
    for key, value in limits.items():
        if key not in EndpointType.values:
            errors[f"endpointLimits.{key}"] = f"Not an endpoint type; one of: {', '.join(EndpointType.values)}."
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[f"endpointLimits.{key}"] = "A number of open sessions, 0 for no limit."
    _raise(errors, "The endpoint limits are not valid.")
    return dict(limits)


def _unique_name(team: Team, name: str, exclude: str | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("A compute config needs a name.", field_errors={"name": "Required."})
    taken = ComputeConfig.objects.filter(team=team, anonymous=False, name__iexact=name).exclude(pk=exclude)
    if taken.exists():
        raise Conflict(
            f"The team has a compute config named {name!r}.",
            code="compute_config_exists",
            field_errors={"name": "Already taken in this team."},
        )
    return name


def _make_default(config: ComputeConfig) -> None:
    ComputeConfig.objects.filter(team_id=config.team_id, workload_type=config.workload_type, is_default=True).exclude(
        pk=config.pk
    ).update(is_default=False)
    config.is_default = True


@transaction.atomic
def compute_config_create(
    *,
    principal: Principal,
    name: str,
    workload_type: str,
    cluster_id: str,
    team_id: str,
    config: dict[str, Any] | None = None,
    endpoint_limits: dict[str, Any] | None = None,
    anonymous: bool = False,
) -> ComputeConfig:
    """A named config (or an anonymous one: inline, unlisted, made for one session)."""
    require(principal, "CanManageComputeConfigs", team_ids=[team_id])
    team = Team.objects.filter(organization=principal.org, pk=team_id).first()
    if team is None:
        raise InvalidInput("Unknown team.", field_errors={"teamId": "No such team in this organization."})
    if workload_type not in WorkloadType.values:
        raise InvalidInput(
            "Unknown workload type.", field_errors={"workloadType": f"One of: {', '.join(WorkloadType.values)}."}
        )
    cluster = _usable_cluster(principal, cluster_id)
    compute_config = ComputeConfig(
        organization=principal.org,
        team=team,
        cluster=cluster,
        workload_type=workload_type,
        anonymous=anonymous,
        name="" if anonymous else _unique_name(team, name),
        config=_checked_config(dict(config or {}), cluster),
        endpoint_limits=_checked_limits(dict(endpoint_limits or {})),
    )
    has_default = ComputeConfig.objects.filter(team=team, workload_type=workload_type, is_default=True).exists()
    compute_config.is_default = not anonymous and not has_default
    compute_config.save()
    _record(
        "compute_config.create",
        compute_config,
        {"name": compute_config.name, "workloadType": workload_type, "clusterId": cluster.pk, "teamId": team.pk},
    )
    return compute_config


@transaction.atomic
def compute_config_update(
    *,
    principal: Principal,
    compute_config: ComputeConfig,
    name: str | None = None,
    config: dict[str, Any] | None = None,
    endpoint_limits: dict[str, Any] | None = None,
    is_default: bool | None = None,
) -> ComputeConfig:
    """Name, configuration, limits and the team default; running servers keep the configuration they started with."""
    require(principal, "CanManageComputeConfigs", compute_config, team_ids=[compute_config.team_id])
    compute_config = (
        ComputeConfig.objects.select_for_update(of=("self",))
        .select_related("cluster__connection", "team")
        .get(pk=compute_config.pk)
    )
    if compute_config.anonymous:
        raise Conflict("An inline compute config is not edited: name a new one.", code="compute_config_inline")
    changes: dict[str, Any] = {}
    if name is not None and name.strip() != compute_config.name:
        compute_config.name = changes["name"] = _unique_name(compute_config.team, name, exclude=compute_config.pk)
    if config is not None and config != compute_config.config:
        compute_config.config = changes["config"] = _checked_config(dict(config), compute_config.cluster)
    if endpoint_limits is not None and endpoint_limits != compute_config.endpoint_limits:
        compute_config.endpoint_limits = changes["endpointLimits"] = _checked_limits(dict(endpoint_limits))
    if is_default and not compute_config.is_default:
        _make_default(compute_config)
        changes["isDefault"] = True
    if changes:
        compute_config.save()
        _record("compute_config.update", compute_config, changes)
    return compute_config
