from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.console import add_service_error, console_view
from apps.core.errors import ApplicationError
from apps.org.access import has
from apps.org.forms import TeamForm, TeamMemberForm, TeamMemberRolesForm
from apps.org.selectors.members import member_get
from apps.org.selectors.relations import member_relations
from apps.org.selectors.teams import member_candidates, team_get, team_members, team_queryset
from apps.org.services import teams as services


@console_view
def team_list(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    form = TeamForm(request.POST or None, org=principal.org)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                principal=principal, name=form.cleaned_data["name"], default_role_id=form.cleaned_data["default_role"]
            )
        except ApplicationError as exc:
            add_service_error(form, exc, {"defaultRoleId": "default_role"})
        else:
            messages.success(request, f"Team {team.name} created.")
            return redirect("org-team", team_id=team.pk)
    search = request.GET.get("q", "").strip()
    teams = team_queryset(principal).order_by("name")
    if search:
        teams = teams.filter(name__icontains=search)
    return render(
        request,
        "org/teams.html",
        {"teams": teams, "form": form, "q": search, "can_manage": has(principal, "CanManageTeams")},
    )


@console_view
def team_detail(request: HttpRequest, team_id: str) -> HttpResponse:
    principal = request.principal
    team = team_get(principal=principal, team_id=team_id)
    links = list(team_members(team=team).order_by("member__name", "member__email"))
    relations = member_relations([link.member for link in links])
    team_roles = {r.pk: r for r in relations.team_roles}
    rows = [
        {"link": link, "roles": [team_roles[r] for r in relations.team_role_ids(link.member).get(team.pk, [])]}
        for link in links
    ]
    can_manage = has(principal, "CanManageTeams", team_ids=[team.pk])
    context = {
        "team": team,
        "rows": rows,
        "can_manage": can_manage,
        "add_form": TeamMemberForm(team=team, candidates=member_candidates(team=team)) if can_manage else None,
        "rename_form": TeamForm(org=principal.org, initial={"name": team.name, "default_role": team.default_role_id}),
    }
    return render(request, "org/team_detail.html", context)


@console_view
@require_POST
def team_update(request: HttpRequest, team_id: str) -> HttpResponse:
    principal = request.principal
    team = team_get(principal=principal, team_id=team_id)
    form = TeamForm(request.POST, org=principal.org)
    if form.is_valid():
        try:
            services.team_update(
                principal=principal,
                team=team,
                name=form.cleaned_data["name"],
                default_role_id=form.cleaned_data["default_role"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.field_errors.get("name", exc.message))
        else:
            messages.success(request, "Team updated.")
    else:
        messages.error(request, "Give the team a name.")
    return redirect("org-team", team_id=team.pk)


@console_view
@require_POST
def team_delete(request: HttpRequest, team_id: str) -> HttpResponse:
    principal = request.principal
    team = team_get(principal=principal, team_id=team_id)
    services.team_delete(principal=principal, team=team)
    messages.success(request, f"Team {team.name} deleted.")
    return redirect("org-teams")


@console_view
@require_POST
def team_member_add(request: HttpRequest, team_id: str) -> HttpResponse:
    principal = request.principal
    team = team_get(principal=principal, team_id=team_id)
    form = TeamMemberForm(request.POST, team=team, candidates=member_candidates(team=team))
    if form.is_valid():
        try:
            services.team_member_add(
                principal=principal,
                team=team,
                member=member_get(principal=principal, member_id=form.cleaned_data["member"]),
                role_ids=[form.cleaned_data["role"]],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Member added to the team.")
    else:
        messages.error(request, "Choose a member and a role.")
    return redirect("org-team", team_id=team.pk)


@console_view
@require_POST
def team_member_remove(request: HttpRequest, team_id: str, member_id: str) -> HttpResponse:
    principal = request.principal
    team = team_get(principal=principal, team_id=team_id)
    services.team_member_remove(
        principal=principal, team=team, member=member_get(principal=principal, member_id=member_id)
    )
    messages.success(request, "Member removed from the team.")
    return redirect("org-team", team_id=team.pk)


@console_view
def team_member_roles(request: HttpRequest, team_id: str, member_id: str) -> HttpResponse:
    principal = request.principal
    team = team_get(principal=principal, team_id=team_id)
    member = member_get(principal=principal, member_id=member_id)
    current = member_relations([member]).team_role_ids(member).get(team.pk, [])
    form = TeamMemberRolesForm(request.POST or None, org=principal.org, initial={"roles": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_roles_set(
                principal=principal, team=team, member=member, role_ids=form.cleaned_data["roles"]
            )
        except ApplicationError as exc:
            add_service_error(form, exc, {"roleIds": "roles"})
        else:
            messages.success(request, "Team roles updated.")
            return redirect("org-team", team_id=team.pk)
    return render(request, "org/team_member_roles.html", {"team": team, "member": member, "form": form})
