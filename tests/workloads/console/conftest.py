"""The authoring console: Alice (owner of Acme) and Bob (a member of Acme, team member of Data) in the browser's
place, with an active cluster shared with Data; Charlie owns Globex."""

import pytest

from apps.workloads.services.catalogs import catalog_create
from apps.workloads.services.jobs import job_create
from apps.workloads.services.queries import query_create
from tests.org.test_console_pages import console_as
from tests.workloads.conftest import SQL_CONFIG

HTMX = {"HX-Request": "true"}


@pytest.fixture
def alice_console(alice):
    return console_as(alice)


@pytest.fixture
def bob_console(bob, team, member_of_team):
    member_of_team(bob, team)
    return console_as(bob)


@pytest.fixture
def charlie_console(charlie):
    return console_as(charlie)


@pytest.fixture
def vera_console(viewer_in_team):
    return console_as(viewer_in_team)


@pytest.fixture
def catalog(author, team):
    return catalog_create(
        principal=author,
        name="Lake",
        provider="iceberg-rest",
        config_write={"uri": "https://iceberg.example.test/api", "bearerAccessToken": "s3cr3t-token"},
        team_ids=[team.pk],
    )


@pytest.fixture
def saved_query(author, team):
    return query_create(
        principal=author,
        values={"name": "Daily totals", "queryText": "SELECT 1 AS one", "tags": ["sales"]},
        team_ids=[team.pk],
    )


@pytest.fixture
def job(author, team, cluster):
    return job_create(
        principal=author,
        job_key="daily-sales",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": SQL_CONFIG, "cronExpression": "30 2 * * *"},
    )
