from apps.identity.services.logins import login_create
from tests.conftest import ApiClient


def _limit(org, **auth) -> None:
    org.settings["auth"].update(auth)
    org.save()


def test_an_org_idle_limit_ends_logins_sooner(alice, acme, clock):
    _login, token = login_create(user=alice)
    client = ApiClient(token, acme.pk)
    _limit(acme, loginIdleTimeoutSeconds=300)
    assert client.get("/org/roles").status_code == 200
    clock.advance(seconds=299)
    assert client.get("/org/roles").status_code == 200  # activity resets the idle clock
    clock.advance(seconds=301)
    response = client.get("/org/roles")
    assert response.status_code == 401 and response.json()["code"] == "login_expired"


def test_an_org_maximum_duration_ends_busy_logins(alice, acme, clock):
    _login, token = login_create(user=alice)
    client = ApiClient(token, acme.pk)
    _limit(acme, loginMaxDurationSeconds=3600)
    for _ in range(3):
        clock.advance(seconds=1000)
        assert client.get("/org/roles").status_code == 200
    clock.advance(seconds=700)
    assert client.get("/org/roles").status_code == 401


def test_without_org_limits_the_platform_defaults_hold(alice, acme, clock):
    _login, token = login_create(user=alice)
    clock.advance(seconds=29 * 60)
    assert ApiClient(token, acme.pk).get("/org/roles").status_code == 200
