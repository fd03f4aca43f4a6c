from typing import Any


def login_providers(*, org_slug: str | None) -> list[Any]:
    """The SSO providers to offer as buttons on the login page of an organization."""
    return []
