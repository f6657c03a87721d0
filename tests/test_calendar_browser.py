"""In real Chromium: a member creates a weekly event with the form and sees it on every
Monday of the month view; calendar pages have no serious accessibility violations."""
import pytest

from helpers import page_login, serious_accessibility_violations

pytestmark = pytest.mark.browser


def test_member_creates_recurring_event_and_sees_it_in_month_view(chromium, live_server, site):
    site.add_user("amara", name="Amara Okafor")
    site.add_group("pathways", "private", {"amara": "member"}, title="Teacher pathways")
    with site.open() as s:
        s["people"]["amara"].update(timezone="Europe/London")

    page = chromium.new_context().new_page()
    page_login(page, live_server, "amara")
    page.goto(f"{live_server}/groups/pathways/")
    page.get_by_role("link", name="Calendar").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Calendar"
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title", exact=True).fill("Induction clinic")
    page.get_by_label("Starts on").fill("2026-12-07")
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("End time").fill("10:30")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_label("Repeats", exact=True).select_option("FREQ=WEEKLY")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Create").click()

    page.wait_for_url("**/groups/pathways/calendar/?date=2026-12-07")
    assert page.get_by_role("status").first.inner_text() == "Event “Induction clinic” added."
    assert page.get_by_role("heading", name="December 2026").is_visible()
    grid = page.locator("table.month")
    mondays = grid.locator("tbody tr td:first-child")
    with_event = [mondays.nth(i).inner_text() for i in range(mondays.count())
                  if "Induction clinic" in mondays.nth(i).inner_text()]
    assert [text.split()[0] for text in with_event] == ["7", "14", "21", "28"]
    assert all("09:00–10:30" in text for text in with_event)
    assert grid.get_by_role("link", name="Induction clinic").count() == 4
    assert serious_accessibility_violations(page) == []

    grid.get_by_role("link", name="Induction clinic").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Induction clinic"
    assert "Every week" in page.content()
    assert serious_accessibility_violations(page) == []

    page.get_by_role("navigation", name="Group").get_by_role("link", name="Calendar").click()
    page.get_by_role("link", name="Agenda").click()
    assert page.get_by_role("link", name="Induction clinic").count() >= 1
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Week").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Import .ics").click()
    assert serious_accessibility_violations(page) == []
    page.go_back()
    page.get_by_role("link", name="Subscribe in your calendar app").click()
    page.get_by_role("button", name="Make my subscription address").click()
    address = page.locator("code.secret").inner_text()
    assert "/calendar-feed/amara/" in address and address.endswith(".ics")
    assert serious_accessibility_violations(page) == []
