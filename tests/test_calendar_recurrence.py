"""Recurrence and time zones in the content layer, with no web: DST edges, all-day events,
exceptions, UNTIL handling and the search contract."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from workspace.content.calendar import Calendar, Event, EventInvalid, parse_rid, rid_text

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def starts(event, start, end, viewer=UTC):
    return [o.start for o in sorted(event.occurrences(start, end, viewer),
                                    key=lambda o: str(o.rid))]


def test_weekly_london_meeting_keeps_nine_oclock_when_the_clocks_go_back():
    event = Event("Call", datetime(2026, 10, 12, 9), datetime(2026, 10, 12, 10),
                  "Europe/London", rrule="FREQ=WEEKLY")
    found = starts(event, utc(2026, 10, 12), utc(2026, 11, 3))
    assert [s.astimezone(LONDON).hour for s in found] == [9, 9, 9, 9]
    assert [s.astimezone(UTC).hour for s in found] == [8, 8, 9, 9]


def test_weekly_london_meeting_keeps_nine_oclock_when_the_clocks_go_forward():
    event = Event("Call", datetime(2026, 3, 16, 9), datetime(2026, 3, 16, 10),
                  "Europe/London", rrule="FREQ=WEEKLY;BYDAY=MO")
    found = starts(event, utc(2026, 3, 16), utc(2026, 4, 7))
    assert [s.astimezone(UTC).hour for s in found] == [9, 9, 8, 8]
    assert {s.astimezone(LONDON).hour for s in found} == {9}


def test_southern_hemisphere_dst_goes_the_other_way():
    event = Event("Call", datetime(2026, 9, 28, 9), datetime(2026, 9, 28, 10),
                  "Australia/Sydney", rrule="FREQ=WEEKLY")
    found = starts(event, utc(2026, 9, 27), utc(2026, 10, 13))
    assert [s.utcoffset() for s in found] == [timedelta(hours=10), timedelta(hours=11),
                                             timedelta(hours=11)]


@pytest.mark.parametrize("first, zone, expected_utc", [
    # 02:30 does not exist in New York on 8 March 2026: RFC 5545 keeps the occurrence,
    # with the offset from before the gap (03:30 EDT, 07:30Z).
    (datetime(2026, 3, 7, 2, 30), "America/New_York",
     [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)]),
    # 01:30 happens twice in London on 25 October 2026: RFC 5545 means the first (BST).
    (datetime(2026, 10, 24, 1, 30), "Europe/London",
     [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]),
])
def test_occurrences_in_a_dst_gap_or_repeat_follow_rfc_5545(first, zone, expected_utc):
    event = Event("Early", first, first + timedelta(minutes=30), zone,
                  rrule="FREQ=DAILY;COUNT=3")
    found = starts(event, expected_utc[0] - timedelta(days=1),
                   expected_utc[-1] + timedelta(days=1))
    assert [s.astimezone(UTC) for s in found] == expected_utc


def test_range_edges_are_exact():
    event = Event("Call", datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), "UTC",
                  rrule="FREQ=DAILY")
    assert len(starts(event, utc(2026, 1, 5, 10), utc(2026, 1, 6, 9))) == 0
    assert len(starts(event, utc(2026, 1, 5, 9, 59), utc(2026, 1, 6, 9, 1))) == 2


def test_all_day_event_is_on_its_date_for_every_viewer():
    event = Event("Holiday", date(2026, 12, 25), date(2026, 12, 26), "UTC", all_day=True,
                  rrule="FREQ=YEARLY")
    tokyo = ZoneInfo("Asia/Tokyo")
    for viewer in (tokyo, NEW_YORK, UTC):
        day = datetime(2026, 12, 25, tzinfo=viewer)
        found = event.occurrences(day, day + timedelta(days=1), viewer)
        assert [(o.start, o.end) for o in found] == [(date(2026, 12, 25), date(2026, 12, 26))]
        before = event.occurrences(day - timedelta(days=1), day, viewer)
        assert before == []


def test_all_day_series_steps_by_days_across_dst():
    event = Event("Sprint", date(2026, 3, 27), date(2026, 3, 30), "Europe/London",
                  all_day=True, rrule="FREQ=WEEKLY;COUNT=2")
    found = sorted(event.occurrences(utc(2026, 3, 1), utc(2026, 5, 1), LONDON),
                   key=lambda o: o.start)
    assert [(o.start, o.end) for o in found] == [(date(2026, 3, 27), date(2026, 3, 30)),
                                                 (date(2026, 4, 3), date(2026, 4, 6))]


def test_until_in_utc_includes_the_last_occurrence_east_of_greenwich():
    # 09:00 Tokyo is 00:00Z; UNTIL at 00:00Z on the 7th includes the 7th.
    event = Event("Standup", datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 9, 15),
                  "Asia/Tokyo", rrule="FREQ=DAILY;UNTIL=20260107T000000Z")
    assert len(starts(event, utc(2026, 1, 1), utc(2026, 2, 1))) == 3


def test_until_as_a_date_means_through_that_day_and_is_stored_in_utc():
    event = Event("Call", datetime(2026, 1, 5, 18), datetime(2026, 1, 5, 19),
                  "America/New_York", rrule="FREQ=DAILY;UNTIL=20260107")
    assert event.rrule == "FREQ=DAILY;UNTIL=20260108T045959Z"
    assert len(starts(event, utc(2026, 1, 1), utc(2026, 2, 1))) == 3


@pytest.mark.parametrize("rule", ["FREQ=HOURLY", "FREQ=MINUTELY", "BYDAY=MO",
                                  "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;COUNT=2;UNTIL=20270101",
                                  "FREQ=WEEKLY;FOO=1", "FREQ=WEEKLY\nDTSTART:20260101"])
def test_invalid_or_unbounded_rules_are_refused(rule):
    with pytest.raises(EventInvalid) as info:
        Event("x", datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), "UTC", rrule=rule)
    assert info.value.field == "rrule"


def test_end_before_start_and_unknown_zone_are_refused():
    with pytest.raises(EventInvalid) as info:
        Event("x", datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 8), "UTC")
    assert info.value.field == "end"
    with pytest.raises(EventInvalid) as info:
        Event("x", datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), "Europe/Atlantis")
    assert info.value.field == "timezone"
    with pytest.raises(EventInvalid):
        Event("x", date(2026, 1, 5), date(2026, 1, 5), "UTC", all_day=True)


def test_cancelled_and_changed_occurrences():
    event = Event("Call", datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), "UTC",
                  rrule="FREQ=WEEKLY;COUNT=4")
    event.cancel_occurrence(datetime(2026, 1, 12, 9), "amara")
    event.change_occurrence(datetime(2026, 1, 19, 9), "amara",
                            start=datetime(2026, 1, 20, 15), end=datetime(2026, 1, 20, 16),
                            title="Moved")
    found = sorted(event.occurrences(utc(2026, 1, 1), utc(2026, 2, 1), UTC),
                   key=lambda o: o.start)
    assert [(o.start.day, o.start.hour, o.title, o.changed) for o in found] == [
        (5, 9, "Call", False), (20, 15, "Moved", True), (26, 9, "Call", False)]
    with pytest.raises(KeyError):
        event.cancel_occurrence(datetime(2026, 1, 13, 9), "amara")  # not an occurrence
    with pytest.raises(KeyError):
        event.cancel_occurrence(datetime(2026, 2, 2, 9), "amara")  # past COUNT
    with pytest.raises(EventInvalid):
        event.change_occurrence(datetime(2026, 1, 26, 9), "amara",
                                end=datetime(2026, 1, 26, 8))
    assert event.sequence == 2 and event.modified_by == "amara"


def test_moving_the_series_carries_its_exceptions_along():
    event = Event("Call", datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), "UTC",
                  rrule="FREQ=WEEKLY")
    event.cancel_occurrence(datetime(2026, 1, 12, 9), "amara")
    event.update("amara", start=datetime(2026, 1, 5, 10), end=datetime(2026, 1, 5, 11))
    assert event.exdates == {datetime(2026, 1, 12, 10)}
    event.update("amara", rrule="FREQ=DAILY")
    assert event.exdates == {datetime(2026, 1, 12, 10)}
    event.update("amara", all_day=True, start=date(2026, 1, 5), end=date(2026, 1, 6))
    assert event.exdates == frozenset()


def test_calendar_orders_occurrences_of_many_zones_by_instant():
    calendar = Calendar()
    for name, hour, tz in (("ny", 9, "America/New_York"), ("london", 9, "Europe/London"),
                           ("tokyo", 9, "Asia/Tokyo")):
        calendar.add(name, Event(name, datetime(2026, 6, 1, hour),
                                 datetime(2026, 6, 1, hour + 1), tz), send_events=False)
    found = calendar.occurrences(utc(2026, 5, 31), utc(2026, 6, 3), UTC)
    assert [o.title for o in found] == ["tokyo", "london", "ny"]


def test_recurrence_ids_round_trip_as_text():
    for rid in (datetime(2026, 1, 5, 9, 30), date(2026, 1, 5)):
        assert parse_rid(rid_text(rid)) == rid
    with pytest.raises(ValueError):
        parse_rid("2026-01-05")


def test_upcoming_lists_the_next_occurrences_in_order():
    event = Event("Call", datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), "UTC",
                  rrule="FREQ=MONTHLY;BYDAY=1MO")
    found = event.upcoming(utc(2026, 1, 6), 5, UTC)
    assert [o.start.date() for o in found] == [date(2026, 2, 2), date(2026, 3, 2),
                                              date(2026, 4, 6), date(2026, 5, 4),
                                              date(2026, 6, 1)]


def test_search_data_follows_the_search_contract():
    event = Event("Budget review", datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), "UTC",
                  location="Room 4", description="Bring the *figures*", author="amara")
    data = event.search_data()
    assert data["type"] == "event" and data["title"] == "Budget review"
    assert "Room 4" in data["text"] and "figures" in data["text"]
    assert data["author"] == "amara" and data["modified"].tzinfo is not None


def test_a_moved_single_event_is_found_at_its_new_time_only():
    event = Event("Call", datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), "Europe/London")
    assert len(event.occurrences(utc(2026, 1, 5), utc(2026, 1, 6), UTC)) == 1
    event.update("amara", start=datetime(2026, 2, 5, 9), end=datetime(2026, 2, 5, 10),
                 title="Moved call")
    assert event.occurrences(utc(2026, 1, 5), utc(2026, 1, 6), UTC) == []
    moved, = event.occurrences(utc(2026, 2, 5), utc(2026, 2, 6), UTC)
    assert (moved.start, moved.title) == (datetime(2026, 2, 5, 9, tzinfo=LONDON), "Moved call")
    assert moved.at == utc(2026, 2, 5, 9).timestamp()

