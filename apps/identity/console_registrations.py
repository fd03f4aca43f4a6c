"""What the identity domain adds to the console's shared registries (called from IdentityConfig.ready): service
accounts to the global search; two-factor adoption, recent sign-in failures and single sign-on to the dashboard."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse

from apps.core import audit, clock, console_search, dashboard_slots
from apps.core.console_search import Hit
from apps.core.principal import Principal
from apps.identity import selectors
from apps.identity.models import TotpDevice
from apps.identity.sso.selectors import idp_list
from apps.org.access import has
from apps.org.selectors.audit import audit_event_list
from apps.org.selectors.members import member_list
from apps.org.services.organizations import sso_only

FAILURE_WINDOW_DAYS = 7


def service_account_hits(principal: Principal, text: str, limit: int) -> Iterable[Hit]:
    accounts = selectors.service_account_list(principal=principal)
    for account in accounts.filter(Q(username__icontains=text) | Q(description__icontains=text))[:limit]:
        yield Hit(account.username, reverse("identity-service-account", args=[account.pk]), account.description[:80])


def mfa_slot(principal: Principal) -> dict[str, Any] | None:
    if not has(principal, "CanViewMembers"):
        return None
    members = member_list(principal=principal).filter(is_enabled=True)
    total = members.count()
    enrolled = TotpDevice.objects.filter(user__memberships__in=members, confirmed_at__isnull=False).count()
    auth = principal.org.settings.get("auth", {})
    return {
        "total": total,
        "enrolled": enrolled,
        "percent": round(100 * enrolled / total) if total else 0,
        "required": bool(auth.get("requireMfa")),
        "grace_days": auth.get("mfaGracePeriodDays", 0),
        "can_manage": has(principal, "CanManageOrganization"),
    }


def sign_in_failures_slot(principal: Principal) -> dict[str, Any] | None:
    if not has(principal, "CanViewAuditLog"):
        return None
    since = clock.now() - timedelta(days=FAILURE_WINDOW_DAYS)
    failures = audit_event_list(principal=principal, action="auth.", created_after=since).filter(outcome=audit.FAILURE)
    return {"count": failures.count(), "latest": list(failures[:5]), "days": FAILURE_WINDOW_DAYS}


def sso_slot(principal: Principal) -> dict[str, Any] | None:
    if not has(principal, "CanViewIdentityProviders"):
        return None
    providers = list(idp_list(principal=principal))
    return {
        "providers": providers,
        "offered": [p for p in providers if p.is_enabled],
        "required": sso_only(principal.org.settings),
        "sign_in_path": f"{reverse('login')}?org={principal.org.slug}",
    }


def register() -> None:
    console_search.register("Service accounts", service_account_hits, order=30)
    dashboard_slots.register(
        "mfa", title="Two-factor authentication", template="identity/slots/mfa.html", context=mfa_slot, order=20
    )
    dashboard_slots.register(
        "sign-in-failures",
        title="Sign-in failures",
        template="identity/slots/sign_in_failures.html",
        context=sign_in_failures_slot,
        order=30,
    )
    dashboard_slots.register("sso", title="Single sign-on", template="sso/slots/sso.html", context=sso_slot, order=40)
