"""Versions of a job: draft → publish → activate, the version lists, and the designed diff."""

import pytest

from apps.infra.models import ResourceStatus
from apps.workloads.models import JobVersion
from apps.workloads.services.jobs import job_create
from tests.infra.conftest import mark

COMPUTE = {"worker": {"instanceType": "c8g.4xlarge", "maxNodes": 4, "capacityType": "spot"}}


@pytest.fixture
def job(author, team, cluster):
    return job_create(
        principal=author,
        job_key="daily-sales",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": {"sql": {"source": "SELECT 1"}, "compute": COMPUTE}},
    )


def _draft(api, job, body=None):
    return api.post(f"/workloads/jobs/{job.pk}/draft", body or {})


def test_a_draft_copies_the_current_version_with_the_changes(api, job):
    response = _draft(api, job, {"config": {"sql": {"source": "SELECT 2"}}, "cronExpression": "@daily"})
    assert response.status_code == 201, response.json()
    draft = response.json()
    assert (draft["version"], draft["basedOnVersion"], draft["status"]) == (2, 1, "draft")
    assert draft["config"]["sql"]["source"] == "SELECT 2"
    assert draft["config"]["compute"]["worker"]["capacityType"] == "spot"  # a merge patch keeps the rest
    assert draft["cronExpression"] == "@daily"
    job_body = api.get(f"/workloads/jobs/{job.pk}").json()["included"]["jobs"][0]
    assert (job_body["currentVersion"], job_body["draftVersion"]) == (1, 2)
    assert job_body["config"]["sql"]["source"] == "SELECT 1"  # the job runs version 1 until publishing


def test_a_job_has_one_draft_at_a_time(api, job):
    assert _draft(api, job).status_code == 201
    second = _draft(api, job)
    assert (second.status_code, second.json()["code"]) == (409, "draft_exists")


def test_a_draft_is_updated_field_by_field(api, job):
    _draft(api, job)
    response = api.patch(
        f"/workloads/jobs/{job.pk}/draft", {"config": {"compute": None, "python": None}, "description": "No compute"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["config"]["compute"] is None
    assert response.json()["config"]["sql"]["source"] == "SELECT 1"
    invalid = api.patch(f"/workloads/jobs/{job.pk}/draft", {"config": {"sql": None}})
    assert invalid.status_code == 400
    assert "config" in invalid.json()["details"]["fieldErrors"]


def test_without_a_draft_reads_and_writes_of_it_are_404_and_publishing_is_400(api, job):
    assert api.get(f"/workloads/jobs/{job.pk}/draft").status_code == 404
    assert api.patch(f"/workloads/jobs/{job.pk}/draft", {"description": "x"}).status_code == 404
    assert api.delete(f"/workloads/jobs/{job.pk}/draft").status_code == 404
    response = api.post(f"/workloads/jobs/{job.pk}/draft/publish")
    assert (response.status_code, response.json()["code"]) == (400, "no_draft")


def test_a_discarded_draft_gives_its_number_back(api, job):
    _draft(api, job)
    assert api.delete(f"/workloads/jobs/{job.pk}/draft").status_code == 204
    assert _draft(api, job).json()["version"] == 2


def test_publishing_makes_the_draft_current(api, job):
    _draft(api, job, {"config": {"sql": {"source": "SELECT 2"}}})
    response = api.post(f"/workloads/jobs/{job.pk}/draft/publish")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["version"], body["currentVersion"], body["draftVersion"], body["basedOnVersion"]) == (2, 2, None, 1)
    assert body["config"]["sql"]["source"] == "SELECT 2"
    versions = api.get(f"/workloads/jobs/{job.pk}/versions").json()
    assert versions["total"] == 2
    assert [(v["version"], v["status"]) for v in versions["items"]] == [(1, "published"), (2, "published")]
    assert versions["items"][1]["publishedAt"] is not None


def test_publishing_checks_the_cluster_again(api, job, cluster):
    _draft(api, job)
    mark(cluster.provisioned_cluster, ResourceStatus.FAILED)
    response = api.post(f"/workloads/jobs/{job.pk}/draft/publish")
    assert response.status_code == 400
    assert response.json()["details"]["fieldErrors"] == {
        "clusterId": "The cluster is failed: jobs need an active cluster."
    }


def test_publishing_refuses_a_dependency_cycle(api, job, author, team, cluster):
    job_create(
        principal=author,
        job_key="downstream",
        team_ids=[team.pk],
        fields={
            "clusterId": cluster.pk,
            "config": {"sql": {"source": "SELECT 1"}},
            "dependsOn": [{"jobKey": "daily-sales"}],
        },
    )
    response = _draft(api, job, {"dependsOn": [{"jobKey": "downstream"}]})
    assert response.status_code == 400
    assert response.json()["details"]["fieldErrors"] == {
        "dependsOn": "This would make a cycle: a job it depends on already depends on daily-sales."
    }


def test_a_version_is_created_and_published_in_one_step(api, job):
    response = api.post(f"/workloads/jobs/{job.pk}/versions", {"timeoutSeconds": 600})
    assert response.status_code == 201, response.json()
    assert (response.json()["version"], response.json()["status"], response.json()["timeoutSeconds"]) == (
        2,
        "published",
        600,
    )
    _draft(api, job)
    refused = api.post(f"/workloads/jobs/{job.pk}/versions", {"timeoutSeconds": 60})
    assert (refused.status_code, refused.json()["code"]) == (409, "draft_exists")


def test_an_older_version_is_activated_again(api, job):
    api.post(f"/workloads/jobs/{job.pk}/versions", {"config": {"sql": {"source": "SELECT 2"}}})
    response = api.post(f"/workloads/jobs/{job.pk}/activate-version", {"version": 1})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["version"], body["currentVersion"]) == (2, 1)
    assert body["config"]["sql"]["source"] == "SELECT 1"
    unknown = api.post(f"/workloads/jobs/{job.pk}/activate-version", {"version": 7})
    assert unknown.json()["details"]["fieldErrors"] == {"version": "Published versions are 1 to 2."}
    _draft(api, job)
    blocked = api.post(f"/workloads/jobs/{job.pk}/activate-version", {"version": 2})
    assert (blocked.status_code, blocked.json()["code"]) == (409, "draft_exists")
    assert api.post(f"/workloads/jobs/{job.pk}/activate-version", {"version": 3}).status_code == 409


