from datetime import timedelta

from django.utils import timezone

from apps.identity.models import Login
from tests.conftest import PASSWORD, ApiClient


def test_login_returns_a_token_the_user_and_their_organizations(anon, alice, acme):
    response = anon.post("/auth/login", {"email": "Alice@Acme.test", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("lst_") and len(body["token"]) >= 43
    assert body["user"]["email"] == "alice@acme.test"
    assert body["organizations"] == [{"id": acme.pk, "slug": "acme-corp", "name": "Acme Corp"}]
    login = Login.objects.get(pk=body["loginId"])
    assert login.token_hash != body["token"] and len(login.token_hash) == 64


def test_wrong_password_and_unknown_account_get_the_same_401(anon, alice):
    wrong = anon.post("/auth/login", {"email": "alice@acme.test", "password": "nope-nope-nope"})
    unknown = anon.post("/auth/login", {"email": "nobody@acme.test", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["message"] == unknown.json()["message"]


def test_me_returns_the_calling_user(api, alice):
    response = api.get("/me", max_queries=3)
    assert response.status_code == 200
    assert response.json()["user"]["id"] == alice.pk
    assert response.json()["serviceAccount"] is None


def test_me_organizations_lists_memberships(api, acme):
    response = api.get("/me/organizations")
    assert [o["id"] for o in response.json()["items"]] == [acme.pk]


def test_logout_revokes_the_token_on_the_next_request(api):
    assert api.post("/auth/logout").status_code == 204
    assert api.get("/me").status_code == 401


def test_an_idle_login_expires(api, alice):
    Login.objects.filter(user=alice).update(last_used_at=timezone.now() - timedelta(minutes=31))
    assert api.get("/me").status_code == 401


def test_an_absolute_expiry_ends_a_busy_login(api, alice):
    Login.objects.filter(user=alice).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get("/me").status_code == 401


def test_a_disabled_user_cannot_use_an_existing_token(api, alice):
    alice.is_active = False
    alice.save()
    assert api.get("/me").status_code == 401


def test_using_a_token_records_last_use(api, alice):
    past = timezone.now() - timedelta(minutes=5)
    Login.objects.filter(user=alice).update(last_used_at=past)
    api.get("/me")
    assert Login.objects.get(user=alice).last_used_at > past


def test_bootstrap_is_idempotent(db, capsys):
    from django.core.management import call_command

    call_command("bootstrap", org="Demo Org", email="Owner@demo.test", password="a-long-demo-password")
    first = capsys.readouterr().out.strip()
    call_command("bootstrap", org="Demo Org", email="owner@demo.test", password="a-long-demo-password")
    assert capsys.readouterr().out.strip() == first
    response = ApiClient().post("/auth/login", {"email": "owner@demo.test", "password": "a-long-demo-password"})
    assert response.json()["organizations"][0]["id"] == first
