"""iCalendar in and out in the content layer, with no web and no request: export, import
by UID, a bad file changing nothing, the audit events and the feed secret."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import icalendar
from pyramid import testing
import pytest

from workspace.content.calendar import Event
from workspace.content.events import Audited
from workspace.content.group import Group
from workspace.content.ics import (ICSInvalid, feed_opens, ics_bytes, import_ics,
                                   parse_ics, start_feed, stop_feed)
from workspace.content.people import People, Profile

from test_calendar_ics import ics, vevent

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def audited():
    """The Audited events content fires while the test runs."""
    fired = []
    config = testing.setUp()
    config.add_subscriber(fired.append, Audited)
    yield fired
    testing.tearDown()


@pytest.fixture
def group():
    groups = Group("Groups")  # any folder above will do; the group is what matters
    return groups.add("secret", Group("Secret"))


def weekly():
    return Event("Weekly call", datetime(2026, 10, 5, 9), datetime(2026, 10, 5, 10),
                 "Europe/London", rrule="FREQ=WEEKLY;BYDAY=MO", location="Zoom")


def test_export_keeps_the_series_its_zone_and_its_exceptions():
    event = weekly()
    event.cancel_occurrence(datetime(2026, 10, 12, 9), "member")
    cal = icalendar.Calendar.from_ical(ics_bytes("Secret", [event]))
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    master, = cal.walk("VEVENT")
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert master["DTSTART"].dt == datetime(2026, 10, 5, 9, tzinfo=LONDON)
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2026, 10, 12, 9, tzinfo=LONDON)]
    assert "REFRESH-INTERVAL" not in cal  # only a subscription asks for refreshes


def test_export_parses_back_to_the_same_event():
    event = weekly()
    event.change_occurrence(datetime(2026, 10, 19, 9), "member", title="Moved",
                            start=datetime(2026, 10, 20, 15), end=datetime(2026, 10, 20, 16))
    events, orphans, withdrawn = parse_ics(ics_bytes("Secret", [event]), "UTC")
    copy = events[event.uid]
    assert (orphans, withdrawn) == ([], set())
    for name in ("title", "start", "end", "timezone", "rrule", "location", "exdates",
                 "overrides"):
        assert getattr(copy, name) == getattr(event, name), name


def test_import_creates_then_updates_by_uid_and_is_audited(group, audited):
    calendar = group["calendar"]
    first = import_ics(calendar, ics(vevent()), "member")
    assert first == {"created": ["imported-meeting"], "updated": [], "removed": []}
    again = import_ics(calendar, ics(vevent(summary="Renamed")), "member")
    assert again == {"created": [], "updated": ["imported-meeting"], "removed": []}
    assert calendar["imported-meeting"].title == "Renamed"
    assert calendar["imported-meeting"].author == "member"
    assert [(e.action, e.actor, e.path, e.details) for e in audited] == [
        ("calendar_imported", "member", "/secret/calendar", "1 created, 0 updated, 0 removed"),
        ("calendar_imported", "member", "/secret/calendar", "0 created, 1 updated, 0 removed")]


def test_floating_times_are_read_in_the_zone_given():
    events, _, _ = parse_ics(ics(vevent(start="DTSTART:20261005T090000",
                                        end="DTEND:20261005T100000")), "America/Guyana")
    event, = events.values()
    assert (event.start, event.timezone) == (datetime(2026, 10, 5, 9), "America/Guyana")


def test_a_cancelled_event_goes_to_the_trash_with_the_trash_event(group, audited):
    calendar = group["calendar"]
    import_ics(calendar, ics(vevent(), vevent("other@x", "Other")), "member")
    cancelled = vevent("meet-1@example.org", "Imported meeting",
                       "DTSTART;TZID=Europe/London:20261005T090000",
                       "DTEND;TZID=Europe/London:20261005T103000", "STATUS:CANCELLED")
    assert import_ics(calendar, ics(cancelled), "manager")["removed"] == ["imported-meeting"]
    assert list(calendar) == ["other"] and "imported-meeting" in group["trash"]
    assert [e.action for e in audited] == ["calendar_imported", "trashed",
                                           "calendar_imported"]


@pytest.mark.parametrize("body", [
    b"not a calendar",
    ics(vevent("good@x", "Good"), vevent(end="DTEND;TZID=Europe/London:20261005T080000")),
    ics(vevent("good@x", "Good"), vevent("r@x", "R", "DTSTART:20261005T090000Z",
                                         "DTEND:20261005T100000Z", "RRULE:FREQ=MINUTELY")),
])
def test_a_bad_file_raises_and_imports_nothing(group, audited, body):
    calendar = group["calendar"]
    with pytest.raises(ICSInvalid):
        import_ics(calendar, body, "member")
    assert len(calendar) == 0 and audited == []


def test_imported_ids_never_take_a_page_name(group):
    ids = import_ics(group["calendar"], ics(vevent("a@x", "Import"), vevent("b@x", "Add")),
                     "member")
    assert sorted(ids["created"]) == ["add-2", "import-2"]


def test_all_day_events_export_as_dates():
    event = Event("Workshop", date(2026, 11, 23), date(2026, 11, 25), all_day=True)
    vevent_, = icalendar.Calendar.from_ical(ics_bytes("x", [event])).walk("VEVENT")
    assert (vevent_["DTSTART"].dt, vevent_["DTEND"].dt) == (date(2026, 11, 23),
                                                           date(2026, 11, 25))


def test_the_feed_secret_opens_the_feed_until_replaced_or_stopped(audited):
    people = People()
    profile = people.add("member", Profile("member", "Member", "m@example.org"))
    old = start_feed(profile)
    assert feed_opens(profile, old) and old not in profile.calendar_feed_digest
    new = start_feed(profile)
    assert not feed_opens(profile, old) and feed_opens(profile, new)
    stop_feed(profile)
    assert not feed_opens(profile, new)
    profile.calendar_feed_digest = None
    assert not feed_opens(profile, "")
    assert [(e.action, e.actor, e.path) for e in audited] == [
        ("calendar_feed_created", "member", "/member"),
        ("calendar_feed_created", "member", "/member"),
        ("calendar_feed_stopped", "member", "/member")]


def test_the_feed_of_an_inactive_account_stays_shut():
    profile = People().add("member", Profile("member", "Member", "m@example.org"))
    secret = start_feed(profile)
    profile.active = False
    assert not feed_opens(profile, secret)
