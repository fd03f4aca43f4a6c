import secrets
import string

ID_ALPHABET = string.ascii_uppercase + string.digits
ID_LENGTH = 10
ID_PATTERN = r"[A-Z0-9]{1,20}"


def new_id() -> str:
    """A public id as the reference spells them: 10 characters of [A-Z0-9] (~51 bits)."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
