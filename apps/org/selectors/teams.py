from collections.abc import Mapping

from django.db.models import QuerySet

from apps.core.api.pagination import NumberedPages, Page, PageOptions, total_of
from apps.core.console_list import ListOptions
from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.org.access import sees_all, visible
from apps.org.models import Member, Team, TeamMember
from apps.org.models.member_counts import MEMBER_COUNT

TEAM_SORTS = {"name": ("name",), "members": ("member_count", "name")}
TEAM_LIST = ListOptions(sorts=TEAM_SORTS, default_sort="name", search_fields=("name",))
# The API's lists (reference: sortBy name only).
TEAM_PAGE = PageOptions(sort_fields={"name": TEAM_SORTS["name"]}, default_sort="name", search_fields=("name",))
TEAM_MEMBER_PAGE = PageOptions(
    sort_fields={"name": ("member__name", "member__email"), "email": ("member__email",)}, default_sort="name"
)


def team_list(*, principal: Principal, relation: str = "CanViewTeams") -> QuerySet[Team]:
    """Teams the principal may see, with their member counts (kept by the database: `TeamMemberCount`)."""
    return visible(Team.objects.all(), principal, relation, team_field="id").annotate(member_count=MEMBER_COUNT)


def _organization_teams(*, org_id: str) -> QuerySet[Team]:
    return Team.objects.filter(organization_id=org_id)


def _counted_teams(*, org_id: str) -> QuerySet[Team]:
    return _organization_teams(org_id=org_id).annotate(member_count=MEMBER_COUNT)


# What a team's entry shows (`TeamEntrySerializer`): a page reads these as named rows, a tuple each, where building a
# model instance per team was half the CPU of reading and writing the page.
_TEAM_ENTRY = (
    "id",
    "organization_id",
    "name",
    "default_role_id",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "member_count",
)


def _team_entries(*, org_id: str) -> QuerySet:
    return _counted_teams(org_id=org_id).values_list(*_TEAM_ENTRY, named=True)


_TEAM_PAGES = NumberedPages(
    _counted_teams,
    "org_id",
    options=TEAM_PAGE,
    total=lambda *, org_id: total_of(_organization_teams(org_id=org_id)),
    wide=_team_entries,
)


def team_page(*, principal: Principal, params: Mapping[str, str]) -> Page | None:
    """A page of `/org/teams` for a principal who sees every team, read by one query compiled once per sort; None
    where `numbered_page` answers (a search, `limit=0`, past the end, a caller who sees some teams only)."""
    if not sees_all(principal, "CanViewTeams"):
        return None
    return _TEAM_PAGES.page(params, org_id=principal.org.pk)  # type: ignore[union-attr]


def team_names(*, principal: Principal) -> QuerySet[Team]:
    """Teams the principal may see, by name, with their ids and names only: for pickers, which show no counts."""
    return visible(Team.objects.only("id", "name"), principal, "CanViewTeams", team_field="id").order_by("name", "id")


def team_get(*, principal: Principal, team_id: str, relation: str = "CanViewTeams") -> Team:
    team = team_list(principal=principal, relation=relation).filter(pk=team_id).first()
    if team is None:
        raise NotFound("Team not found.", code="team_not_found")
    return team


def my_teams(*, principal: Principal) -> QuerySet[Team]:
    if principal.member is None:
        return Team.objects.none()
    return Team.objects.filter(organization=principal.org, memberships__member=principal.member).order_by("name", "id")


def team_members(*, team: Team) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(team=team).select_related("member__user")


def member_of_team(*, team: Team, member: Member) -> TeamMember | None:
    return TeamMember.objects.filter(team=team, member=member).first()


def member_candidates(*, team: Team) -> QuerySet[Member]:
    """Enabled members of the team's organization who are not in the team yet."""
    return (
        Member.objects.filter(organization_id=team.organization_id, is_enabled=True)
        .exclude(team_memberships__team=team)
        .order_by("name", "email")
    )
