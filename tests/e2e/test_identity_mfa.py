import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from apps.identity.models import TotpDevice
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def next_code(secret: str, used: set[str]) -> str:
    """A code pyotp computes, never one already accepted (the server refuses a replayed step).

    Instead of sleeping until the next 30-second step, use the next step's code: the server
    accepts one step of clock drift either way.
    """
    totp = pyotp.TOTP(secret)
    code = totp.now()
    if code in used:
        code = totp.at(time.time() + 30)
    used.add(code)
    return code


def test_enroll_totp_log_out_and_log_in_with_password_and_totp(live_server, page: Page, alice, acme):
    base = live_server.url
    log_in(page, base)
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")

    page.get_by_role("link", name="Identity").click()
    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    assert secret == TotpDevice.objects.get(user=alice).secret
    used: set[str] = set()
    page.get_by_label("Code from your authenticator app").fill(next_code(secret, used))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_text_contents()
    assert len(codes) == 10 and all(re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", c) for c in codes)
    page.get_by_role("link", name="I saved them").click()
    expect(page.locator("#mfa-h + p")).to_contain_text("on")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{base}/login/")

    log_in(page, base)
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("incorrect")
    page.get_by_label("Code", exact=True).fill(next_code(secret, used))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")
