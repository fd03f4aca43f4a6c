from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from apps.core.console import console_view, submit, succeeded
from apps.org.access import has, require
from apps.org.forms import PolicyForm, form_error
from apps.org.models import Member, Team
from apps.org.permissions import CATALOG
from apps.org.selectors.policies import policy_list
from apps.org.selectors.roles import role_list, role_permissions, team_role_list
from apps.org.services import policies as services


@console_view
@require_GET
def role_matrix(request: HttpRequest) -> HttpResponse:
    """Every permission against every organization and team role."""
    principal = request.principal
    roles = list(role_list(principal=principal).order_by("name"))
    team_roles = list(team_role_list(principal=principal).order_by("name"))
    columns = [(r, role_permissions(r)) for r in [*roles, *team_roles]]
    rows = [{"relation": rel, "cells": [rel.relation in perms for _role, perms in columns]} for rel in CATALOG]
    return render(
        request,
        "org/roles.html",
        {"roles": roles, "team_roles": team_roles, "columns": [r for r, _ in columns], "rows": rows},
    )


def _principal_choices(org) -> list[tuple[str, str]]:
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
            {"policy": p, "name": names.get(p.principal_id, p.principal_id)} for p in policy_list(principal=principal)
        ]
        context = {"policies": policies, "form": form, "can_manage": has(principal, "CanManagePolicies")}
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


@console_view
@require_POST
def policy_delete(request: HttpRequest, principal_id: str) -> HttpResponse:
    services.policy_delete(principal=request.principal, principal_id=principal_id)
    return succeeded(request, "org-policies", "Policy deleted.")
