"""The viewer's own console: times in their timezone (the browser's, or the profile's), relative with the exact
time on hover; the theme they choose; device names a person reads; the profile's small courtesies."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from apps.core import clock
from apps.core.templatetags.console import device_name, relative
from apps.identity.models import UserEmail
from apps.identity.services.logins import login_create
from apps.org.models import Member
from apps.org.services.preferences import my_preferences_set
from tests.org.conftest import owner_principal
from tests.org.test_console_pages import console_as

NOON = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
    "Safari/537.36"
)


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=10), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(hours=2, minutes=59), "2 hours ago"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=400), "1 year ago"),
        (-timedelta(days=7), "in 7 days"),
    ],
)
def test_relative_times_read_in_the_largest_whole_unit(ago, text):
    assert relative(NOON - ago, NOON) == text


def test_a_time_renders_relative_with_the_exact_local_time_on_hover():
    template = Template("{% load console %}{% when moment %}|{% local moment %}|{% when missing empty='never' %}")
    with clock.frozen(NOON + timedelta(hours=2)):
        html = template.render(Context({"moment": NOON, "viewer_timezone": ZoneInfo("America/New_York")}))
    assert html == (
        '<time datetime="2025-07-01T12:00:00Z" title="1 Jul 2025, 08:00 EDT (America/New_York)">2 hours ago</time>|'
        '<time datetime="2025-07-01T12:00:00Z" title="America/New_York">1 Jul 2025, 08:00 EDT</time>|never'
    )


def test_pages_show_times_in_the_browsers_timezone_and_the_profile_wins(alice, bob, acme):
    member = Member.objects.get(organization=acme, user=bob)
    Member.objects.filter(pk=member.pk).update(last_login_at=NOON)
    with clock.frozen(NOON + timedelta(hours=2)):
        client = console_as(alice)
        client.cookies["tz"] = "America/New_York"
        page = client.get(f"/org/members/{member.pk}/").content.decode()
        assert 'title="1 Jul 2025, 08:00 EDT (America/New_York)">2 hours ago</time>' in page
        my_preferences_set(principal=owner_principal(alice, acme), theme="system", timezone="Asia/Tokyo")
        page = client.get(f"/org/members/{member.pk}/").content.decode()
        assert 'title="1 Jul 2025, 21:00 JST (Asia/Tokyo)">2 hours ago</time>' in page
        client.cookies["tz"] = "Not/AZone"
        my_preferences_set(principal=owner_principal(alice, acme), theme="system", timezone="")
        page = client.get(f"/org/members/{member.pk}/").content.decode()
        assert 'title="1 Jul 2025, 12:00 UTC (UTC)"' in page  # nothing valid to go by: UTC, said so


def test_the_theme_choice_is_saved_in_every_membership_and_sets_the_page(alice, acme, globex):
    from apps.org.services.organizations import member_add

    member_add(org=globex, user=alice, role_keys=["member"])
    client = console_as(alice)
    assert '<html lang="en" data-theme="system">' in client.get("/").content.decode()
    saved = client.post("/identity/preferences", {"theme": "dark", "timezone": "Europe/Paris"})
    assert saved.status_code == 302
    assert '<html lang="en" data-theme="dark">' in client.get("/").content.decode()
    assert {m.preferences["theme"] for m in Member.objects.filter(user=alice)} == {"dark"}
    refused = client.post("/identity/preferences", {"theme": "neon", "timezone": "Mars/Olympus"})
    assert refused.status_code == 400 and refused.content.decode().count("field-error") == 2


def test_devices_are_named_from_the_user_agent(alice):
    login_create(user=alice, user_agent=CHROME_MAC, remote_ip="203.0.113.9")
    page = console_as(alice).get("/identity/").content.decode()
    assert "Chrome 126 on Mac OS X" in page
    assert device_name("python-requests/2.31") == "Python Requests 2" and device_name("") == "Unknown client"


def test_the_profile_does_not_grab_focus_and_offers_a_new_verification_link(alice, mailbox):
    client = console_as(alice)
    page = client.get("/identity/").content.decode()
    assert "autofocus" not in page
    client.post("/identity/emails", {"email": "alice@work.test"})
    address = UserEmail.objects.get(email="alice@work.test")
    assert "Send a new link" in client.get("/identity/").content.decode()
    mailbox.clear()
    response = client.post(f"/identity/emails/{address.pk}/resend")
    assert response.status_code == 302 and "/verify-email/?token=" in mailbox.first_link("alice@work.test")
    UserEmail.objects.filter(pk=address.pk).update(verified_at=NOON)
    assert client.post(f"/identity/emails/{address.pk}/resend").status_code == 302  # refused, said on the page
    assert len(mailbox.messages) == 1


def test_a_wrong_authenticator_code_is_said_once(alice):
    client = console_as(alice)
    client.post("/identity/mfa/totp")
    page = client.post("/identity/mfa/totp/confirm", {"code": "000000"}).content.decode()
    assert page.count("Not valid.") + page.count("The code is not valid.") == 1
