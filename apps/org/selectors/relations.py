"""Everything a page of members refers to, in three queries whatever the page's size, each compiled once.

The console's member table needs less: `member_badges`, the names of the members' roles and teams, in one query.

1. Links: the members' org roles, team memberships and the team roles held in them (one UNION ALL).
2. Entities: the roles, teams and team roles those links name (by id), each with its member count (one UNION ALL;
   the counts are the database's counters, so nothing reads the organization's links).
3. The members' users: MFA flags as `Exists()` annotations, recorded addresses by LEFT JOIN.

Links and addresses come back as plain dicts (the attribute names of their models), entities as plain records with
their models' attribute names (`Entity`): building a model instance cost ten times as much, for rows only read.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, CharField, Exists, F, OuterRef, QuerySet, TextField, Value

from apps.core.compiled import CompiledQuery
from apps.org.models import Member, MemberRole, Role, Team, TeamMember, TeamMemberRole, TeamRole
from apps.org.models.member_counts import MEMBER_COUNT
from apps.org.selectors.names import Named
from apps.org.selectors.roles import key_permissions

_AUDIT = ("id", "created_at", "created_by", "updated_at", "updated_by")


@dataclass
class UserAuth:
    has_password: bool
    has_2fa: bool = False
    has_recovery: bool = False


@dataclass
class MemberRelations:
    member_roles: list[dict[str, Any]] = field(default_factory=list)
    memberships: list[dict[str, Any]] = field(default_factory=list)
    membership_roles: list[dict[str, Any]] = field(default_factory=list)
    roles: list["Entity"] = field(default_factory=list)
    teams: list["Entity"] = field(default_factory=list)
    team_roles: list["Entity"] = field(default_factory=list)
    emails: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    auth: dict[str, UserAuth] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._role_ids: dict[str, list[str]] = defaultdict(list)
        for link in self.member_roles:
            self._role_ids[link["member_id"]].append(link["role_id"])
        held: dict[str, list[str]] = defaultdict(list)
        for link in self.membership_roles:
            held[link["team_member_id"]].append(link["team_role_id"])
        self._team_role_ids: dict[str, dict[str, list[str]]] = defaultdict(dict)
        for membership in self.memberships:
            self._team_role_ids[membership["member_id"]][membership["team_id"]] = held[membership["id"]]

    def role_ids(self, member: Member) -> list[str]:
        return self._role_ids.get(member.pk, [])

    def team_role_ids(self, member: Member) -> dict[str, list[str]]:
        """Team id -> the team roles the member holds there, for every team the member is in."""
        return self._team_role_ids.get(member.pk, {})


def member_relations(members: list[Member]) -> MemberRelations:
    """The links, entities and user facts of `members` (loaded with their users: `select_related("user")`)."""
    if not members:
        return MemberRelations()
    member_ids = [m.pk for m in members]
    links = _links(member_ids)
    roles, teams, team_roles = _entities(
        {link["role_id"] for link in links["role"]},
        {link["team_id"] for link in links["team"]},
        {link["team_role_id"] for link in links["team_role"]},
    )
    emails, auth = _user_facts([m.user for m in members])
    return MemberRelations(
        member_roles=links["role"],
        memberships=links["team"],
        membership_roles=links["team_role"],
        roles=roles,
        teams=teams,
        team_roles=team_roles,
        emails=emails,
        auth=auth,
    )


def _arm(queryset: QuerySet, **columns: Any) -> QuerySet:
    """One arm of a UNION ALL: the same columns, in the same order, whatever the model."""
    return queryset.order_by().annotate(**columns).values_list(*columns)


_LINKS = {
    # kind: (names of the owner, target and flag columns in the wire dicts)
    "role": ("member_id", "role_id", None),
    "team": ("member_id", "team_id", "is_automatic"),
    "team_role": ("team_member_id", "team_role_id", None),
}


def _link_rows(*, ids: list[str]) -> QuerySet:
    audit = {f"l_{name}": F(name) for name in _AUDIT}
    no_flag = Value(False, output_field=BooleanField())
    arms = [
        _arm(
            MemberRole.objects.filter(member_id__any=ids),
            l_kind=Value("role"),
            **audit,
            l_owner=F("member_id"),
            l_target=F("role_id"),
            l_flag=no_flag,
            l_member=F("member_id"),
        ),
        _arm(
            TeamMember.objects.filter(member_id__any=ids),
            l_kind=Value("team"),
            **audit,
            l_owner=F("member_id"),
            l_target=F("team_id"),
            l_flag=F("is_automatic"),
            l_member=F("member_id"),
        ),
        _arm(
            TeamMemberRole.objects.filter(team_member__member_id__any=ids),
            l_kind=Value("team_role"),
            **audit,
            l_owner=F("team_member_id"),
            l_target=F("team_role_id"),
            l_flag=no_flag,
            l_member=F("team_member__member_id"),
        ),
    ]
    first, *rest = arms
    return first.union(*rest, all=True)


# A page of members runs these three: compiled once (`apps.core.compiled`), where building and compiling the UNIONs
# cost more than running them.
_LINK_ROWS = CompiledQuery(_link_rows, "ids", lists=("ids",))


def _links(member_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    rows = sorted(_LINK_ROWS.rows(ids=member_ids), key=_in_page_order(member_ids))
    links: dict[str, list[dict[str, Any]]] = {kind: [] for kind in _LINKS}
    for kind, *audited, owner, target, flag, _member in rows:
        owner_name, target_name, flag_name = _LINKS[kind]
        link = dict(zip(_AUDIT, audited, strict=True))
        link[owner_name], link[target_name] = owner, target
        if flag_name:
            link[flag_name] = flag
        links[kind].append(link)
    return links


def _in_page_order(member_ids: list[str]):
    """Links in the order of the page's members, then by creation: the same page always lists them alike."""
    position = {pk: i for i, pk in enumerate(member_ids)}
    return lambda row: (position[row[-1]], row[2], row[1])


