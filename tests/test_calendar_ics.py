"""iCalendar export, import (update by UID) and the personal subscription feed, checked by
parsing everything back with the icalendar library."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from test_calendar_api import create, occurrences

LONDON = ZoneInfo("Europe/London")


def parse(body):
    cal = icalendar.Calendar.from_ical(body)
    assert cal.name == "VCALENDAR"
    for component in cal.walk():
        assert not component.errors, component.errors
    assert cal.get_missing_tzids() == set()  # every TZID used has its VTIMEZONE
    return cal


def ics(*vevents, extra=""):
    body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", extra,
                        *vevents, "END:VCALENDAR", ""])
    return body.replace("\r\n\r\n", "\r\n").encode()


def vevent(uid="meet-1@example.org", summary="Imported meeting",
           start="DTSTART;TZID=Europe/London:20261005T090000",
           end="DTEND;TZID=Europe/London:20261005T103000", *more):
    return "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261001T000000Z",
                        f"SUMMARY:{summary}", start, end, *more, "END:VEVENT"])


def import_(cast, body, who="member", status=200):
    return cast.api[who].post("/api/groups/secret/calendar/import", body,
                              headers={"Content-Type": "text/calendar"}, status=status)


def test_export_keeps_rrule_timezone_and_exceptions_unexpanded(cast):
    create(cast)
    base = "/api/groups/secret/calendar/weekly-policy-call/occurrences/"
    cast.api["member"].delete(base + "20261012T090000", status=204)
    cast.api["member"].put_json(base + "20261019T090000",
                                {"start": "2026-10-20T15:00:00+01:00", "title": "Moved"})
    response = cast.api["observer"].get("/api/groups/secret/calendar.ics")
    assert response.content_type == "text/calendar"
    cal = parse(response.body)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    master, moved = cal.walk("VEVENT")
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert master["DTSTART"].dt == datetime(2026, 10, 5, 9, tzinfo=LONDON)
    assert master["DTSTART"].params["TZID"] == "Europe/London"
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2026, 10, 12, 9, tzinfo=LONDON)]
    assert moved["UID"] == master["UID"]
    assert moved["RECURRENCE-ID"].dt == datetime(2026, 10, 19, 9, tzinfo=LONDON)
    assert moved["DTSTART"].dt == datetime(2026, 10, 20, 15, tzinfo=LONDON)
    # A standard expander (as calendar apps use) sees what our API shows.
    expanded = recurring_ical_events.of(cal).between(date(2026, 10, 1), date(2026, 11, 1))
    starts = sorted(e["DTSTART"].dt for e in expanded)
    assert starts == [datetime(2026, 10, 5, 9, tzinfo=LONDON),
                      datetime(2026, 10, 20, 15, tzinfo=LONDON),
                      datetime(2026, 10, 26, 9, tzinfo=LONDON)]
    api = occurrences(cast, "2026-10-01", "2026-11-01").json["occurrences"]
    assert [datetime.fromisoformat(o["start"]) for o in api] == starts


def test_all_day_event_exports_as_dates(cast):
    create(cast, {"title": "Workshop", "start": "2026-11-23", "end": "2026-11-25",
                  "all_day": True, "rrule": "FREQ=YEARLY;UNTIL=20301231"})
    cal = parse(cast.api["member"].get("/api/groups/secret/calendar.ics").body)
    event, = cal.walk("VEVENT")
    assert event["DTSTART"].dt == date(2026, 11, 23)
    assert event["DTEND"].dt == date(2026, 11, 25)
    assert event["RRULE"]["UNTIL"] == [date(2030, 12, 31)]


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("outsider", 404),
                                         ("admin", 404), ("observer", 200)])
def test_export_permission_matrix(cast, who, status):
    cast.api[who].get("/api/groups/secret/calendar.ics", status=status)


def test_export_then_import_elsewhere_round_trips(cast, site):
    create(cast)
    base = "/api/groups/secret/calendar/weekly-policy-call/occurrences/"
    cast.api["member"].delete(base + "20261012T090000")
    cast.api["member"].put_json(base + "20261019T090000", {
        "start": "2026-10-20T15:00:00+01:00", "title": "Moved", "location": "Room 2"})
    create(cast, {"title": "Deadline", "start": "2026-11-30T17:00:00Z",
                  "end": "2026-11-30T17:00:00Z", "timezone": "UTC"})
    create(cast, {"title": "Founders' day", "start": "2026-05-04", "all_day": True,
                  "rrule": "FREQ=YEARLY", "description": "Line one\nLine two, with; odd: chars"})
    cast.api["member"].delete("/api/groups/secret/calendar/founders-day/occurrences/20270504")
    exported = cast.api["member"].get("/api/groups/secret/calendar.ics").body
    site.add_group("other", "private", {"member": "member"})
    answer = cast.api["member"].post("/api/groups/other/calendar/import", exported,
                                     headers={"Content-Type": "text/calendar"}).json
    assert answer["created"] == 3 and answer["updated"] == 0
    for name in ("weekly-policy-call", "deadline", "founders-day"):
        original = cast.api["member"].get(f"/api/groups/secret/calendar/{name}").json
        copy = cast.api["member"].get(f"/api/groups/other/calendar/{name}").json
        for key in ("uid", "title", "start", "end", "timezone", "rrule", "location", "url",
                    "description", "exceptions", "all_day"):
            assert copy[key] == original[key], (name, key)
    span = {"start": "2026-01-01", "end": "2027-01-01"}
    assert (cast.api["member"].get("/api/groups/other/calendar", span).json["occurrences"]
            == cast.api["member"].get("/api/groups/secret/calendar", span).json["occurrences"])
    # exporting the copy again gives the same calendar, apart from the time stamps
    again = cast.api["member"].get("/api/groups/other/calendar.ics").body

    def content(body):
        return sorted(line for line in body.decode().split("\r\n")
                      if not line.startswith(("DTSTAMP", "CREATED", "LAST-MODIFIED",
                                              "SEQUENCE", "X-WR-CALNAME")))
    assert content(again) == content(exported)


def test_floating_times_are_read_in_the_importers_zone(cast, site):
    with site.open() as s:
        s["people"]["member"].update(timezone="America/Guyana")
    import_(cast, ics(vevent(start="DTSTART:20261005T090000", end="DTEND:20261005T100000")))
    found = cast.api["member"].get("/api/groups/secret/calendar/imported-meeting").json
    assert (found["start"], found["timezone"]) == ("2026-10-05T09:00:00-04:00",
                                                   "America/Guyana")


def test_reimporting_same_uids_updates_instead_of_duplicating(cast):
    first = import_(cast, ics(vevent())).json
    assert (first["created"], first["updated"]) == (1, 0)
    second = import_(cast, ics(vevent(summary="Renamed meeting",
                                      start="DTSTART;TZID=Europe/London:20261006T100000",
                                      end="DTEND;TZID=Europe/London:20261006T110000"))).json
    assert (second["created"], second["updated"]) == (0, 1)
    assert second["ids"] == first["ids"]
    found = occurrences(cast, "2026-10-01", "2026-11-01").json["occurrences"]
    assert [(o["title"], o["start"]) for o in found] == [
        ("Renamed meeting", "2026-10-06T09:00:00+00:00")]


def test_import_reads_recurrence_exceptions_all_day_and_windows_zone(cast):
    body = ics(
        vevent("series@x", "Series", "DTSTART;TZID=America/New_York:20261102T090000",
               "DTEND;TZID=America/New_York:20261102T100000", "RRULE:FREQ=DAILY;COUNT=5",
               "EXDATE;TZID=America/New_York:20261103T090000"),
        vevent("series@x", "Series (late)", "DTSTART;TZID=America/New_York:20261104T170000",
               "DTEND;TZID=America/New_York:20261104T180000",
               "RECURRENCE-ID;TZID=America/New_York:20261104T090000"),
        vevent("day@x", "Holiday", "DTSTART;VALUE=DATE:20261126",
               "DTEND;VALUE=DATE:20261127"),
        vevent("win@x", "Outlook meeting",
               "DTSTART;TZID=W. Europe Standard Time:20261110T140000",
               "DTEND;TZID=W. Europe Standard Time:20261110T150000"))
    answer = import_(cast, body).json
    assert answer["created"] == 3
    found = occurrences(cast, "2026-11-01", "2026-12-01").json["occurrences"]
    assert [(o["title"], o["start"]) for o in found] == [
        ("Series", "2026-11-02T14:00:00+00:00"),
        ("Series (late)", "2026-11-04T22:00:00+00:00"),
        ("Series", "2026-11-05T14:00:00+00:00"),
        ("Series", "2026-11-06T14:00:00+00:00"),
        ("Outlook meeting", "2026-11-10T13:00:00+00:00"),
        ("Holiday", "2026-11-26")]
    outlook = [o for o in found if o["title"] == "Outlook meeting"][0]
    event = cast.api["member"].get(f"/api/groups/secret/calendar/{outlook['event']}").json
    assert event["timezone"] == "Europe/Berlin"


def test_import_takes_a_multipart_upload(cast):
    answer = cast.api["member"].post("/api/groups/secret/calendar/import",
                                     upload_files=[("file", "cal.ics", ics(vevent()))]).json
    assert answer["imported"] == 1


BAD_FILES = {
    "not ics": b"this is not a calendar",
    "no vcalendar": b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n",
    "end before start": ics(vevent(end="DTEND;TZID=Europe/London:20261005T080000")),
    "unknown zone": ics(vevent(start="DTSTART;TZID=Mars/Olympus:20261005T090000",
                               end="DTEND;TZID=Mars/Olympus:20261005T100000")),
    "invalid rrule": ics(vevent("r@x", "R", "DTSTART:20261005T090000Z",
                                "DTEND:20261005T100000Z", "RRULE:FREQ=WEEKLY;BYDAY=XX")),
    "unsupported rrule": ics(vevent("r@x", "R", "DTSTART:20261005T090000Z",
                                    "DTEND:20261005T100000Z", "RRULE:FREQ=MINUTELY")),
    "broken date": ics(vevent(start="DTSTART:2026BAD")),
    "no start": ics("BEGIN:VEVENT\r\nUID:y\r\nSUMMARY:x\r\nEND:VEVENT"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_imports_nothing(cast, name):
    # A good event first: it must not be kept when a later one is bad.
    body = BAD_FILES[name]
    if body.startswith(b"BEGIN:VCALENDAR"):
        body = body.replace(b"BEGIN:VEVENT", ics(vevent("good@x", "Good")).split(
            b"PRODID:-//test//EN\r\n")[1].replace(b"END:VCALENDAR\r\n", b"") + b"BEGIN:VEVENT", 1)
        assert b"good@x" in body
    answer = import_(cast, body, status=400).json
    assert answer["error"] == "invalid_ics"
    assert occurrences(cast, "2026-09-01", "2026-12-01").json["occurrences"] == []


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("outsider", 404),
                                         ("admin", 404), ("observer", 403),
                                         ("member", 200), ("manager", 200)])
def test_import_permission_matrix(cast, who, status):
    import_(cast, ics(vevent()), who=who, status=status)


def test_import_wants_a_calendar_media_type(cast):
    cast.api["member"].post_json("/api/groups/secret/calendar/import", {"a": 1}, status=415)


# --- the personal subscription feed --------------------------------------------------------

def new_feed(cast, who="member"):
    url = cast.api[who].post(f"/api/people/{who}/calendar-feed", status=201).json["url"]
    return url[url.index("/calendar-feed/"):]


def test_feed_covers_all_my_groups_without_any_login(cast, site, testapp):
    site.add_group("second", "private", {"member": "observer", "manager": "member"})
    create(cast)
    cast.api["manager"].post_json("/api/groups/second/calendar", {
        "title": "Second group event", "start": "2026-11-30T12:00:00Z"}, status=201)
    path = new_feed(cast)
    cal = parse(testapp.get(path).body)  # no cookie, no token: the URL is the credential
    titles = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert titles == ["Second group event", "Weekly policy call"]
    weekly = [e for e in cal.walk("VEVENT") if "RRULE" in e][0]
    assert weekly["CATEGORIES"].cats == ["Secret"]
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]


def test_regenerating_the_feed_revokes_the_old_url(cast, testapp):
    old = new_feed(cast)
    testapp.get(old, status=200)
    new = new_feed(cast)
    assert new != old
    testapp.get(old, status=404)
    testapp.get(new, status=200)
    cast.api["member"].delete("/api/people/member/calendar-feed", status=204)
    testapp.get(new, status=404)
    assert cast.api["member"].get("/api/people/member/calendar-feed").json == {
        "active": False}


def test_feed_drops_a_group_as_soon_as_its_owner_loses_access(cast, testapp):
    create(cast)
    path = new_feed(cast)
    assert len(parse(testapp.get(path).body).walk("VEVENT")) == 1
    cast.api["manager"].delete("/api/groups/secret/members/member", status=204)
    assert parse(testapp.get(path).body).walk("VEVENT") == []


def test_feed_stores_only_a_digest_of_its_secret(cast, site):
    path = new_feed(cast)
    secret = path.rsplit("/", 1)[1][:-4]
    with site.open() as s:
        digest = s["people"]["member"].calendar_feed_digest
    assert secret not in digest and len(digest) == 64


@pytest.mark.parametrize("path", ["/calendar-feed/member/wrong.ics", "/calendar-feed/nobody/x.ics",
                                  "/calendar-feed/member", "/calendar-feed/member/x.txt"])
def test_wrong_feed_urls_are_plain_404(cast, testapp, path):
    new_feed(cast)
    response = testapp.get(path, status=404)
    assert "calendar" not in response.text.lower()


def test_feed_of_a_deactivated_account_stops(cast, site, testapp):
    path = new_feed(cast)
    with site.open() as s:
        s["people"]["member"].deactivate(s["people"])
    testapp.get(path, status=404)


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("outsider", 403),
                                         ("admin", 403), ("member", 201)])
def test_only_the_owner_makes_their_feed_url(cast, who, status):
    cast.api[who].post("/api/people/member/calendar-feed", status=status)


def test_imported_titles_never_shadow_the_calendar_pages(cast):
    answer = import_(cast, ics(vevent("a@x", "Import"), vevent("b@x", "Add"))).json
    assert sorted(answer["ids"]) == ["add-2", "import-2"]
    cast.html("member").get("/groups/secret/calendar/import").forms["form"]


def test_feed_asks_calendar_apps_to_refresh_hourly(cast, testapp):
    cal = parse(testapp.get(new_feed(cast)).body)
    assert cal["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert str(cal["X-PUBLISHED-TTL"]) == "PT1H"


def test_reimport_with_an_event_cancelled_moves_it_to_the_trash(cast, site):
    import_(cast, ics(vevent(), vevent("other@x", "Other")))
    cancelled = vevent("meet-1@example.org", "Imported meeting",
                       "DTSTART;TZID=Europe/London:20261005T090000",
                       "DTEND;TZID=Europe/London:20261005T103000", "STATUS:CANCELLED")
    answer = import_(cast, ics(cancelled)).json
    assert (answer["created"], answer["updated"], answer["removed"]) == (0, 0, 1)
    titles = [o["title"] for o in occurrences(cast, "2026-10-01", "2026-11-01").json[
        "occurrences"]]
    assert titles == ["Other"]
    with site.open() as s:
        assert "imported-meeting" in s["groups"]["secret"]["trash"]


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("outsider", 404),
                                         ("admin", 404), ("observer", 200)])
def test_one_event_downloads_as_ics(cast, who, status):
    create(cast)
    response = cast.api[who].get("/api/groups/secret/calendar/weekly-policy-call/event.ics",
                                 status=status)
    if status == 200:
        event, = parse(response.body).walk("VEVENT")
        assert str(event["SUMMARY"]) == "Weekly policy call" and "RRULE" in event
        assert 'filename="weekly-policy-call.ics"' in response.headers["Content-Disposition"]
