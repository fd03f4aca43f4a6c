"""Reads of compute configs (`CanViewComputeConfigs`): organization-wide, or the configs of the caller's teams.

Lists leave anonymous (inline) configs out; a visible one is still found by id, as a session that used it names it.
"""

from django.db.models import QuerySet

from apps.core.console_list import ListOptions
from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.org.access import grants, has, visible
from apps.workloads.models import ComputeConfig, WorkloadType

COMPUTE_CONFIG_LIST = ListOptions(
    sorts={"name": ("name",), "team": ("team__name", "name"), "cluster": ("cluster__name", "name")},
    default_sort="name",
    search_fields=("name",),
)


def _visible(principal: Principal, relation: str) -> QuerySet[ComputeConfig]:
    return visible(ComputeConfig.objects.select_related("team", "cluster"), principal, relation, team_field="team")


def compute_config_list(
    *,
    principal: Principal,
    team_id: str | None = None,
    workload_type: str | None = None,
    relation: str = "CanViewComputeConfigs",
) -> QuerySet[ComputeConfig]:
    configs = _visible(principal, relation).filter(anonymous=False)
    if team_id:
        configs = configs.filter(team_id=team_id)
    if workload_type:
        configs = configs.filter(workload_type=workload_type)
    return configs


def compute_config_get(*, principal: Principal, config_id: str) -> ComputeConfig:
    config = _visible(principal, "CanViewComputeConfigs").filter(pk=config_id).first()
    if config is None:
        raise NotFound("Compute config not found.", code="compute_config_not_found")
    return config


def team_default_config(*, principal: Principal, team_id: str, workload_type: str) -> ComputeConfig | None:
    return (
        compute_config_list(principal=principal, team_id=team_id, workload_type=workload_type)
        .filter(is_default=True)
        .first()
    )


def session_configs(*, principal: Principal) -> QuerySet[ComputeConfig]:
    """The named spark_connect configs the principal may open sessions on (`CanManageSessions` in their team)."""
    configs = compute_config_list(principal=principal, workload_type=WorkloadType.SPARK_CONNECT)
    if has(principal, "CanManageSessions"):
        return configs
    return configs.filter(team_id__in=grants(principal).teams_with("CanManageSessions"))
