"""Bearer tokens of proxied calls, verified once per token (signature, algorithm, audience) and checked for expiry on
every call."""

from collections.abc import Sequence

from apps.workloads import session_tokens
from apps.workloads.session_tokens import InvalidToken, TokenClaims

# A verified token is cached until this many are; then the cache starts over (a token is ~400 bytes).
CACHE_SIZE = 10_000


def bearer(metadata: Sequence[tuple[str, str | bytes]]) -> str | None:
    for key, value in metadata:
        if key == "authorization" and isinstance(value, str):
            scheme, _, token = value.partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


class TokenCache:
    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._verified: dict[str, TokenClaims] = {}

    def claims(self, token: str) -> TokenClaims:
        """The token's claims; InvalidToken if it is not ours or has expired."""
        claims = self._verified.get(token)
        if claims is None:
            claims = session_tokens.verify(token)
            if len(self._verified) >= self.size:
                self._verified.clear()
            self._verified[token] = claims
        if claims.expired:
            raise InvalidToken("The session token has expired: issue a new one (POST .../token).")
        return claims
