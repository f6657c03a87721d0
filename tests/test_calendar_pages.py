"""The calendar's HTML pages and forms: month, week and agenda in the viewer's zone, the
event page, create/edit/delete, one-occurrence changes, the import form and the feed page."""
from datetime import datetime
import re

import pytest

from workspace.content.calendar import Event
from workspace.content.recurrence import describe_rrule

from test_calendar_api import WEEKLY, create
from test_calendar_ics import ics, vevent

CAL = "/groups/secret/calendar/"
EVENT = CAL + "weekly-policy-call"


def set_timezone(site, login, tz):
    with site.open() as s:
        s["people"][login].update(timezone=tz)


def cell(page, day_number, month_name):
    match = re.search(r'<span class="day-number">%d<span class="visually-hidden"> %s</span>'
                      r'</span>(.*?)</td>' % (day_number, month_name), page.text, re.S)
    assert match, (day_number, month_name)
    return match.group(1)


def test_month_view_shows_a_weekly_event_every_monday_in_the_viewers_zone(cast, site):
    create(cast)
    set_timezone(site, "member", "Asia/Tokyo")
    page = cast.html("member").get(CAL, {"date": "2026-11-01"})
    assert "November 2026" in page.text and "Asia/Tokyo" in page.text
    for monday in (2, 9, 16, 23, 30):
        # 09:00 London (GMT in November) is 18:00 in Tokyo
        assert "18:00–19:00" in cell(page, monday, "November")
        assert "Weekly policy call" in cell(page, monday, "November")
    assert "Weekly policy call" not in cell(page, 3, "November")


def test_week_view_and_agenda_list_the_occurrences(cast):
    create(cast)
    browser = cast.html("observer")
    week = browser.get(CAL, {"view": "week", "date": "2026-10-28"})
    assert "Week of 26 October 2026" in week.text
    assert week.text.count("Weekly policy call") == 1 and "09:00–10:00" in week.text
    agenda = browser.get(CAL, {"view": "agenda", "date": "2026-10-01"})
    assert agenda.text.count("Weekly policy call") == 4  # 5, 12, 19, 26 October
    assert "08:00–09:00" in agenda.text  # before the clocks change, seen from UTC
    assert 'aria-current="page"' in agenda.text


@pytest.mark.parametrize("who", ["anonymous", "outsider", "admin", "observer", "member"])
def test_page_permission_matrix(cast, who):
    create(cast)
    browser = cast.html(who)
    read_pages = [CAL, EVENT, "/groups/secret/calendar.ics"]
    edit_pages = [CAL + "add", CAL + "import", EVENT + "/edit",
                  EVENT + "/occurrence?rid=20261012T090000"]
    for url in read_pages + edit_pages:
        response = browser.get(url, status="*")
        if who == "anonymous":
            assert response.status_int == 302 and "/login" in response.location, url
        elif who in ("outsider", "admin"):
            assert response.status_int == 404, url
        elif who == "observer":
            assert response.status_int == (200 if url in read_pages else 403), url
        else:
            assert response.status_int == 200, url


def new_event_form(browser, **values):
    """The new-event form, filled in with `values` (field name: value)."""
    form = browser.get(CAL + "add").forms["form"]
    for name, value in values.items():
        form[name] = value
    return form


def test_create_event_with_the_form(cast):
    browser = cast.html("member")
    form = new_event_form(browser, title="Induction clinic", start_date="2026-11-02",
                          start_time="14:00", end_time="15:30", timezone="Europe/London",
                          repeat="FREQ=WEEKLY", until="2026-11-30")
    response = form.submit("create").follow()
    assert "Induction clinic" in response.text
    event = cast.api["member"].get("/api/groups/secret/calendar/induction-clinic").json
    assert event["start"] == "2026-11-02T14:00:00+00:00"
    assert event["end"] == "2026-11-02T15:30:00+00:00"
    assert event["rrule"] == "FREQ=WEEKLY;UNTIL=20261130T235959Z"
    page = browser.get(CAL + "induction-clinic")
    assert "Every week on Monday, until 30 November 2026" in page.text
    edit = browser.get(CAL + "induction-clinic/edit").forms["form"]
    assert (edit["repeat"].value, edit["until"].value) == ("FREQ=WEEKLY", "2026-11-30")


def test_form_refuses_bad_input_and_saves_nothing(cast):
    browser = cast.html("member")
    form = new_event_form(browser, title="Bad", start_date="2026-11-02", start_time="14:00",
                          end_time="13:00", timezone="UTC")
    page = form.submit("create")
    assert page.status_int == 200 and "The end is before the start." in page.text
    form = page.forms["form"]
    form["end_time"] = "15:00"
    form["repeat"] = "custom"
    form["rrule"] = "FREQ=WEEKLY;BYDAY=XX"
    page = form.submit("create")
    assert "Not a valid RRULE" in page.text
    assert cast.api["member"].get("/api/groups/secret/calendar/bad", status=404)


