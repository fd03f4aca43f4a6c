import json
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from apps.core.api.pagination import NumberedPages, Page, PageOptions, total_of
from apps.core.compiled import CompiledQuery
from apps.core.console_list import ListOptions
from apps.core.errors import InvalidInput, NotFound
from apps.core.principal import Principal
from apps.org.access import sees_all, visible
from apps.org.models import Member, MemberRole, TeamMember

FILTER_KEYS = {"search", "roleId", "teamId", "isEnabled"}
MEMBER_SORTS = {"name": ("name", "email"), "email": ("email",)}
# The console's member list (search comes from member_search, which also looks at the user's names).
MEMBER_LIST = ListOptions(sorts=MEMBER_SORTS, default_sort="name")
# The API's `GET /org/members` (reference: sortBy name | email; search is the `filter` parameter's).
MEMBER_PAGE = PageOptions(sort_fields=MEMBER_SORTS, default_sort="name")


def member_list(*, principal: Principal) -> QuerySet[Member]:
    return visible(Member.objects.all(), principal, "CanViewMembers")


def member_get(*, principal: Principal, member_id: str) -> Member:
    member = member_list(principal=principal).select_related("user").filter(pk=member_id).first()
    if member is None:
        raise NotFound("Member not found.", code="member_not_found")
    return member


def enabled_memberships(*, user_id: str) -> QuerySet[Member]:
    """The organizations a user acts in: enabled memberships, each with its organization."""
    return Member.objects.select_related("organization").filter(user_id=user_id, is_enabled=True)


# Every console request lists the user's organizations (the header's switcher): compiled once.
_MEMBERSHIPS_OF = CompiledQuery(enabled_memberships, "user_id")


def memberships_of(*, user_id: str) -> list[Member]:
    return _MEMBERSHIPS_OF.objects(user_id=user_id)  # type: ignore[return-value]


def parse_member_filter(params: Mapping[str, str]) -> dict[str, Any]:
    """`filter` as deepObject (`filter[search]=ann`) or as a JSON object (`filter={"search": "ann"}`)."""
    raw: dict[str, Any] = {}
    if params.get("filter"):
        try:
            raw = json.loads(params["filter"])
        except ValueError:
            raw = None  # type: ignore[assignment]
        if not isinstance(raw, dict):
            raise InvalidInput("filter must be a JSON object.", field_errors={"filter": "Must be a JSON object."})
    for key, value in params.items():
        if key.startswith("filter[") and key.endswith("]"):
            raw[key[7:-1]] = value
    unknown = set(raw) - FILTER_KEYS
    if unknown:
        allowed = ", ".join(sorted(FILTER_KEYS))
        raise InvalidInput(f"Unknown filter keys; use {allowed}.", field_errors={"filter": f"Allowed keys: {allowed}."})
    if "isEnabled" in raw and not isinstance(raw["isEnabled"], bool):
        value = str(raw["isEnabled"]).lower()
        if value not in ("true", "false"):
            raise InvalidInput("filter.isEnabled must be true or false.", field_errors={"filter.isEnabled": "Boolean."})
        raw["isEnabled"] = value == "true"
    return raw


def _organization_members(*, org_id: str) -> QuerySet[Member]:
    return Member.objects.filter(organization_id=org_id)


def _members_with_users(*, org_id: str) -> QuerySet[Member]:
    return _organization_members(org_id=org_id).select_related("user")


def _members_by_id(*, ids: list[str]) -> QuerySet[Member]:
    return Member.objects.filter(pk__any=ids).select_related("user")


_BY_ID = CompiledQuery(_members_by_id, "ids", lists=("ids",))
# Every unfiltered page of `GET /org/members` for an organization-wide viewer: compiled once per sort.
_MEMBER_PAGES = NumberedPages(
    _organization_members,
    "org_id",
    options=MEMBER_PAGE,
    total=lambda *, org_id: total_of(_organization_members(org_id=org_id)),
    rows=lambda ids: _BY_ID.objects(ids=ids),
    wide=_members_with_users,
)


def member_page(*, principal: Principal, member_filter: dict[str, Any], params: Mapping[str, str]) -> Page | None:
    """A page of `member_search` (members with their users) for a principal who sees every member and filters
    nothing, read by queries compiled once; None where `numbered_page` answers."""
    if member_filter or not sees_all(principal, "CanViewMembers"):
        return None
    return _MEMBER_PAGES.page(params, org_id=principal.org.pk)  # type: ignore[union-attr]


def member_search(*, principal: Principal, member_filter: dict[str, Any]) -> QuerySet[Member]:
    queryset = member_list(principal=principal)
    if text := str(member_filter.get("search", "")).strip():
        queryset = queryset.filter(
            Q(name__icontains=text)
            | Q(email__icontains=text)
            | Q(user__given_name__icontains=text)
            | Q(user__family_name__icontains=text)
        )
    # Role and team filters as subqueries: a join could match a member twice and would need DISTINCT on every page.
    if role_id := member_filter.get("roleId"):
        queryset = queryset.filter(pk__in=MemberRole.objects.filter(role_id=role_id).values("member_id"))
    if team_id := member_filter.get("teamId"):
        queryset = queryset.filter(pk__in=TeamMember.objects.filter(team_id=team_id).values("member_id"))
    if "isEnabled" in member_filter:
        queryset = queryset.filter(is_enabled=member_filter["isEnabled"])
    return queryset.select_related("user")
