"""In real Chromium: a member asks a consultation, another replies, the manager writes the
Discussion Summary citing the reply and publishes it to the public web, and an anonymous
visitor reads it with the citation naming the author and country; the new pages (the
consultation form, the summary, its editor, the library, a resource) have no serious
accessibility violations."""
import pytest

from helpers import page_login, serious_accessibility_violations
from workspace.content.board import Board

pytestmark = pytest.mark.browser


def test_ask_reply_summarise_and_read_it_anonymously(chromium, live_server, site):
    for login in ("rohan", "amara", "kofi"):
        site.add_user(login)
    site.add_group("hub", "private", {"rohan": "manager", "amara": "member",
                                      "kofi": "member"}, title="Education Hub")
    with site.open() as s:
        s["groups"]["hub"]["boards"].add("general", Board("General", "Anything"))
        s["people"]["kofi"].update(name="Kofi Mensah", country="GH")

    amara = chromium.new_context().new_page()
    page_login(amara, live_server, "amara")
    amara.goto(f"{live_server}/groups/hub/boards/general/")
    amara.get_by_role("link", name="Ask a consultation").click()
    assert serious_accessibility_violations(amara) == []
    amara.get_by_label("Question").fill("How do you mentor new teachers?")
    amara.get_by_label("What you ask, and why").fill("We are planning a programme.")
    amara.get_by_role("button", name="Create").click()
    amara.wait_for_url("**/general/how-do-you-mentor-new-teachers/")

    kofi = chromium.new_context().new_page()
    page_login(kofi, live_server, "kofi")
    kofi.goto(f"{live_server}/groups/hub/boards/general/how-do-you-mentor-new-teachers/")
    kofi.get_by_label("Your reply").fill("Pair them with a mentor for two terms.")
    kofi.get_by_role("button", name="Reply").click()
    kofi.wait_for_url("**#r000001")

    rohan = chromium.new_context().new_page()
    page_login(rohan, live_server, "rohan")
    summary = f"{live_server}/groups/hub/boards/general/how-do-you-mentor-new-teachers/summary"
    rohan.goto(f"{summary}/@@edit")
    assert serious_accessibility_violations(rohan) == []
    rohan.get_by_label("Summary (Markdown)").fill(
        "Members pair new teachers with mentors [[reply:000001]].")
    rohan.get_by_role("button", name="Save").click()
    rohan.wait_for_url(f"{summary}/")
    assert rohan.get_by_role("link", name="Kofi Mensah, Ghana").is_visible()
    rohan.get_by_role("button", name="Publish to the public web").click()
    rohan.wait_for_url(f"{summary}/")
    assert serious_accessibility_violations(rohan) == []

    visitor = chromium.new_context().new_page()
    visitor.goto(f"{summary}/")
    assert visitor.get_by_text("Members pair new teachers with mentors").is_visible()
    assert visitor.get_by_role("link", name="Kofi Mensah, Ghana").is_visible()
    assert serious_accessibility_violations(visitor) == []
    visitor.goto(f"{live_server}/library")
    assert visitor.get_by_role("link", name="Discussion Summary: How do you mentor new "
                                            "teachers?").is_visible()
    assert serious_accessibility_violations(visitor) == []


def test_collection_pages_are_accessible(chromium, live_server, site):
    site.add_user("amara")
    site.add_group("hub", "private", {"amara": "manager"}, title="Education Hub")
    page = chromium.new_context().new_page()
    page_login(page, live_server, "amara")
    page.goto(f"{live_server}/groups/hub/collection/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Add a resource").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Title").fill("Mentoring guide")
    page.get_by_label("Countries (ISO codes: ke, gh)").fill("gh")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/collection/mentoring-guide/")
    assert page.get_by_text("Ghana").is_visible()
    assert serious_accessibility_violations(page) == []
    page.goto(f"{live_server}/library?country=gh")
    assert page.get_by_role("link", name="Mentoring guide").is_visible()
    assert serious_accessibility_violations(page) == []
