"""In real Chromium: a member searches from the header box, refines by kind and opens a
result; an outsider finds nothing of the group; the search page has no serious
accessibility violations."""
import pytest

from helpers import page_login, serious_accessibility_violations
from workspace.content.document import Document

pytestmark = pytest.mark.browser


def test_member_searches_refines_and_opens_a_result(chromium, live_server, site):
    site.add_user("amara", name="Amara Okafor")
    site.add_user("outsider")
    site.add_group("caribbean", "private", {"amara": "member"},
                   title="Caribbean teacher pathways")
    with site.open() as root:
        docs = root["groups"]["caribbean"]["documents"]
        docs.add("induction", Document("Induction routes for new teachers",
                                       "What the Caribbean group said about teacher "
                                       "pathways: mentoring in the first year.", "amara"))
        docs.add("budget", Document("Budget", "Salaries only.", "amara"))

    page = chromium.new_context().new_page()
    page_login(page, live_server, "amara")
    page.get_by_role("searchbox", name="Search").fill("teacher pathways")
    page.get_by_role("searchbox", name="Search").press("Enter")
    page.wait_for_url("**/search?*")
    results = page.locator(".search-results li").all_inner_texts()
    assert len(results) == 2  # the document, and the group whose name matches
    assert any("Induction routes for new teachers" in r for r in results)
    assert any("Caribbean teacher pathways" in r and "Groups" in r for r in results)
    assert page.locator(".search-results mark").count() >= 1
    assert serious_accessibility_violations(page) == []

    page.locator(".facets").get_by_role("link", name="Documents").click()
    page.wait_for_url("**type=document*")
    assert page.get_by_role("heading", name="1 result").is_visible()
    page.get_by_role("link", name="Induction routes for new teachers").click()
    page.wait_for_url("**/groups/caribbean/documents/induction/")
    assert "Induction routes" in page.get_by_role("heading", level=1).inner_text()

    stranger = chromium.new_context().new_page()
    page_login(stranger, live_server, "outsider")
    stranger.goto(f"{live_server}/search?q=pathways")
    assert stranger.get_by_role("heading", name="0 results").is_visible()
    assert "Induction" not in stranger.content()


def test_a_bad_query_shows_a_friendly_message(chromium, live_server, site):
    site.add_user("amara")
    page = chromium.new_context().new_page()
    page_login(page, live_server, "amara")
    response = page.goto(f"{live_server}/search?q=%22unclosed")
    assert response.status == 400
    assert "quotation mark" in page.get_by_role("alert").inner_text()
    assert serious_accessibility_violations(page) == []
