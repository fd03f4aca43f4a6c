from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.identity.models import (
    ApiKey,
    AuthCounter,
    Login,
    LoginChallenge,
    RecoveryCode,
    ServiceAccount,
    TotpDevice,
    TrustedDevice,
    User,
    UserEmail,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "created_at"]
    search_fields = ["email", "given_name", "family_name", "display_name"]
    list_filter = ["is_active", "is_staff"]
    readonly_fields = ["id", "created_at", "created_by", "updated_at", "updated_by", "last_login"]
    fieldsets = [
        (None, {"fields": ["id", "email", "password"]}),
        ("Profile", {"fields": ["given_name", "family_name", "display_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Audit", {"fields": ["created_at", "created_by", "updated_at", "updated_by", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal: list[str] = []


@admin.register(Login)
class LoginAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "remote_ip", "auth_time", "last_used_at", "expires_at", "revoked_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "remote_ip"]
    exclude = ["token_hash"]
    readonly_fields = ["user", "device_id", "remote_ip", "user_agent", "auth_time", "last_used_at", "expires_at"]


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    list_display = ["username", "organization", "is_enabled", "created_at"]
    list_select_related = ["organization"]
    search_fields = ["username"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "service_account", "expires_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]


@admin.register(UserEmail)
class UserEmailAdmin(admin.ModelAdmin):
    list_display = ["email", "user", "verified_at"]
    search_fields = ["email", "user__email"]


@admin.register(TotpDevice)
class TotpDeviceAdmin(admin.ModelAdmin):
    """Shows whether a user has an authenticator; the seed never leaves the database."""

    list_display = ["user", "confirmed_at", "created_at"]
    exclude = ["secret", "last_used_step"]
    readonly_fields = ["user", "confirmed_at"]


@admin.register(TrustedDevice)
class TrustedDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "remote_ip", "expires_at", "revoked_at"]
    exclude = ["token_hash"]
    readonly_fields = ["user", "device_id", "remote_ip", "user_agent", "expires_at"]


@admin.register(AuthCounter)
class AuthCounterAdmin(admin.ModelAdmin):
    """Lockouts and rate-limit windows; deleting a row unlocks."""

    list_display = ["key", "count", "window_ends_at", "locked_until"]
    search_fields = ["key"]


@admin.register(LoginChallenge)
class LoginChallengeAdmin(admin.ModelAdmin):
    """Pending sign-in steps (codes, password resets); the token is stored hashed and never shown."""

    list_display = ["id", "user", "email", "purpose", "remote_ip", "created_at"]
    list_filter = ["purpose"]
    search_fields = ["email", "user__email"]
    exclude = ["token_hash"]
    readonly_fields = ["user", "email", "purpose", "remote_ip", "user_agent"]


@admin.register(RecoveryCode)
class RecoveryCodeAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "used_at", "created_at"]
    search_fields = ["user__email"]
    exclude = ["code_hash"]
    readonly_fields = ["user", "used_at"]
