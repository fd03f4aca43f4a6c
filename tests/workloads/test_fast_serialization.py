"""The lists write jobs, versions, catalogs and queries with `apps.core.api.fast.dump`: exactly what DRF would."""

import json

import pytest

from apps.core.api.fast import dump
from apps.workloads.api.serializers.entities import (
    CatalogDescribedSerializer,
    CatalogSerializer,
    JobSerializer,
    JobVersionSerializer,
    QuerySerializer,
)
from apps.workloads.selectors.catalogs import catalog_list
from apps.workloads.selectors.jobs import job_list, with_numbers
from apps.workloads.selectors.queries import query_list
from apps.workloads.services.catalogs import catalog_create
from apps.workloads.services.job_versions import draft_create
from apps.workloads.services.jobs import job_create
from apps.workloads.services.queries import query_create

FULL_CONFIG = {
    "sql": {"source": "SELECT 1"},
    "compute": {"worker": {"instanceType": "c8g.4xlarge", "ebsConfig": {"volumeType": "gp3", "volumeSize": 100}}},
    "lakesail": {"executionMode": "standalone", "libraries": [{"whl": "s3://x.whl"}], "sql.shuffle.partitions": "4"},
}


@pytest.fixture
def objects(author, team, cluster):
    catalog = catalog_create(
        principal=author, name="Lake", provider="unity", config_write={"token": "t"}, team_ids=[team.pk]
    )
    query_create(principal=author, values={"name": "Q", "queryText": "SELECT 1", "catalogId": catalog.pk}, team_ids=[])
    job = job_create(
        principal=author,
        job_key="full",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": FULL_CONFIG, "cronExpression": "@daily", "dependsOn": []},
    )
    draft = draft_create(principal=author, job=job, changes={"timeoutSeconds": 60})
    return author, draft


def _same(serializer, rows) -> None:
    fast = dump(serializer, rows, many=True)
    drf = json.loads(json.dumps(serializer(rows, many=True).data))
    assert fast == drf


def test_every_workloads_group_is_what_drf_would_write(objects):
    principal, draft = objects
    _same(JobSerializer, list(with_numbers(list(job_list(principal=principal)))))
    _same(JobVersionSerializer, [draft])
    _same(CatalogSerializer, list(catalog_list(principal=principal)))
    _same(CatalogDescribedSerializer, list(catalog_list(principal=principal)))
    _same(QuerySerializer, list(query_list(principal=principal)))
    job = dump(JobSerializer, with_numbers([job_list(principal=principal).get()])[0])
    assert job["config"]["lakesail"]["libraries"] == [{"pypi": None, "requirements": None, "whl": "s3://x.whl"}]
    assert job["config"]["lakesail"]["sql.shuffle.partitions"] == "4"
    assert job["draftVersion"] == 2