def test_describing_a_version_shows_the_job_with_that_versions_settings(api, job):
    api.post(f"/workloads/jobs/{job.pk}/versions", {"config": {"sql": {"source": "SELECT 2"}}})
    body = api.get(f"/workloads/jobs/{job.pk}/versions/1").json()
    assert body["item"]["jobId"] == job.pk
    shown = body["included"]["jobs"][0]
    assert (shown["currentVersion"], shown["config"]["sql"]["source"]) == (2, "SELECT 1")
    assert body["included"]["jobVersions"][0]["version"] == 1
    assert api.get(f"/workloads/jobs/{job.pk}/versions/3").status_code == 404
    assert api.get(f"/workloads/jobs/{job.pk}/versions/latest").status_code == 404


def test_the_diff_shows_what_a_draft_changes(api, job):
    _draft(
        api,
        job,
        {"config": {"sql": {"source": "SELECT a\nFROM t\nWHERE b"}, "compute": None}, "cronExpression": "@hourly"},
    )
    body = api.get(f"/workloads/jobs/{job.pk}/diff").json()
    assert (body["base"], body["target"]) == ({"version": 1, "status": "published"}, {"version": 2, "status": "draft"})
    changes = {c["path"]: c for c in body["changes"]}
    assert set(changes) == {"config.sql.source", "config.compute", "cronExpression"}
    assert changes["config.compute"]["change"] == "removed"
    assert changes["cronExpression"] == {
        "path": "cronExpression",
        "change": "added",
        "before": None,
        "after": "@hourly",
        "lines": None,
    }
    assert changes["config.sql.source"]["lines"] == [
        "--- version 1",
        "+++ version 2 (draft)",
        "@@ -1 +1,3 @@",
        "-SELECT 1",
        "+SELECT a",
        "+FROM t",
        "+WHERE b",
    ]
    backwards = api.get(f"/workloads/jobs/{job.pk}/diff?from=draft&to=1").json()
    assert {c["path"] for c in backwards["changes"]} == set(changes)
    assert api.get(f"/workloads/jobs/{job.pk}/diff?from=x").status_code == 400


def test_the_schedule_of_a_version_is_previewed(api, job):
    assert api.get(f"/workloads/jobs/{job.pk}/schedule").json()["fireTimes"] == []
    _draft(api, job, {"cronExpression": "0 6 * * 1", "cronTimezone": "Europe/Paris"})
    body = api.get(f"/workloads/jobs/{job.pk}/schedule?version=draft&count=2").json()
    assert (body["version"], body["description"], len(body["fireTimes"])) == (2, "At 06:00 on Monday", 2)
    assert body["fireTimes"][0]["local"].endswith(("+01:00", "+02:00"))


def test_numbers_stay_contiguous_through_drafts_and_discards(api, job):
    for _ in range(3):
        _draft(api, job)
        api.delete(f"/workloads/jobs/{job.pk}/draft")
        _draft(api, job)
        api.post(f"/workloads/jobs/{job.pk}/draft/publish")
    assert list(JobVersion.objects.filter(job=job).order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4]
