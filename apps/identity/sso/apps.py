from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Single sign-on: per-organization OpenID Connect identity providers (part of the identity domain)."""

    name = "apps.identity.sso"
    label = "sso"
    default_auto_field = "django.db.models.BigAutoField"
