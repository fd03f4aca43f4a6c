"""The console pages of sessions and compute configs, and the Django admin of their models."""

import pytest

from apps.workloads.models import ComputeConfig, Session
from apps.workloads.services.sessions import session_create
from apps.workloads.session_tokens import verify
from tests.org.test_console_pages import console_as

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def bob_console(bob):
    return console_as(bob)


def _open(bob_console, spark_config, **extra):
    form = {
        "compute_config": spark_config.pk,
        "name": "Churn model",
        "idle_timeout": 900,
        "idle_close_delay": 60,
        "max_duration": 7200,
        **extra,
    }
    return bob_console.post("/workloads/sessions/open", form, headers=HTMX)


def test_opening_a_session_from_the_dialog_leads_to_its_page(bob_console, spark_config):
    page = bob_console.get("/workloads/sessions/").content.decode()
    assert "Open session" in page and "Small · Data · Interactive" in page and "At most 14400" in page
    response = _open(bob_console, spark_config)
    session = Session.objects.get()
    assert response.status_code == 200 and response["HX-Redirect"] == f"/workloads/sessions/{session.pk}/"
    assert (session.name, session.idle_timeout_seconds, session.max_duration_seconds) == ("Churn model", 900, 7200)

    detail = bob_console.get(f"/workloads/sessions/{session.pk}/").content.decode()
    assert "Connect from pyspark" in detail and "sc://localhost:15102/;token=&lt;token&gt;" in detail
    assert "Close session" in detail and "Relaunch" not in detail
    listed = bob_console.get("/workloads/sessions/?status=pending", headers=HTMX).content.decode()
    assert "Churn model" in listed and "<html" not in listed
    assert "Churn model" not in bob_console.get("/workloads/sessions/?status=closed", headers=HTMX).content.decode()


def test_timeouts_over_the_organizations_maximum_stay_on_the_form(bob_console, spark_config):
    response = _open(bob_console, spark_config, idle_timeout=999_999)
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert "14400" in response.content.decode()
    assert not Session.objects.exists()


def test_the_token_button_shows_the_token_once_in_a_ready_snippet(bob_console, as_bob, spark_config):
    session = session_create(principal=as_bob, endpoint_type="spark_connect", workload_config_id=spark_config.pk)
    response = bob_console.post(f"/workloads/sessions/{session.pk}/token", headers=HTMX)
    html = response.content.decode()
    token = html.split('id="session-token-value" value="', 1)[1].split('"', 1)[0]
    assert verify(token).session_id == session.pk
    assert f"sc://localhost:15102/;token={token}" in html and "shown once" in html


def test_close_then_relaunch_from_the_session_page(bob_console, as_bob, spark_config):
    session = session_create(principal=as_bob, endpoint_type="spark_connect", workload_config_id=spark_config.pk)
    closed = bob_console.post(f"/workloads/sessions/{session.pk}/close")
    assert closed.status_code == 302 and Session.objects.get(pk=session.pk).status == "closed"
    page = bob_console.get(f"/workloads/sessions/{session.pk}/").content.decode()
    assert "Relaunch" in page and "Connect from pyspark" not in page
    relaunched = bob_console.post(f"/workloads/sessions/{session.pk}/relaunch")
    new = Session.objects.exclude(pk=session.pk).get()
    assert relaunched["Location"] == f"/workloads/sessions/{new.pk}/" and new.relaunched_from_id == session.pk


def test_another_members_session_is_a_404_page(api_as, alice, owner, bob_console, spark_config, data_team):
    from tests.workloads.sessions.conftest import join

    join(owner, data_team, alice)
    session = session_create(principal=owner, endpoint_type="spark_connect", workload_config_id=spark_config.pk)
    assert bob_console.get(f"/workloads/sessions/{session.pk}/").status_code == 404
    assert bob_console.post(f"/workloads/sessions/{session.pk}/close").status_code == 404
    assert Session.objects.get(pk=session.pk).status == "pending"


def test_the_compute_config_editor_creates_and_edits(bob_console, cluster, data_team, spark_config):
    page = bob_console.get("/workloads/compute-configs/").content.decode()
    assert "Small" in page and "team default" in page and "New compute config" in page
    form = {
        "name": "Wide",
        "team": data_team.pk,
        "cluster": cluster.pk,
        "workload_type": "spark_connect",
        "execution_mode": "cluster",
        "workers": 3,
        "extra_env": "SAIL_EXECUTION__BATCH_SIZE=4096\n",
        "session_limit": 4,
    }
    assert bob_console.post("/workloads/compute-configs/new", form).status_code == 302
    wide = ComputeConfig.objects.get(name="Wide")
    assert wide.config["sail"]["compute"]["worker"] == {"maxNodes": 3}
    assert wide.config["sail"]["extraEnv"] == {"SAIL_EXECUTION__BATCH_SIZE": "4096"}
    assert wide.endpoint_limits == {"spark_connect": 4}

    editor = bob_console.get(f"/workloads/compute-configs/{wide.pk}/").content.decode()
    assert "SAIL_EXECUTION__BATCH_SIZE=4096" in editor and "never change" in editor
    edit = {"name": "Wider", "execution_mode": "standalone", "extra_env": "PATH=/tmp", "is_default": "on"}
    refused = bob_console.post(f"/workloads/compute-configs/{wide.pk}/", edit)
    assert refused.status_code == 200 and "Only SAIL_* variables" in refused.content.decode()
    edit["extra_env"] = ""
    assert bob_console.post(f"/workloads/compute-configs/{wide.pk}/", edit).status_code == 302
    wide.refresh_from_db()
    assert (wide.name, wide.sail["executionMode"], wide.is_default) == ("Wider", "standalone", True)


def test_every_session_model_has_an_admin(alice, owner, as_bob, spark_config):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    staff = console_as(alice)
    session = session_create(principal=as_bob, endpoint_type="spark_connect", workload_config_id=spark_config.pk)
    for name, pk in (
        ("computeconfig", spark_config.pk),
        ("computeinstance", session.compute_instance_id),
        ("session", session.pk),
    ):
        assert staff.get(f"/admin/workloads/{name}/").status_code == 200, name
        assert staff.get(f"/admin/workloads/{name}/{pk}/change/").status_code == 200, name
