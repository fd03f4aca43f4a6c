"""The session endpoints without servers: who sees and does what, validation, limits, audit. The servers, the proxy
and the reaper with real Sail are in test_proxy_end_to_end.py."""

import pytest

from apps.core.audit import AuditEvent
from apps.identity.services.users import user_create
from apps.org.models import Member
from apps.org.services.organizations import member_add
from apps.workloads.models import ComputeInstance, InfraStatus, Session
from apps.workloads.session_tokens import verify
from tests.conftest import PASSWORD
from tests.workloads.sessions.conftest import join

pytestmark = pytest.mark.django_db


def _open(client, compute_config, **extra):
    body = {"endpointType": "spark_connect", "workloadConfigId": compute_config.pk, **extra}
    return client.post("/workloads/sessions", body)


@pytest.fixture
def bob_api(api_as, bob, acme):
    return api_as(bob, acme)


def test_a_member_opens_a_pending_session_with_the_org_defaults(bob_api, bob, acme, spark_config):
    response = _open(bob_api, spark_config, name="Exploration", metadata={"notebook": "churn"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["endpointType"], body["name"], body["teamId"]) == (
        "pending",
        "spark_connect",
        "Exploration",
        spark_config.team_id,
    )
    assert body["memberId"] == Member.objects.get(user=bob, organization=acme).pk
    assert body["config"] == {"idleTimeoutSeconds": 1800, "idleCloseDelaySeconds": 60, "maxDurationSeconds": 43200}
    assert body["connectionInfo"] == {"proxyAuthUrl": None, "grpcEndpoint": "localhost:15102"}
    assert body["metadata"] == {"notebook": "churn"} and body["closedAt"] is None
    instance = ComputeInstance.objects.get(pk=body["workloadId"])
    assert (instance.infra_status, instance.shutdown_policy) == (InfraStatus.PENDING, "with_session")
    assert AuditEvent.objects.filter(action="session.create", target_id=body["id"]).exists()


def test_without_a_config_the_teams_default_is_used_and_none_is_a_clear_400(bob_api, spark_config, data_team):
    response = bob_api.post("/workloads/sessions", {"endpointType": "spark_connect", "teamId": data_team.pk})
    assert response.status_code == 201 and Session.objects.get(pk=response.json()["id"]).compute_config == spark_config

    response = bob_api.post("/workloads/sessions", {"endpointType": "spark_connect"})
    assert response.status_code == 400
    assert "workloadConfigId" in response.json()["details"]["fieldErrors"]


def test_a_team_without_a_default_config_is_named_in_the_error(owner, bob_api, acme, bob, cluster):
    from apps.org.services.teams import team_create

    empty = team_create(principal=owner, name="Empty")
    join(owner, empty, bob)
    response = bob_api.post("/workloads/sessions", {"endpointType": "spark_connect", "teamId": empty.pk})
    assert response.status_code == 400 and response.json()["code"] == "no_default_compute_config"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"endpointType": "marimo"}, "endpointType"),
        ({"config": {"idleTimeoutSeconds": 999_999}}, "config.idleTimeoutSeconds"),
        ({"config": {"maxDurationSeconds": 0}}, "config.maxDurationSeconds"),
        ({"config": {"idleCloseDelaySeconds": 601}}, "config.idleCloseDelaySeconds"),
        ({"workloadConfigId": "NOSUCHCONF"}, "workloadConfigId"),
        ({"memberId": "SOMEONEELS"}, "memberId"),
        ({"allowShared": "perhaps"}, "allowShared"),
    ],
)
def test_it_refuses_an_invalid_session(bob_api, spark_config, extra, field):
    response = _open(bob_api, spark_config, **extra)
    assert response.status_code == 400, response.json()
    assert field in response.json()["details"]["fieldErrors"]
    assert not Session.objects.exists()


def test_max_concurrent_sessions_per_member_refuses_the_next_with_a_clear_409(bob_api, acme, spark_config):
    acme.settings["sessions"]["maxConcurrentSessionsPerMember"] = 2
    acme.save()
    assert [_open(bob_api, spark_config).status_code for _ in range(2)] == [201, 201]
    refused = _open(bob_api, spark_config)
    assert refused.status_code == 409
    assert refused.json()["code"] == "session_limit_reached"
    assert "maxConcurrentSessionsPerMember" in refused.json()["message"]
    assert Session.objects.count() == 2


def test_max_running_workloads_and_endpoint_limits_refuse_too(bob_api, acme, spark_config):
    acme.settings["sessions"]["maxRunningWorkloads"] = 1
    acme.save()
    assert _open(bob_api, spark_config).status_code == 201
    assert _open(bob_api, spark_config).json()["code"] == "workload_limit_reached"

    spark_config.endpoint_limits = {"spark_connect": 1}
    spark_config.save()
    assert _open(bob_api, spark_config, allowShared=True).json()["code"] == "compute_config_limit_reached"


def test_shared_sessions_reuse_a_compatible_instance_up_to_max_concurrent_clients(bob_api, acme, spark_config):
    acme.settings["sessions"]["maxConcurrentClients"] = 2
    acme.save()
    first, second, third = (_open(bob_api, spark_config, allowShared=True).json() for _ in range(3))
    assert first["workloadId"] == second["workloadId"] != third["workloadId"]
    dedicated = _open(bob_api, spark_config).json()
    assert dedicated["workloadId"] not in (first["workloadId"], third["workloadId"])
    assert ComputeInstance.objects.get(pk=first["workloadId"]).shutdown_policy == "when_unused"