def test_all_day_event_from_the_form_ends_on_the_day_given(cast):
    browser = cast.html("member")
    new_event_form(browser, title="Conference", all_day=True, start_date="2026-11-23",
                   end_date="2026-11-25", timezone="UTC").submit("create")
    event = cast.api["member"].get("/api/groups/secret/calendar/conference").json
    assert (event["start"], event["end"]) == ("2026-11-23", "2026-11-26")
    page = browser.get(CAL + "conference")
    assert "23 November 2026 to 25 November 2026, all day" in page.text
    edit = browser.get(CAL + "conference/edit").forms["form"]
    assert edit["end_date"].value == "2026-11-25"


def test_edit_form_keeps_the_series_and_saves_changes(cast):
    create(cast)
    browser = cast.html("manager")
    form = browser.get(EVENT + "/edit").forms["form"]
    assert form["repeat"].value == "custom" and form["rrule"].value == "FREQ=WEEKLY;BYDAY=MO"
    assert form["start_time"].value == "09:00"
    form["location"] = "Room 12"
    form.submit("save").follow()
    event = cast.api["member"].get("/api/groups/secret/calendar/weekly-policy-call").json
    assert event["location"] == "Room 12"
    assert event["rrule"] == "FREQ=WEEKLY;BYDAY=MO"
    assert event["start"] == "2026-10-05T09:00:00+01:00"
    assert event["modified_by"] == "manager"


def test_cancel_change_and_restore_one_occurrence_from_the_event_page(cast):
    # A series still to come, so that the page lists its next occurrences.
    create(cast, dict(WEEKLY, start="2030-01-07T09:00:00", end="2030-01-07T10:00:00"))
    browser = cast.html("member")
    page = browser.get(EVENT)
    assert page.text.count("Cancel this one") == 10
    cancel = [f for f in page.forms.values() if "rid" in f.fields][0]
    assert cancel["rid"].value == "20300107T090000"
    page = cancel.submit("action", value="cancel").follow()
    assert "That occurrence is cancelled." in page.text
    assert "cancelled" in page.text
    form = browser.get(EVENT + "/occurrence", {"rid": "20300114T090000"}).forms["form"]
    assert form["start_time"].value == "09:00"
    form["start_time"] = "11:00"
    form["end_time"] = "12:00"
    form["title"] = "Later call"
    form.submit("save").follow()
    event = cast.api["member"].get("/api/groups/secret/calendar/weekly-policy-call").json
    assert event["exceptions"]["cancelled"] == ["20300107T090000"]
    assert event["exceptions"]["changed"][0]["start"] == "2030-01-14T11:00:00+00:00"
    assert event["exceptions"]["changed"][0]["title"] == "Later call"
    page = browser.get(EVENT)
    undo = [f for f in page.forms.values() if 'value="restore"' in f.text]
    assert len(undo) == 2
    undo[0].submit("action", value="restore")
    event = cast.api["member"].get("/api/groups/secret/calendar/weekly-policy-call").json
    assert event["exceptions"]["cancelled"] == []
    browser.get(EVENT + "/occurrence", {"rid": "20300115T090000"}, status=404)


def test_delete_from_the_event_page_moves_it_to_trash(cast):
    create(cast)
    browser = cast.html("member")
    form = [f for f in browser.get(EVENT).forms.values()
            if f.action.endswith("/@@delete")][0]
    page = form.submit().follow()
    assert "moved to the group's trash" in page.text
    cast.api["member"].get("/api/groups/secret/calendar/weekly-policy-call", status=404)
    cast.html("observer").get(EVENT, status=404)


def test_observer_sees_no_edit_controls_and_cannot_post_them(cast):
    create(cast, dict(WEEKLY, start="2030-01-07T09:00:00", end="2030-01-07T10:00:00"))
    observer = cast.html("observer")
    page = observer.get(EVENT)
    assert "Cancel this one" not in page.text and "@@edit" not in page.text
    assert "New event" not in observer.get(CAL).text
    observer.post(EVENT + "/delete", {"csrf_token": observer.csrf}, status=403)
    observer.post(EVENT + "/occurrence", {"csrf_token": observer.csrf, "action": "cancel",
                                          "rid": "20300107T090000"}, status=403)


def test_forms_need_the_csrf_token(cast):
    create(cast)
    browser = cast.html("member")
    browser.post(EVENT + "/delete", {}, status=400)
    cast.api["member"].get("/api/groups/secret/calendar/weekly-policy-call", status=200)


def test_import_form_adds_events_and_reports_errors(cast):
    browser = cast.html("member")
    form = browser.get(CAL + "import").forms["form"]
    form["upload"] = ("cal.ics", ics(vevent()))
    page = form.submit("import").follow()
    assert "Imported 1 event: 1 new, 0 updated." in page.text
    form = browser.get(CAL + "import").forms["form"]
    form["upload"] = ("bad.ics", b"not a calendar")
    page = form.submit("import")
    assert "Nothing was imported." in page.text


