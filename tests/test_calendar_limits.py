"""What a shared calendar accepts, and what one event can cost to expand: rules that fire
every minute or second, or two billion times, are refused with a 400 (API and import);
whatever is stored, one expansion yields a bounded number of occurrences."""
from datetime import datetime, timedelta, timezone

import pytest

from workspace.content.calendar import MAX_EXPANSION, MAX_PER_DAY, Event

from test_calendar_api import WEEKLY, create

EVERY_HOUR = ",".join(str(h) for h in range(24))
EVERY_MINUTE = ",".join(str(m) for m in range(60))
DENSE_RULES = [
    f"FREQ=DAILY;BYHOUR={EVERY_HOUR};BYMINUTE={EVERY_MINUTE}",
    f"FREQ=DAILY;BYHOUR={EVERY_HOUR};BYMINUTE={EVERY_MINUTE};BYSECOND={EVERY_MINUTE}",
    f"FREQ=DAILY;BYHOUR={EVERY_HOUR};BYMINUTE={EVERY_MINUTE};COUNT=2000000000",
    f"FREQ=DAILY;BYHOUR={EVERY_HOUR}",
    "FREQ=DAILY;BYSECOND=0",
    "FREQ=WEEKLY;COUNT=2000000000",
]


@pytest.mark.parametrize("rule", DENSE_RULES)
def test_a_dense_or_endless_rule_is_refused_through_the_api(cast, rule):
    answer = create(cast, dict(WEEKLY, rrule=rule), status=400).json
    assert "rrule" in answer["fields"]
    assert cast.api["member"].get("/api/groups/secret/calendar/weekly-policy-call",
                                  status=404)


def test_a_few_times_a_day_is_accepted(cast):
    rule = "FREQ=DAILY;BYHOUR=9,13;BYMINUTE=0,30;COUNT=100"
    assert MAX_PER_DAY == 4
    assert create(cast, dict(WEEKLY, rrule=rule)).json["id"] == "weekly-policy-call"


def test_a_per_second_rule_in_an_import_is_refused_and_nothing_is_imported(cast):
    body = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
            "BEGIN:VEVENT\r\nUID:fine@example.org\r\nSUMMARY:Fine\r\n"
            "DTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\nEND:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:dense@example.org\r\nSUMMARY:Dense\r\n"
            "DTSTART:20261201T090000Z\r\nDTEND:20261201T090001Z\r\n"
            f"RRULE:{DENSE_RULES[1]}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    cast.api["member"].post("/api/groups/secret/calendar/import", body,
                            headers={"Content-Type": "text/calendar"}, status=400)
    occurrences = cast.api["member"].get("/api/groups/secret/calendar", {
        "start": "2026-12-01", "end": "2026-12-02"}).json["occurrences"]
    assert occurrences == []


def test_expanding_a_dense_rule_stored_before_the_check_is_bounded():
    event = Event("Old", datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 9, 0, 1),
                  "UTC", rrule="FREQ=DAILY")
    event.rrule = DENSE_RULES[1]  # as a site that accepted it before would hold it
    event._v_rule = None
    start = datetime(2026, 12, 1, tzinfo=timezone.utc)
    found = event.occurrences(start, start + timedelta(days=1), timezone.utc)
    assert 0 < len(found) <= MAX_EXPANSION
    upcoming = event.upcoming(start, 20, timezone.utc)
    assert len(upcoming) == 20 and upcoming == sorted(upcoming, key=lambda o: o.at)
