"""In Chromium: the History page's revert buttons revert, and comparing sends only the two
versions (issue 16, bug 1: the revert forms were nested in the compare form, so the first
"Revert" opened a diff and put the CSRF token in the address)."""
import pytest

from helpers import page_login, serious_accessibility_violations

pytestmark = pytest.mark.browser

DOC = "/groups/secret/documents/ministry-plan"


def test_revert_buttons_revert_and_compare_sends_no_token(chromium, live_server, cast):
    api = cast.api["manager"]
    api.post_json("/api/groups/secret/documents", {"title": "Ministry plan", "body": "One\n"})
    for version, body in ((1, "Two\n"), (2, "Three\n")):
        api.put_json(f"/api{DOC}", {"body": body, "base_version": version})
    page = chromium.new_context().new_page()
    page_login(page, live_server, "member")
    page.goto(f"{live_server}{DOC}/history")
    assert serious_accessibility_violations(page) == []

    page.get_by_role("button", name="Compare the chosen versions").click()
    page.wait_for_url(lambda url: "diff" in url)
    assert "csrf_token" not in page.url
    assert "from=2" in page.url and "to=3" in page.url

    page.goto(f"{live_server}{DOC}/history")
    # The first revert button is "undo the last edit": back to version 2.
    page.get_by_role("button", name="Revert to version 2").click()
    page.wait_for_url(f"{live_server}{DOC}/")
    assert "csrf_token" not in page.url
    assert "Version 2 restored as version 4." in page.get_by_role("status").first.inner_text()
    assert api.get(f"/api{DOC}").json["body"] == "Two\n"
