"""The member directory: the list (search, filters, sort, pages), invitations, roles and removal."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.console import console_view, mail_is_logged, submit, succeeded
from apps.core.console_list import Column, console_list, list_search
from apps.core.htmx import hx_trigger, is_partial
from apps.org.access import has, member_grants, require
from apps.org.forms import InviteForm, MemberRolesForm, confirmation, form_error, unconfirmed_grants
from apps.org.models import Invitation, Role
from apps.org.selectors.invitations import invitation_get, invitation_pending_list
from apps.org.selectors.members import MEMBER_LIST, member_get, member_search
from apps.org.selectors.names import picker_names
from apps.org.selectors.relations import member_badges
from apps.org.selectors.teams import team_names
from apps.org.services import invitations, members

# An invitation's link, shown once after the redirect that follows creating or resending it.
NEW_LINK_SESSION_KEY = "org.invitation_link"
MEMBER_FILTERS = ("role", "team", "status")


def _member_filter(request: HttpRequest) -> dict[str, Any]:
    wanted = {
        "search": list_search(request),
        "roleId": request.GET.get("role", "").strip(),
        "teamId": request.GET.get("team", "").strip(),
    }
    member_filter: dict[str, Any] = {k: v for k, v in wanted.items() if v}
    if request.GET.get("status") in ("enabled", "disabled"):
        member_filter["isEnabled"] = request.GET["status"] == "enabled"
    return member_filter


def _member_table(request: HttpRequest) -> dict[str, Any]:
    principal = request.principal
    can_manage = has(principal, "CanManageMembers")
    columns = [Column("Name", "name"), Column("Email", "email"), Column("Roles"), Column("Teams"), Column("Status")]
    if can_manage:
        columns.append(Column("Actions", hidden_label=True))
    listing = console_list(
        request,
        member_search(principal=principal, member_filter=_member_filter(request)),
        MEMBER_LIST,
        columns=columns,
        target="member-table",
        noun="member",
        filters=MEMBER_FILTERS,
    )
    badges = member_badges(listing.items)
    rows = [{"member": m, "roles": badges[m.pk].roles, "teams": badges[m.pk].teams} for m in listing.items]
    return {"list": listing, "rows": rows, "can_manage": can_manage}


@console_view
@require_GET
def members_page(request: HttpRequest) -> HttpResponse:
    context = _member_table(request)
    if context["list"].partial:
        return render(request, "org/_member_table.html", context)
    principal = request.principal
    roles, teams = picker_names(principal=principal)
    can_invite = has(principal, "CanManageInvitations")
    context.update(roles=roles, teams=teams, can_invite=can_invite)
    if can_invite:  # the invitation form is loaded when its dialog opens
        context.update(_invitations_context(request, request.session.pop(NEW_LINK_SESSION_KEY, None)))
    return render(request, "org/members.html", context)


def _invitations_context(request: HttpRequest, new_link: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"invitations": list(invitation_pending_list(principal=request.principal)), "new_link": new_link}


def _link_issued(
    request: HttpRequest,
    result: tuple[Invitation, str],
    text: str,
    partial: Callable[[dict[str, Any]], HttpResponse],
    **events: Any,
) -> HttpResponse:
    """A new invitation link: its token exists only now (it is stored hashed), so it is shown once, after
    the redirect (kept in the session until the members page shows it) or in the htmx response."""
    invitation, token = result
    link = {"email": invitation.email, "url": invitations.invite_url(token), "text": text, "logged": mail_is_logged()}
    if not is_partial(request):
        request.session[NEW_LINK_SESSION_KEY] = link
        return succeeded(request, "org-members", text)
    return hx_trigger(partial(link), toast={"level": "success", "text": text}, **events)


@console_view
@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    require(principal, "CanManageInvitations")
    teams = list(team_names(principal=principal))
    form = InviteForm(request.POST or None, org=principal.org, teams=teams)

    def invite(data: dict[str, Any]) -> tuple[Invitation, str]:
        return invitations.invitation_create(
            principal=principal,
            email=data["email"],
            name=data["name"],
            organization_role_id=data["role"],
            team_assignments=[{"teamId": data["team"]}] if data["team"] else [],
        )

    def done(result: tuple[Invitation, str]) -> HttpResponse:
        # The dialog closes on a fresh form; the link shows in the pending invitations, out of band.
        def fresh_form_and_list(link: dict[str, Any]) -> HttpResponse:
            blank = {"invite_form": InviteForm(org=principal.org, teams=teams)}
            pending = {**_invitations_context(request, link), "oob": True}
            return HttpResponse(
                render_to_string("org/_invite_form.html", blank, request)
                + render_to_string("org/_invitations.html", pending, request)
            )

        text = f"Invitation sent to {result[0].email}."
        return _link_issued(request, result, text, fresh_form_and_list, closeDialogs=True)

    def page(form: InviteForm, confirm: dict | None = None) -> HttpResponse:
        template = "org/_invite_form.html" if is_partial(request) else "org/invite_page.html"
        return render(request, template, {"invite_form": form, "confirm": confirm})

    if request.method == "POST" and form.is_valid():
        role = Role.objects.filter(organization=principal.org, pk=form.cleaned_data["role"])
        if unconfirmed := unconfirmed_grants(form, list(role)):
            return page(form, confirmation(unconfirmed))
    return submit(
        request,
        form,
        invite,
        done=done,
        page=page,
        errors=form_error,
    )


@console_view
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: str) -> HttpResponse:
    principal = request.principal
    old = invitation_get(principal=principal, invitation_id=invitation_id)
    result = invitations.invitation_resend(principal=principal, invitation=old)
    text = f"A new invitation was sent to {old.email}; the previous link no longer works."
    return _link_issued(
        request,
        result,
        text,
        lambda link: render(request, "org/_invitations.html", _invitations_context(request, link)),
    )


@console_view
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: str) -> HttpResponse:
    principal = request.principal
    invitation = invitation_get(principal=principal, invitation_id=invitation_id)
    invitations.invitation_revoke(principal=principal, invitation=invitation)
    text = f"The invitation of {invitation.email} was revoked; its link no longer works."
    if not is_partial(request):
        return succeeded(request, "org-members", text)
    response = render(request, "org/_invitations.html", _invitations_context(request))
    return hx_trigger(response, toast={"level": "success", "text": text})


@console_view
@require_http_methods(["GET", "POST"])
def member_roles(request: HttpRequest, member_id: str) -> HttpResponse:
    principal = request.principal
    member = member_get(principal=principal, member_id=member_id)
    held = set(member.roles.values_list("pk", flat=True))
    form = MemberRolesForm(request.POST or None, org=principal.org, initial={"roles": list(held)})

    def page(form: MemberRolesForm, confirm: dict | None = None) -> HttpResponse:
        roles = Role.objects.filter(organization=principal.org).order_by("name")
        context = {"member": member, "form": form, "roles": roles, "confirm": confirm}
        return render(request, "org/member_roles.html", context)

    if request.method == "POST" and form.is_valid():
        wanted = list(Role.objects.filter(organization=principal.org, pk__in=form.cleaned_data["roles"]))
        reaches_further = member_grants(member, roles=wanted).beyond(member_grants(member))
        added = [r for r in wanted if r.pk not in held]
        if reaches_further and (unconfirmed := unconfirmed_grants(form, added)):
            return page(form, confirmation(unconfirmed))
    return submit(
        request,
        form,
        lambda data: members.member_roles_set(principal=principal, member=member, role_ids=data["roles"]),
        done=lambda _: succeeded(request, "org-members", f"Roles of {member.name or member.email} updated."),
        page=page,
        errors=form_error,
    )


@console_view
@require_POST
def member_remove(request: HttpRequest, member_id: str) -> HttpResponse:
    principal = request.principal
    member = member_get(principal=principal, member_id=member_id)
    members.member_remove(principal=principal, member=member)
    return succeeded(request, "org-members", f"{member.name or member.email} was removed from the organization.")
