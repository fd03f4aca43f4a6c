from apps.identity.sso.models.identity_providers import FederatedIdentity, IdentityProvider

__all__ = ["FederatedIdentity", "IdentityProvider"]
