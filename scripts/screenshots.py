"""Screenshots of the console's main pages, at a laptop's and a phone's width, in the light and the dark theme.

`make screenshots` runs this: it builds a throwaway database with demo data (`--seed` runs inside Django), starts
the console on a free port, and has Chromium write docs/screenshots/<page>-<width>-<theme>.png. The README shows
some of them; run it again after changing how a page looks.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the console's and its tests' modules (Chromium's flags, the seeding helpers)
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
EMAIL, PASSWORD = "ada@acme.example", "demo-password-for-screenshots"
WIDTHS = {"laptop": (1440, 900), "phone": (390, 844)}
THEMES = ("light", "dark")


def seed() -> dict[str, str]:
    """Demo data through the services (as the console would make it); the page paths to photograph."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakesail_console.settings")
    django.setup()
    from apps.identity.models import ServiceAccount, TotpDevice
    from apps.identity.services.users import user_create
    from apps.identity.sso.models import IdentityProvider
    from apps.org.models import Member, TeamRole
    from apps.org.services.invitations import invitation_create
    from apps.org.services.organizations import member_add, organization_create, organization_update
    from apps.org.services.policies import policy_set
    from apps.org.services.teams import team_create, team_member_add
    from tests.org.conftest import owner_principal

    org = organization_create(name="Acme Analytics")
    ada = user_create(email=EMAIL, password=PASSWORD, given_name="Ada", family_name="Lovelace")
    member_add(org=org, user=ada, role_keys=["owner"])
    owner = owner_principal(ada, org)
    people = [
        ("grace", "Grace Hopper", "admin"),
        ("alan", "Alan Turing", "member"),
        ("edsger", "Edsger Dijkstra", "member"),
        ("barbara", "Barbara Liskov", "viewer"),
    ]
    members = {}
    for login, name, role in people:
        given, family = name.split()
        user = user_create(email=f"{login}@acme.example", password=PASSWORD, given_name=given, family_name=family)
        members[login] = member_add(org=org, user=user, role_keys=[role])
    TotpDevice.objects.create(user=members["grace"].user, secret="JBSWY3DPEHPK3PXP", confirmed_at=org.created_at)
    roles = {r.key: r.pk for r in TeamRole.objects.filter(organization=org)}
    data = team_create(principal=owner, name="Data platform")
    team_create(principal=owner, name="Analytics")
    for login, role in (("alan", "team_admin"), ("edsger", "team_member"), ("barbara", "team_viewer")):
        team_member_add(principal=owner, team=data, member=members[login], role_ids=[roles[role]])
    policy_set(principal=owner, principal_id=members["alan"].user_id, permissions=["CanManageConnections"])
    bot = ServiceAccount.objects.create(organization=org, username="nightly-etl", description="Runs the nightly jobs")
    policy_set(principal=owner, principal_id=bot.pk, permissions=["CanViewJobs", "CanRunJobs"])
    invitation_create(principal=owner, email="katherine@acme.example", name="Katherine Johnson", send_email=False)
    issuer = "https://sso.acme.example/realms/acme"
    IdentityProvider.objects.create(
        organization=org,
        provider_type="keycloak",
        name="Acme SSO",
        issuer=issuer,
        client_id="lakesail",
        is_enabled=False,
    )
    organization_update(principal=owner, settings={"auth": {"requireMfa": True, "mfaGracePeriodDays": 14}})
    alan = Member.objects.get(organization=org, user=members["alan"].user)
    return {
        "dashboard": "/",
        "members": "/org/members/",
        "member-access": f"/org/members/{alan.pk}/",
        "roles": "/org/roles/",
        "policies": "/org/policies/",
        "org-settings": "/org/settings/",
        "profile": "/identity/",
        "sso-wizard": "/identity/sso/new/",
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    for _ in range(120):
        if server.poll() is not None:
            sys.exit("the console did not start")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("the console did not answer in 60 s")


def photograph(base: str, pages: dict[str, str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS

    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for width_name, (width, height) in WIDTHS.items():
            for theme in THEMES:
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=theme)
                page = context.new_page()
                page.goto(f"{base}/login/")
                page.get_by_label("Email").fill(EMAIL)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_url(f"{base}/")
                for name, path in pages.items():
                    page.goto(f"{base}{path}")
                    target = OUT / f"{name}-{width_name}-{theme}.png"
                    page.screenshot(path=target, animations="disabled")
                    written.append(target)
                context.close()
        browser.close()
    return written


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir}/screenshots.sqlite3",
            "PORT": str(port),
            "DEBUG": "0",
            "PYTHONPATH": str(ROOT),
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "createcachetable"], cwd=ROOT, env=env, check=True)
        seeded = subprocess.run(
            [sys.executable, __file__, "--seed"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        pages = json.loads(seeded.stdout.strip().splitlines()[-1])
        server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(f"{base}/healthz", server)
            written = photograph(base, pages)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"{len(written)} screenshots in {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    if sys.argv[1:] == ["--seed"]:
        print(json.dumps(seed()))
    else:
        main()
