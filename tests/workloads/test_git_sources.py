"""Git sources against a real repository served over HTTP on 127.0.0.1 (dulwich): publishing pins a commit."""

from collections.abc import Iterator

import pytest

from apps.workloads.git_sources import GitSourceError, resolve_commit
from tests.workloads.git_server import GitRepository, served_repository


@pytest.fixture
def repository(tmp_path, settings) -> Iterator[GitRepository]:
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with served_repository(tmp_path) as repository:
        yield repository


def _source(repository: GitRepository, kind: str, value: str) -> dict:
    return {"url": repository.url, "provider": "git", "reference": {"type": kind, "value": value}}


def test_branches_and_tags_resolve_to_the_commits_they_name(repository):
    first = repository.ref("refs/heads/main")
    repository.branch("stable")
    repository.tag("v1", annotated=True)
    repository.tag("light", annotated=False)
    second = repository.commit("daily.sql", "SELECT 2", "second")
    assert resolve_commit(_source(repository, "branch", "main")) == second
    assert resolve_commit(_source(repository, "branch", "stable")) == first
    assert resolve_commit(_source(repository, "tag", "v1")) == first  # the commit, not the tag object
    assert resolve_commit(_source(repository, "tag", "light")) == first
    assert resolve_commit(_source(repository, "commit", first)) == first


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"reference": {"type": "branch", "value": "nope"}},
            "sourceConfig.reference.value",
            "The repository has no branch 'nope'.",
        ),
        (
            {"reference": {"type": "commit", "value": "abc"}},
            "sourceConfig.reference.value",
            "A full commit id: 40 hexadecimal digits, lower-case.",
        ),
        (
            {"reference": {"type": "sha", "value": "main"}},
            "sourceConfig.reference.type",
            "One of: branch, tag, commit.",
        ),
        ({"provider": "svn"}, "sourceConfig.provider", "One of: github, gitlab, bitbucket, git."),
    ],
)
def test_it_names_what_does_not_resolve(repository, change, field, message):
    with pytest.raises(GitSourceError) as caught:
        resolve_commit({**_source(repository, "branch", "main"), **change})
    assert (caught.value.field, caught.value.message) == (field, message)


def test_a_url_that_is_no_repository_or_carries_credentials_is_refused(repository):
    with pytest.raises(GitSourceError, match=r"HTTP 404"):
        resolve_commit({**_source(repository, "branch", "main"), "url": repository.url.replace("pipelines", "other")})
    with pytest.raises(GitSourceError, match="Credentials"):
        resolve_commit({**_source(repository, "branch", "main"), "url": repository.url.replace("//", "//me:pw@")})


def test_the_outbound_policy_applies_to_repositories(repository, settings):
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = []
    with pytest.raises(GitSourceError) as caught:
        resolve_commit(_source(repository, "branch", "main"))
    assert caught.value.field == "sourceConfig.url"
    assert "may not call" in caught.value.message


def test_publishing_pins_the_branch_to_its_commit_and_drafts_show_no_pin(api, job_body, repository):
    source = _source(repository, "branch", "main")
    created = api.post("/workloads/jobs", {**job_body, "sourceConfig": {**source, "snapshotCommit": "f" * 40}})
    assert created.status_code == 201, created.json()
    first = repository.ref("refs/heads/main")
    assert created.json()["sourceConfig"]["snapshotCommit"] == first  # the caller's pin is not taken
    job_id = created.json()["id"]

    draft = api.post(f"/workloads/jobs/{job_id}/draft", {"description": "next"}).json()
    assert draft["sourceConfig"] == {**source, "snapshotCommit": None}
    second = repository.commit("daily.sql", "SELECT 2", "second")
    assert api.get(f"/workloads/jobs/{job_id}/diff").json()["changes"][0]["path"] == "description"
    published = api.post(f"/workloads/jobs/{job_id}/draft/publish").json()
    assert published["sourceConfig"]["snapshotCommit"] == second
    assert (
        api.get(f"/workloads/jobs/{job_id}/versions/1").json()["included"]["jobVersions"][0]["sourceConfig"][
            "snapshotCommit"
        ]
        == first
    )


def test_a_branch_that_is_gone_blocks_publishing(api, job_body, repository):
    response = api.post("/workloads/jobs", {**job_body, "sourceConfig": _source(repository, "branch", "gone")})
    assert response.status_code == 400
    assert response.json()["details"]["fieldErrors"] == {
        "sourceConfig.reference.value": "The repository has no branch 'gone'."
    }
