from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.core.console import add_service_error, console_view
from apps.core.errors import ApplicationError
from apps.org.access import has, require
from apps.org.forms import PolicyForm
from apps.org.models import Member, Team
from apps.org.permissions import CATALOG
from apps.org.selectors.policies import policy_queryset
from apps.org.selectors.roles import role_permissions, role_queryset, team_role_queryset
from apps.org.services import policies as services


@console_view
@require_GET
def role_matrix(request: HttpRequest) -> HttpResponse:
    """Every permission against every organization and team role."""
    principal = request.principal
    roles = list(role_queryset(principal).order_by("name"))
    team_roles = list(team_role_queryset(principal).order_by("name"))
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
    accounts = [
        (a.pk, f"Service account · {a.username}")
        for a in org.service_accounts.order_by("username")
    ]
    return [*users, *teams, *accounts]


@console_view
def policy_list(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    require(principal, "CanViewPolicies")
    choices = _principal_choices(principal.org)
    names = dict(choices)
    editing = request.GET.get("principal") or request.POST.get("principal")
    current = policy_queryset(principal).filter(principal_id=editing).first() if editing else None
    form = PolicyForm(
        request.POST or None,
        principals=choices,
        initial={"principal": editing, "permissions": current.permissions if current else []},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_set(
                principal=principal,
                principal_id=form.cleaned_data["principal"],
                permissions=form.cleaned_data["permissions"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Policy of {names.get(form.cleaned_data['principal'])} saved.")
            return redirect("org-policies")
    policies = [{"policy": p, "name": names.get(p.principal_id, p.principal_id)} for p in policy_queryset(principal)]
    return render(
        request,
        "org/policies.html",
        {"policies": policies, "form": form, "can_manage": has(principal, "CanManagePolicies")},
    )


@console_view
@require_POST
def policy_delete(request: HttpRequest, principal_id: str) -> HttpResponse:
    services.policy_delete(principal=request.principal, principal_id=principal_id)
    messages.success(request, "Policy deleted.")
    return redirect("org-policies")
