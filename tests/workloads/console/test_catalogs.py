"""Catalog pages: list, detail, the provider-specific editor with write-only secrets, delete with confirmation."""

import pytest

from apps.workloads.catalog_providers import catalog_secrets
from apps.workloads.models import Catalog
from tests.workloads.console.conftest import HTMX

pytestmark = pytest.mark.django_db


def test_the_list_shows_catalogs_with_teams_and_searches(
    alice_console, catalog, author, team, django_assert_max_num_queries
):
    from apps.workloads.services.catalogs import catalog_create

    for i in range(30):
        catalog_create(principal=author, name=f"Scratch {i:02}", provider="memory", config_write={}, team_ids=[team.pk])
    with django_assert_max_num_queries(10):
        html = alice_console.get("/workloads/catalogs/").content.decode()
    assert "Lake" in html and "iceberg-rest" in html and "Data" in html and "New catalog" in html
    assert "31 catalogs · 1 to 25 shown" in html
    partial = alice_console.get("/workloads/catalogs/?q=lake", headers=HTMX).content.decode()
    assert "Lake" in partial and "Scratch" not in partial and "<html" not in partial


def test_the_detail_page_never_shows_a_secret(alice_console, catalog):
    html = alice_console.get(f"/workloads/catalogs/{catalog.pk}/").content.decode()
    assert "s3cr3t-token" not in html
    assert "https://iceberg.example.test/api" in html and "configured" in html
    editor = alice_console.get(f"/workloads/catalogs/{catalog.pk}/edit").content.decode()
    assert "s3cr3t-token" not in editor and "Configured: leave empty to keep it." in editor
    assert 'type="password"' in editor and "Remove the bearer access token" in editor


def test_the_new_catalog_form_shows_the_chosen_providers_options(alice_console):
    glue = alice_console.get("/workloads/catalogs/new?provider=glue", headers=HTMX).content.decode()
    assert 'id="catalog-options"' in glue and "Region" in glue and "Endpoint URL" in glue and "URI" not in glue
    hms = alice_console.get("/workloads/catalogs/new?provider=hms").content.decode()
    assert "Metastore URIs" in hms and "<html" in hms


def test_creating_a_catalog_and_its_validation_errors(alice_console, team):
    form = {"name": "Lake", "provider": "iceberg-rest", "teams": [team.pk], "option_bearerAccessToken": "tok"}
    refused = alice_console.post("/workloads/catalogs/new", form)
    assert refused.status_code == 200 and "Required for iceberg-rest catalogs." in refused.content.decode()
    assert not Catalog.objects.exists()
    form["option_uri"] = "https://iceberg.example.test/api"
    created = alice_console.post("/workloads/catalogs/new", form)
    catalog = Catalog.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/workloads/catalogs/{catalog.pk}/"
    assert catalog.config == {"uri": "https://iceberg.example.test/api"}
    assert catalog_secrets(catalog) == {"bearerAccessToken": "tok"}
    taken = alice_console.post("/workloads/catalogs/new", form).content.decode()
    assert "Already taken." in taken


def test_an_empty_secret_keeps_the_stored_one_and_remove_unsets_it(alice_console, catalog):
    url = f"/workloads/catalogs/{catalog.pk}/edit"
    form = {"name": "Lake 2", "option_uri": "https://iceberg.example.test/v2", "option_warehouse": "wh"}
    assert alice_console.post(url, form).status_code == 302
    catalog.refresh_from_db()
    assert catalog.name == "Lake 2" and catalog.config["warehouse"] == "wh"
    assert catalog_secrets(catalog) == {"bearerAccessToken": "s3cr3t-token"}
    form["clear_bearerAccessToken"] = "on"
    del form["option_warehouse"]  # an emptied option is unset
    assert alice_console.post(url, form).status_code == 302
    catalog.refresh_from_db()
    assert catalog_secrets(catalog) == {} and "warehouse" not in catalog.config


def test_delete_asks_first_and_deletes(alice_console, catalog):
    html = alice_console.get(f"/workloads/catalogs/{catalog.pk}/").content.decode()
    assert 'data-confirm="Delete the catalog Lake?' in html
    response = alice_console.post(f"/workloads/catalogs/{catalog.pk}/delete")
    assert response.status_code == 302 and response["Location"] == "/workloads/catalogs/"
    assert not Catalog.objects.exists()


def test_a_viewer_sees_but_cannot_change_and_another_org_gets_404(vera_console, charlie_console, catalog):
    html = vera_console.get(f"/workloads/catalogs/{catalog.pk}/").content.decode()
    assert "Lake" in html and "Delete catalog" not in html and "/edit" not in html
    refused = vera_console.post(f"/workloads/catalogs/{catalog.pk}/delete")
    assert refused.status_code == 403 and "Manage catalogs" in refused.content.decode()
    assert Catalog.objects.filter(pk=catalog.pk).exists()
    assert charlie_console.get(f"/workloads/catalogs/{catalog.pk}/").status_code == 404
    assert charlie_console.post(f"/workloads/catalogs/{catalog.pk}/delete").status_code == 404
    assert catalog.pk not in charlie_console.get("/workloads/catalogs/").content.decode()
