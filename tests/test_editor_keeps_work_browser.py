"""In Chromium: the document editor loses nothing and tells the truth (issue 16).

Bug 2: when the session ends while someone edits, Save keeps the text, says why, and the
person comes back to it after logging in; leaving with unsaved changes asks first.
Bug 8: two people who open one editor see each other within moments (it took 10 s).
Bug 9: the conflict view does not render the clash markers as Markdown; clashes are
resolved side by side with "Keep mine", "Keep theirs" and "Keep both".
"""
import pytest
from playwright.sync_api import expect

from helpers import PASSWORD, page_login, serious_accessibility_violations

pytestmark = pytest.mark.browser

DOC = "/groups/secret/documents/ministry-plan"
LINES = "".join(f"Line {n}.\n" for n in range(1, 13))


@pytest.fixture
def doc(cast):
    cast.api["manager"].post_json("/api/groups/secret/documents",
                                  {"title": "Ministry plan", "body": LINES}, status=201)
    return cast.api["manager"]


def test_text_typed_after_the_session_ended_is_kept_and_comes_back(chromium, live_server, doc):
    context = chromium.new_context()
    page = context.new_page()
    page_login(page, live_server, "member")
    page.goto(f"{live_server}{DOC}/edit")
    typed = LINES + "A careful paragraph written over twenty minutes.\n"
    page.locator("textarea.markdown-source").fill(typed)
    context.clear_cookies()  # logged out elsewhere, or expired

    page.get_by_role("button", name="Save").click()
    alert = page.get_by_role("alert").filter(has_text="Your session has ended")
    expect(alert).to_be_visible()
    assert page.url == f"{live_server}{DOC}/edit"
    assert page.locator("textarea.markdown-source").input_value() == typed
    assert serious_accessibility_violations(page) == []

    alert.get_by_role("link", name="Log in again").click()
    page.get_by_label("Login").fill("member")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}{DOC}/edit")
    assert page.locator("textarea.markdown-source").input_value() == typed
    expect(page.get_by_role("alert").filter(has_text="is back in the editor")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server}{DOC}/")
    assert doc.get(f"/api{DOC}").json["body"] == typed

    # Saved: the editor opens on the saved text, with no old draft coming back.
    page.goto(f"{live_server}{DOC}/edit")
    expect(page.get_by_role("alert").filter(has_text="is back")).to_have_count(0)


def test_leaving_the_editor_with_unsaved_changes_asks_first(chromium, live_server, doc):
    page = chromium.new_context().new_page()
    page_login(page, live_server, "member")
    page.goto(f"{live_server}{DOC}/edit")
    page.locator("textarea.markdown-source").fill(LINES + "Unsaved.\n")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]


def test_two_people_in_one_editor_see_each_other_at_once(chromium, live_server, doc):
    first = chromium.new_context().new_page()
    second = chromium.new_context().new_page()
    page_login(first, live_server, "member")
    page_login(second, live_server, "manager")
    first.goto(f"{live_server}{DOC}/edit")
    expect(first.locator("#presence")).to_contain_text("Nobody else")
    second.goto(f"{live_server}{DOC}/edit")
    expect(second.locator("#presence")).to_contain_text("Also editing now: member")
    expect(first.locator("#presence")).to_contain_text("Also editing now: manager",
                                                       timeout=5000)


def test_a_conflict_is_resolved_clash_by_clash(chromium, live_server, doc):
    page = chromium.new_context().new_page()
    page_login(page, live_server, "member")
    page.goto(f"{live_server}{DOC}/edit")
    doc.put_json(f"/api{DOC}", {"body": LINES.replace("Line 5.", "Line five (manager)."),
                                "base_version": 1})
    source = page.locator("textarea.markdown-source")
    source.fill(LINES.replace("Line 5.", "Line 5 (member)."))
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Someone changed the same lines meanwhile").wait_for()

    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("once its clash is resolved")
    assert preview.locator("h1, h2 + h1, blockquote, hr").count() == 0
    clash = page.get_by_role("region", name="Clash 1 of the 1 left")
    expect(clash).to_contain_text("Line 5 (member).")
    expect(clash).to_contain_text("Line five (manager).")
    assert serious_accessibility_violations(page) == []

    clash.get_by_role("button", name="Keep both").click()
    merged = LINES.replace("Line 5.", "Line 5 (member).\nLine five (manager).")
    assert source.input_value() == merged
    expect(page.get_by_role("status").filter(has_text="Every clash is resolved")).to_be_visible()
    expect(preview.locator("p", has_text="Line five (manager).")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server}{DOC}/")
    assert doc.get(f"/api{DOC}").json["body"] == merged
