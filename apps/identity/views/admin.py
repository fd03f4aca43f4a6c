"""Organization administration pages: users, service accounts and their API keys."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.api.pagination import PageOptions, numbered_page
from apps.core.console import console_view
from apps.core.errors import ApplicationError, Forbidden, NotFound
from apps.core.htmx import is_partial
from apps.identity import forms, selectors
from apps.identity.services import org_users, service_accounts
from apps.identity.views.common import form_error
from apps.org.access import has

PAGE_SIZE = 25
USER_PAGES = PageOptions(
    sort_fields={"email": ("email",)},
    default_sort="email",
    search_fields=("email", "given_name", "family_name", "display_name"),
)


def org_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A console page acting in the current organization: 404 outside it, 403 without the permission."""

    @console_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.principal.org is None:
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapper


@org_page
@require_GET
def users_page(request: HttpRequest) -> HttpResponse:
    params = {"limit": str(PAGE_SIZE), "page": request.GET.get("page", "1"), "search": request.GET.get("search", "")}
    try:
        page = numbered_page(selectors.org_users(principal=request.principal), params, USER_PAGES)
    except ApplicationError:
        page = numbered_page(selectors.org_users(principal=request.principal), {"limit": str(PAGE_SIZE)}, USER_PAGES)
    number = int(params["page"]) if params["page"].isdigit() else 1
    context = {
        "users": page.objects,
        "total": page.total,
        "search": params["search"],
        "page": number,
        "has_previous": number > 1,
        "has_next": number * PAGE_SIZE < (page.total or 0),
        "can_manage": has(request.principal, "CanManageUsers"),
    }
    template = "identity/users.html#user-table" if is_partial(request) else "identity/users.html"
    return render(request, template, context)


@org_page
@require_http_methods(["GET", "POST"])
def user_new_page(request: HttpRequest) -> HttpResponse:
    form = forms.UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = org_users.org_user_create(principal=request.principal, **form.cleaned_data)
        except ApplicationError as exc:
            if isinstance(exc, Forbidden):
                raise
            form_error(form, exc)
        else:
            messages.success(request, f"{user.email} was added and emailed a link to set a password.")
            return redirect("identity-user", user.pk)
    return render(request, "identity/user_form.html", {"form": form, "subject": None})


@org_page
@require_http_methods(["GET", "POST"])
def user_page(request: HttpRequest, user_id: str) -> HttpResponse:
    subject = selectors.org_user_get(principal=request.principal, user_id=user_id)
    initial = {f: getattr(subject, f) for f in ("email", "given_name", "family_name", "display_name")}
    form = forms.UserForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            org_users.org_user_update(principal=request.principal, user=subject, **form.cleaned_data)
        except ApplicationError as exc:
            if isinstance(exc, Forbidden):
                raise
            form_error(form, exc)
        else:
            messages.success(request, "User saved.")
            return redirect("identity-user", subject.pk)
    context = {"form": form, "subject": subject, "can_manage": has(request.principal, "CanManageUsers")}
    return render(request, "identity/user_form.html", context)


@org_page
@require_POST
def user_password_reset(request: HttpRequest, user_id: str) -> HttpResponse:
    subject = selectors.org_user_get(principal=request.principal, user_id=user_id)
    password = org_users.org_user_password_reset(principal=request.principal, user=subject)
    return render(request, "identity/temporary_password.html", {"subject": subject, "password": password})


@org_page
@require_POST
def user_mfa_reset(request: HttpRequest, user_id: str) -> HttpResponse:
    subject = selectors.org_user_get(principal=request.principal, user_id=user_id)
    org_users.org_user_mfa_reset(principal=request.principal, user=subject)
    messages.success(request, f"MFA of {subject.email} was reset and their sign-ins ended.")
    return redirect("identity-user", subject.pk)


@org_page
@require_POST
def user_delete(request: HttpRequest, user_id: str) -> HttpResponse:
    subject = selectors.org_user_get(principal=request.principal, user_id=user_id)
    try:
        org_users.org_user_delete(principal=request.principal, user=subject)
    except ApplicationError as exc:
        if isinstance(exc, Forbidden):
            raise
        messages.error(request, exc.message)
        return redirect("identity-user", subject.pk)
    messages.success(request, f"{subject.email} was removed from the organization.")
    return redirect("identity-users")


@org_page
@require_http_methods(["GET", "POST"])
def service_accounts_page(request: HttpRequest) -> HttpResponse:
    form = forms.ServiceAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = service_accounts.service_account_create(principal=request.principal, **form.cleaned_data)
        except ApplicationError as exc:
            if isinstance(exc, Forbidden):
                raise
            form_error(form, exc)
        else:
            messages.success(request, f"Service account {account.username} created.")
            return redirect("identity-service-account", account.pk)
    context = {
        "accounts": selectors.service_accounts(principal=request.principal),
        "form": form,
        "can_manage": has(request.principal, "CanManageServiceAccounts"),
    }
    return render(request, "identity/service_accounts.html", context)


def _account_context(request: HttpRequest, account, **extra) -> dict:
    return {
        "account": account,
        "keys": selectors.api_keys(account=account),
        "key_form": forms.ApiKeyForm(),
        "can_manage": has(request.principal, "CanManageServiceAccounts"),
        **extra,
    }


@org_page
@require_GET
def service_account_page(request: HttpRequest, account_id: str) -> HttpResponse:
    account = selectors.service_account_get(principal=request.principal, account_id=account_id)
    return render(request, "identity/service_account.html", _account_context(request, account))


@org_page
@require_POST
def api_key_create(request: HttpRequest, account_id: str) -> HttpResponse:
    account = selectors.service_account_get(principal=request.principal, account_id=account_id)
    form = forms.ApiKeyForm(request.POST)
    secret = None
    if form.is_valid():
        try:
            _key, secret = service_accounts.api_key_create(
                principal=request.principal,
                account=account,
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except ApplicationError as exc:
            if exc.code == "reauth_required":
                messages.info(request, "Confirm your password to create a key.")
                return redirect(f"/identity/reauth/?next=/identity/service-accounts/{account.pk}/")
            if isinstance(exc, Forbidden):
                raise
            form_error(form, exc)
    context = _account_context(request, account, key_form=form, secret=secret)
    return render(request, "identity/service_account.html", context, status=201 if secret else 400)


@org_page
@require_POST
def api_key_revoke(request: HttpRequest, account_id: str, key_id: str) -> HttpResponse:
    account = selectors.service_account_get(principal=request.principal, account_id=account_id)
    service_accounts.api_key_revoke(
        principal=request.principal, key=selectors.api_key_get(account=account, key_id=key_id)
    )
    messages.success(request, "Key revoked.")
    return redirect("identity-service-account", account.pk)


@org_page
@require_POST
def service_account_delete(request: HttpRequest, account_id: str) -> HttpResponse:
    account = selectors.service_account_get(principal=request.principal, account_id=account_id)
    service_accounts.service_account_delete(principal=request.principal, account=account)
    messages.success(request, f"Service account {account.username} deleted.")
    return redirect("identity-service-accounts")
