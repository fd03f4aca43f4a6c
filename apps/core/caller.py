"""Which credential is calling, decided from the request alone (no database): rate limits and idempotency key on it."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def principal_key(request: HttpRequest) -> str | None:
    """A stable key for the credential the request carries: its Bearer token, else its session cookie.

    Hashing the credential rather than resolving it costs no query; an HMAC (not a bare digest) keeps the key
    from matching the token hashes stored in the database, and different credentials never share a key.
    Returns None for a request without a credential.
    """
    if authorization := request.headers.get("Authorization"):
        return "bearer:" + salted_hmac("apps.core.caller", authorization).hexdigest()[:32]
    if session := request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return "session:" + salted_hmac("apps.core.caller", session).hexdigest()[:32]
    return None
