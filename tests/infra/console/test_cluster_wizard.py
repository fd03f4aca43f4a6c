"""The cluster wizard: connection → region → network (existing, or new with its CIDR checked live) → cluster
(engine, instance profile filtered from the catalog, sizes) → review with the estimated hourly cost → provision,
ending on the operation's live progress page (polling until it ends)."""

import re

from apps.core.operations import OperationReporter
from apps.infra.models import Network, ProvisionedCluster
from apps.infra.providers.local import profiles
from apps.infra.services.connections import connection_create
from tests.infra.conftest import mark
from tests.infra.console.conftest import HTMX, text

NEW = "/infra/clusters/new"


def _step(page: str) -> str:
    return re.search(r'<li aria-current="step">(\d\. \w+)</li>', page).group(1)


def test_the_steps_follow_the_choices_in_the_url(console, owner, connection, network):
    mark(connection_create(principal=owner, name="Unverified", provider="local"), "pending")
    first = text(console.get(NEW))
    assert _step(first) == "1. Connection" and "This machine" in first and "Unverified" not in first
    second = text(console.get(f"{NEW}?connection={connection.pk}"))
    assert _step(second) == "2. Region" and '<option value="local"' in second
    third = text(console.get(f"{NEW}?connection={connection.pk}&region=local"))
    assert _step(third) == "3. Network" and f'value="{network.pk}"' in third and "Create and provision" in third
    fourth = text(console.get(f"{NEW}?connection={connection.pk}&region=local&network={network.pk}"))
    assert _step(fourth) == "4. Cluster" and "Single process (Sail local mode)" in fourth
    assert f'<option value="{profiles.instance_types()[0].id}"' in fourth


def test_a_wrong_region_and_an_unverified_connection_say_so(console, owner, connection):
    assert "Choose one of the connection&#x27;s regions." in text(
        console.get(f"{NEW}?connection={connection.pk}&region=mars")
    )
    pending = connection_create(principal=owner, name="Later", provider="local")
    assert "is pending: verify it first" in text(console.get(f"{NEW}?connection={pending.pk}"))


def test_no_verified_connection_leads_to_the_connection_wizard(console):
    page = text(console.get(NEW))
    assert "No verified connection" in page and 'href="/infra/connections/new"' in page


def test_the_cidr_is_checked_as_it_is_typed(console, connection):
    url = f"{NEW}/cidr-check?connection={connection.pk}&cidr="
    bad = text(console.get(url + "10.0.0.0/16", **HTMX))
    assert 'class="field-error"' in bad and "a CIDR inside 127.0.0.0/8" in bad
    good = text(console.get(url + "127.0.5.0/24", **HTMX))
    assert "127.0.5.0/24 can be used." in good and "<html" not in good
    assert "Not a CIDR block" in text(console.get(url + "banana", **HTMX))


def test_a_new_network_is_created_provisioned_and_waited_for(console, connection):
    page = console.post(
        f"{NEW}/network?connection={connection.pk}&region=local", {"name": "Fresh", "cidr": "10.0.0.0/8"}
    )
    assert page.status_code == 200 and "a CIDR inside 127.0.0.0/8" in text(page)
    assert not Network.objects.exists()

    created = console.post(f"{NEW}/network?connection={connection.pk}&region=local", {"name": "Fresh", "cidr": ""})
    network = Network.objects.get()
    assert network.status == "provisioning" and network.last_operation is not None
    assert created["Location"] == f"{NEW}?connection={connection.pk}&region=local&network={network.pk}"
    waiting = text(console.get(created["Location"]))
    assert _step(waiting) == "3. Network" and "The next step opens when it is ready" in waiting
    assert f"/infra/operations/{network.last_operation_id}/progress?next=" in waiting and "every 2s" in waiting

    reporter = OperationReporter(network.last_operation_id)
    reporter.start("running")
    reporter.succeed(None)
    mark(network, "active")
    poll = text(
        console.get(f"/infra/operations/{network.last_operation_id}/progress?next={created['Location']}", **HTMX)
    )
    assert "every 2s" not in poll and "Continue</a>" in poll
    assert _step(text(console.get(created["Location"]))) == "4. Cluster"


