"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with the channel's secret (docs/notifications.md).

The header reads `LakeSail-Signature: t=<unix seconds>,v1=<hex digest>`. The timestamp is signed with the body,
so a receiver that refuses old timestamps (5 minutes) refuses a replayed request too.
"""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "LakeSail-Signature"
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
