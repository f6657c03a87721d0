"""In real Chromium: two people edit the same document in two browser contexts; each sees
the other present; one saves, the other gets a conflict, resolves it and saves. The editor's
toolbar and live preview work, and the pages have no serious accessibility violations."""
import pytest

from helpers import page_login, serious_accessibility_violations

pytestmark = pytest.mark.browser

LINES = "".join(f"Line {n}.\n" for n in range(1, 13))
DOC = "/groups/secret/documents/ministry-plan"


def test_two_editors_one_conflict_resolved_in_the_browser(chromium, live_server, cast):
    cast.api["manager"].post_json("/api/groups/secret/documents",
                                  {"title": "Ministry plan", "body": LINES}, status=201)
    member = chromium.new_context().new_page()
    manager = chromium.new_context().new_page()
    page_login(member, live_server, "member")
    page_login(manager, live_server, "manager")

    member.goto(f"{live_server}{DOC}/edit")
    manager.goto(f"{live_server}{DOC}/edit")
    assert "Also editing now: member" in manager.locator("#presence").inner_text()
    assert serious_accessibility_violations(member) == []

    # The toolbar formats the selection and the preview shows the server's rendering.
    source = member.locator("textarea.markdown-source")
    source.evaluate("t => t.setSelectionRange(0, 7)")  # "Line 1."
    member.get_by_role("button", name="Bold").click()
    assert source.input_value().startswith("**Line 1.**\n")
    preview = member.get_by_role("region", name="Preview")
    preview.locator("strong", has_text="Line 1.").wait_for()

    # The manager saves a change to line 5 first.
    manager_text = manager.locator("textarea.markdown-source")
    manager_text.fill(LINES.replace("Line 5.", "Line five, as the manager wants it."))
    manager.get_by_label("Change note").fill("manager's wording")
    manager.get_by_role("button", name="Save").click()
    manager.wait_for_url(f"{live_server}{DOC}/")
    assert "Saved as version 2." in manager.get_by_role("status").first.inner_text()

    # The member changed the same line meanwhile: nothing is lost, the conflict is shown.
    source.fill(LINES.replace("Line 5.", "Line 5, as the member wants it."))
    member.get_by_role("button", name="Save").click()
    member.get_by_role("heading", name="Someone changed the same lines meanwhile").wait_for()
    marked = source.input_value()
    assert "<<<<<<< your version" in marked
    assert "Line 5, as the member wants it." in marked
    assert "Line five, as the manager wants it." in marked
    assert serious_accessibility_violations(member) == []

    # The member reconciles both and saves: it goes through as version 3.
    source.fill(LINES.replace("Line 5.", "Line five, as the manager and member agreed."))
    member.get_by_label("Change note").fill("reconciled line 5")
    member.get_by_role("button", name="Save").click()
    member.wait_for_url(f"{live_server}{DOC}/")
    assert "Saved as version 3." in member.get_by_role("status").first.inner_text()
    assert "Line five, as the manager and member agreed." in member.locator(
        "article.document-body").inner_text()

    # History and diff show both people's work.
    member.get_by_role("link", name="History").click()
    rows = member.locator("table.history tbody tr")
    assert rows.count() == 3
    assert "reconciled line 5" in rows.nth(0).inner_text()
    assert "manager's wording" in rows.nth(1).inner_text()
    assert serious_accessibility_violations(member) == []
    member.get_by_role("button", name="Compare the chosen versions").click()
    assert member.locator("table.diff del").first.inner_text() == \
        "Line five, as the manager wants it."
    assert serious_accessibility_violations(member) == []


def test_document_pages_are_accessible(chromium, live_server, cast):
    cast.api["manager"].post_json("/api/groups/secret/documents",
                                  {"title": "Ministry plan", "body": "# Plan\n\nText.\n"},
                                  status=201)
    fid = cast.api["manager"].post("/api/groups/secret/documents",
                                   upload_files=[("file", "budget.csv", b"a,b\n")],
                                   status=201).json["id"]
    cast.api["manager"].post("/api/groups/secret/documents",
                             upload_files=[("file", "notes.txt", b"notes")], status=201)
    cast.api["manager"].delete(f"/api/groups/secret/documents/{fid}", status=204)
    page = chromium.new_context().new_page()
    page_login(page, live_server, "manager")
    for path in ("/groups/secret/documents/", f"{DOC}/", "/groups/secret/documents/@@new",
                 "/groups/secret/documents/@@upload", "/groups/secret/trash/",
                 "/groups/secret/documents/notes-txt", f"{DOC}/history",
                 f"{DOC}/diff?from=1&to=1", f"/groups/secret/trash/{fid}"):
        page.goto(f"{live_server}{path}")
        assert serious_accessibility_violations(page) == [], path
