"""The console's one list (apps.core.console_list + components/table.html), its error pages and its form path,
through the org pages: members (with pending invitations) and teams."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from apps.identity.services.users import user_create
from apps.org.models import Invitation, Member, Role, Team
from apps.org.selectors.names import picker_names
from apps.org.selectors.teams import team_names
from apps.org.services.invitations import invitation_create
from apps.org.services.organizations import member_add
from apps.org.services.teams import team_create
from tests.conftest import PASSWORD
from tests.org.conftest import owner_principal
from tests.org.test_console_pages import console_as

HTMX = {"HX-Request": "true"}


@pytest.fixture
def owner_console(alice):
    return console_as(alice)


@pytest.fixture
def crowd(acme):
    """30 more members of Acme (a page is 25): m00@acme.test … m29@acme.test, the odd ones disabled."""
    for i in range(30):
        user = user_create(email=f"m{i:02}@acme.test", password=PASSWORD, given_name=f"Member {i:02}")
        member_add(org=acme, user=user, role_keys=["member"])
    Member.objects.filter(organization=acme, email__regex=r"^m\d[13579]@").update(is_enabled=False)


def links(html: str, rel: str) -> list[str]:
    return [unescape(h) for h in re.findall(rf'<a href="([^"]+)"[^>]*rel="{rel}"', html)]


def header(html: str, label: str) -> str:
    """The <th> whose link or text is `label`."""
    return next(th for th in re.findall(r"<th scope=\"col\".*?</th>", html, re.S) if f">{label}<" in th)


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def emails(html: str) -> list[str]:
    return re.findall(r"<td>([\w.]+@acme\.test)</td>", html)


def test_sorting_keeps_the_search_and_the_filters_and_shows_the_direction(owner_console, crowd, data_team, in_team):
    page = owner_console.get("/org/members/?q=member&status=enabled&team=&sort=email&dir=desc").content.decode()
    email_header = header(page, "Email")
    assert 'aria-sort="descending"' in email_header and "aria-sort" not in header(page, "Name")
    flip = unescape(re.search(r'href="([^"]+)"', email_header).group(1))
    assert query(flip) == {"q": ["member"], "status": ["enabled"], "sort": ["email"], "dir": ["asc"]}
    name_link = unescape(re.search(r'href="([^"]+)"', header(page, "Name")).group(1))
    assert query(name_link) == {"q": ["member"], "status": ["enabled"], "sort": ["name"], "dir": ["asc"]}
    assert 'hx-get="' in email_header and 'hx-push-url="true"' in email_header

    shown = emails(page)
    assert shown == sorted(shown, reverse=True) and len(shown) == 15  # the enabled half of the crowd
    ascending = owner_console.get(flip, headers=HTMX).content.decode()
    assert emails(ascending) == sorted(shown)
    # The search form keeps the sort too: its hidden fields come back out of band with every swap.
    assert re.search(r'id="member-table-count"[^>]*hx-swap-oob="innerHTML"', ascending)
    assert '<input type="hidden" name="sort" value="email"><input type="hidden" name="dir" value="asc">' in ascending


def test_htmx_pagination_returns_the_region_and_the_count_out_of_band(owner_console, crowd):
    first = owner_console.get("/org/members/?status=enabled&sort=email").content.decode()  # alice + 15
    assert not links(first, "next")
    full = owner_console.get("/org/members/?sort=email").content.decode()
    assert "31 members · 1 to 25 shown" in full and "Page 1 of 2" in full
    (next_url,) = links(full, "next")
    assert query(next_url) == {"sort": ["email"], "dir": ["asc"], "page": ["2"]}
    assert f'hx-get="{next_url.replace("&", "&amp;")}"' in full

    partial = owner_console.get(next_url, headers=HTMX)
    html = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in html and "<form" not in html.split('id="member-table"')[0]
    assert html.lstrip().startswith('<div id="member-table"')
    assert re.search(
        r'<p id="member-table-count"[^>]*hx-swap-oob="innerHTML"[^>]*>\s*31 members · 26 to 31 shown', html
    )
    assert len(emails(html)) == 6 and "Page 2 of 2" in html
    (previous_url,) = links(html, "prev")
    assert query(previous_url) == {"sort": ["email"], "dir": ["asc"]}
    assert partial["Vary"] and "HX-Request" in partial["Vary"]


@pytest.mark.parametrize(
    ("page", "shown"),
    [("99999999999999999999", 1), ("²", 1), ("-1", 1), ("0", 1), ("1.5", 1), ("abc", 1), ("7", 2), ("", 1)],
)
def test_a_page_number_that_is_not_one_never_fails(owner_console, crowd, page, shown):
    """Not a page number: the first page; past the end: the last (never a 500, never a huge OFFSET)."""
    response = owner_console.get("/org/members/", {"page": page})
    assert response.status_code == 200
    assert f"Page {shown} of 2" in response.content.decode()


def test_an_unknown_sort_falls_back_to_the_default(owner_console, crowd):
    html = owner_console.get("/org/members/?sort=password&dir=sideways").content.decode()
    assert 'aria-sort="ascending"' in header(html, "Name")


def test_the_members_page_stays_within_its_query_budget(
    owner_console, crowd, data_team, in_team, django_assert_max_num_queries
):
    for member in Member.objects.filter(organization=data_team.organization):
        in_team(data_team, member.user)
    # Session, the login with its user, memberships, grants, the page with its total, its roles and teams: as many
    # for 31 members as for 3.
    with django_assert_max_num_queries(6):
        partial = owner_console.get("/org/members/?sort=name", headers=HTMX)
    assert partial.status_code == 200 and partial.content.decode().count(">Data</a>") == 25  # a page
    with django_assert_max_num_queries(8):  # the full page adds the pickers' roles and teams, and the invitations
        assert owner_console.get("/org/members/?sort=name").status_code == 200


def test_the_teams_list_sorts_by_member_count_and_pages(owner_console, as_alice, data_team, in_team, bob):
    in_team(data_team, bob)
    for i in range(26):
        team_create(principal=as_alice, name=f"Squad {i:02}")
    html = owner_console.get("/org/teams/?sort=members&dir=desc").content.decode()
    assert re.search(r"<td><a [^>]+>Data</a></td><td>1</td>", html)  # the only team with a member comes first
    assert "27 teams" in html and "Page 1 of 2" in html
    searched = owner_console.get("/org/teams/?q=squad%2025", headers=HTMX).content.decode()
    assert "Squad 25" in searched and "Data" not in searched and "1 team" in searched


def test_the_shared_empty_state_tells_a_filtered_list_from_an_empty_one(owner_console):
    nothing = owner_console.get("/org/teams/").content.decode()
    assert "No teams" in nothing and "Teams group members" in nothing
    no_match = owner_console.get("/org/teams/?q=zzz", headers=HTMX).content.decode()
    assert "No teams match" in no_match and 'href="/org/teams/?sort=name&amp;dir=asc"' in no_match


# --- one way to refuse: styled 403/404 inside the console shell, every ApplicationError mapped ---


def test_a_hidden_team_is_a_404_page_in_the_shell(bob, as_alice):
    secret = team_create(principal=as_alice, name="Secret")
    response = console_as(bob).get(f"/org/teams/{secret.pk}/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "This team does not exist or you cannot see it." in html
    assert 'class="topbar"' in html and 'aria-current="page"' in html  # the shell, with its navigation


def test_a_missing_permission_is_a_403_page_that_names_it(bob, data_team, in_team):
    in_team(data_team, bob)
    client = console_as(bob)
    response = client.get("/org/members/invite")
    html = response.content.decode()
    assert response.status_code == 403 and 'class="topbar"' in html
    assert "You need the Manage invitations permission (CanManageInvitations)." in html
    deleted = client.post(f"/org/teams/{data_team.pk}/delete")
    assert deleted.status_code == 403 and "(CanManageTeams)" in deleted.content.decode()


def test_an_unknown_console_url_is_the_styled_404_and_an_api_url_keeps_its_error_object(owner_console):
    page = owner_console.get("/org/teams/nope/members/nope/roles/extra")
    assert page.status_code == 404 and 'class="topbar"' in page.content.decode()
    api = owner_console.get("/api/v1/no-such-endpoint")
    assert api.status_code == 404 and api.json()["code"] == "endpoint_not_found"


def test_a_refused_htmx_request_gets_a_toast_not_a_page(bob, as_alice):
    secret = team_create(principal=as_alice, name="Secret")
    response = console_as(bob).get(f"/org/teams/{secret.pk}/", headers=HTMX)
    assert response.status_code == 404 and "<html" not in response.content.decode()
    assert "This team does not exist" in response["HX-Trigger"]


def test_a_service_conflict_is_never_a_500(owner_console, alice, member_of):
    owner = member_of(alice)
    # From a page: the message shows on the page the user came from.
    response = owner_console.post(
        f"/org/members/{owner.pk}/remove", headers={"Referer": "http://testserver/org/members/"}
    )
    assert response.status_code == 302 and response["Location"] == "http://testserver/org/members/"
    assert "last Owner" in owner_console.get("/org/members/").content.decode()
    # Without one: a 409 page in the shell.
    direct = owner_console.post(f"/org/members/{owner.pk}/remove")
    assert (
        direct.status_code == 409 and "last Owner" in direct.content.decode() and "Conflict" in direct.content.decode()
    )
    # Not trusting a Referer from elsewhere.
    foreign = owner_console.post(f"/org/members/{owner.pk}/remove", headers={"Referer": "https://evil.example/"})
    assert foreign.status_code == 409
    assert Member.objects.filter(pk=owner.pk).exists()


# --- an expired session during htmx ---


def test_an_htmx_request_without_a_session_navigates_the_window_to_the_login_page(db):
    response = Client().get(
        "/org/members/?q=ann", headers={**HTMX, "HX-Current-URL": "http://testserver/org/members/?sort=email"}
    )
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == "/login/?next=%2Forg%2Fmembers%2F%3Fsort%3Demail"
    plain = Client().get("/org/members/?q=ann")
    assert plain.status_code == 302 and plain["Location"] == "/login/?next=/org/members/%3Fq%3Dann"


def test_a_revoked_login_mid_session_is_the_same(owner_console, alice):
    from apps.identity.models import Login

    Login.objects.filter(user=alice).update(revoked_at="2020-01-01T00:00:00Z")
    response = owner_console.get("/org/members/?q=ann", headers=HTMX)
    assert response["HX-Redirect"].startswith("/login/?next=")


# --- one form path: POST → redirect → GET ---


def test_creating_a_team_redirects_so_a_reload_cannot_repeat_it(owner_console, team_role):
    body = {"name": "Platform", "default_role": team_role("team_member").pk}
    response = owner_console.post("/org/teams/", body)
    team = Team.objects.get(name="Platform")
    assert response.status_code == 302 and response["Location"] == f"/org/teams/{team.pk}/"
    assert "Team Platform created." in owner_console.get(response["Location"]).content.decode()
    again = owner_console.post("/org/teams/", body)  # a resubmission is refused on the form, not a second team
    assert again.status_code == 200 and "Already taken." in again.content.decode()
    assert Team.objects.filter(name="Platform").count() == 1


def test_an_htmx_form_success_navigates_with_hx_redirect(owner_console, team_role):
    response = owner_console.post(
        "/org/teams/", {"name": "Ops", "default_role": team_role("team_member").pk}, headers=HTMX
    )
    assert response["HX-Redirect"] == f"/org/teams/{Team.objects.get(name='Ops').pk}/"


def test_renaming_a_team_to_a_taken_name_shows_the_error_on_the_field(owner_console, as_alice, data_team, team_role):
    team_create(principal=as_alice, name="Ops")
    response = owner_console.post(
        f"/org/teams/{data_team.pk}/update", {"name": "ops", "default_role": team_role("team_member").pk}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'class="field has-error"' in html and "Already taken." in html
    data_team.refresh_from_db()
    assert data_team.name == "Data"


# --- pending invitations on the members page ---


@pytest.fixture
def pending(as_alice, data_team):
    invitation, _token = invitation_create(
        principal=as_alice, email="dana@example.test", team_assignments=[{"teamId": data_team.pk}], send_email=False
    )
    return invitation


def test_the_members_page_lists_pending_invitations(owner_console, pending, as_alice):
    expired, _ = invitation_create(principal=as_alice, email="old@example.test", send_email=False)
    Invitation.objects.filter(pk=expired.pk).update(expires_at="2020-01-01T00:00:00Z")
    html = owner_console.get("/org/members/").content.decode()
    section = html.split('id="invitations"')[1]
    assert "dana@example.test" in section and "old@example.test" not in section
    assert "Member" in section and "Alice" in section  # role, invited by
    assert f'<time datetime="{pending.expires_at:%Y-%m-%dT%H:%M}' in section  # relative, the exact time on hover
    assert f"/org/invitations/{pending.pk}/resend" in section and "data-confirm=" in section


def test_the_invitations_are_for_those_who_manage_them(bob, pending):
    html = console_as(bob).get("/org/members/").content.decode()
    assert 'id="invitations"' not in html and "dana@example.test" not in html
    assert console_as(bob).post(f"/org/invitations/{pending.pk}/revoke").status_code == 404
    assert Invitation.objects.get(pk=pending.pk).expires_at == pending.expires_at


def test_revoking_an_invitation(owner_console, pending):
    response = owner_console.post(f"/org/invitations/{pending.pk}/revoke", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="invitations"')
    assert "dana@example.test" not in html and "was revoked" in response["HX-Trigger"]
    pending.refresh_from_db()
    assert pending.expires_at <= pending.updated_at
    assert owner_console.post(f"/org/invitations/{pending.pk}/revoke").status_code == 404  # no longer pending


def test_resending_shows_the_new_link_once_and_the_old_one_stops_working(
    owner_console, pending, mailbox, django_capture_on_commit_callbacks, data_team
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_console.post(f"/org/invitations/{pending.pk}/resend", headers=HTMX)
    html = response.content.decode()
    link = re.search(r'id="new-invitation-link" type="text" value="([^"]+)"', html).group(1)
    assert 'data-copy="new-invitation-link"' in html and "A new invitation was sent" in response["HX-Trigger"]
    assert mailbox.first_link("dana@example.test") == link
    renewed = Invitation.objects.get(email="dana@example.test", expires_at__gt=pending.expires_at)
    assert renewed.team_assignments == [{"teamId": data_team.pk, "roleId": ""}]
    pending.refresh_from_db()
    assert pending.expires_at <= renewed.created_at  # superseded
    assert link not in owner_console.get("/org/members/").content.decode()  # shown once


def test_without_htmx_a_resend_redirects_and_shows_the_link_on_the_next_page_only(owner_console, pending):
    response = owner_console.post(f"/org/invitations/{pending.pk}/resend")
    assert response.status_code == 302 and response["Location"] == "/org/members/"
    page = owner_console.get("/org/members/").content.decode()
    assert 'id="new-invitation-link"' in page and "/invitations/" in page
    assert 'id="new-invitation-link"' not in owner_console.get("/org/members/").content.decode()


def test_inviting_in_the_dialog_closes_it_and_shows_the_link_in_the_list(owner_console, settings):
    settings.EMAIL_BACKEND = "apps.core.mail.LogEmailBackend"
    from apps.org.models import Role

    role = Role.objects.get(organization__slug="acme-corp", key="member")
    response = owner_console.post("/org/members/invite", {"email": "erin@example.test", "role": role.pk}, headers=HTMX)
    html = response.content.decode()
    assert (
        "closeDialogs" in response["HX-Trigger"] and "Invitation sent to erin@example.test." in response["HX-Trigger"]
    )
    pending = html.split('<section id="invitations"')[1]
    assert 'hx-swap-oob="true"' in pending and "erin@example.test" in pending
    assert "went to the server log only" in pending and 'id="new-invitation-link"' in pending
    assert 'name="email"' in html.split("<section")[0] and "erin@example.test" not in html.split("<section")[0]


def test_inviting_without_htmx_redirects_to_the_members_page(owner_console, settings):
    from apps.org.models import Role

    role = Role.objects.get(organization__slug="acme-corp", key="member")
    response = owner_console.post("/org/members/invite", {"email": "fay@example.test", "role": role.pk})
    assert response.status_code == 302 and response["Location"] == "/org/members/"
    page = owner_console.get("/org/members/").content.decode()
    assert "Invitation sent to fay@example.test." in page and "server log" not in page


def test_the_pickers_offer_every_role_and_the_teams_the_viewer_sees(owner_console, as_alice, acme, bob, in_team):
    mine = team_create(principal=as_alice, name="Data <&> Science")
    other = team_create(principal=as_alice, name="Sales")
    in_team(mine, bob)
    html = owner_console.get(f"/org/members/?team={mine.pk}").content.decode()
    assert f'<option value="{mine.pk}" selected>Data &lt;&amp;&gt; Science</option>' in html
    assert f'<option value="{other.pk}">Sales</option>' in html
    roles, teams = picker_names(principal=as_alice)
    assert [r.name for r in roles] == sorted(Role.objects.filter(organization=acme).values_list("name", flat=True))
    assert [t.id for t in teams] == [mine.pk, other.pk]
    # A plain member sees the teams it is in only: the picker offers those.
    _roles, bobs = picker_names(principal=owner_principal(bob, acme))
    assert [t.id for t in bobs] == [t.pk for t in team_names(principal=owner_principal(bob, acme))] == [mine.pk]