def test_feed_page_shows_a_new_address_once_and_it_works(cast, testapp):
    create(cast)
    browser = cast.html("member")
    page = browser.get("/people/member/calendar-feed")
    assert "Secret" in page.text
    form = [f for f in page.forms.values() if f.action.endswith("/@@calendar-feed")][0]
    page = form.submit("action", value="new")
    url = re.search(r'<code class="secret">([^<]+)</code>', page.text).group(1)
    body = testapp.get(url[url.index("/calendar-feed/"):]).body
    assert b"Weekly policy call" in body
    again = browser.get("/people/member/calendar-feed")
    assert url not in again.text and "cannot be shown again" in again.text
    cast.html("observer").get("/people/member/calendar-feed", status=403)


def test_occurrence_clicked_in_the_month_view_can_be_cancelled_alone(cast):
    create(cast)
    browser = cast.html("member")
    month = browser.get(CAL, {"date": "2026-10-01"})
    link = re.search(r'href="([^"]*weekly-policy-call/\?rid=20261019T090000)"', month.text)
    page = browser.get(link.group(1).replace("&amp;", "&"))
    assert "This occurrence" in page.text and "Monday 19 October 2026, 08:00–09:00" in page.text
    form = [f for f in page.forms.values() if "Cancel only this occurrence" in f.text][0]
    form.submit("action", value="cancel").follow()
    event = cast.api["member"].get("/api/groups/secret/calendar/weekly-policy-call").json
    assert event["exceptions"]["cancelled"] == ["20261019T090000"]
    assert "This occurrence" not in browser.get(EVENT, {"rid": "20261019T090000"}).text


@pytest.mark.parametrize("rule, words", [
    ("FREQ=WEEKLY", "Every week on Tuesday"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20261231", "Every 2 weeks on Monday, "
                                                          "Wednesday, until 31 December 2026"),
    ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=5", "Every month on the last Friday, 5 times"),
    ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1"),
])
def test_repeat_rules_are_described_in_words_where_possible(rule, words):
    event = Event("x", datetime(2026, 1, 6, 9), datetime(2026, 1, 6, 10), "America/New_York",
                  rrule=rule)
    assert describe_rrule(event) == words


def test_event_past_midnight_shows_on_both_days_of_the_viewer(cast, site):
    create(cast, {"title": "Night session", "start": "2026-11-10T22:00:00Z",
                  "end": "2026-11-11T02:00:00Z"})
    page = cast.html("member").get(CAL, {"date": "2026-11-01"})
    assert "22:00" in cell(page, 10, "November") and "Night session" in cell(page, 10,
                                                                               "November")
    assert "continues" in cell(page, 11, "November")
    set_timezone(site, "member", "Asia/Tokyo")  # 07:00-11:00 on the 11th in Tokyo
    page = cast.html("member").get(CAL, {"date": "2026-11-01"})
    assert "Night session" not in cell(page, 10, "November")
    assert "07:00–11:00" in cell(page, 11, "November")


def test_trashed_event_can_be_read_and_restored_but_not_changed(cast):
    create(cast)
    cast.api["member"].delete("/api/groups/secret/calendar/weekly-policy-call", status=204)
    browser = cast.html("member")
    page = browser.get("/groups/secret/trash/weekly-policy-call")
    assert "in the group's trash" in page.text and "@@edit" not in page.text
    browser.get("/groups/secret/trash/weekly-policy-call/edit", status=409)
    cast.api["member"].put_json("/api/groups/secret/trash/weekly-policy-call",
                                {"title": "x"}, status=409)
    cast.api["member"].delete(
        "/api/groups/secret/trash/weekly-policy-call/occurrences/20261012T090000", status=409)
    cast.api["member"].post("/api/groups/secret/trash/weekly-policy-call/restore")
    event = cast.api["member"].get("/api/groups/secret/calendar/weekly-policy-call").json
    assert event["title"] == "Weekly policy call"
    assert len(cast.api["member"].get("/api/groups/secret/calendar", {
        "start": "2026-10-01", "end": "2026-11-01"}).json["occurrences"]) == 4


def test_new_event_starts_on_the_day_being_viewed(cast):
    browser = cast.html("member")
    page = browser.get(CAL, {"view": "week", "date": "2026-12-09"})
    form = page.click(description="New event").forms["form"]
    assert form["start_date"].value == "2026-12-09"


@pytest.mark.parametrize("url", [CAL + "?view=year", CAL + "?date=yesterday",
                                 EVENT + "?rid=soon", CAL + "add?date=2026-02-30",
                                 EVENT + "/occurrence?rid=soon", EVENT + "/occurrence"])
def test_bad_query_strings_are_a_400(cast, url):
    create(cast)
    cast.html("member").get(url, status=400)
