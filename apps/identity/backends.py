from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Emails are stored lower-cased, so a login is case-insensitive."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = (username or kwargs.get("email") or "").strip().lower()
        return super().authenticate(request, username=email, password=password)
