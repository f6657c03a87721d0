"""Every page issue 16 changed, in Chromium at a desktop's and a phone's width: axe finds no
serious or critical violation, and none scrolls sideways on the phone.

With SCREENSHOTS=<folder> set, each page is also saved there as <page>-desktop.png and
<page>-phone.png (docs/ holds the ones this issue shipped):

    SCREENSHOTS=docs .venv/bin/pytest -p no:xdist tests/test_newcomer_pages_accessible_browser.py
"""
import os

import pytest

from helpers import page_login, serious_accessibility_violations

pytestmark = pytest.mark.browser

G = "/groups/pathways"
DOC = f"{G}/documents/teacher-induction-plan"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {
    "group-page": f"{G}/",
    "documents": f"{G}/documents/",
    "new-document": f"{G}/documents/@@new",
    "document": f"{DOC}/",
    "document-history": f"{DOC}/history",
    "document-editor": f"{DOC}/edit",
    "boards": f"{G}/boards/",
    "topic-composer": f"{G}/boards/discussion/mentoring/",
    "new-topic-composer": f"{G}/boards/discussion/@@new-topic",
    "calendar-month": f"{G}/calendar/?view=month&date=2026-12-01",
    "calendar-week": f"{G}/calendar/?view=week&date=2026-12-07",
    "event-form-recurrence": f"{G}/calendar/@@add?date=2026-12-07",
    "event": f"{G}/calendar/mentor-circle/",
    "trash": f"{G}/trash/",
    "whiteboards": f"{G}/whiteboards/",
    "whiteboard": f"{G}/whiteboards/theory-of-change/",
    "members": f"{G}/@@members",
    "notifications": "/notifications",
    "profile": "/people/rohan",
    "change-password": "/people/rohan/@@password",
    "search-did-you-mean": "/search?q=inducton",
    "search-results": "/search?q=mentoring",
}


@pytest.fixture
def pathways(site):
    """A small group as a newcomer meets it: named people, a document with history, a
    discussion with a mention, a weekly event, a join request and a deleted file."""
    for login, name in (("rohan", "Rohan Persaud"), ("amara", "Amara Okafor"),
                        ("mele", "Mele Tupou"), ("claire", "Claire Dubois")):
        site.add_user(login, name=name)
    site.add_group("pathways", "listed", {"rohan": "manager", "amara": "member",
                                          "claire": "observer"},
                   title="Caribbean teacher pathways")
    rohan, amara = site.token_for("rohan"), site.token_for("amara")
    from helpers import api_client
    r, a = api_client(site.app, rohan), api_client(site.app, amara)
    r.put_json("/api/people/rohan", {"bio": "Teacher educator in **Georgetown**; I run "
                                            "the _induction_ pilot."})
    a.post_json(f"/api{G}/documents", {"title": "Teacher induction plan", "body":
                                       "# Induction\n\nTwo years of **mentoring** for every "
                                       "new teacher.\n", "comment": "first draft"})
    for version in (1, 2):
        r.put_json(f"/api{DOC}", {"body": f"# Induction\n\nTwo years of **mentoring**, "
                                          f"review {version}.\n", "base_version": version,
                                  "comment": "sharper wording of the mentoring year"})
    r.post(f"/api{G}/documents", upload_files=[("file", "observation-rubric-v2.txt",
                                                b"Rubric")])
    gone = r.post(f"/api{G}/documents", upload_files=[("file", "old-notes.txt", b"x")])
    r.delete(f"/api{G}/documents/{gone.json['id']}")
    r.post_json(f"/api{G}/boards", {"id": "discussion", "title": "General discussion"})
    r.post_json(f"/api{G}/boards/discussion/topics", {
        "id": "mentoring", "title": "Mentoring in the first year",
        "body": "How do your ministries pair mentors? @amara has notes."})
    a.post_json(f"/api{G}/boards/discussion/topics/mentoring/replies",
                {"body": "We pair by subject, @rohan: see the plan."})
    a.post_json(f"/api{G}/calendar", {
        "id": "mentor-circle", "title": "Mentor circle", "start": "2026-12-07T16:00:00",
        "end": "2026-12-07T17:30:00", "timezone": "UTC",
        "rrule": "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8", "location": "Online"})
    a.post_json(f"/api{G}/calendar", {
        "title": "Ministry call", "start": "2026-12-08T09:00:00",
        "end": "2026-12-08T10:00:00", "timezone": "UTC"})
    a.post_json(f"/api{G}/whiteboards", {"id": "theory-of-change",
                                         "title": "Theory of change"})
    api_client(site.app, site.token_for("mele")).post_json(f"/api{G}/join", {
        "message": "I lead induction in Tonga."})
    return r


def test_every_changed_page_passes_axe_at_both_widths(chromium, live_server, site, pathways):
    folder = os.environ.get("SCREENSHOTS")
    problems = {}
    for width, viewport in WIDTHS.items():
        page = chromium.new_context(viewport=viewport).new_page()
        page_login(page, live_server, "rohan")
        for name, path in PAGES.items():
            page.goto(f"{live_server}{path}")
            page.wait_for_load_state("networkidle")
            found = serious_accessibility_violations(page)
            if width == "phone" and page.evaluate("document.documentElement.scrollWidth") > 390:
                found.append(("scrolls sideways", []))
            if found:
                problems[f"{name} ({width})"] = found
            if folder:
                page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"),
                                full_page=width == "phone")
        page.context.close()
    assert problems == {}


def test_the_conflict_view_passes_axe_at_both_widths(chromium, live_server, site, pathways):
    """The clash-by-clash resolver, reached as people reach it: a save that clashes."""
    folder = os.environ.get("SCREENSHOTS")
    for width, viewport in WIDTHS.items():
        page = chromium.new_context(viewport=viewport).new_page()
        page_login(page, live_server, "rohan")
        page.goto(f"{live_server}{DOC}/edit")
        version = pathways.get(f"/api{DOC}").json["version"]
        pathways.put_json(f"/api{DOC}", {"body": f"# Induction\n\nOne year of mentoring "
                                                 f"({width}).\n", "base_version": version})
        page.locator("textarea.markdown-source").fill(
            "# Induction\n\nThree years of mentoring, as the ministry proposes.\n")
        page.get_by_role("button", name="Save").click()
        page.get_by_role("heading", name="Someone changed the same lines meanwhile").wait_for()
        assert serious_accessibility_violations(page) == [], width
        if folder:
            page.screenshot(path=os.path.join(folder, f"document-conflict-{width}.png"),
                            full_page=True)
        page.context.close()
