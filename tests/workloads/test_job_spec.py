import pytest

from apps.workloads.runner.spec import JobConfigError, JobSpec, PackageSpec


def test_it_reads_a_sql_job():
    spec = JobSpec.from_config({"sql": {"source": "SELECT 1; SELECT 2"}})
    assert spec.kind == "sql"
    assert spec.statements == ["SELECT 1", "SELECT 2"]


def test_it_runs_the_saved_querys_text_when_the_job_names_a_query():
    spec = JobSpec.from_config({"sql": {"queryId": "Q1R2S3T4U5"}}, query_text="SELECT 42")
    assert spec.statements == ["SELECT 42"]


def test_it_reads_a_python_job_with_its_parameters():
    config = {"python": {"source": "print(1)", "parameters": ["--name=job", "one"], "namedParameters": {"DAY": 6}}}
    spec = JobSpec.from_config(config)
    assert (spec.kind, spec.parameters, spec.named_parameters) == ("python", ["--name=job", "one"], {"DAY": "6"})


def test_it_maps_lakesail_settings_to_sail_configuration():
    config = {
        "sql": {"source": "SELECT 1"},
        "lakesail": {"executionMode": "cluster", "maxRetries": 3, "execution.default_parallelism": "2"},
    }
    assert JobSpec.from_config(config).sail_config == {"mode": "local-cluster", "execution.default_parallelism": 2}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "nothing to run"),
        ({"sql": {"source": " -- only a comment"}}, "no statements"),
        ({"sql": {"source": "SELECT 1"}, "python": {"source": "print(1)"}}, "either SQL or Python"),
        ({"python": {"packageName": "etl"}}, "needs an entryPoint"),
        ({"python": {"packageName": "etl", "entryPoint": "etl:main()"}}, "module:function"),
        ({"python": {"packageName": "--index-url=http://10.0.0.5/ etl", "entryPoint": "etl:main"}}, "pip requirement"),
        ({"python": {"packageName": "-r /etc/requirements.txt", "entryPoint": "etl:main"}}, "pip requirement"),
        ({"python": {"packageName": "etl @ ftp://host/etl.whl", "entryPoint": "etl:main"}}, "https, http or file"),
        ({"python": {"packageName": "etl @ https://u:p@host/etl.whl", "entryPoint": "m:f"}}, "Credentials"),
        ({"python": {"packageName": "etl", "entryPoint": "etl:main", "source": "x"}}, "not both"),
        ({"python": {"entryPoint": "jobs/daily.py"}}, "set sourceConfig"),
        ({"python": {"source": "x", "namedParameters": {"BAD-NAME": "1"}}}, "environment variable"),
        ({"sql": {"source": "SELECT 1"}, "lakesail": {"executionMode": "turbo"}}, "executionMode"),
    ],
)
def test_it_refuses_configurations_it_cannot_run(config, message):
    with pytest.raises(JobConfigError, match=message):
        JobSpec.from_config(config)


def test_it_reads_a_package_job():
    config = {"python": {"packageName": " etl[s3] >=1.2, <2 ", "entryPoint": "etl.cli:main", "parameters": ["x"]}}
    spec = JobSpec.from_config(config)
    assert spec.kind == "python" and spec.python_source is None and spec.git is None
    assert spec.package == PackageSpec(requirement="etl[s3] >=1.2, <2", entry_point="etl.cli:main")
    assert spec.package.distribution == "etl" and spec.parameters == ["x"]


@pytest.mark.parametrize("requirement", ["etl", "etl==1.2", "my_etl.core~=1.0", "etl @ file:///srv/etl-1.0.whl"])
def test_package_specs_pip_understands_are_accepted(requirement):
    spec = JobSpec.from_config({"python": {"packageName": requirement, "entryPoint": "etl-run"}})
    assert spec.package.requirement == requirement and spec.package.entry_point == "etl-run"


SOURCE = {
    "url": "https://git.example.test/etl.git",
    "provider": "git",
    "reference": {"type": "branch", "value": "main"},
}


@pytest.mark.parametrize(("entry", "kind"), [("jobs/daily.py", "python"), ("sql/daily.sql", "sql")])
def test_an_entry_point_without_a_package_is_a_file_of_the_git_source(entry, kind):
    spec = JobSpec.from_config({"python": {"entryPoint": entry}}, source_config=SOURCE)
    assert (spec.kind, spec.git_file, spec.git) == (kind, entry, SOURCE)


@pytest.mark.parametrize("entry", ["/etc/passwd.py", "../other/job.py", "jobs/../../x.py", ".git/hooks/x.py", "a.sh"])
def test_a_git_entry_point_stays_inside_the_repository(entry):
    with pytest.raises(JobConfigError, match="entryPoint"):
        JobSpec.from_config({"python": {"entryPoint": entry}}, source_config=SOURCE)


def test_inline_python_of_a_git_version_gets_the_checkout_but_sql_does_not():
    python = JobSpec.from_config({"python": {"source": "print(1)"}}, source_config=SOURCE)
    sql = JobSpec.from_config({"sql": {"source": "SELECT 1"}}, source_config=SOURCE)
    assert python.git == SOURCE and sql.git is None


def test_a_runs_parameters_replace_the_versions_and_its_named_parameters_merge():
    config = {"python": {"source": "x", "parameters": ["--day=1"], "namedParameters": {"REGION": "eu", "DAY": "1"}}}
    spec = JobSpec.from_config(config)

    assert spec.overridden() == spec
    overridden = spec.overridden(parameters=["--day=2", 3], named_parameters={"DAY": 2, "EXTRA": "x"})
    assert overridden.parameters == ["--day=2", "3"]
    assert overridden.named_parameters == {"REGION": "eu", "DAY": "2", "EXTRA": "x"}
    assert spec.overridden(parameters=[]).parameters == []
    with pytest.raises(JobConfigError, match="environment variable"):
        spec.overridden(named_parameters={"NOT OK": "1"})
