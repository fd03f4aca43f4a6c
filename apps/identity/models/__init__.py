from apps.identity.models.challenges import AuthCounter, ChallengePurpose, LoginChallenge
from apps.identity.models.logins import Login
from apps.identity.models.mfa import RecoveryCode, TotpDevice, TrustedDevice
from apps.identity.models.service_accounts import ApiKey, ServiceAccount
from apps.identity.models.users import User, UserEmail

__all__ = [
    "ApiKey",
    "AuthCounter",
    "ChallengePurpose",
    "Login",
    "LoginChallenge",
    "RecoveryCode",
    "ServiceAccount",
    "TotpDevice",
    "TrustedDevice",
    "User",
    "UserEmail",
]
