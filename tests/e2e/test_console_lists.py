"""The console's shared list and form path in a real browser: state kept across htmx swaps, an expired
session mid-search, and POST → redirect → GET (the page's console listener stays strict: no errors, no CSP)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils.module_loading import import_string
from playwright.sync_api import Page, expect

from apps.identity.services.users import user_create
from apps.org.models import Member, Team
from apps.org.services.organizations import member_add
from tests.conftest import PASSWORD

SessionStore = import_string(f"{settings.SESSION_ENGINE}.SessionStore")

pytestmark = pytest.mark.e2e


def log_in(page: Page, base: str, next_path: str) -> None:
    page.goto(f"{base}/login/?next={next_path}")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}{next_path}")


def state(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


@pytest.fixture
def sixty_members(acme):
    """m00…m59@acme.test, named "Member NN"; the odd ones disabled: with alice, 31 enabled (two pages)."""
    for i in range(60):
        user = user_create(email=f"m{i:02}@acme.test", password=PASSWORD, given_name=f"Member {i:02}")
        member_add(org=acme, user=user, role_keys=["member"])
    Member.objects.filter(organization=acme, email__regex=r"^m\d[13579]@").update(is_enabled=False)


def test_sort_filter_and_paginate_the_members_without_losing_state(live_server, page: Page, alice, sixty_members):
    base = live_server.url
    log_in(page, base, "/org/members/")
    table = page.locator("#member-table")
    count = page.locator("#member-table-count")
    expect(count).to_contain_text("61 members · 1 to 25 shown")

    page.get_by_label("Status").select_option("enabled")
    expect(count).to_contain_text("31 members · 1 to 25 shown")
    page.get_by_label("Search by name or email").fill("member")
    expect(count).to_contain_text("30 members · 1 to 25 shown")
    assert state(page) == {"q": ["member"], "status": ["enabled"], "sort": ["name"], "dir": ["asc"]}

    email = page.get_by_role("columnheader", name=re.compile("Email"))
    email.get_by_role("link").click()
    expect(page.get_by_role("columnheader", name=re.compile("Email"))).to_have_attribute("aria-sort", "ascending")
    page.get_by_role("columnheader", name=re.compile("Email")).get_by_role("link").click()
    expect(page.get_by_role("columnheader", name=re.compile("Email"))).to_have_attribute("aria-sort", "descending")
    expect(table.locator("tbody tr").first).to_contain_text("m58@acme.test")
    # Sorting moved keyboard focus back onto the header link the user pressed.
    expect(page.get_by_role("columnheader", name=re.compile("Email")).get_by_role("link")).to_be_focused()

    table.get_by_role("link", name=re.compile("Next")).click()
    expect(count).to_contain_text("30 members · 26 to 30 shown")
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(table.locator("tbody tr").last).to_contain_text("m00@acme.test")
    assert state(page) == {"q": ["member"], "status": ["enabled"], "sort": ["email"], "dir": ["desc"], "page": ["2"]}
    expect(page.get_by_label("Status")).to_have_value("enabled")
    expect(page.get_by_label("Search by name or email")).to_have_value("member")

    page.reload()  # the URL alone carries the whole state
    expect(page.locator("#member-table-count")).to_contain_text("26 to 30 shown")
    expect(page.get_by_label("Search by name or email")).to_have_value("member")
    expect(page.get_by_role("columnheader", name=re.compile("Email"))).to_have_attribute("aria-sort", "descending")

    # A new filter starts again at page 1 and keeps the sort.
    page.get_by_label("Status").select_option("")
    expect(page.locator("#member-table-count")).to_contain_text("60 members · 1 to 25 shown")
    assert state(page) == {"q": ["member"], "sort": ["email"], "dir": ["desc"]}
    expect(page.locator("#member-table tbody tr").first).to_contain_text("m59@acme.test")


def test_an_expired_session_during_an_htmx_search_lands_on_the_full_login_page(live_server, page: Page, alice):
    base = live_server.url
    log_in(page, base, "/org/members/")
    # The session expires on the server: gone from its store (the database, and Redis when sessions are read from it).
    for key in Session.objects.values_list("session_key", flat=True):
        SessionStore(key).delete()

    page.get_by_label("Search by name or email").fill("bob")
    expect(page).to_have_url(re.compile(r"/login/\?next=%2Forg%2Fmembers%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to LakeSail")  # the page, not a fragment
    expect(page.locator("#member-table")).to_have_count(0)
    expect(page.locator(".topbar")).to_have_count(0)
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/org/members/")


def test_reloading_after_creating_a_team_does_not_create_it_twice(live_server, page: Page, alice, acme):
    base = live_server.url
    log_in(page, base, "/org/teams/")
    page.get_by_label("Name").fill("Platform")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform")
    expect(page.locator("#toasts")).to_contain_text("Team Platform created.")
    team = Team.objects.get(organization=acme, name="Platform")
    expect(page).to_have_url(f"{base}/org/teams/{team.pk}/")

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform")
    page.go_back()
    page.reload()
    assert Team.objects.filter(organization=acme, name="Platform").count() == 1
