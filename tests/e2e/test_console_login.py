import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_an_owner_logs_in_through_the_console_and_sees_the_dashboard(live_server, page: Page, alice, acme):
    page.goto(f"{live_server.url}/workloads/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/workloads/"))
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/workloads/")
    page.get_by_role("link", name="LakeSail Console").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")
    expect(page.locator(".card .metric").first).to_have_text("1")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.locator("#toasts")).to_contain_text("logged out")


def test_a_wrong_password_shows_an_error_and_stays_on_the_login_page(live_server, page: Page, alice):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("The email or password is incorrect.")
    expect(page).to_have_url(re.compile(r"/login/"))
