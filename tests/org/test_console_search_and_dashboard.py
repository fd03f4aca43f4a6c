"""The global search and the dashboard: registries in core that every domain fills (members, teams and service
accounts now; clusters and runs when those domains register theirs), each reading through its selectors."""

from django.test import Client

from apps.core import console_search, dashboard_slots
from apps.identity.models import ServiceAccount
from apps.org.services.teams import team_create
from tests.org.test_console_pages import console_as

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_org_and_identity_register_their_sources_and_slots():
    assert [s.label for s in console_search.sources()][:3] == ["Members", "Teams", "Service accounts"]
    assert {"members", "mfa", "sign-in-failures", "sso", "health"} <= {s.key for s in dashboard_slots.slots()}


def test_the_search_finds_members_teams_and_service_accounts(alice, bob, acme, member_of, as_alice):
    team_create(principal=as_alice, name="Bobsled")
    ServiceAccount.objects.create(organization=acme, username="bob-deployer", description="Deploys Bob's jobs")
    html = console_as(alice).get("/search/?q=bob").content.decode()
    assert f'href="/org/members/{member_of(bob).pk}/"' in html and "bob@acme.test" in html
    assert "Bobsled" in html and "bob-deployer" in html
    assert html.index("<h2>Members</h2>") < html.index("<h2>Teams</h2>") < html.index("<h2>Service accounts</h2>")


def test_the_header_gets_live_results_and_short_queries_find_nothing(alice):
    client = console_as(alice)
    live = client.get("/search/?q=alice", **HTMX).content.decode()
    assert "<html" not in live and "alice@acme.test" in live
    assert "Nothing matches" in client.get("/search/?q=zzzz", **HTMX).content.decode()
    assert client.get("/search/?q=a", **HTMX).content.decode().strip() == ""


def test_the_search_shows_only_what_the_person_may_see(bob, as_alice, data_team, in_team):
    team_create(principal=as_alice, name="Data Secret")
    in_team(data_team, bob)
    html = console_as(bob).get("/search/?q=data").content.decode()
    assert ">Data<" in html and "Data Secret" not in html


def test_a_domain_adds_a_search_source_and_a_dashboard_slot(alice, monkeypatch):
    hit = console_search.Hit("Nightly ETL", "/workloads/jobs/J1/", "job")
    monkeypatch.setitem(
        console_search._sources, "jobs", console_search.Source("jobs", "Jobs", lambda p, t, n: [hit], 40)
    )
    slot = dashboard_slots.Slot("runs", "Runs", "components/empty_state.html", lambda p: {"heading": "x"}, 50)
    monkeypatch.setitem(dashboard_slots._slots, "runs", slot)
    client = console_as(alice)
    assert "Nightly ETL" in client.get("/search/?q=etl").content.decode()
    assert '<h2 id="slot-runs">Runs</h2>' in client.get("/").content.decode()


def test_the_dashboard_is_where_an_admin_starts(alice, bob, acme):
    Client().post("/login/", {"email": "bob@acme.test", "password": "wrong password"})
    html = console_as(alice).get("/").content.decode()
    for title in ("Members", "Two-factor authentication", "Sign-in failures", "Single sign-on", "Platform health"):
        assert f">{title}</h2>" in html
    assert "0% <" not in html and "of 2 members use an authenticator" in html
    failures = html.split('id="slot-sign-in-failures"', 1)[1].split("</section>", 1)[0]
    assert '<span class="metric">1</span>' in failures and "bob@acme.test" in failures
    assert "Not set up" in html  # no identity provider yet


def test_a_member_sees_only_the_slots_they_may(bob):
    html = console_as(bob).get("/").content.decode()
    assert ">Members</h2>" in html and ">Sign-in failures</h2>" not in html and "Run diagnostics" not in html
