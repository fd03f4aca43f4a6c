from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend

# A user the caller has read already (with the console session's Login), handed to `get_user` so Django's session
# check (`django.contrib.auth.get_user`: the backend, the password hash) runs on it without reading it again.
_loaded: ContextVar[Any] = ContextVar("loaded_user", default=None)


@contextmanager
def user_loaded(user: Any) -> Iterator[None]:
    token = _loaded.set(user)
    try:
        yield
    finally:
        _loaded.reset(token)


class EmailBackend(ModelBackend):
    """Emails are stored lower-cased, so a login is case-insensitive."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = (username or kwargs.get("email") or "").strip().lower()
        return super().authenticate(request, username=email, password=password)

    def get_user(self, user_id):
        user = _loaded.get()
        if user is None or str(user.pk) != str(user_id):
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None
