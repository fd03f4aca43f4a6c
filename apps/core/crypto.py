"""Secrets at rest: Fernet-encrypted text columns, keyed by settings.FIELD_ENCRYPTION_KEY; hashes of bearer secrets."""

import hashlib
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet(keys: str) -> MultiFernet:
    # Several comma-separated keys allow rotation: the first encrypts, all decrypt.
    return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])


def encrypt(plaintext: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong FIELD_ENCRYPTION_KEY or corrupted value") from exc


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; Python sees plaintext. Not searchable, by design."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value not in (None, "") else value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value) if value not in (None, "") else value


def hash_secret(secret: str) -> str:
    """How tokens, keys and codes are stored: high-entropy secrets need a fast, unsalted digest, not a password hash."""
    return hashlib.sha256(secret.encode()).hexdigest()
