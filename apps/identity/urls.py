from django.urls import include, path

from apps.identity.views import account, admin, auth, invitations

urlpatterns = [
    # Signing in and out (public).
    path("login/", auth.login_page, name="login"),
    path("login/code/", auth.login_code_page, name="login-code"),
    path("login/verify/", auth.login_verify_page, name="login-verify"),
    path("login/new-password/", auth.login_new_password_page, name="login-new-password"),
    path("logout/", auth.logout_page, name="logout"),
    path("signup/", auth.signup_page, name="signup"),
    path("invitations/<str:token>/", invitations.invitation_page, name="invitation"),
    path("verify-email/", auth.verify_email_page, name="verify-email"),
    path("forgot-password/", auth.forgot_password_page, name="forgot-password"),
    path("reset-password/", auth.reset_password_page, name="reset-password"),
    # Profile & security.
    path("identity/", account.profile_page, name="identity-profile"),
    path("identity/profile", account.profile_update, name="identity-profile-update"),
    path("identity/preferences", account.preferences_update, name="identity-preferences"),
    path("identity/reauth/", account.reauth_page, name="identity-reauth"),
    path("identity/password", account.password_change, name="identity-password-change"),
    path("identity/emails", account.email_add, name="identity-email-add"),
    path("identity/emails/<str:email_id>/primary", account.email_make_primary, name="identity-email-primary"),
    path("identity/emails/<str:email_id>/resend", account.email_verification_resend, name="identity-email-resend"),
    path("identity/mfa/totp", account.totp_start, name="identity-totp-start"),
    path("identity/mfa/totp/confirm", account.totp_confirm, name="identity-totp-confirm"),
    path("identity/mfa/recovery-codes", account.recovery_codes_regenerate, name="identity-recovery-codes"),
    path("identity/mfa/reset", account.mfa_reset, name="identity-mfa-reset"),
    path("identity/logins/<str:login_id>/revoke", account.login_revoke, name="identity-login-revoke"),
    path("identity/devices/<str:device_id>/revoke", account.trusted_device_revoke, name="identity-device-revoke"),
    # Organization administration.
    path("identity/users/", admin.users_page, name="identity-users"),
    path("identity/users/new/", admin.user_new_page, name="identity-user-new"),
    path("identity/users/<str:user_id>/", admin.user_page, name="identity-user"),
    path("identity/users/<str:user_id>/password-reset", admin.user_password_reset, name="identity-user-password-reset"),
    path("identity/users/<str:user_id>/mfa-reset", admin.user_mfa_reset, name="identity-user-mfa-reset"),
    path("identity/users/<str:user_id>/delete", admin.user_delete, name="identity-user-delete"),
    path("identity/service-accounts/", admin.service_accounts_page, name="identity-service-accounts"),
    path("identity/service-accounts/<str:account_id>/", admin.service_account_page, name="identity-service-account"),
    path("identity/service-accounts/<str:account_id>/keys", admin.api_key_create, name="identity-api-key-create"),
    path(
        "identity/service-accounts/<str:account_id>/keys/<str:key_id>/revoke",
        admin.api_key_revoke,
        name="identity-api-key-revoke",
    ),
    path(
        "identity/service-accounts/<str:account_id>/delete",
        admin.service_account_delete,
        name="identity-service-account-delete",
    ),
    path("", include("apps.identity.sso.urls")),
]
