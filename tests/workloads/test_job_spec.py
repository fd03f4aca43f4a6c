import pytest

from apps.workloads.runner.spec import JobConfigError, JobSpec


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
        ({"python": {"packageName": "etl", "entryPoint": "main"}}, "not supported"),
        ({"python": {"source": "x", "namedParameters": {"BAD-NAME": "1"}}}, "environment variable"),
        ({"sql": {"source": "SELECT 1"}, "lakesail": {"executionMode": "turbo"}}, "executionMode"),
    ],
)
def test_it_refuses_configurations_it_cannot_run(config, message):
    with pytest.raises(JobConfigError, match=message):
        JobSpec.from_config(config)
