from django.urls import include, path

from apps.identity.api.views import auth, invitations, me, service_accounts, users

urlpatterns = [
    path("org/invites/<str:token>/accept", invitations.InvitationAcceptView.as_view()),
    # Designed: signing in and out.
    path("auth/signup", auth.SignupView.as_view()),
    path("auth/email/verify", auth.EmailVerifyView.as_view()),
    path("auth/email/resend", auth.EmailVerificationResendView.as_view()),
    path("auth/login", auth.LoginView.as_view()),
    path("auth/login/email-code", auth.EmailCodeLoginView.as_view()),
    path("auth/challenge/verify", auth.ChallengeVerifyView.as_view()),
    path("auth/challenge/send-code", auth.ChallengeSendCodeView.as_view()),
    path("auth/challenge/password", auth.ChallengePasswordView.as_view()),
    path("auth/password/forgot", auth.PasswordForgotView.as_view()),
    path("auth/password/reset", auth.PasswordResetView.as_view()),
    path("auth/reauth", auth.ReauthView.as_view()),
    path("auth/logout", auth.LogoutView.as_view()),
    # Reference: the caller.
    path("me", me.MeView.as_view()),
    path("me/organizations", me.MyOrganizationsView.as_view()),
    # Designed: changing one's own password (members cannot reach /org/users).
    path("me/password", me.MyPasswordView.as_view()),
    path("me/emails", me.MyEmailsView.as_view()),
    path("me/logins", me.MyLoginsView.as_view()),
    path("me/logins/<str:loginId>", me.MyLoginView.as_view()),
    path("me/trusted-devices", me.MyTrustedDevicesView.as_view()),
    path("me/trusted-devices/<str:trustedDeviceId>", me.MyTrustedDeviceView.as_view()),
    path("me/mfa", me.MyMfaView.as_view()),
    path("me/mfa/totp", me.TotpEnrollView.as_view()),
    path("me/mfa/totp/confirm", me.TotpConfirmView.as_view()),
    path("me/mfa/recovery-codes", me.RecoveryCodesView.as_view()),
    # Reference: users of the organization.
    path("org/users", users.OrgUsersView.as_view()),
    path("org/users/<str:user>", users.OrgUserView.as_view()),
    path("org/users/<str:user>/mfa", users.OrgUserMfaView.as_view()),
    path("org/users/<str:user>/password", users.OrgUserPasswordView.as_view()),
    path("org/users/<str:user>/password/reset", users.OrgUserPasswordResetView.as_view()),
    # Designed: service accounts and their keys.
    path("org/service-accounts", service_accounts.ServiceAccountsView.as_view()),
    path("org/service-accounts/<str:serviceAccount>", service_accounts.ServiceAccountView.as_view()),
    path("org/service-accounts/<str:serviceAccount>/keys", service_accounts.ApiKeysView.as_view()),
    path("org/service-accounts/<str:serviceAccount>/keys/<str:key>", service_accounts.ApiKeyView.as_view()),
    path("", include("apps.identity.sso.api.urls")),
]
