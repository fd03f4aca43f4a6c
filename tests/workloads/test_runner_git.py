"""Code from Git against a real repository served over HTTP on 127.0.0.1 (dulwich) and the session's Sail server:
a run executes the version's pinned commit, whatever the branch says now."""

from collections.abc import Iterator

import pytest

from apps.workloads.runner import MemoryRunReporter, RunPaths, RunStatus, execute_run, read_preview
from apps.workloads.runner.git_checkout import checkouts_dir
from tests.workloads.git_server import GitRepository, served_repository

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

DAILY = """\
import os, sys
from helpers import greeting
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
total = spark.range(int(os.environ["ROWS"])).selectExpr("sum(id) AS t").toArrow().to_pylist()[0]["t"]
print(greeting(), "{version}", total, "argv", *sys.argv[1:], "data", open("data/region.txt").read().strip())
"""


@pytest.fixture
def repository(tmp_path, settings) -> Iterator[GitRepository]:
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with served_repository(tmp_path) as repository:
        for directory in ("jobs", "data", "sql"):
            (repository.path / directory).mkdir()
        repository.commit("helpers.py", "def greeting():\n    return 'hello'\n", "helpers")
        repository.commit("data/region.txt", "eu\n", "data")
        repository.commit("sql/daily.sql", "CREATE TEMP VIEW v AS SELECT 40 AS a; SELECT a + 2 AS answer FROM v", "sql")
        yield repository


def _source(repository: GitRepository, commit: str | None) -> dict:
    reference = {"type": "branch", "value": "main"}
    return {"url": repository.url, "provider": "git", "reference": reference, "snapshotCommit": commit}


def _entry(path: str, named=None) -> dict:
    return {"python": {"entryPoint": path, "parameters": ["--day=1"], "namedParameters": named or {"ROWS": "10"}}}


def test_a_run_executes_the_pinned_commit_not_the_branchs_tip(target, repository):
    pinned = repository.commit("jobs/daily.py", DAILY.format(version="v1"), "v1")
    latest = repository.commit("jobs/daily.py", DAILY.format(version="v2"), "v2")  # pushed after publishing
    assert repository.ref("refs/heads/main") == latest

    first = execute_run(
        run_id="gitfirst",
        config=_entry("jobs/daily.py"),
        source_config=_source(repository, pinned),
        reporter=MemoryRunReporter(),
        target=target,
    )
    again = execute_run(
        run_id="gitagain",
        config=_entry("jobs/daily.py"),
        source_config=_source(repository, pinned),
        reporter=MemoryRunReporter(),
        target=target,
        parameters=["--day=2"],
        named_parameters={"ROWS": "100"},
    )
    newer = execute_run(
        run_id="gitnewer",
        config=_entry("jobs/daily.py"),
        source_config=_source(repository, latest),
        reporter=MemoryRunReporter(),
        target=target,
    )

    assert [first.status, again.status, newer.status] == [RunStatus.SUCCEEDED] * 3, first.status_message
    assert RunPaths.for_run("gitfirst").stdout_log.read_text() == "hello v1 45 argv --day=1 data eu\n"
    assert RunPaths.for_run("gitagain").stdout_log.read_text() == "hello v1 4950 argv --day=2 data eu\n"
    assert RunPaths.for_run("gitnewer").stdout_log.read_text() == "hello v2 45 argv --day=1 data eu\n"
    runner_log = RunPaths.for_run("gitfirst").runner_log.read_text()
    # dulwich's server hands out only the commits its refs name: the older pin came with the branch's history.
    assert f"git: fetched {pinned}" in runner_log and "fetching its reference" in runner_log
    assert f"git: {pinned} from the cache" in RunPaths.for_run("gitagain").runner_log.read_text()
    assert "fetching its reference" not in RunPaths.for_run("gitnewer").runner_log.read_text()  # the tip: alone
    cached = sorted(path.name for path in (checkouts_dir() / pinned).iterdir())
    assert cached == ["daily.sql", "data", "helpers.py", "jobs", "sql"]  # the files, not the history
    assert not (RunPaths.for_run("gitfirst").tmp / "source").exists()  # the run's copy goes with its tmp/


