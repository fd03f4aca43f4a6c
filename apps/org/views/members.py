from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.core.api.pagination import numbered_page
from apps.core.console import Pager, add_service_error, console_view
from apps.core.errors import ApplicationError
from apps.core.htmx import hx_trigger, is_partial
from apps.org.access import has
from apps.org.api.views.members import MEMBER_PAGE
from apps.org.forms import InviteForm, MemberRolesForm
from apps.org.models import Role
from apps.org.selectors.members import member_get, member_search
from apps.org.selectors.relations import member_relations
from apps.org.selectors.teams import team_queryset
from apps.org.services import invitations, members

PAGE_SIZE = 25


def _filters(request: HttpRequest) -> dict:
    wanted = {
        "search": request.GET.get("q", "").strip(),
        "roleId": request.GET.get("role", ""),
        "teamId": request.GET.get("team", ""),
    }
    member_filter = {k: v for k, v in wanted.items() if v}
    if request.GET.get("status") in ("enabled", "disabled"):
        member_filter["isEnabled"] = request.GET["status"] == "enabled"
    return member_filter


def _table_context(request: HttpRequest) -> dict:
    principal = request.principal
    params = {
        "page": request.GET.get("page", "1"),
        "limit": str(PAGE_SIZE),
        "sortBy": request.GET.get("sort", "name"),
        "sortDirection": request.GET.get("dir", "asc"),
    }
    page = numbered_page(member_search(principal=principal, member_filter=_filters(request)), params, MEMBER_PAGE)
    relations = member_relations(page.objects)
    roles = {r.pk: r for r in relations.roles}
    teams = {t.pk: t for t in relations.teams}
    rows = [
        {
            "member": m,
            "roles": [roles[i] for i in relations.role_ids(m)],
            "teams": [teams[t] for t in relations.team_role_ids(m)],
        }
        for m in page.objects
    ]
    return {
        "rows": rows,
        "pager": Pager(request, page, limit=PAGE_SIZE, target="#member-table"),
        "sort": params["sortBy"],
        "dir": params["sortDirection"],
        "can_manage": has(principal, "CanManageMembers"),
        "can_invite": has(principal, "CanManageInvitations"),
    }


@console_view
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    try:
        context = _table_context(request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("org-members")
    if is_partial(request):
        return render(request, "org/members.html#member-table", context)
    principal = request.principal
    context.update(
        roles=Role.objects.filter(organization=principal.org).order_by("name"),
        teams=team_queryset(principal).order_by("name"),
        invite_form=InviteForm(org=principal.org, teams=team_queryset(principal).order_by("name")),
        filters=request.GET,
    )
    return render(request, "org/members.html", context)


@console_view
@require_POST
def member_invite(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    teams = team_queryset(principal).order_by("name")
    form = InviteForm(request.POST, org=principal.org, teams=teams)
    if form.is_valid():
        data = form.cleaned_data
        try:
            invitations.invitation_create(
                principal=principal,
                email=data["email"],
                name=data["name"],
                organization_role_id=data["role"],
                team_assignments=[{"teamId": data["team"]}] if data["team"] else [],
            )
        except ApplicationError as exc:
            add_service_error(form, exc, {"organizationRoleId": "role"})
        else:
            text = f"Invitation sent to {data['email']}."
            if is_partial(request):
                response = render(
                    request, "org/_invite_form.html", {"invite_form": InviteForm(org=principal.org, teams=teams)}
                )
                return hx_trigger(response, toast={"level": "success", "text": text}, closeDialogs=True)
            messages.success(request, text)
            return redirect("org-members")
    return render(
        request,
        "org/_invite_form.html" if is_partial(request) else "org/invite_page.html",
        {"invite_form": form},
        status=200,
    )


@console_view
def member_roles(request: HttpRequest, member_id: str) -> HttpResponse:
    principal = request.principal
    member = member_get(principal=principal, member_id=member_id)
    form = MemberRolesForm(
        request.POST or None, org=principal.org, initial={"roles": list(member.roles.values_list("pk", flat=True))}
    )
    if request.method == "POST" and form.is_valid():
        try:
            members.member_roles_set(principal=principal, member=member, role_ids=form.cleaned_data["roles"])
        except ApplicationError as exc:
            add_service_error(form, exc, {"roleIds": "roles"})
        else:
            messages.success(request, f"Roles of {member.name or member.email} updated.")
            return redirect("org-members")
    return render(request, "org/member_roles.html", {"member": member, "form": form})


@console_view
@require_POST
def member_remove(request: HttpRequest, member_id: str) -> HttpResponse:
    principal = request.principal
    member = member_get(principal=principal, member_id=member_id)
    try:
        members.member_remove(principal=principal, member=member)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{member.name or member.email} was removed from the organization.")
    return redirect("org-members")