_ENTITY_COLUMNS = ("organization_id", "key", "name", "description", "all_teams", "break_glass", "default_role_id")


def _entity_rows(*, role_ids: list[str], team_ids: list[str], team_role_ids: list[str]) -> QuerySet:
    text, flag = (lambda: Value("", output_field=TextField())), (lambda: Value(False, output_field=BooleanField()))
    audit = {f"e_{name}": F(name) for name in _AUDIT}

    def arm(queryset: QuerySet, kind: str, **columns: Any) -> QuerySet:
        values = {f"e_{name}": columns[name] if name in columns else F(name) for name in _ENTITY_COLUMNS}
        return _arm(queryset, e_kind=Value(kind), **audit, **values, e_members=MEMBER_COUNT)

    roles = arm(
        Role.objects.filter(pk__any=role_ids),
        "role",
        default_role_id=Value(None, output_field=CharField()),
    )
    team_roles = arm(
        TeamRole.objects.filter(pk__any=team_role_ids),
        "team_role",
        all_teams=flag(),
        break_glass=flag(),
        default_role_id=Value(None, output_field=CharField()),
    )
    teams = arm(
        Team.objects.filter(pk__any=team_ids),
        "team",
        key=text(),
        description=text(),
        all_teams=flag(),
        break_glass=flag(),
    )
    return roles.union(team_roles, teams, all=True)


_ENTITY_ROWS = CompiledQuery(
    _entity_rows, "role_ids", "team_ids", "team_role_ids", lists=("role_ids", "team_ids", "team_role_ids")
)


class Entity(SimpleNamespace):
    """A role, team or team role of a page: its model's attributes (`pk` and `id` alike), its member count and, for
    roles, its permission count."""


def _entities(
    role_ids: set[str], team_ids: set[str], team_role_ids: set[str]
) -> tuple[list[Entity], list[Entity], list[Entity]]:
    found: dict[str, list[Entity]] = {"role": [], "team": [], "team_role": []}
    rows = _ENTITY_ROWS.rows(role_ids=list(role_ids), team_ids=list(team_ids), team_role_ids=list(team_role_ids))
    for kind, *row, members in rows:
        values = dict(zip(_AUDIT, row[: len(_AUDIT)], strict=True))
        values.update(zip(_ENTITY_COLUMNS, row[len(_AUDIT) :], strict=True))
        for column in _NOT_OF[kind]:
            del values[column]
        if kind != "team":
            values["permission_count"] = len(key_permissions(values["key"], team=kind == "team_role"))
        found[kind].append(Entity(pk=values["id"], member_count=members, **values))
    return _by_name(found["role"]), _by_name(found["team"]), _by_name(found["team_role"])


