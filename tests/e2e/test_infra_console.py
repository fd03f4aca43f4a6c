"""The infrastructure console in a real browser, with a real Celery worker and real Sail: the local connection wizard,
then the cluster wizard (a new network with its CIDR checked live, waited for on its progress), the review with its
estimate, and the live progress page following the provisioning to `succeeded`; then destroy with the typed name.
The page's console listener stays strict: no script error, no CSP violation."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.infra.models import ProvisionedCluster, SailProcess
from tests.e2e.test_console_lists import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

SLOW = 120_000  # ms: a worker provisions, and Sail starts


def test_from_a_local_connection_to_a_running_cluster_and_back(live_server, page: Page, alice, celery_worker, settings):
    settings.LOCAL_CLUSTER_HOURLY_PRICE_USD = 0.5
    base = live_server.url
    log_in(page, base, "/infra/")
    page.get_by_role("link", name="Connect this machine or an AWS account").click()

    # Connection wizard: provider → name → verify → done.
    expect(page.locator('[aria-current="step"]')).to_have_text("1. Provider")
    page.get_by_role("link", name="Use local").click()
    page.get_by_label("Name").fill("This machine")
    page.get_by_role("button", name="Create connection").click()
    expect(page.locator('[aria-current="step"]')).to_have_text("3. Verify")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("Ready.")).to_be_visible(timeout=SLOW)
    page.get_by_role("link", name="create a cluster on it").click()

    # Cluster wizard: region → a new network (CIDR checked as typed) → its progress → cluster → review.
    expect(page.locator('[aria-current="step"]')).to_have_text("2. Region")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Network name").fill("Loopback")
    page.get_by_label("CIDR").fill("10.0.0.0/16")
    expect(page.locator("#cidr-check")).to_contain_text("inside 127.0.0.0/8")
    page.get_by_label("CIDR").fill("127.0.0.0/24")
    expect(page.locator("#cidr-check")).to_have_text("127.0.0.0/24 can be used.")
    page.get_by_role("button", name="Create and provision the network").click()
    page.get_by_role("link", name="Continue").click(timeout=SLOW)

    expect(page.locator('[aria-current="step"]')).to_have_text("4. Cluster")
    page.get_by_label("Cluster name").fill("Analytics")
    expect(page.get_by_label("Single process (Sail local mode)")).to_be_checked()
    expect(page.locator(".node-sizes")).to_be_hidden()  # one worker: no sizes to choose
    page.get_by_label("At least vCPUs").fill("1")
    expect(page.locator("#instance-type-field")).to_contain_text("from the connection's catalog")
    page.get_by_role("button", name="Review").click()
    expect(page.locator(".infra-estimate")).to_have_text("$0.50 per hour while it runs")
    page.get_by_role("button", name="Provision").click()

    # The live progress page: polls until the operation has succeeded, without a reload.
    expect(page).to_have_url(re.compile(r"/infra/operations/\w+/$"))
    status = page.locator("[data-operation-status]")
    expect(status).to_have_text("succeeded", timeout=SLOW)
    expect(page.locator(".infra-summary")).to_have_text("3 resources: 3 succeeded")
    expect(page.locator(".infra-operation tbody tr")).to_have_count(3)
    expect(page.locator(".infra-stages .stage-done")).to_have_count(4)
    page.get_by_role("link", name="Open cluster").click()

    cluster = ProvisionedCluster.objects.get(name="Analytics")
    expect(page.locator("h1 .badge")).to_have_text("active")
    assert cluster.iac_outputs["mode"] == "local"
    expect(page.locator("#chart-cpu svg")).to_be_visible()

    # Destroy: the button waits for the typed name; the progress page follows it to the end.
    destroy = page.get_by_role("button", name="Destroy cluster")
    expect(destroy).to_be_disabled()
    page.get_by_label("Type Analytics to confirm").fill("Analytics")
    destroy.click()
    expect(page.locator("[data-operation-status]")).to_have_text("succeeded", timeout=SLOW)
    assert not SailProcess.objects.filter(cluster_id=cluster.pk, status__in=("starting", "running", "stopping"))
