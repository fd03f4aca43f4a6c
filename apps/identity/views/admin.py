"""Organization administration pages: users, service accounts and their API keys."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.console import console_view, mail_is_logged, submit, succeeded
from apps.core.console_list import Column, console_list
from apps.core.errors import ApplicationError, Forbidden, NotFound
from apps.identity import forms, selectors
from apps.identity.services import org_users, service_accounts
from apps.identity.views.common import form_error
from apps.org.access import has
from apps.org.permission_domains import effective_permissions

USER_COLUMNS = (Column("Email", "email"), Column("Name"), Column("Created", "created"))
SERVICE_ACCOUNT_COLUMNS = (Column("Username", "username"), Column("Description"), Column("Status"))


def org_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A console page acting in the current organization: a 404 for someone without one."""

    @console_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.principal.org is None:
            raise NotFound("You are not a member of an organization.")
        return view(request, *args, **kwargs)

    return wrapper


@org_page
@require_GET
def users_page(request: HttpRequest) -> HttpResponse:
    listing = console_list(
        request,
        selectors.user_list(principal=request.principal),
        selectors.USER_LIST,
        columns=USER_COLUMNS,
        target="user-table",
        noun="user",
    )
    if listing.partial:
        return render(request, "identity/_user_table.html", {"list": listing})
    context = {"list": listing, "can_manage": has(request.principal, "CanManageUsers")}
    return render(request, "identity/users.html", context)


def _user_url(user: Any) -> str:
    return reverse("identity-user", args=[user.pk])


@org_page
@require_http_methods(["GET", "POST"])
def user_new_page(request: HttpRequest) -> HttpResponse:
    how = "written to the server log (no email server is configured)" if mail_is_logged() else "emailed to them"
    return submit(
        request,
        forms.UserForm(request.POST or None),
        lambda data: org_users.org_user_create(principal=request.principal, **data),
        done=lambda user: succeeded(
            request, _user_url(user), f"{user.email} was added; a link to set a password was {how}."
        ),
        page=lambda form: render(request, "identity/user_form.html", {"form": form, "subject": None}),
        errors=form_error,
    )


@org_page
@require_http_methods(["GET", "POST"])
def user_page(request: HttpRequest, user_id: str) -> HttpResponse:
    subject = selectors.org_user_get(principal=request.principal, user_id=user_id)
    initial = {f: getattr(subject, f) for f in ("email", "given_name", "family_name", "display_name")}
    can_manage = has(request.principal, "CanManageUsers")
    return submit(
        request,
        forms.UserForm(request.POST or None, initial=initial),
        lambda data: org_users.org_user_update(principal=request.principal, user=subject, **data),
        done=lambda _: succeeded(request, _user_url(subject), "User saved."),
        page=lambda form: render(
            request, "identity/user_form.html", {"form": form, "subject": subject, "can_manage": can_manage}
        ),
        errors=form_error,
    )


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
    org_users.org_user_delete(principal=request.principal, user=subject)
    return succeeded(request, "identity-users", f"{subject.email} was removed from the organization.")


@org_page
@require_http_methods(["GET", "POST"])
def service_accounts_page(request: HttpRequest) -> HttpResponse:
    principal = request.principal

    def page(form: forms.ServiceAccountForm) -> HttpResponse:
        listing = console_list(
            request,
            selectors.service_account_list(principal=principal),
            selectors.SERVICE_ACCOUNT_LIST,
            columns=SERVICE_ACCOUNT_COLUMNS,
            target="service-account-table",
            noun="service account",
        )
        if listing.partial:
            return render(request, "identity/_service_account_table.html", {"list": listing})
        context = {"list": listing, "form": form, "can_manage": has(principal, "CanManageServiceAccounts")}
        return render(request, "identity/service_accounts.html", context)

    return submit(
        request,
        forms.ServiceAccountForm(request.POST or None),
        lambda data: service_accounts.service_account_create(principal=principal, **data),
        done=lambda account: succeeded(
            request,
            reverse("identity-service-account", args=[account.pk]),
            f"Service account {account.username} created.",
        ),
        page=page,
        errors=form_error,
    )


def _account_context(request: HttpRequest, account, **extra) -> dict:
    return {
        "account": account,
        "keys": selectors.api_keys(account=account),
        "key_form": forms.ApiKeyForm(),
        "can_manage": has(request.principal, "CanManageServiceAccounts"),
        # What its keys may do, and where from: a new account holds nothing until a policy names it.
        "groups": effective_permissions(account),
        "can_set_policy": has(request.principal, "CanManagePolicies"),
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
            if isinstance(exc, Forbidden) or exc.code == "reauth_required":
                raise  # console_view: the 403 page, or the re-auth page and back
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
