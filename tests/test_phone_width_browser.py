"""In Chromium at a phone's width (390 px): no page of a group scrolls sideways and the
month calendar does not break words (issue 16, bug 5: the documents list was 469 px wide,
a document's history 632 px, and the month grid showed "Ment/or" and "19:0/0")."""
import pytest

from helpers import page_login, serious_accessibility_violations

pytestmark = pytest.mark.browser

G = "/groups/secret"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def content(cast):
    api = cast.api["manager"]
    api.post_json(f"/api{G}/documents", {"title": "Teacher mentoring and induction plan 2026",
                                         "body": "One\n", "comment": "first draft"})
    for version in range(1, 4):
        api.put_json(f"/api{G}/documents/teacher-mentoring-and-induction-plan-2026",
                     {"body": f"Version {version + 1}\n", "base_version": version,
                      "comment": "a longer change note that says what changed and why"})
    api.post(f"/api{G}/documents", upload_files=[("file", "observation-notes.txt", b"Notes")])
    api.post_json(f"/api{G}/boards", {"id": "talk", "title": "Talk"})
    api.post_json(f"/api{G}/boards/talk/topics", {"title": "Induction", "body": "Hello"})
    api.post_json(f"/api{G}/calendar", {
        "title": "Mentor meeting", "start": "2026-12-08T19:00:00", "end": "2026-12-08T20:00:00",
        "timezone": "UTC", "rrule": "FREQ=WEEKLY;COUNT=4"})
    return api


def test_group_pages_fit_a_phone(chromium, live_server, content):
    page = chromium.new_context(viewport=PHONE).new_page()
    page_login(page, live_server, "manager")
    doc = f"{G}/documents/teacher-mentoring-and-induction-plan-2026"
    wide = {}
    for path in (f"{G}/", f"{G}/documents/", f"{doc}/", f"{doc}/history",
                 f"{doc}/diff?from=1&to=4", f"{G}/boards/", f"{G}/boards/talk/",
                 f"{G}/calendar/?view=month&date=2026-12-01",
                 f"{G}/calendar/?view=week&date=2026-12-08", f"{G}/trash/", "/search?q=plan",
                 "/notifications", "/people/manager", f"{G}/documents/observation-notes-txt"):
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    assert wide == {}


BROKEN_WORDS = """root => {
  const broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      if (range.getClientRects().length > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_month_calendar_breaks_no_words(chromium, live_server, content, width):
    page = chromium.new_context(viewport={"width": width, "height": 844}).new_page()
    page_login(page, live_server, "manager")
    page.goto(f"{live_server}{G}/calendar/?view=month&date=2026-12-01")
    page.get_by_role("link", name="Mentor meeting").first.wait_for()
    assert page.locator("table.month").evaluate(BROKEN_WORDS) == []
    assert serious_accessibility_violations(page) == []


def test_the_header_is_short_on_a_phone(chromium, live_server, content):
    page = chromium.new_context(viewport=PHONE).new_page()
    page_login(page, live_server, "manager")
    page.goto(f"{live_server}{G}/documents/")
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= 100  # it took 250 px
    assert page.get_by_role("search", name="Site").is_visible()


@pytest.mark.parametrize("width", [390, 1280])
def test_every_service_is_one_tap_from_the_header(chromium, live_server, content, width):
    """The library, the roster and referrals are in the main menu; on a phone the menu
    scrolls sideways in its row instead of making the header taller."""
    page = chromium.new_context(viewport={"width": width, "height": 844}).new_page()
    page_login(page, live_server, "manager")
    page.goto(f"{live_server}{G}/documents/")
    menu = page.get_by_role("navigation", name="Main")
    for name, path in [("Library", "/library/"), ("Experts", "/experts/"),
                       ("Referrals", "/referrals/")]:
        link = menu.get_by_role("link", name=name, exact=True)
        assert link.get_attribute("href").endswith(path)
        link.scroll_into_view_if_needed()
        assert link.is_visible()
    assert page.locator("header.site-header").bounding_box()["height"] <= 100
    menu.get_by_role("link", name="Experts", exact=True).click()
    page.wait_for_url(f"{live_server}/experts/")
    assert page.get_by_role("heading", level=1).is_visible()
