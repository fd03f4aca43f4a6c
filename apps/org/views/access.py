"""Who may do what, in words: the role matrix and the policies grouped by domain with each permission's
description, and a member's effective permissions with where each comes from."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from apps.core.console import console_view, submit, succeeded
from apps.org.access import has, require
from apps.org.forms import PolicyForm, form_error
from apps.org.models import Member, Organization, Team
from apps.org.permission_domains import Permission, catalog_groups, effective_permissions, permission
from apps.org.selectors.members import member_get
from apps.org.selectors.policies import policy_list
from apps.org.selectors.relations import member_relations
from apps.org.selectors.roles import role_list, role_permissions, team_role_list
from apps.org.services import policies as services


@console_view
@require_GET
def role_matrix(request: HttpRequest) -> HttpResponse:
    """Every permission (grouped by domain, with its description) against every organization and team role."""
    principal = request.principal
    roles = list(role_list(principal=principal).order_by("name"))
    team_roles = list(team_role_list(principal=principal).order_by("name"))
    columns = [(r, role_permissions(r)) for r in [*roles, *team_roles]]
    groups = [
        (domain, [{"permission": p, "cells": [p.relation in perms for _role, perms in columns]} for p in permissions])
        for domain, permissions in catalog_groups()
    ]
    context = {"roles": roles, "team_roles": team_roles, "columns": [r for r, _ in columns], "groups": groups}
    return render(request, "org/roles.html", context)


def _principal_choices(org: Organization) -> list[tuple[str, str]]:
    users = [
        (m.user_id, f"User · {m.name or m.email}") for m in Member.objects.filter(organization=org).order_by("name")
    ]
    teams = [(t.pk, f"Team · {t.name}") for t in Team.objects.filter(organization=org).order_by("name")]
    accounts = [(a.pk, f"Service account · {a.username}") for a in org.service_accounts.order_by("username")]
    return [*users, *teams, *accounts]


@console_view
def policies_page(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    require(principal, "CanViewPolicies")
    choices = _principal_choices(principal.org)
    names = dict(choices)
    editing = request.GET.get("principal") or request.POST.get("principal")
    current = policy_list(principal=principal).filter(principal_id=editing).first() if editing else None
    form = PolicyForm(
        request.POST or None,
        principals=choices,
        initial={"principal": editing, "permissions": current.permissions if current else []},
    )

    def page(form: PolicyForm) -> HttpResponse:
        policies = [
            {"policy": p, "name": names.get(p.principal_id, p.principal_id), "permissions": _known(p.permissions)}
            for p in policy_list(principal=principal)
        ]
        context = {
            "policies": policies,
            "form": form,
            "groups": catalog_groups(include_system_only=False),
            "selected": form.selected(),
            "can_manage": has(principal, "CanManagePolicies"),
        }
        return render(request, "org/policies.html", context)

    return submit(
        request,
        form,
        lambda data: services.policy_set(
            principal=principal, principal_id=data["principal"], permissions=data["permissions"]
        ),
        done=lambda _: succeeded(
            request, "org-policies", f"Policy of {names.get(form.cleaned_data['principal'])} saved."
        ),
        page=page,
        errors=form_error,
    )


def _known(relations: list[str]) -> list[Permission]:
    catalog = {p.relation for _domain, group in catalog_groups() for p in group}
    return [permission(r) for r in relations if r in catalog]


@console_view
@require_POST
def policy_delete(request: HttpRequest, principal_id: str) -> HttpResponse:
    services.policy_delete(principal=request.principal, principal_id=principal_id)
    return succeeded(request, "org-policies", "Policy deleted.")


@console_view
@require_GET
def member_page(request: HttpRequest, member_id: str) -> HttpResponse:
    """A member: their roles, teams and effective permissions, each with its source."""
    principal = request.principal
    member = member_get(principal=principal, member_id=member_id)
    relations = member_relations([member])
    roles = {r.pk: r for r in relations.roles}
    team_roles = {r.pk: r for r in relations.team_roles}
    teams: list[dict[str, Any]] = [
        {"team": t, "roles": [team_roles[r] for r in relations.team_role_ids(member).get(t.pk, [])]}
        for t in sorted(relations.teams, key=lambda t: t.name.lower())
    ]
    context = {
        "member": member,
        "roles": [roles[r] for r in relations.role_ids(member)],
        "teams": teams,
        "groups": effective_permissions(member),
        "can_manage": has(principal, "CanManageMembers"),
        "can_set_policy": has(principal, "CanManagePolicies"),
    }
    return render(request, "org/member.html", context)
