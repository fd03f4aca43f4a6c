import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_the_api_docs_render_offline_from_our_own_static_files(live_server, page: Page, db):
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_role("heading", name="LakeSail platform API")).to_be_visible()
    # Tags start collapsed (the schema has ~300 operations); every tag is listed, and one opens on a click.
    expect(page.locator(".opblock-tag", has_text="workloads").first).to_be_visible()
    page.locator(".opblock-tag", has_text="members").first.click()
    expect(page.get_by_text("/api/v1/org/members", exact=True).first).to_be_visible()
    assert [u for u in outside if not u.startswith("data:")] == []
