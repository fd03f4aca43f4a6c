"""Teams: the list (search, sort, pages) with the create form, a team's page, its members and settings."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.console import console_view, submit, succeeded
from apps.core.console_list import Column, console_list
from apps.org.access import has
from apps.org.forms import TeamForm, TeamMemberForm, TeamMemberRolesForm, form_error
from apps.org.models import Team
from apps.org.selectors.members import member_get
from apps.org.selectors.relations import member_relations
from apps.org.selectors.teams import TEAM_LIST, member_candidates, team_get, team_list, team_members
from apps.org.services import teams as services

TEAM_COLUMNS = (Column("Team", "name"), Column("Members", "members"))


def _team_url(team: Team) -> str:
    return reverse("org-team", args=[team.pk])


@console_view
@require_http_methods(["GET", "POST"])
def teams_page(request: HttpRequest) -> HttpResponse:
    principal = request.principal

    def page(form: TeamForm) -> HttpResponse:
        listing = console_list(
            request, team_list(principal=principal), TEAM_LIST, columns=TEAM_COLUMNS, target="team-table", noun="team"
        )
        if listing.partial:
            return render(request, "org/_team_table.html", {"list": listing})
        context = {"list": listing, "form": form, "can_manage": has(principal, "CanManageTeams")}
        return render(request, "org/teams.html", context)

    return submit(
        request,
        TeamForm(request.POST or None, org=principal.org),
        lambda data: services.team_create(principal=principal, name=data["name"], default_role_id=data["default_role"]),
        done=lambda team: succeeded(request, _team_url(team), f"Team {team.name} created."),
        page=page,
        errors=form_error,
    )


def _team_page(request: HttpRequest, team: Team, **forms: Any) -> HttpResponse:
    """A team's page; `forms` replace the blank ones (a form that failed shows its errors)."""
    principal = request.principal
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
        **forms,
    }
    return render(request, "org/team_detail.html", context)


@console_view
def team_detail(request: HttpRequest, team_id: str) -> HttpResponse:
    return _team_page(request, team_get(principal=request.principal, team_id=team_id))


@console_view
@require_POST
def team_update(request: HttpRequest, team_id: str) -> HttpResponse:
    principal = request.principal
    team = team_get(principal=principal, team_id=team_id)
    return submit(
        request,
        TeamForm(request.POST, org=principal.org),
        lambda data: services.team_update(
            principal=principal, team=team, name=data["name"], default_role_id=data["default_role"]
        ),
        done=lambda _: succeeded(request, _team_url(team), "Team updated."),
        page=lambda form: _team_page(request, team, rename_form=form),
        errors=form_error,
    )


@console_view
@require_POST
def team_delete(request: HttpRequest, team_id: str) -> HttpResponse:
    principal = request.principal
    team = team_get(principal=principal, team_id=team_id)
    services.team_delete(principal=principal, team=team)
    return succeeded(request, "org-teams", f"Team {team.name} deleted.")


@console_view
@require_POST
def team_member_add(request: HttpRequest, team_id: str) -> HttpResponse:
    principal = request.principal
    team = team_get(principal=principal, team_id=team_id)
    return submit(
        request,
        TeamMemberForm(request.POST, team=team, candidates=member_candidates(team=team)),
        lambda data: services.team_member_add(
            principal=principal,
            team=team,
            member=member_get(principal=principal, member_id=data["member"]),
            role_ids=[data["role"]],
        ),
        done=lambda _: succeeded(request, _team_url(team), "Member added to the team."),
        page=lambda form: _team_page(request, team, add_form=form),
        errors=form_error,
    )


@console_view
@require_POST
def team_member_remove(request: HttpRequest, team_id: str, member_id: str) -> HttpResponse:
    principal = request.principal
    team = team_get(principal=principal, team_id=team_id)
    services.team_member_remove(
        principal=principal, team=team, member=member_get(principal=principal, member_id=member_id)
    )
    return succeeded(request, _team_url(team), "Member removed from the team.")


@console_view
@require_http_methods(["GET", "POST"])
def team_member_roles(request: HttpRequest, team_id: str, member_id: str) -> HttpResponse:
    principal = request.principal
    team = team_get(principal=principal, team_id=team_id)
    member = member_get(principal=principal, member_id=member_id)
    current = member_relations([member]).team_role_ids(member).get(team.pk, [])
    return submit(
        request,
        TeamMemberRolesForm(request.POST or None, org=principal.org, initial={"roles": current}),
        lambda data: services.team_member_roles_set(
            principal=principal, team=team, member=member, role_ids=data["roles"]
        ),
        done=lambda _: succeeded(request, _team_url(team), "Team roles updated."),
        page=lambda form: render(request, "org/team_member_roles.html", {"team": team, "member": member, "form": form}),
        errors=form_error,
    )