def test_the_instance_profiles_are_filtered_by_vcpus_memory_and_architecture(console, connection):
    # The local catalog is this machine's CPUs and memory: the expectations are read off the same machine.
    catalog = profiles.instance_types()
    largest = catalog[-1]
    url = f"{NEW}/instance-types?connection={connection.pk}&region=local"

    def shown(query: str = "") -> list[str]:
        return re.findall(r'<option value="(local\.[^"]+)"', text(console.get(url + query, **HTMX)))

    assert shown() == [each.id for each in catalog]
    assert f"{len(catalog)} profile" in text(console.get(url, **HTMX))
    assert shown(f"&min_vcpus={largest.vcpus}") == [largest.id]
    big_enough = [each.id for each in catalog if each.memory_mib >= (largest.memory_mib // 1024) * 1024]
    assert shown(f"&min_memory_gib={largest.memory_mib // 1024}") == big_enough
    assert largest.id in big_enough
    assert shown(f"&architecture={largest.architecture}") == [each.id for each in catalog]
    other = "arm64" if largest.architecture != "arm64" else "x86_64"
    assert "No profile matches" in text(console.get(url + f"&architecture={other}", **HTMX))
    assert "No profile matches" in text(console.get(url + f"&min_vcpus={largest.vcpus + 1}", **HTMX))


def _cluster_form(**overrides):
    return {
        "name": "Analytics",
        "engine_mode": "multi",
        "instance_type": profiles.instance_types()[0].id,
        "min_size": "1",
        "max_size": "3",
        "desired_size": "2",
        **overrides,
    }


def test_the_cluster_step_shows_its_errors_and_creates_a_pending_record(console, connection, network):
    url = f"{NEW}?connection={connection.pk}&region=local&network={network.pk}"
    one = text(console.post(url, _cluster_form(desired_size="1")))
    assert "A multi-worker engine has at least 2 workers." in one
    sizes = text(console.post(url, _cluster_form(desired_size="5")))
    assert "Must be at most maxSize." in sizes  # the service's check, on its field
    assert not ProvisionedCluster.objects.exists()

    created = console.post(url, _cluster_form())
    cluster = ProvisionedCluster.objects.get()
    assert created["Location"] == f"/infra/clusters/{cluster.pk}/review"
    assert cluster.status == "pending"
    assert cluster.config["systemNodeGroup"] | {} == {
        "name": "system",
        "instanceTypes": [profiles.instance_types()[0].id],
        "minSize": 1,
        "maxSize": 3,
        "desiredSize": 2,
    }


def test_single_process_means_one_worker(console, connection, network):
    url = f"{NEW}?connection={connection.pk}&region=local&network={network.pk}"
    console.post(url, _cluster_form(engine_mode="single", desired_size="", max_size="", min_size=""))
    group = ProvisionedCluster.objects.get().config["systemNodeGroup"]
    assert (group["minSize"], group["maxSize"], group["desiredSize"]) == (1, 1, 1)


def test_the_review_shows_the_estimate_goes_back_and_provisions(console, connection, network, settings):
    settings.LOCAL_CLUSTER_HOURLY_PRICE_USD = 0.35
    url = f"{NEW}?connection={connection.pk}&region=local&network={network.pk}"
    console.post(url, _cluster_form())
    cluster = ProvisionedCluster.objects.get()
    review = text(console.get(f"/infra/clusters/{cluster.pk}/review"))
    assert _step(review) == "5. Review" and "$0.35 per hour while it runs" in review
    assert "Multi-worker: 2 workers (at most 3)" in review

    back = re.search(r'<a href="([^"]+)">Back</a>', review).group(1).replace("&amp;", "&")
    assert f"cluster={cluster.pk}" in back
    again = text(console.get(back))
    assert 'value="Analytics"' in again and "Change Analytics" in again
    console.post(back, _cluster_form(name="Analytics 2", desired_size="3"))
    cluster.refresh_from_db()
    assert ProvisionedCluster.objects.count() == 1  # changed, not created again
    assert cluster.name == "Analytics 2" and cluster.config["systemNodeGroup"]["desiredSize"] == 3

    provisioned = console.post(f"/infra/clusters/{cluster.pk}/review")
    cluster.refresh_from_db()
    assert cluster.status == "provisioning"
    assert provisioned["Location"] == f"/infra/operations/{cluster.last_operation_id}/"
    assert console.get(f"/infra/clusters/{cluster.pk}/review")["Location"] == f"/infra/clusters/{cluster.pk}/"


def test_the_live_progress_shows_stages_resources_and_the_summary_until_it_ends(console, cluster):
    console.post(f"/infra/clusters/{cluster.pk}/review")
    cluster.refresh_from_db()
    url = f"/infra/operations/{cluster.last_operation_id}/"
    queued = text(console.get(url))
    assert '<li class="stage-current" aria-current="step">Queued</li>' in queued
    assert f'hx-get="{url}progress" hx-trigger="every 2s"' in queued

    reporter = OperationReporter(cluster.last_operation_id)
    reporter.start("running")
    reporter.stage("running", "Running 3 step(s)")
    reporter.resource(urn="a", type="local:fs:Directory", name="work", operation="create", status="succeeded")
    reporter.resource(urn="b", type="local:sail:Server", name="Analytics", operation="create", status="running")
    running = text(console.get(url + "progress", **HTMX))
    assert "<html" not in running and "every 2s" in running
    assert '<li class="stage-done">Queued</li>' in running and 'aria-current="step">Running the steps</li>' in running
    assert "2 resources: 1 succeeded, 1 running" in running and "<code>local:sail:Server</code>" in running

    reporter.resource(urn="b", type="local:sail:Server", name="Analytics", operation="create", status="succeeded")
    reporter.succeed(None)
    done = text(console.get(url + "progress", **HTMX))
    assert "every 2s" not in done and "2 resources: 2 succeeded" in done
    assert f'href="/infra/clusters/{cluster.pk}/">Open cluster</a>' in done


def test_another_organization_cannot_follow_the_wizard_or_the_progress(charlie_console, console, cluster, connection):
    console.post(f"/infra/clusters/{cluster.pk}/review")
    cluster.refresh_from_db()
    for url in (
        f"{NEW}?connection={connection.pk}",
        f"{NEW}/cidr-check?connection={connection.pk}&cidr=127.0.0.0/24",
        f"/infra/clusters/{cluster.pk}/review",
        f"/infra/operations/{cluster.last_operation_id}/",
    ):
        assert charlie_console.get(url).status_code == 404, url


def test_the_estimate_uses_the_providers_prices(owner, settings):
    from apps.infra.selectors.provider_data import cluster_hourly_estimate

    settings.LOCAL_CLUSTER_HOURLY_PRICE_USD = 0.25
    local = connection_create(principal=owner, name="Box", provider="local")
    assert cluster_hourly_estimate(connection=local, region="local", config={}) == 0.25  # per running server
    aws = connection_create(
        principal=owner,
        name="Prod",
        provider="aws",
        provider_config={"accountId": "123456789012", "region": "us-east-1"},
    )
    group = {"instanceTypes": ["m7g.large"], "minSize": 1, "maxSize": 3, "desiredSize": 2}
    estimate = cluster_hourly_estimate(connection=aws, region="us-east-1", config={"systemNodeGroup": group})
    assert estimate == round(0.10 + 2 * 0.0816, 4)  # the control plane and two nodes, as the cost metric counts
    unknown = {"systemNodeGroup": {**group, "instanceTypes": ["z9.huge"]}}
    assert cluster_hourly_estimate(connection=aws, region="us-east-1", config=unknown) is None
