"""Catalogs → Sail's `catalog.*` configuration and its `SAIL_CATALOG__*` environment: the one translation."""

import pytest

from apps.infra.providers.local import sail_environment
from apps.workloads.catalog_providers import sail_catalog_config
from apps.workloads.services.catalogs import catalog_create


@pytest.fixture
def create(author):
    def make(name: str, provider: str, **config):
        return catalog_create(principal=author, name=name, provider=provider, config_write=config, team_ids=[])

    return make


def test_a_memory_catalog_becomes_the_default_catalog_and_database(create):
    scratch = create("Scratch Space", "memory", initialDatabase="analytics", initialDatabaseComment="For trying")
    assert sail_environment(sail_catalog_config([scratch])) == {
        "SAIL_CATALOG__LIST": '[{name = "scratch_space", type = "memory", initial_database = ["analytics"], '
        'initial_database_comment = "For trying"}]',
        "SAIL_CATALOG__DEFAULT_CATALOG": '"scratch_space"',
        "SAIL_CATALOG__DEFAULT_DATABASE": '["analytics"]',
    }


def test_provider_options_and_secrets_reach_sail_under_its_names(create):
    glue = create("Prod", "glue", region="us-east-1", endpointUrl="https://glue.example.com", initialDatabase="sales")
    lake = create("Lake", "iceberg-rest", uri="https://lake.example.com", bearerAccessToken="s3cret", prefix="v1")
    unity = create("2024 Unity", "unity", uri="https://uc.example.com", token="t", defaultCatalog="main")
    hms = create("Hive", "hms", uris=["thrift://metastore.example.com:9083"])
    config = sail_catalog_config([glue, lake, unity, hms], default=lake, database="bronze.raw")
    assert config == {
        "catalog.list": [
            {"name": "prod", "type": "glue", "region": "us-east-1", "endpoint_url": "https://glue.example.com"},
            {
                "name": "lake",
                "type": "iceberg-rest",
                "uri": "https://lake.example.com",
                "prefix": "v1",
                "bearer_access_token": "s3cret",
            },
            {
                "name": "c_2024_unity",
                "type": "unity",
                "uri": "https://uc.example.com",
                "default_catalog": "main",
                "token": "t",
            },
            {"name": "hive", "type": "hms", "uris": ["thrift://metastore.example.com:9083"]},
        ],
        "catalog.default_catalog": "lake",
        "catalog.default_database": ["bronze", "raw"],
    }
    environment = sail_environment(config)
    assert environment["SAIL_CATALOG__DEFAULT_CATALOG"] == '"lake"'
    assert 'bearer_access_token = "s3cret"' in environment["SAIL_CATALOG__LIST"]


def test_catalogs_whose_names_meet_in_sql_get_distinct_names(create):
    first, second = create("Sales-EU", "memory"), create("sales eu", "memory")
    names = [entry["name"] for entry in sail_catalog_config([first, second])["catalog.list"]]
    assert names == ["sales_eu", "sales_eu_2"]


def test_no_catalog_leaves_sails_own_memory_catalog():
    assert sail_catalog_config([]) == {}


@pytest.mark.integration
def test_a_memory_catalog_with_no_initial_database_serves_on_a_real_sail_server(create, sail_data_dir):
    from apps.infra.providers.local import sail_start, sail_stop
    from apps.infra.providers.local.sessions import connect

    config = sail_catalog_config([create("Scratch", "memory")])
    assert config["catalog.list"] == [{"name": "scratch", "type": "memory", "initial_database": ["default"]}]
    server = sail_start(purpose="test: memory catalog", config=config)
    try:
        spark = connect(server.remote)
        rows = spark.sql("SELECT current_catalog() AS c, current_database() AS d").toArrow().to_pylist()
        spark.stop()
    finally:
        sail_stop(process_id=server.process_id)
    assert rows == [{"c": "scratch", "d": "default"}]
