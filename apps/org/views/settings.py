"""The organization's settings page, and switching the organization the console acts in."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.console import console_view, submit, succeeded
from apps.core.errors import NotFound
from apps.org.access import require
from apps.org.forms import OrganizationSettingsForm, settings_form_error
from apps.org.selectors.teams import team_list
from apps.org.services.organizations import organization_update

ORG_SESSION_KEY = "organization_id"  # read by the console's middleware and the API's organization resolution


@console_view
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    if principal.org is None:
        raise NotFound("You are not a member of an organization.")
    require(principal, "CanManageOrganization")
    org = principal.org
    form = OrganizationSettingsForm(
        request.POST or None,
        org=org,
        teams=team_list(principal=principal).order_by("name"),
        initial=OrganizationSettingsForm.initial_of(org),
    )
    sign_in_url = request.build_absolute_uri(f"/login/?org={org.slug}")
    return submit(
        request,
        form,
        lambda _data: organization_update(principal=principal, **form.service_kwargs()),
        done=lambda _org: succeeded(request, "org-settings", "Organization settings saved."),
        page=lambda form: render(request, "org/settings.html", {"form": form, "org": org, "sign_in_url": sign_in_url}),
        errors=settings_form_error,
    )


@console_view
@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    """Act in another organization of the person's (the header's switcher)."""
    wanted = request.POST.get("organization", "")
    chosen = next((o for o in getattr(request, "console_orgs", ()) if o.pk == wanted), None)
    if chosen is None:
        raise NotFound("You are not a member of this organization.", code="organization_not_found")
    request.session[ORG_SESSION_KEY] = chosen.pk
    messages.success(request, f"You are now working in {chosen.name}.")
    return redirect("dashboard")