def test_members_see_their_own_sessions_team_admins_their_teams_org_admins_all(
    api, api_as, owner, bob, acme, data_team, spark_config
):
    carol = user_create(email="carol@acme.test", password=PASSWORD)
    member_add(org=acme, user=carol, role_keys=["member"])
    join(owner, data_team, carol)
    dave = user_create(email="dave@acme.test", password=PASSWORD)
    member_add(org=acme, user=dave, role_keys=["member"])
    join(owner, data_team, dave, "team_admin")
    bob_session = _open(api_as(bob, acme), spark_config).json()["id"]
    carol_api = api_as(carol, acme)
    carol_session = _open(carol_api, spark_config).json()["id"]

    def listed(client, **params):
        query = "&".join(f"{k}={v}" for k, v in params.items())
        body = client.get(f"/workloads/sessions?{query}").json()
        return {item["id"] for item in body["items"]}, body

    assert listed(carol_api)[0] == {carol_session}
    assert carol_api.get(f"/workloads/sessions/{bob_session}").status_code == 404
    assert carol_api.delete(f"/workloads/sessions/{bob_session}").status_code == 404
    dave_api = api_as(dave, acme)
    assert listed(dave_api)[0] == {bob_session, carol_session}
    seen, body = listed(api, teamId=data_team.pk, status="pending", endpoint_type="spark_connect")
    assert seen == {bob_session, carol_session} and body["total"] == 2
    included = body["included"]
    assert {s["id"] for s in included["sessions"]} == seen and len(included["members"]) == 2
    assert len(included["workloads"]) == 2 and [c["id"] for c in included["workloadConfigs"]] == [spark_config.pk]
    assert listed(api, status="closed")[0] == set()

    # connectionInfo and tokens: the owner and org admins, not a team admin.
    by_dave = dave_api.get(f"/workloads/sessions/{bob_session}").json()
    assert by_dave["connectionInfo"] is None
    refused = dave_api.post(f"/workloads/sessions/{bob_session}/token", {})
    assert refused.status_code == 403 and refused.json()["code"] == "not_session_owner"
    assert api.get(f"/workloads/sessions/{bob_session}").json()["connectionInfo"]["grpcEndpoint"]
    assert api.post(f"/workloads/sessions/{bob_session}/token", {}).status_code == 200
    # A team admin closes the team's sessions; nobody else's but the owner's and org admins'.
    assert dave_api.delete(f"/workloads/sessions/{carol_session}").status_code == 204


def test_filters_are_checked(api):
    response = api.get("/workloads/sessions?status=sleeping")
    assert response.status_code == 400 and "status" in response.json()["details"]["fieldErrors"]


def test_the_owner_gets_a_token_for_the_proxy(bob_api, bob, spark_config):
    session = _open(bob_api, spark_config).json()
    response = bob_api.post(f"/workloads/sessions/{session['id']}/token", {"durationSeconds": 600})
    assert response.status_code == 200, response.json()
    claims = verify(response.json()["token"])
    assert (claims.session_id, claims.target, claims.subject) == (session["id"], session["workloadId"], bob.pk)
    assert claims.expires_at.isoformat().replace("+00:00", "Z") == response.json()["expiresAt"]
    record = AuditEvent.objects.get(action="session.token_issue", target_id=session["id"])
    assert response.json()["token"] not in str(record.changes)
    too_long = bob_api.post(f"/workloads/sessions/{session['id']}/token", {"durationSeconds": 10**6})
    assert too_long.status_code == 400 and "durationSeconds" in too_long.json()["details"]["fieldErrors"]


def test_close_is_immediate_and_relaunch_makes_a_new_session(bob_api, spark_config):
    session = _open(bob_api, spark_config, name="Nightly", config={"idleTimeoutSeconds": 600}).json()
    assert bob_api.post(f"/workloads/sessions/{session['id']}/relaunch").json()["code"] == "session_not_ended"
    assert bob_api.delete(f"/workloads/sessions/{session['id']}").status_code == 204
    closed = bob_api.get(f"/workloads/sessions/{session['id']}").json()
    assert (closed["status"], closed["terminationReason"], closed["connectionInfo"]) == (
        "closed",
        "closed_by_user",
        None,
    )
    assert closed["closedAt"] is not None
    assert bob_api.post(f"/workloads/sessions/{session['id']}/token", {}).json()["code"] == "session_not_open"
    assert bob_api.delete(f"/workloads/sessions/{session['id']}").status_code == 204  # closing again: no change

    relaunched = bob_api.post(f"/workloads/sessions/{session['id']}/relaunch")
    assert relaunched.status_code == 201
    body = relaunched.json()
    assert body["id"] != session["id"] and body["status"] == "pending" and body["name"] == "Nightly"
    assert body["config"]["idleTimeoutSeconds"] == 600
    assert Session.objects.get(pk=body["id"]).relaunched_from_id == session["id"]
    assert bob_api.get(f"/workloads/sessions/{session['id']}").json()["status"] == "closed"
    assert AuditEvent.objects.filter(action="session.close", target_id=session["id"]).count() == 1


def test_only_the_owner_relaunches(api, bob_api, spark_config):
    session = _open(bob_api, spark_config).json()
    assert api.delete(f"/workloads/sessions/{session['id']}").status_code == 204  # an org admin closes it
    refused = api.post(f"/workloads/sessions/{session['id']}/relaunch")
    assert refused.status_code == 403 and refused.json()["code"] == "not_session_owner"


def test_a_session_needs_a_running_cluster_the_caller_may_use(bob_api, spark_config, cluster):
    from tests.infra.conftest import mark

    mark(cluster.provisioned_cluster, "destroyed")
    assert _open(bob_api, spark_config).json()["code"] == "cluster_not_active"
