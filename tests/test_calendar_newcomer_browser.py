"""The calendar in Chromium (issue 16, friction): a recurrence picker writes the RRULE
(there was only a raw "RFC 5545 RRULE" field), "Cancel this one" asks first (ten red
buttons cancelled without asking), and the week is a time grid on a wide screen (it was a
list), still a list on a phone."""
import pytest
from playwright.sync_api import expect

from helpers import page_login, serious_accessibility_violations

pytestmark = pytest.mark.browser

CAL = "/groups/secret/calendar"


def test_the_recurrence_picker_writes_the_rule(chromium, live_server, cast):
    page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page_login(page, live_server, "member")
    page.goto(f"{live_server}{CAL}/@@add?date=2026-12-07")
    page.get_by_label("Title").fill("Mentor circle")
    page.get_by_label("Start time").fill("16:00")
    raw = page.locator('input[name="rrule"]')
    expect(raw).to_be_hidden()
    page.get_by_label("Repeats", exact=True).select_option("custom")
    picker = page.get_by_role("group", name="Custom repeat")
    expect(picker).to_be_visible()
    expect(raw).to_be_hidden()  # the picker writes it
    picker.get_by_label("Every").fill("2")
    picker.get_by_role("checkbox", name="Monday").check()
    picker.get_by_role("checkbox", name="Wednesday").check()
    picker.get_by_label("After").check()
    picker.get_by_label("Number of times").fill("10")
    expect(picker).to_contain_text("Repeats every 2 weeks on Monday, Wednesday, 10 times")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(lambda url: "@@add" not in url)
    (event,) = cast.api["member"].get(
        f"/api{CAL}?start=2026-12-01&end=2026-12-31").json["occurrences"][:1]
    eid = event["event"] if isinstance(event["event"], str) else event["event"]["id"]
    rule = cast.api["member"].get(f"/api{CAL}/{eid.rsplit('/', 1)[-1]}").json["rrule"]
    assert set(rule.split(";")) == {"FREQ=WEEKLY", "INTERVAL=2", "BYDAY=MO,WE", "COUNT=10"}

    # Editing it again shows the picker filled in, monthly choices included.
    page.goto(f"{live_server}{CAL}/{eid.rsplit('/', 1)[-1]}/@@edit")
    picker = page.get_by_role("group", name="Custom repeat")
    expect(picker.get_by_role("checkbox", name="Monday")).to_be_checked()
    picker.get_by_label("Unit").select_option("MONTHLY")
    picker.get_by_label("on the first Monday").check()
    assert set(page.locator('input[name="rrule"]').input_value().split(";")) == \
        {"FREQ=MONTHLY", "INTERVAL=2", "BYDAY=1MO", "COUNT=10"}


@pytest.fixture
def weekly(cast):
    return cast.api["member"].post_json(f"/api{CAL}", {
        "title": "Mentor meeting", "start": "2026-12-07T19:00:00",
        "end": "2026-12-07T20:30:00", "timezone": "UTC", "rrule": "FREQ=WEEKLY;COUNT=3"},
        status=201).json["id"]


def test_cancel_this_one_asks_first(chromium, live_server, cast, weekly):
    api_cal = f"/api{CAL}"
    page = chromium.new_context().new_page()
    page_login(page, live_server, "member")
    page.goto(f"{live_server}{CAL}/{weekly}/")
    answers = iter([False, True])
    asked = []
    page.on("dialog", lambda d: (asked.append(d.message),
                                 d.accept() if next(answers) else d.dismiss()))
    cancel = page.get_by_role("button", name="Cancel this one").first
    cancel.click()
    page.wait_for_timeout(300)
    assert len(asked) == 1 and "Cancel the occurrence of" in asked[0]
    count = len(cast.api["member"].get(f"{api_cal}?start=2026-12-01&end=2026-12-31")
                .json["occurrences"])
    assert count == 3  # dismissed: nothing cancelled
    cancel.click()
    page.wait_for_load_state()
    page.wait_for_timeout(300)
    assert len(cast.api["member"].get(f"{api_cal}?start=2026-12-01&end=2026-12-31")
               .json["occurrences"]) == 2


@pytest.mark.parametrize("width", [1280, 390])
def test_the_week_is_a_time_grid_on_a_wide_screen(chromium, live_server, cast, weekly, width):
    page = chromium.new_context(viewport={"width": width, "height": 900}).new_page()
    page_login(page, live_server, "member")
    page.goto(f"{live_server}{CAL}/?view=week&date=2026-12-07")
    block = page.get_by_role("link", name="Mentor meeting").locator("xpath=..")
    if width == 390:
        assert page.locator(".week.time-grid").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    else:
        expect(page.locator(".week.time-grid")).to_have_count(1)
        slots = page.locator(".agenda-day").first.locator(".week-slots").bounding_box()
        box = block.bounding_box()
        hour = slots["height"] / 13  # 08:00 to 21:00 (20:30 rounded up to the hour)
        assert abs((box["y"] - slots["y"]) - 11 * hour) < 3  # 19:00 is 11 hours after 08:00
        assert abs(box["height"] - 1.5 * hour) < 3  # an hour and a half long
    assert serious_accessibility_violations(page) == []
