from apps.identity.models.logins import Login
from apps.identity.models.service_accounts import ApiKey, ServiceAccount
from apps.identity.models.users import User

__all__ = ["ApiKey", "Login", "ServiceAccount", "User"]
