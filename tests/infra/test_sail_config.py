import pytest

from apps.infra.providers.local.config import SailConfigError, config_hash, merged_config, sail_environment


def test_it_spells_keys_as_sail_variables():
    env = sail_environment({"spark.session_timeout_secs": 30, "cluster": {"worker_initial_count": 2}})
    assert env == {"SAIL_SPARK__SESSION_TIMEOUT_SECS": "30", "SAIL_CLUSTER__WORKER_INITIAL_COUNT": "2"}


def test_it_quotes_strings_so_numbers_and_booleans_stay_strings():
    env = sail_environment({"mode": "local", "catalog.default_catalog": "123", "x.flag": True})
    assert env == {"SAIL_MODE": '"local"', "SAIL_CATALOG__DEFAULT_CATALOG": '"123"', "SAIL_X__FLAG": "true"}


def test_it_writes_catalog_lists_as_toml_inline_tables():
    catalogs = [{"name": "lake", "type": "memory", "initial_database": ["analytics"]}]
    env = sail_environment({"catalog": {"list": catalogs, "default_database": ["analytics"]}})
    assert env["SAIL_CATALOG__LIST"] == '[{name = "lake", type = "memory", initial_database = ["analytics"]}]'
    assert env["SAIL_CATALOG__DEFAULT_DATABASE"] == '["analytics"]'


def test_it_refuses_keys_sail_does_not_spell():
    with pytest.raises(SailConfigError):
        sail_environment({"Mode; rm -rf": "x"})
    with pytest.raises(SailConfigError):
        sail_environment({"execution.parallelism": float("nan")})


def test_later_configurations_win_key_by_key_over_the_default():
    merged = merged_config({"mode": "local-cluster"}, {"cluster": {"worker_max_count": 4}})
    assert merged == {"mode": "local-cluster", "cluster.worker_max_count": 4}
    assert merged_config(None) == {"mode": "local"}


def test_the_hash_follows_the_configuration_not_its_spelling():
    nested = config_hash({"mode": "local", "spark": {"session_timeout_secs": 30}})
    dotted = config_hash({"spark.session_timeout_secs": 30, "mode": "local"})
    assert nested == dotted
    assert nested != config_hash({"mode": "local", "spark.session_timeout_secs": 31})
