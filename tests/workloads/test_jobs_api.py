"""Jobs: /workloads/jobs (created with version 1 published), their teams, and the lists that show them."""

import datetime as dt

import pytest

from apps.core import clock
from apps.infra.models import ResourceStatus
from apps.workloads.models import Job, JobVersion
from apps.workloads.services.jobs import job_create
from tests.infra.conftest import mark
from tests.workloads.conftest import SQL_CONFIG


@pytest.fixture
def job(author, team, cluster):
    return job_create(
        principal=author,
        job_key="daily-sales",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": SQL_CONFIG},
    )


def test_it_creates_a_job_with_version_1_published_and_current(api, job_body, member_of):
    response = api.post("/workloads/jobs", job_body)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["jobKey"], body["version"], body["currentVersion"], body["draftVersion"]) == (
        "daily-sales",
        1,
        1,
        None,
    )
    assert (body["status"], body["memberId"], body["clusterId"]) == ("active", member_of.pk, job_body["clusterId"])
    assert body["config"]["sql"] == {"source": "SELECT 1 AS one", "queryId": None}
    version = JobVersion.objects.get(job_id=body["id"])
    assert (version.number, version.status, version.job_type) == (1, "published", "sql")


def test_a_scheduled_job_knows_when_it_runs_next(api, job_body):
    with clock.frozen(dt.datetime(2026, 3, 7, 17, tzinfo=dt.UTC)):
        body = api.post(
            "/workloads/jobs", {**job_body, "cronExpression": "30 2 * * *", "cronTimezone": "America/New_York"}
        ).json()
    assert body["nextRunAt"] == "2026-03-08T07:00:00Z"
    paused = api.patch(f"/workloads/jobs/{body['id']}", {"status": "paused"}).json()
    assert paused["nextRunAt"] is None


def test_a_job_needs_an_active_cluster(api, job_body, cluster):
    mark(cluster.provisioned_cluster, ResourceStatus.PROVISIONING)
    response = api.post("/workloads/jobs", job_body)
    assert response.status_code == 400
    assert response.json()["details"]["fieldErrors"] == {
        "clusterId": "The cluster is provisioning: jobs need an active cluster."
    }


def test_a_job_needs_a_cluster_the_caller_may_use(api_as, acme, bob, job_body, team, member_of_team, author):
    from apps.org.services.teams import team_create

    own = team_create(principal=author, name="Bob's")
    member_of_team(bob, own)
    response = api_as(bob, acme).post("/workloads/jobs", {**job_body, "teamIds": [own.pk]})
    assert response.status_code == 400
    assert response.json()["details"]["fieldErrors"] == {"clusterId": "No cluster you can use has this id."}


def test_every_problem_of_a_job_is_named_at_once(api, job_body):
    body = {
        **job_body,
        "config": {"sql": {"queryId": "NOSUCHQUERY"}},
        "cronExpression": "0 25 * * *",
        "dependsOn": [{"jobKey": "missing"}],
        "concurrencyPolicy": "sometimes",
        "timeoutSeconds": 0,
    }
    response = api.post("/workloads/jobs", body)
    assert response.status_code == 400
    assert response.json()["details"]["fieldErrors"] == {
        "config.sql.queryId": "No saved query you can see has this id.",
        "timeoutSeconds": "Between 1 and 604800 seconds, or null for no limit.",
        "dependsOn[0].jobKey": "No job of the organization has this key.",
        "cronExpression": "Bad hour in '0 25 * * *'.",
        "concurrencyPolicy": "One of: skip, queue, replace.",
    }


@pytest.mark.parametrize(
    ("change", "field_errors"),
    [
        (
            {"jobKey": "Daily Sales"},
            {"jobKey": "1 to 63 lower-case letters, digits, - and _, starting with a letter or digit."},
        ),
        ({"teamIds": []}, {"teamIds": "At least one team."}),
        (
            {"config": {"sql": {"source": "SELECT 1"}, "python": {"source": "print(1)"}}},
            {"config": "A job runs either SQL or Python, not both."},
        ),
        (
            {
                "config": {
                    "sql": {"source": "SELECT 1"},
                    "lakesail": {"maxRetries": 50, "notAKey": "x", "sql.shuffle_partitions": "2"},
                }
            },
            {
                "config.lakesail.maxRetries": "Between 0 and 10.",
                "config.lakesail.notAKey": (
                    "Extra properties are Sail configuration keys, such as sql.shuffle.partitions."
                ),
            },
        ),
        (
            {"config": {"sql": {"source": "SELECT 1"}, "compute": {"worker": {"capacityType": "cheap"}}}},
            {"config.compute.worker.capacityType": "One of: on-demand, spot."},
        ),
        (
            {"cronTimezone": "Moon/Base"},
            {"cronTimezone": "'Moon/Base' is not an IANA time zone name, such as America/New_York."},
        ),
    ],
)
def test_it_names_the_field_that_is_not_valid(api, job_body, change, field_errors):
    response = api.post("/workloads/jobs", {**job_body, **change})
    assert response.status_code == 400, response.json()
    assert response.json()["details"]["fieldErrors"] == field_errors


def test_a_second_job_with_the_same_key_is_a_conflict(api, job, job_body):
    response = api.post("/workloads/jobs", job_body)
    assert response.status_code == 409
    assert response.json()["code"] == "job_exists"


def test_update_renames_describes_and_checks_the_version_seen(api, job):
    response = api.patch(f"/workloads/jobs/{job.pk}", {"jobKey": "sales-daily", "description": "Renamed", "version": 1})
    assert response.status_code == 200, response.json()
    assert (response.json()["jobKey"], response.json()["description"]) == ("sales-daily", "Renamed")
    stale = api.patch(f"/workloads/jobs/{job.pk}", {"description": "Again", "version": 0})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_mismatch"


