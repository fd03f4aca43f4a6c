import pytest

from apps.core.errors import InvalidInput
from apps.identity.services.passwords import password_validate


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short", "at least 8"),
        ("x" * 257, "at most 256"),
        ("password123", "too common"),
        ("my lakesail secret", "organization"),
        ("alice-was-here-2024", "email name"),
        ("acme corp rocks hard", "organization"),
    ],
)
def test_it_refuses(password, problem, alice):
    with pytest.raises(InvalidInput) as refused:
        password_validate(password, user=alice)
    assert problem in refused.value.field_errors["password"]


@pytest.mark.parametrize("password", ["correct horse battery", "qzwx plmk", "ÄÖÜ äöü ß passt", "x" * 256])
def test_it_has_no_composition_rules(password, alice):
    password_validate(password, user=alice)


def test_an_organization_may_raise_the_minimum(alice, acme):
    acme.settings["auth"]["minPasswordLength"] = 14
    acme.save()
    with pytest.raises(InvalidInput):
        password_validate("thirteen char", user=alice)


def test_passwords_are_hashed_with_argon2(settings, acme):
    from apps.identity.services.users import user_create

    settings.PASSWORD_HASHERS = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]  # the tests' fast one
    assert user_create(email="x@acme.test", password="correct horse battery").password.startswith("argon2")
