"""Password rules (NIST 800-63B style: length, no composition rules, known-bad and context words)."""

import re
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from apps.core.errors import InvalidInput
from apps.identity.models import User
from apps.org.models import Organization

MIN_LENGTH = 8
MAX_LENGTH = 256


def context_words(user: User, orgs: Iterable[Organization]) -> set[str]:
    """Words an attacker tries first: the product, the email's local part, the organizations' slugs."""
    words = {"lakesail", user.email.split("@", 1)[0].lower()}
    for org in orgs:
        words.add(org.slug.lower())
        words.update(part for part in org.slug.lower().split("-") if len(part) >= 4)
    return {w for w in words if len(w) >= 4}


def _minimum_length(orgs: Iterable[Organization]) -> int:
    # An organization may raise the minimum (settings.auth.minPasswordLength), never lower it.
    wanted = [int(o.settings.get("auth", {}).get("minPasswordLength") or 0) for o in orgs]
    return max([MIN_LENGTH, *wanted])


def password_validate(password: str, *, user: User, field: str = "password") -> None:
    orgs = list(Organization.objects.filter(members__user=user)) if user.pk else []
    problems: list[str] = []
    minimum = _minimum_length(orgs)
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    if len(password) < minimum:
        problems.append(f"Use at least {minimum} characters.")
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            problems.extend(m for m in exc.messages if "too short" not in m)
    lowered = re.sub(r"\s+", "", password.lower())
    if any(word in lowered for word in context_words(user, orgs)):
        problems.append("Do not use your email name, your organization's name or 'lakesail' in the password.")
    if problems:
        raise InvalidInput("The password is not allowed.", field_errors={field: " ".join(problems)})
