from django.contrib import admin

from apps.identity.sso.models import FederatedIdentity, IdentityProvider


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    """The client secret and the registration token are encrypted and never shown here."""

    list_display = ["name", "organization", "provider_type", "issuer", "is_enabled", "verified_at"]
    list_select_related = ["organization"]
    list_filter = ["provider_type", "is_enabled"]
    search_fields = ["name", "issuer", "client_id", "organization__name"]
    exclude = ["client_secret", "registration_access_token"]
    readonly_fields = ["id", "created_at", "created_by", "updated_at", "updated_by", "verified_at"]


@admin.register(FederatedIdentity)
class FederatedIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "identity_provider", "email", "last_login_at"]
    list_select_related = ["user", "identity_provider"]
    search_fields = ["user__email", "email", "subject"]
    readonly_fields = ["identity_provider", "subject", "user", "email", "last_login_at"]
