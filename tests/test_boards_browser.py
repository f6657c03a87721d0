"""In real Chromium: a member starts a topic mentioning the manager, the manager sees the
notification count in the header, follows it, replies; the pages have no serious
accessibility violations."""
import pytest

from helpers import page_login, serious_accessibility_violations
from workspace.content.board import Board

pytestmark = pytest.mark.browser


def test_topic_mention_notification_and_reply_in_the_browser(chromium, live_server, site):
    for login in ("rohan", "amara"):
        site.add_user(login)
    site.add_group("pathways", "private", {"rohan": "manager", "amara": "member"},
                   title="Teacher pathways")
    with site.open() as s:
        s["groups"]["pathways"]["boards"].add("general", Board("General", "Anything"))

    amara = chromium.new_context().new_page()
    page_login(amara, live_server, "amara")
    amara.goto(f"{live_server}/groups/pathways/")
    amara.get_by_role("link", name="Boards", exact=True).click()
    assert serious_accessibility_violations(amara) == []
    amara.get_by_role("link", name="General", exact=True).click()
    amara.get_by_role("link", name="New topic").click()
    amara.get_by_label("Title", exact=True).fill("Mentoring in year one")
    amara.get_by_label("Message").fill("How long do mentors stay, @rohan?")
    amara.get_by_role("button", name="Post").click()
    amara.wait_for_url("**/general/mentoring-in-year-one/")
    assert serious_accessibility_violations(amara) == []

    rohan = chromium.new_context().new_page()
    page_login(rohan, live_server, "rohan")
    link = rohan.get_by_role("link", name="Notifications 1 unread")
    assert link.is_visible()
    link.click()
    assert serious_accessibility_violations(rohan) == []
    rohan.get_by_role("link", name="Mentoring in year one").click()
    rohan.wait_for_url("**/general/mentoring-in-year-one/")
    assert rohan.get_by_role("link", name="Notifications", exact=True).is_visible()
    rohan.get_by_label("Your reply").fill("Two terms, then a **review**.")
    rohan.get_by_role("button", name="Reply").click()
    rohan.wait_for_url("**/mentoring-in-year-one/#r000001")
    assert rohan.locator("#r000001 strong").inner_text() == "review"
    assert serious_accessibility_violations(rohan) == []

    amara.goto(f"{live_server}/groups/pathways/boards/general/")
    assert amara.get_by_text("1 new").is_visible()
    assert serious_accessibility_violations(amara) == []