# The columns of the UNION a kind of entity does not have (filled with constants there).
_NOT_OF = {
    "role": ("default_role_id",),
    "team_role": ("all_teams", "break_glass", "default_role_id"),
    "team": ("key", "description", "all_teams", "break_glass"),
}


def _by_name(entities: list[Any]) -> list[Any]:
    """The models' own ordering (name), then the id: the same entities always come in the same order."""
    return sorted(entities, key=lambda entity: (entity.name, entity.pk))


# Org reads user facts through the user model's related names (`emails`, `totp`, `recovery_codes`): the user model is
# settings.AUTH_USER_MODEL, and importing identity from org would point the layers the wrong way.

_EMAIL_FIELDS = ("email", "verified_at", *_AUDIT)


def _user_fact_rows(*, ids: list[str]) -> QuerySet:
    user_model = get_user_model()
    totp = user_model._meta.get_field("totp").related_model
    recovery = user_model._meta.get_field("recovery_codes").related_model
    return (
        user_model.objects.filter(pk__any=ids)
        .annotate(
            has_2fa=Exists(totp.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)),
            has_recovery=Exists(recovery.objects.filter(user=OuterRef("pk"), used_at__isnull=True)),
        )
        .order_by("pk", "emails__created_at", "emails__id")
        .values_list("pk", "has_2fa", "has_recovery", *(f"emails__{name}" for name in _EMAIL_FIELDS))
    )


_USER_FACT_ROWS = CompiledQuery(_user_fact_rows, "ids", lists=("ids",))


def _user_facts(users: list[Any]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, UserAuth]]:
    rows = _USER_FACT_ROWS.rows(ids=[u.pk for u in users])
    emails: dict[str, list[dict[str, Any]]] = {u.pk: [] for u in users}
    flags: dict[str, tuple[bool, bool]] = {}
    for user_id, has_2fa, has_recovery, *email in rows:
        flags[user_id] = (has_2fa, has_recovery)
        address = dict(zip(_EMAIL_FIELDS, email, strict=True))
        if address["id"] is not None:  # None: the user has recorded no address (LEFT JOIN)
            emails[user_id].append({"user_id": user_id, **address})
    auth = {}
    for user in users:
        if not any(e["email"] == user.email for e in emails[user.pk]):
            # The login email is always an address of the user, recorded or not.
            emails[user.pk].insert(
                0,
                {
                    "user_id": user.pk,
                    "email": user.email,
                    "verified_at": user.email_verified_at,
                    "created_at": user.created_at,
                    "created_by": user.created_by,
                    "updated_at": user.updated_at,
                    "updated_by": user.updated_by,
                },
            )
        has_2fa, has_recovery = flags.get(user.pk, (False, False))
        auth[user.pk] = UserAuth(has_password=user.has_usable_password(), has_2fa=has_2fa, has_recovery=has_recovery)
    return emails, auth


@dataclass
class Badges:
    """What the console's member table shows of a member's links: its roles and teams."""

    roles: list[Named] = field(default_factory=list)
    teams: list[Named] = field(default_factory=list)


def _badge_rows(*, ids: list[str]) -> QuerySet:
    roles = _arm(
        MemberRole.objects.filter(member_id__any=ids),
        b_member=F("member_id"),
        b_team=Value(False, output_field=BooleanField()),
        b_id=F("role_id"),
        b_name=F("role__name"),
        b_created=F("created_at"),
        b_link=F("id"),
    )
    teams = _arm(
        TeamMember.objects.filter(member_id__any=ids),
        b_member=F("member_id"),
        b_team=Value(True, output_field=BooleanField()),
        b_id=F("team_id"),
        b_name=F("team__name"),
        b_created=F("created_at"),
        b_link=F("id"),
    )
    return roles.union(teams, all=True)


_BADGE_ROWS = CompiledQuery(_badge_rows, "ids", lists=("ids",))


def member_badges(members: list[Member]) -> dict[str, Badges]:
    """Member id -> its roles and teams with their names, each in the order the member got them, for every member
    of `members` (one query, whatever their number)."""
    badges = {m.pk: Badges() for m in members}
    if not members:
        return badges
    rows = sorted(_BADGE_ROWS.rows(ids=list(badges)), key=lambda row: (row[4], row[5]))
    for member_id, is_team, target_id, name, _created, _link in rows:
        (badges[member_id].teams if is_team else badges[member_id].roles).append(Named(target_id, name))
    return badges
