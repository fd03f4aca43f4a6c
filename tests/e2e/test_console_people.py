"""The console for people, in a real browser at a phone's and a laptop's width, in the light and the dark theme:
no page scrolls sideways, no script error or CSP violation (the listener is as strict as conftest's), and
axe-core (vendored, injected here only) finds no serious or critical accessibility violation."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from apps.identity.models import ServiceAccount
from apps.identity.sso.models import IdentityProvider
from apps.org.models import Member, TeamRole
from apps.org.services.invitations import invitation_create
from apps.org.services.policies import policy_set
from apps.org.services.teams import team_create, team_member_add
from tests.conftest import PASSWORD
from tests.org.conftest import owner_principal

pytestmark = pytest.mark.e2e

AXE = "/static/vendor/axe-core/axe.min.js"
WIDTHS = {"phone": (390, 844), "laptop": (1440, 900)}
# Impacts axe rates serious or critical, with where they are: the test fails on any.
SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => ["serious", "critical"].includes(v.impact))
    .map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`);
}"""


@pytest.fixture
def organization(acme, alice, bob):
    """Acme as an administrator finds it: members in a team, a policy, an invitation, a service account, SSO."""
    as_alice = owner_principal(alice, acme)
    data_team = team_create(principal=as_alice, name="Data")
    bob_member = Member.objects.get(organization=acme, user=bob)
    role = TeamRole.objects.get(organization=acme, key="team_member")
    team_member_add(principal=as_alice, team=data_team, member=bob_member, role_ids=[role.pk])
    policy_set(principal=as_alice, principal_id=bob.pk, permissions=["CanManageConnections"])
    invitation_create(principal=as_alice, email="erin@example.test", send_email=False)
    account = ServiceAccount.objects.create(organization=acme, username="ci-bot", description="Deploys the jobs")
    IdentityProvider.objects.create(
        organization=acme, provider_type="keycloak", name="Acme SSO", issuer="https://sso.acme.test", is_enabled=False
    )
    return {
        "dashboard": "/",
        "members": "/org/members/",
        "member": f"/org/members/{bob_member.pk}/",
        "team": f"/org/teams/{data_team.pk}/",
        "roles": "/org/roles/",
        "policies": "/org/policies/",
        "settings": "/org/settings/",
        "audit": "/org/audit/",
        "profile": "/identity/",
        "service account": f"/identity/service-accounts/{account.pk}/",
        "sso": "/identity/sso/",
        "sso wizard": "/identity/sso/new/",
        "search": "/search/?q=bo",
        **domain_pages(as_alice, data_team),
    }


def domain_pages(owner, team) -> dict[str, str]:
    """Infrastructure, workloads and notifications pages with something on them (records only: nothing runs)."""
    from apps.workloads.services.catalogs import catalog_create
    from apps.workloads.services.jobs import job_create
    from apps.workloads.services.queries import query_create
    from apps.workloads.services.runs import run_create
    from tests.workloads.conftest import SQL_CONFIG, usable_cluster

    cluster = usable_cluster(owner, team, name="Warehouse")
    catalog = catalog_create(principal=owner, name="Sales", provider="memory", config_write={}, team_ids=[team.pk])
    query = query_create(
        principal=owner, values={"name": "Revenue", "queryText": "SELECT 1 AS one"}, team_ids=[team.pk]
    )
    job = job_create(
        principal=owner,
        job_key="nightly-revenue",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": SQL_CONFIG, "cronExpression": "30 2 * * *"},
    )
    run = run_create(principal=owner, job=job, hold=True)
    return {
        "infrastructure": "/infra/",
        "connection": f"/infra/connections/{cluster.connection_id}/",
        "cluster": f"/infra/clusters/{cluster.provisioned_cluster_id}/",
        "new connection": "/infra/connections/new",
        "workloads": "/workloads/",
        "catalog": f"/workloads/catalogs/{catalog.pk}/",
        "queries": "/workloads/queries/",
        "query": f"/workloads/queries/{query.pk}/",
        "jobs": "/workloads/jobs/",
        "job": f"/workloads/jobs/{job.pk}/",
        "job runs": f"/workloads/jobs/{job.pk}/runs",
        "runs": "/workloads/runs/",
        "run": f"/workloads/jobs/{job.pk}/runs/{run.pk}/",
        "sessions": "/workloads/sessions/",
        "notifications": "/notifications/",
        "notification rules": "/notifications/rules/",
    }


@pytest.fixture
def strict_page(browser: Browser, request) -> Iterator[Page]:
    width, height = WIDTHS[request.param[0]]
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=request.param[1], timezone_id="Europe/Paris"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors  # a CSP violation or a script error


VARIANTS = [(w, t) for w in WIDTHS for t in ("light", "dark")]


@pytest.mark.parametrize("strict_page", VARIANTS, ids=[f"{w}-{t}" for w, t in VARIANTS], indirect=True)
def test_every_page_fits_reads_and_runs_clean(live_server, strict_page: Page, organization, request):
    page, base = strict_page, live_server.url
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")
    problems = {}
    for name, path in organization.items():
        page.goto(f"{base}{path}")
        expect(page.locator("main h1")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.add_script_tag(url=AXE)
        violations = page.evaluate(SERIOUS)
        if overflow > 0 or violations:
            problems[name] = {"sideways scroll (px)": overflow, "axe": violations}
    assert not problems, problems
    # The browser told the server its timezone on the first page: times now read in Paris time.
    expect(page.locator("body")).to_have_attribute("data-timezone", "Europe/Paris")


@pytest.mark.parametrize("strict_page", [("phone", "light")], ids=["phone"], indirect=True)
def test_the_header_folds_into_a_menu_on_a_phone(live_server, strict_page: Page, alice):
    page, base = strict_page, live_server.url
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    sections = page.get_by_role("navigation", name="Sections")
    expect(sections).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    sections.get_by_role("link", name="Org").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")


@pytest.mark.parametrize("strict_page", [("laptop", "light")], ids=["laptop"], indirect=True)
def test_a_chosen_dark_theme_wins_over_a_light_system(live_server, strict_page: Page, alice, acme, bob):
    from apps.org.services.preferences import my_preferences_set

    page, base = strict_page, live_server.url
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    my_preferences_set(principal=owner_principal(alice, acme), theme="dark", timezone="")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light
    page.get_by_label("Search people, teams and more").fill("bob")
    expect(page.locator("#global-search-results")).to_contain_text("bob@acme.test")