def test_a_job_others_depend_on_cannot_be_renamed_or_deleted(api, job, author, team, cluster):
    job_create(
        principal=author,
        job_key="downstream",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": SQL_CONFIG, "dependsOn": [{"jobKey": "daily-sales"}]},
    )
    assert api.patch(f"/workloads/jobs/{job.pk}", {"jobKey": "renamed"}).json()["code"] == "job_has_dependents"
    response = api.delete(f"/workloads/jobs/{job.pk}")
    assert (response.status_code, response.json()["code"]) == (409, "job_has_dependents")


def test_deleting_a_job_deletes_its_versions(api, job):
    assert api.delete(f"/workloads/jobs/{job.pk}").status_code == 204
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not JobVersion.objects.filter(job_id=job.pk).exists()


def test_a_job_keeps_at_least_one_team(api, job, team, author):
    from apps.org.services.teams import team_create

    assert api.delete(f"/workloads/jobs/{job.pk}/teams/{team.pk}").json()["code"] == "last_team"
    ops = team_create(principal=author, name="Ops")
    added = api.post(f"/workloads/jobs/{job.pk}/teams", {"teamIds": [ops.pk]})
    assert added.status_code == 201 and added.json()["items"][0]["jobId"] == job.pk
    assert api.get(f"/workloads/jobs/{job.pk}/teams").json()["total"] == 2
    assert api.delete(f"/workloads/jobs/{job.pk}/teams/{team.pk}").status_code == 204


def test_the_lists_cost_the_same_queries_for_one_job_or_many(api, author, team, cluster):
    def list_queries(path: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert api.get(path).status_code == 200
        return len(captured)

    job_create(
        principal=author, job_key="j0", team_ids=[team.pk], fields={"clusterId": cluster.pk, "config": SQL_CONFIG}
    )
    few = {path: list_queries(path) for path in ("/workloads/jobs", "/me/jobs")}
    for index in range(1, 6):
        job_create(
            principal=author,
            job_key=f"j{index}",
            team_ids=[team.pk],
            fields={"clusterId": cluster.pk, "config": SQL_CONFIG},
        )
    assert {path: list_queries(path) for path in few} == few
    assert max(few.values()) <= 10


def test_lists_of_jobs(api, job, author, team, cluster):
    job_create(
        principal=author, job_key="another", team_ids=[team.pk], fields={"clusterId": cluster.pk, "config": SQL_CONFIG}
    )
    assert [j["jobKey"] for j in api.get("/me/jobs?sortBy=jobKey").json()["included"]["jobs"]] == [
        "another",
        "daily-sales",
    ]
    assert api.get("/workloads/jobs").json()["total"] == 2
    assert len(api.get(f"/workloads/teams/{team.pk}/jobs").json()["items"]) == 2
    on_cluster = api.get(f"/workloads/clusters/{cluster.pk}/jobs").json()
    assert on_cluster["total"] == 2 and on_cluster["included"]["teams"][0]["id"] == team.pk
    assert api.get("/workloads/clusters/NOSUCHCLUSTER/jobs").status_code == 404


def test_another_organization_gets_404_and_sees_no_job(api_as, charlie, globex, job):
    stranger = api_as(charlie, globex)
    assert stranger.get(f"/workloads/jobs/{job.pk}").status_code == 404
    assert stranger.patch(f"/workloads/jobs/{job.pk}", {"status": "paused"}).status_code == 404
    assert stranger.post(f"/workloads/jobs/{job.pk}/draft", {}).status_code == 404
    assert stranger.get("/workloads/jobs").json()["total"] == 0
    assert Job.objects.get(pk=job.pk).status == "active"


def test_a_team_viewer_sees_the_job_but_cannot_author(api_as, acme, job, viewer_in_team):
    as_viewer = api_as(viewer_in_team, acme)
    assert as_viewer.get(f"/workloads/jobs/{job.pk}").status_code == 200
    for method, path in [("PATCH", ""), ("POST", "/draft"), ("POST", "/draft/publish"), ("DELETE", "")]:
        refused = as_viewer.request(method, f"/workloads/jobs/{job.pk}{path}", {})
        assert refused.status_code == 403, path
        assert refused.json()["details"]["causedBy"] == "CanManageJobs"


def test_a_member_lists_only_the_jobs_of_their_teams(api_as, acme, bob, job, author, cluster, member_of_team):
    from apps.org.services.teams import team_create

    elsewhere = team_create(principal=author, name="Elsewhere")
    job_create(
        principal=author,
        job_key="hidden",
        team_ids=[elsewhere.pk],
        fields={"clusterId": cluster.pk, "config": SQL_CONFIG},
    )
    shared_twice = team_create(principal=author, name="Also Bob's")
    member_of_team(bob, job.teams.get())
    member_of_team(bob, shared_twice)
    api_as(acme.members.get(user__email="alice@acme.test").user, acme).post(
        f"/workloads/jobs/{job.pk}/teams", {"teamIds": [shared_twice.pk]}
    )
    as_bob = api_as(bob, acme)
    listed = as_bob.get("/workloads/jobs").json()
    assert (listed["total"], [i["jobId"] for i in listed["items"]]) == (1, [job.pk])  # once, though in two teams
    assert as_bob.get("/me/jobs").json()["total"] == 1
    assert as_bob.get(f"/workloads/jobs/{job.pk}").status_code == 200
    hidden = Job.objects.get(job_key="hidden")
    assert as_bob.get(f"/workloads/jobs/{hidden.pk}").status_code == 404
    assert as_bob.get(f"/workloads/teams/{elsewhere.pk}/jobs").status_code == 404