def test_a_sql_file_of_the_repository_runs_as_sql_with_a_preview(target, run_id, repository):
    commit = repository.ref("refs/heads/main")

    result = execute_run(
        run_id=run_id,
        config={"python": {"entryPoint": "sql/daily.sql"}},
        source_config=_source(repository, commit),
        reporter=MemoryRunReporter(),
        target=target,
    )

    assert result.status == RunStatus.SUCCEEDED, result.status_message
    assert read_preview(RunPaths.for_run(run_id)) == {
        "columns": [{"name": "answer", "type": "int32"}],
        "rows": [[42]],
        "rowCount": 1,
        "truncated": False,
    }


def test_inline_python_of_a_git_version_runs_in_the_checkout(target, run_id, repository):
    source = "import helpers\nprint(helpers.greeting(), open('data/region.txt').read().strip())\n"

    result = execute_run(
        run_id=run_id,
        config={"python": {"source": source}},
        source_config=_source(repository, repository.ref("refs/heads/main")),
        reporter=MemoryRunReporter(),
        target=target,
    )

    assert result.status == RunStatus.SUCCEEDED, result.status_message
    assert RunPaths.for_run(run_id).stdout_log.read_text() == "hello eu\n"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unpinned", "The Git source is not pinned to a commit: publish the version to pin it."),
        ("missing file", "The repository has no file jobs/nope.py at the pinned commit."),
        ("unknown commit", "The commit 0000000000000000000000000000000000000001 is not in the repository any more"),
        ("refused", "The Git repository could not be reached: 127.0.0.1 resolves to an address the console may not"),
    ],
)
def test_code_that_cannot_be_fetched_fails_the_run_before_it_runs(target, run_id, repository, settings, case, message):
    commit = {"unpinned": None, "unknown commit": "0" * 39 + "1"}.get(case, repository.ref("refs/heads/main"))
    if case == "refused":
        settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = []
        commit = repository.commit("jobs/other.py", "print(1)", "not fetched yet")
    reporter = MemoryRunReporter()

    result = execute_run(
        run_id=run_id,
        config=_entry("jobs/nope.py"),
        source_config=_source(repository, commit),
        reporter=reporter,
        target=target,
    )

    assert result.status == RunStatus.FAILED and result.status_message.startswith(message), result.status_message
    assert RunStatus.RUNNING not in reporter.statuses
    assert not (checkouts_dir() / str(commit)).with_name(f"{commit}.ready").exists() or case == "missing file"


def test_a_published_versions_pin_is_what_its_runs_execute(target, run_id, repository, author, team, cluster):
    from apps.core.errors import InvalidInput
    from apps.workloads.services.jobs import job_create

    published = repository.commit("jobs/daily.py", DAILY.format(version="published"), "published")
    source = {"url": repository.url, "provider": "github", "reference": {"type": "branch", "value": "main"}}
    config = {"python": {"entryPoint": "jobs/daily.py", "namedParameters": {"ROWS": "3"}}}
    job = job_create(
        principal=author,
        job_key="git-daily",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": config, "sourceConfig": source},
    )
    repository.commit("jobs/daily.py", DAILY.format(version="later"), "later")
    version = job.current_version

    result = execute_run(
        run_id=run_id,
        config=version.config,
        source_config=version.source_config,
        reporter=MemoryRunReporter(),
        target=target,
    )

    assert (version.job_type, version.source_config["snapshotCommit"]) == ("python", published)
    assert result.status == RunStatus.SUCCEEDED, result.status_message
    assert RunPaths.for_run(run_id).stdout_log.read_text() == "hello published 3 argv data eu\n"
    with pytest.raises(InvalidInput) as refused:  # an entry point of no package and no repository
        job_create(
            principal=author,
            job_key="no-source",
            team_ids=[team.pk],
            fields={"clusterId": cluster.pk, "config": config},
        )
    assert "set sourceConfig" in refused.value.field_errors["config"]
