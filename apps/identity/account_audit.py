"""Audit records of account-level events: sign-ins, passwords, MFA, logins, a person's own profile.

An account is not owned by one organization, but each organization it belongs to must see in its audit
log what happens to it; so such an event is recorded once per membership (once, without an organization,
for an account in none, or for a sign-in attempt on an unknown email).
"""

from collections.abc import Mapping
from typing import Any

from apps.core import audit
from apps.core.actor import USER, Actor
from apps.identity.models import User
from apps.org.models import Member


def record(
    action: str,
    *,
    user: User | None,
    target_type: str = "user",
    target_id: str | None = None,
    changes: Mapping[str, Any] | None = None,
    outcome: str = audit.SUCCESS,
    actor: Actor | None = None,
) -> None:
    """`audit.record` for an event of `user`'s account (the target defaults to the user)."""
    org_ids = list(Member.objects.filter(user=user).values_list("organization_id", flat=True)) if user else []
    for org_id in org_ids or [None]:
        audit.record(
            action,
            organization_id=org_id,
            target_type=target_type,
            target_id=target_id if target_id is not None else (user.pk if user else ""),
            changes=changes,
            outcome=outcome,
            actor=actor,
        )


def as_user(user: User) -> Actor:
    """The person signing in acts, though no request has named them yet."""
    return Actor(user.pk, USER)
