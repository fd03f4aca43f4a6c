"""Concurrent writes to one job on PostgreSQL: real threads, real connections, committed transactions.

The services lock the job's row; the database's constraints (one draft per job, numbers unique per job) stand
behind the lock; the If-Match middleware serializes conditional writes to one resource.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from apps.workloads.models import JobVersion, VersionStatus
from tests.conftest import ApiClient

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and parallel connections: PostgreSQL"),
]


def _together(count: int, call: Callable[[ApiClient], int], clients: list[ApiClient]) -> list[int]:
    """Run `call` in `count` threads released at the same moment; their status codes."""
    start = threading.Barrier(count)
    statuses: list[int] = []

    def run(client: ApiClient) -> None:
        try:
            start.wait()
            statuses.append(call(client))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(clients[i],)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.fixture
def job_id(api, job_body) -> str:
    return api.post("/workloads/jobs", job_body).json()["id"]


@pytest.fixture
def clients(alice, acme) -> list[ApiClient]:
    return [ApiClient().as_(alice, acme) for _ in range(20)]


def test_twenty_parallel_drafts_make_one(job_id, clients):
    statuses = _together(20, lambda c: c.post(f"/workloads/jobs/{job_id}/draft", {}).status_code, clients)
    assert statuses == [201] + [409] * 19
    assert JobVersion.objects.filter(job_id=job_id, status=VersionStatus.DRAFT).count() == 1


def test_ten_parallel_publishes_make_one_version_and_numbers_stay_contiguous(api, job_id, clients):
    assert api.post(f"/workloads/jobs/{job_id}/draft", {"description": "v2"}).status_code == 201
    statuses = _together(10, lambda c: c.post(f"/workloads/jobs/{job_id}/draft/publish").status_code, clients)
    assert statuses == [200] + [400] * 9
    numbers = list(JobVersion.objects.filter(job_id=job_id).order_by("number").values_list("number", "status"))
    assert numbers == [(1, "published"), (2, "published")]
    assert api.get(f"/workloads/jobs/{job_id}").json()["included"]["jobs"][0]["currentVersion"] == 2


def test_two_patches_with_the_same_if_match_let_one_through(api, job_id, clients):
    etag = api.get(f"/workloads/jobs/{job_id}")["ETag"]
    names = iter(["first-key", "second-key"])

    def patch(client: ApiClient) -> int:
        body = {"jobKey": next(names)}
        return client.patch(f"/workloads/jobs/{job_id}", body, headers={"If-Match": etag}).status_code

    assert _together(2, patch, clients) == [200, 412]
