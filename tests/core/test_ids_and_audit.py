import re

from apps.core.actor import acting_as
from apps.core.ids import new_id
from apps.org.models import Organization


def test_ids_are_ten_characters_of_upper_case_letters_and_digits():
    ids = {new_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(r"[A-Z0-9]{10}", i) for i in ids)


def test_every_public_model_gets_such_an_id(acme, alice):
    assert re.fullmatch(r"[A-Z0-9]{10}", acme.pk)
    assert re.fullmatch(r"[A-Z0-9]{10}", alice.pk)


def test_audit_columns_record_the_acting_principal(db, alice):
    with acting_as(alice.pk):
        org = Organization.objects.create(name="Initech", slug="initech")
    assert org.created_by == alice.pk
    assert org.updated_by == alice.pk
    with acting_as("SOMEONEELS"):
        org.name = "Initech Inc"
        org.save()
    org.refresh_from_db()
    assert (org.created_by, org.updated_by) == (alice.pk, "SOMEONEELS")
