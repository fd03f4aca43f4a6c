"""The yardstick: a bare Django view returning the same rows as a list endpoint, with no framework around it.

Each entry takes the request's organization id and page parameters and returns the rows of one page with
`values()`: no authentication, no permission check, no serializer, no related data. A list endpoint's ratio to
its bare view says what the API's own work costs.
"""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.http import HttpRequest, JsonResponse

from apps.workloads.selectors.runs import LISTED  # the columns a run list shows

BARE: dict[str, Callable[[str, int, int], Any]] = {}


def bare(name: str):
    def register(fn):
        BARE[name] = fn
        return fn

    return register


def _page(request: HttpRequest) -> tuple[int, int]:
    return int(request.GET.get("page", 1)), int(request.GET.get("limit", 100))


@bare("members")
def members(org_id: str, page: int, limit: int) -> list[dict[str, Any]]:
    member = apps.get_model("org", "Member")
    rows = member.objects.filter(organization_id=org_id).order_by("name", "email", "id")
    return list(rows.values("id", "user_id", "name", "email", "is_enabled")[(page - 1) * limit : page * limit])


@bare("members_payload")
def members_payload(org_id: str, page: int, limit: int) -> dict[str, list[dict[str, Any]]]:
    """Every row the members list sends, read as plainly: the page's members with their users' columns, the users'
    addresses and second factors, the members' links (roles, teams, team roles held) and what those name. The
    API's payload without its shape: what the page would cost with no framework, no checks and no serializer."""
    model = apps.get_model
    people = model("org", "Member").objects.filter(organization_id=org_id).order_by("name", "email", "id")
    user_columns = ("email", "given_name", "family_name", "email_verified_at", "created_at", "updated_at")
    members = list(
        people.values(
            "id", "user_id", "name", "email", "is_enabled", "account_type", "preferences", "created_at", "updated_at",
            *(f"user__{name}" for name in user_columns),
        )[(page - 1) * limit : page * limit]
    )  # fmt: skip
    ids, user_ids = [m["id"] for m in members], [m["user_id"] for m in members]
    member_roles = list(model("org", "MemberRole").objects.filter(member_id__in=ids).values())
    member_teams = list(model("org", "TeamMember").objects.filter(member_id__in=ids).values())
    held = list(model("org", "TeamMemberRole").objects.filter(team_member__member_id__in=ids).values())
    named = {
        "roles": ("Role", {link["role_id"] for link in member_roles}),
        "teams": ("Team", {link["team_id"] for link in member_teams}),
        "teamRoles": ("TeamRole", {link["team_role_id"] for link in held}),
    }
    by_user = {"user_id__in": user_ids}
    return {
        "members": members,
        "emails": list(model("identity", "UserEmail").objects.filter(**by_user).values()),
        "totp": list(model("identity", "TotpDevice").objects.filter(**by_user).values("user_id", "confirmed_at")),
        "recovery": list(model("identity", "RecoveryCode").objects.filter(**by_user).values("user_id", "used_at")),
        "memberRoles": member_roles,
        "memberTeams": member_teams,
        "memberTeamRoles": held,
        **{key: list(model("org", name).objects.filter(pk__in=pks).values()) for key, (name, pks) in named.items()},
    }


@bare("teams")
def teams(org_id: str, page: int, limit: int) -> list[dict[str, Any]]:
    team = apps.get_model("org", "Team")
    rows = team.objects.filter(organization_id=org_id).order_by("name", "id")
    return list(rows.values("id", "name", "created_at")[(page - 1) * limit : page * limit])


@bare("users")
def users(org_id: str, page: int, limit: int) -> list[dict[str, Any]]:
    user = apps.get_model("identity", "User")
    rows = user.objects.filter(memberships__organization_id=org_id).order_by("email", "id")
    return list(rows.values("id", "email", "given_name", "family_name")[(page - 1) * limit : page * limit])


@bare("clusters")
def clusters(org_id: str, page: int, limit: int) -> list[dict[str, Any]]:
    cluster = apps.get_model("infra", "Cluster")
    rows = cluster.objects.filter(organization_id=org_id).order_by("name", "id")
    return list(rows.values()[(page - 1) * limit : page * limit])


@bare("jobs")
def jobs(org_id: str, page: int, limit: int) -> list[dict[str, Any]]:
    job = apps.get_model("workloads", "Job")
    rows = job.objects.filter(organization_id=org_id).order_by("created_at", "id")
    fields = ("id", "job_key", "status", "latest_version", "current_version__number", "current_version__cluster_id")
    settings = ("current_version__config", "current_version__cron_expression", "current_version__cron_timezone")
    return list(rows.values(*fields, *settings, "next_run_at", "created_at")[(page - 1) * limit : page * limit])


def bare_runs(request: HttpRequest, scope: str) -> JsonResponse:
    """A page of runs newest first: of a job (`?job=`) or an organization (`?org=`) after the run
    `?after=<created_at ISO>,<id>` (a marker's values), by the plain ORM query bounded so an index reaches it; or
    given by their ids (`?ids=`): a team's jobs' page, which no plain query reads well among the organization's."""
    run = apps.get_model("workloads", "JobRun")
    if scope == "job":
        rows = run.objects.filter(job_id=request.GET["job"])
    elif scope == "org":
        rows = run.objects.filter(organization_id=request.GET["org"])
    else:
        rows = run.objects.filter(pk__in=request.GET["ids"].split(","))
    if request.GET.get("after"):
        at, pk = request.GET["after"].rsplit(",", 1)
        rows = rows.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk), created_at__lte=at)
    rows = rows.order_by("-created_at", "-id").values(*LISTED)[: int(request.GET.get("limit", 100))]
    return JsonResponse({"items": list(rows)})


def bare_view(request: HttpRequest, name: str) -> JsonResponse:
    page, limit = _page(request)
    return JsonResponse({"items": BARE[name](request.GET["org"], page, limit)}, safe=False)
