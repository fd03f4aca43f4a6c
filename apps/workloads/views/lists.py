"""What the authoring console's lists allow (sorts, search) and who may author, shared by its pages."""

from apps.core.console_list import ListOptions
from apps.core.principal import Principal
from apps.org.access import grants, has
from apps.org.selectors.teams import team_list

CATALOG_LIST = ListOptions(
    sorts={"name": ("name",), "provider": ("provider", "name")}, default_sort="name", search_fields=("name",)
)
QUERY_LIST = ListOptions(
    sorts={"name": ("name",), "catalog": ("catalog__name", "name"), "updated": ("updated_at",)},
    default_sort="name",
    search_fields=("name", "description"),
)
JOB_LIST = ListOptions(
    sorts={
        "key": ("job_key",),
        "status": ("status", "job_key"),
        "next": ("next_run_at", "job_key"),
        "created": ("created_at",),
    },
    default_sort="key",
    search_fields=("job_key", "description"),
)


def may_author(principal: Principal, relation: str) -> bool:
    """Whether the principal may create resources of a kind: organization-wide or in some team."""
    return has(principal, relation) or bool(grants(principal).teams_with(relation))


def team_choices(principal: Principal, relation: str) -> list[tuple[str, str]]:
    """The teams a new resource may be shared with: those where the principal holds `relation`."""
    return [(team.pk, team.name) for team in team_list(principal=principal, relation=relation).order_by("name")]


def team_names(principal: Principal, team_ids: set[str]) -> dict[str, str]:
    """Names of the teams (one query); a team the principal may not see keeps no name."""
    if not team_ids:
        return {}
    return dict(team_list(principal=principal).filter(pk__in=team_ids).values_list("pk", "name"))
