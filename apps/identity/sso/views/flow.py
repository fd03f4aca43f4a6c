"""SSO start and callback: mozilla-django-oidc's views, pointed at one provider per sign-in."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from apps.core import http
from apps.core.errors import ApplicationError
from apps.identity.services.authentication import METHOD_SSO
from apps.identity.sessions import console_sign_in
from apps.identity.sso.backends import oidc_settings, setting_of
from apps.identity.sso.discovery import DiscoveryFailed, discover_cached
from apps.identity.sso.selectors import idp_for_sign_in
from apps.identity.views.common import client_of

SESSION_STATES = "oidc_states"  # the library's session key: state -> {nonce, code_verifier, ...}


class SsoStartView(OIDCAuthenticationRequestView):
    """GET signs in; POST (signed in, CSRF-checked) links the provider to the current account."""

    http_method_names = ["get", "post"]

    def __init__(self, **kwargs: Any) -> None:
        # Not the library's __init__: it reads one global provider from settings.
        View.__init__(self, **kwargs)
        self.idp = None

    def get_settings(self, attr: str, *args: Any) -> Any:  # type: ignore[override]
        return setting_of(oidc_settings(self.idp), attr, *args)

    def get(self, request: HttpRequest, idp_id: str = "", link: bool = False) -> HttpResponse:  # type: ignore[override]
        idp = idp_for_sign_in(idp_id)
        if idp is None:
            raise Http404("No such identity provider")
        try:
            found = discover_cached(idp.issuer)
        except (http.OutboundError, DiscoveryFailed):
            messages.error(request, f"{idp.name} could not be reached. Try again later.")
            return redirect(settings.LOGIN_URL)
        self.idp = idp
        self.OIDC_OP_AUTH_ENDPOINT = found.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = idp.client_id
        response = super().get(request)
        # Bind the provider (and a link request) to this state, in this session only.
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        entry = request.session[SESSION_STATES][state]
        entry["idp"] = idp.pk
        entry["link_user"] = request.user.pk if link else None
        request.session.modified = True
        return response

    def post(self, request: HttpRequest, idp_id: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        return self.get(request, idp_id, link=True)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """Where every provider sends the browser back; the state names the provider."""

    def get_settings(self, attr: str, *args: Any) -> Any:  # type: ignore[override]
        return setting_of(oidc_settings(None), attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        entry = (request.session.get(SESSION_STATES) or {}).get(request.GET.get("state", ""))
        entry = entry if isinstance(entry, dict) else {}
        request.sso_idp = idp_for_sign_in(entry.get("idp") or "")  # type: ignore[attr-defined]
        linking = entry.get("link_user") and request.user.is_authenticated and request.user.pk == entry["link_user"]
        request.sso_link_user = request.user if linking else None  # type: ignore[attr-defined]
        return super().get(request)

    def login_success(self) -> HttpResponse:
        request = self.request
        idp = request.sso_idp  # type: ignore[attr-defined]
        if request.sso_link_user is not None:  # type: ignore[attr-defined]
            messages.success(request, f"{idp.name} is now linked to your account.")
            return redirect("sso-identities")
        # The console's one sign-in path: MFA still applies unless the organization lets its SSO skip it.
        try:
            return console_sign_in(
                request,
                self.user,
                method=METHOD_SSO,
                client=client_of(request),
                org=idp.organization,
                next_page=self.success_url,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(self.failure_url)

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, "sso_failure", None) or "Single sign-on did not complete."
        messages.error(self.request, reason)
        if getattr(self.request, "sso_link_user", None) is not None:
            return redirect("sso-identities")
        return redirect(self.failure_url)
