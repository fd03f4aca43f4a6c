import pytest
from cryptography.fernet import Fernet
from django.db import connection

from apps.core.crypto import decrypt, encrypt


def test_encryption_round_trips_and_hides_the_plaintext():
    token = encrypt("client-secret-value")
    assert "client-secret-value" not in token
    assert decrypt(token) == "client-secret-value"


def test_a_value_encrypted_with_another_key_is_refused(settings):
    token = Fernet(Fernet.generate_key()).encrypt(b"x").decode()
    with pytest.raises(ValueError):
        decrypt(token)


def test_keys_rotate_the_old_key_still_decrypts(settings):
    old = settings.FIELD_ENCRYPTION_KEY
    token = encrypt("rotating")
    settings.FIELD_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old}"
    assert decrypt(token) == "rotating"
    assert encrypt("new") != token


def test_the_field_stores_ciphertext_in_the_database(db):
    from django.db import models

    from apps.core.crypto import EncryptedTextField

    field = EncryptedTextField()
    field.set_attributes_from_name("secret")
    stored = field.get_db_prep_value("totp-seed", connection)
    assert stored != "totp-seed"
    assert field.from_db_value(stored, None, connection) == "totp-seed"
    assert isinstance(field, models.TextField)
