"""Console pages for identity providers: list, wizard (step 1: the type; step 2: issuer and client, tested
as typed, then saved — an enabled provider only once its test passes — or auto-setup), edit, rotate, delete;
and one's own linked SSO identities. Same services as the API."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.console import console_view, submit, succeeded
from apps.core.console_list import Column, console_list
from apps.core.errors import ApplicationError, NotFound
from apps.core.htmx import is_partial
from apps.identity.sso import selectors, services
from apps.identity.sso.catalog import ProviderType, provider_type, provider_types
from apps.identity.sso.forms import AutoSetupForm, IdentityProviderForm, RotateSecretForm, add_service_errors
from apps.identity.sso.models import IdentityProvider
from apps.org.access import has, require

IDP_COLUMNS = (Column("Name", "name"), Column("Type"), Column("Issuer", "issuer"), Column("Sign-in page"))


def _callback_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sso-callback"))


def _sign_in_url(request: HttpRequest) -> str:
    """The organization's own sign-in page: the only one that shows its providers' buttons."""
    org = request.principal.org  # type: ignore[attr-defined]
    return request.build_absolute_uri(f"{reverse('login')}?org={org.slug}") if org else ""


class _SaveErrors:
    """The form's errors after a save the service refused; remembers a failed connection test, so the page
    can offer to enable the provider anyway."""

    def __init__(self) -> None:
        self.test_failed = False

    def __call__(self, form: IdentityProviderForm, exc: ApplicationError) -> None:
        self.test_failed = exc.code == "connection_test_failed"
        add_service_errors(form, exc)


def _idp(request: HttpRequest, idp_id: str) -> IdentityProvider:
    return selectors.idp_get(principal=request.principal, idp_id=idp_id)  # type: ignore[attr-defined]


def _kind(type_id: str, *, auto_setup: bool = False) -> ProviderType:
    kind = provider_type(type_id)
    if kind is None or (auto_setup and not kind.dcr_supported):
        raise NotFound("Unknown provider type.", code="provider_type_not_found")
    return kind


@console_view
@require_GET
def idp_list_page(request: HttpRequest) -> HttpResponse:
    listing = console_list(
        request,
        selectors.idp_list(principal=request.principal),  # type: ignore[attr-defined]
        selectors.IDP_LIST,
        columns=IDP_COLUMNS,
        target="idp-table",
        noun="identity provider",
    )
    names = {t.id: t.name for t in provider_types()}
    context = {
        "list": listing,
        "rows": [(idp, names.get(idp.provider_type, idp.provider_type)) for idp in listing.items],
        "can_manage": has(request.principal, services.MANAGE),  # type: ignore[attr-defined]
        "sign_in_url": _sign_in_url(request),
    }
    return render(request, "sso/_idp_table.html" if listing.partial else "sso/idp_list.html", context)


@console_view
@require_GET
def idp_new_page(request: HttpRequest) -> HttpResponse:
    require(request.principal, services.MANAGE)  # type: ignore[attr-defined]
    return render(request, "sso/idp_new.html", {"types": provider_types()})


def _test_report(request: HttpRequest, issuer: str, form: IdentityProviderForm) -> services.ConnectionReport | None:
    try:
        return services.issuer_test(principal=request.principal, issuer=issuer)  # type: ignore[attr-defined]
    except ApplicationError as exc:
        add_service_errors(form, exc)
        return None


def _form_page(request: HttpRequest, context: dict, report_only: bool) -> HttpResponse:
    if report_only and is_partial(request):
        return render(request, "sso/idp_form.html#connection-report", context)
    return render(request, "sso/idp_form.html", context)


def _save(
    request: HttpRequest,
    form: IdentityProviderForm,
    context: dict,
    action: Callable[[dict], IdentityProvider],
    done: Callable[[IdentityProvider], HttpResponse],
) -> HttpResponse:
    """ "Test connection" tests the issuer typed in the form (nothing is saved); "Save" saves through the service."""
    if request.method == "POST" and request.POST.get("action") == "test":
        report = _test_report(request, request.POST.get("issuer", ""), form)
        return _form_page(request, {**context, "form": form, "report": report}, report_only=True)
    errors = _SaveErrors()
    return submit(
        request,
        form,
        action,
        done=done,
        page=lambda form: _form_page(request, {**context, "form": form, "test_failed": errors.test_failed}, False),
        errors=errors,
    )


@console_view
@require_http_methods(["GET", "POST"])
def idp_create_page(request: HttpRequest, type_id: str) -> HttpResponse:
    principal = request.principal  # type: ignore[attr-defined]
    require(principal, services.MANAGE)
    kind = _kind(type_id)
    form = IdentityProviderForm(request.POST or None, initial={"name": kind.name, "issuer": kind.default_issuer})
    context = {"kind": kind, "report": None, "callback_url": _callback_url(request), "idp": None}
    return _save(
        request,
        form,
        context,
        lambda _data: services.idp_create(principal=principal, provider_type_id=kind.id, **form.service_kwargs()),
        lambda idp: succeeded(request, "sso-idps", f"{idp.name} was added."),
    )


@console_view
@require_http_methods(["GET", "POST"])
def idp_auto_setup_page(request: HttpRequest, type_id: str) -> HttpResponse:
    principal = request.principal  # type: ignore[attr-defined]
    require(principal, services.MANAGE)
    kind = _kind(type_id, auto_setup=True)
    return submit(
        request,
        AutoSetupForm(request.POST or None, initial={"name": kind.name, "provider_url": kind.default_issuer}),
        lambda data: services.idp_auto_setup(
            principal=principal,
            name=data["name"],
            provider_url=data["provider_url"],
            provider_type_id=kind.id,
            initial_access_token=data["initial_access_token"],
            redirect_uri=_callback_url(request),
        ),
        done=lambda idp: succeeded(
            request, reverse("sso-idp", kwargs={"idp_id": idp.pk}), f"{idp.name} was registered and added."
        ),
        page=lambda form: render(request, "sso/auto_setup.html", {"form": form, "kind": kind}),
        errors=add_service_errors,
    )


@console_view
@require_http_methods(["GET", "POST"])
def idp_edit_page(request: HttpRequest, idp_id: str) -> HttpResponse:
    principal = request.principal  # type: ignore[attr-defined]
    idp = _idp(request, idp_id)
    initial = {
        "name": idp.name,
        "issuer": idp.issuer,
        "client_id": idp.client_id,
        "scopes": " ".join(idp.scopes),
        "allowed_email_domains": " ".join(idp.allowed_email_domains),
        "enabled": idp.is_enabled,
    }
    form = IdentityProviderForm(request.POST or None, initial=initial, secret_required=False)
    context = {
        "idp": idp,
        "kind": provider_type(idp.provider_type),
        "report": None,
        "can_manage": has(principal, services.MANAGE),
        "rotate_form": RotateSecretForm(),
        "callback_url": _callback_url(request),
        "sign_in_url": _sign_in_url(request),
    }
    if request.method == "POST":
        require(principal, services.MANAGE)
    return _save(
        request,
        form,
        context,
        lambda _data: services.idp_update(principal=principal, idp=idp, **form.service_kwargs()),
        lambda _: succeeded(request, "sso-idps", f"{idp.name} was saved."),
    )


@console_view
@require_POST
def idp_rotate_page(request: HttpRequest, idp_id: str) -> HttpResponse:
    idp = _idp(request, idp_id)
    form = RotateSecretForm(request.POST)
    if form.is_valid():
        try:
            services.idp_rotate_secret(
                principal=request.principal,  # type: ignore[attr-defined]
                idp=idp,
                client_secret=form.cleaned_data["client_secret"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"The client secret of {idp.name} was replaced.")
    else:
        messages.error(request, "Give the new client secret.")
    return redirect("sso-idp", idp_id=idp.pk)


@console_view
@require_POST
def idp_delete_page(request: HttpRequest, idp_id: str) -> HttpResponse:
    idp = _idp(request, idp_id)
    try:
        services.idp_delete(principal=request.principal, idp=idp)  # type: ignore[attr-defined]
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("sso-idp", idp_id=idp.pk)
    messages.success(request, f"{idp.name} was deleted.")
    return redirect("sso-idps")


@console_view
@require_GET
def identities_page(request: HttpRequest) -> HttpResponse:
    identities = list(selectors.identities_of(user_id=request.user.pk))
    linked = {i.identity_provider_id for i in identities}
    org_slug = request.principal.org.slug if request.principal.org else None  # type: ignore[attr-defined]
    available = [p for p in selectors.link_candidates(org_slug=org_slug) if p.pk not in linked]
    return render(request, "sso/identities.html", {"identities": identities, "available": available})


@console_view
@require_POST
def identity_unlink_page(request: HttpRequest, identity_id: str) -> HttpResponse:
    identity = selectors.identities_of(user_id=request.user.pk).filter(pk=identity_id).first()
    if identity is None:
        raise NotFound("No such linked identity.", code="linked_identity_not_found")
    services.sso_identity_unlink(user=request.user, identity=identity)  # type: ignore[arg-type]
    messages.success(request, f"{identity.identity_provider.name} is no longer linked.")
    return redirect("sso-identities")
