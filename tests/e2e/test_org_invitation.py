import pytest
from playwright.sync_api import Browser, Page, expect

from apps.org.services.teams import team_create
from tests.conftest import PASSWORD
from tests.org.conftest import owner_principal
from tests.plugins.celery_worker import wait_for

pytestmark = pytest.mark.e2e


def test_an_admin_invites_and_the_user_joins_seeing_only_their_team(
    live_server, page: Page, browser: Browser, alice, acme, mailbox, settings
):
    settings.CONSOLE_BASE_URL = live_server.url
    owner = owner_principal(alice, acme)
    team_create(principal=owner, name="Data")
    team_create(principal=owner, name="Secret")

    page.goto(f"{live_server.url}/login/?next=/org/members/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Invite people").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Email").fill("gus@example.test")
    dialog.get_by_label("Organization role").select_option(label="Member")
    dialog.get_by_label("Team").select_option(label="Data")
    dialog.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#toasts")).to_contain_text("Invitation sent to gus@example.test")
    expect(dialog).to_be_hidden()

    assert wait_for(lambda: any("gus@example.test" in m["To"] for m in mailbox.messages), timeout=15)
    link = mailbox.first_link("gus@example.test")

    invitee = browser.new_context().new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Join Acme Corp")
    invitee.get_by_label("Given name").fill("Gus")
    invitee.get_by_label("Password").fill(PASSWORD)
    invitee.get_by_role("button", name="Create account and join").click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Acme Corp")
    invitee.get_by_role("link", name="Org").click()
    invitee.get_by_role("link", name="Teams").click()
    table = invitee.get_by_role("table")
    expect(table).to_contain_text("Data")
    expect(table).not_to_contain_text("Secret")
    expect(invitee.get_by_role("button", name="Create team")).to_have_count(0)
    invitee.context.close()
