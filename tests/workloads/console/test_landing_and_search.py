"""The workloads landing page, and jobs, queries and catalogs in the console's global search."""

import pytest

from apps.core import console_search
from tests.workloads.console.conftest import HTMX

pytestmark = pytest.mark.django_db


def test_the_landing_page_links_every_workloads_page(alice_console, job, saved_query, catalog):
    html = alice_console.get("/workloads/").content.decode()
    for path in ("/workloads/jobs/", "/workloads/queries/", "/workloads/catalogs/", "/workloads/sessions/"):
        assert f'href="{path}"' in html
    assert "/workloads/compute-configs/" in html and "No workloads yet" not in html


def test_the_global_search_finds_jobs_queries_and_catalogs(alice_console, job, saved_query, catalog):
    assert {"Jobs", "Queries", "Catalogs"} <= {source.label for source in console_search.sources()}
    html = alice_console.get("/search/?q=daily", headers=HTMX).content.decode()
    assert f"/workloads/jobs/{job.pk}/" in html and f"/workloads/queries/{saved_query.pk}/" in html
    lake = alice_console.get("/search/?q=lake", headers=HTMX).content.decode()
    assert f"/workloads/catalogs/{catalog.pk}/" in lake and "iceberg-rest" in lake


def test_the_search_shows_nothing_another_org_owns(charlie_console, job, saved_query, catalog):
    html = charlie_console.get("/search/?q=daily").content.decode()
    assert job.pk not in html and saved_query.pk not in html
