"""Calendar files as the programs people use read them: what we export must give every
occurrence at the same instant in ical.js (Thunderbird), vobject and recurring-ical-events
as on our own pages; what Outlook, Google Calendar and Apple Calendar write must import
whole, at the times those programs show.

ical.js runs under Node from tests/js/node_modules (`npm ci` in tests/js, done by .ci/run).
"""
from datetime import datetime, timedelta, timezone
import json
import pathlib
import subprocess
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject

from workspace.content.calendar import Event
from workspace.content.group import Group
from workspace.content.ics import ICSInvalid, ics_bytes, import_ics

UTC = timezone.utc
HERE = pathlib.Path(__file__).parent
FIXTURES = HERE / "fixtures" / "calendars"
JS = HERE / "js"
LOW, HIGH = datetime(2026, 1, 1, tzinfo=UTC), datetime(2057, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module", autouse=True)
def ical_js_installed():
    """ical.js from tests/js/package-lock.json (.ci/run installs it; a first local run
    here does too)."""
    if not (JS / "node_modules" / "ical.js").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS,
                       check=True, timeout=300)


@pytest.fixture
def group():
    groups = Group("Groups")
    return groups.add("secret", Group("Secret"))


def exported_events():
    """Events in zones whose clocks change at different times of the year, one of them
    past 2046, one on the night London springs forward: 143 occurrences in all."""
    return [
        Event("London weekly", datetime(2026, 9, 7, 9), datetime(2026, 9, 7, 10),
              "Europe/London", rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=40"),
        Event("New York fortnightly", datetime(2026, 10, 20, 18), datetime(2026, 10, 20, 19),
              "America/New_York", rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=30"),
        Event("Auckland monthly", datetime(2026, 1, 15, 8), datetime(2026, 1, 15, 9, 30),
              "Pacific/Auckland", rrule="FREQ=MONTHLY;COUNT=30"),
        Event("Berlin yearly to 2056", datetime(2027, 3, 28, 12), datetime(2027, 3, 28, 13),
              "Europe/Berlin", rrule="FREQ=YEARLY;COUNT=30"),
        Event("London in 2050", datetime(2050, 1, 10, 9), datetime(2050, 1, 10, 10),
              "Europe/London"),
        Event("London in summer 2050", datetime(2050, 7, 4, 9), datetime(2050, 7, 4, 10),
              "Europe/London"),
        Event("Night shift", datetime(2026, 3, 1, 1, 30), datetime(2026, 3, 1, 2, 30),
              "Europe/London", rrule="FREQ=WEEKLY;COUNT=11"),
    ]


def our_occurrences(events):
    """{(title, start, end)} as UTC seconds, as our own calendar pages give them."""
    found = set()
    for event in events:
        for o in event.occurrences(LOW, HIGH, UTC):
            found.add((event.uid, int(o.start.timestamp()), int(o.end.timestamp())))
    return found


def ical_js(data, low=LOW, high=HIGH):
    """{(uid, start, end)} in UTC seconds as ical.js expands the file, under Node."""
    path = JS / f"_{id(data)}.ics"
    path.write_bytes(data)
    try:
        out = subprocess.run(["node", str(JS / "expand_ics.mjs"), str(path), low.isoformat(),
                              high.isoformat()], capture_output=True, check=True, timeout=60)
    finally:
        path.unlink()
    return {(o["uid"], o["start"], o["end"]) for o in json.loads(out.stdout)}


def vobject_starts(data):
    """{(uid, start)}: vobject expands each rule over its own reading of the VTIMEZONEs;
    a changed occurrence (RECURRENCE-ID) takes the place of the one it names, as the
    programs built on vobject do it."""
    found, changed = set(), []
    for vevent in vobject.readOne(data.decode()).vevent_list:
        if hasattr(vevent, "recurrence_id"):
            changed.append(vevent)
            continue
        rules = vevent.getrruleset(addRDate=True)
        for start in rules.between(LOW, HIGH, inc=True) if rules else [vevent.dtstart.value]:
            found.add((vevent.uid.value, int(start.timestamp())))
    for vevent in changed:
        found.discard((vevent.uid.value, int(vevent.recurrence_id.value.timestamp())))
        found.add((vevent.uid.value, int(vevent.dtstart.value.timestamp())))
    return found


def recurring_ical(data):
    cal = icalendar.Calendar.from_ical(data)
    return {(o["UID"], int(o["DTSTART"].dt.timestamp()), int(o["DTEND"].dt.timestamp()))
            for o in recurring_ical_events.of(cal).between(LOW, HIGH)}


def starts(occurrences):
    return {(uid, start) for uid, start, _ in occurrences}


def test_our_own_expansion_has_the_143_occurrences():
    assert len(our_occurrences(exported_events())) == 143


def test_ical_js_reads_every_exported_occurrence_at_our_instant():
    events = exported_events()
    ours = our_occurrences(events)
    theirs = ical_js(ics_bytes("Secret", events))
    assert len(ours & theirs) == 143, sorted(ours ^ theirs)[:10]


def test_vobject_reads_every_exported_occurrence_at_our_instant():
    events = exported_events()
    assert vobject_starts(ics_bytes("Secret", events)) == starts(our_occurrences(events))


def test_recurring_ical_events_reads_every_exported_occurrence_at_our_instant():
    events = exported_events()
    assert recurring_ical(ics_bytes("Secret", events)) == our_occurrences(events)


def test_exported_zones_are_rules_not_lists_and_have_no_end():
    cal = icalendar.Calendar.from_ical(ics_bytes("Secret", exported_events()))
    for tz in cal.walk("VTIMEZONE"):
        for observance in tz.walk():
            if observance.name in ("STANDARD", "DAYLIGHT"):
                assert "RDATE" not in observance
    london, = [tz for tz in cal.walk("VTIMEZONE") if tz["TZID"] == "Europe/London"]
    current = [o for o in london.walk("DAYLIGHT") if "RRULE" in o and "UNTIL" not in o["RRULE"]]
    assert len(current) == 1
    # RFC 5545: the onset is the wall time before the jump (01:00 GMT), not after it.
    assert current[0]["DTSTART"].dt.hour == 1
    assert current[0]["RRULE"]["BYDAY"] == ["-1SU"] and current[0]["RRULE"]["BYMONTH"] == [3]


def test_an_occurrence_on_the_spring_forward_night_keeps_its_exact_duration():
    night = exported_events()[-1]
    spring = datetime(2026, 3, 29, tzinfo=UTC)
    occurrence, = night.occurrences(spring, spring + timedelta(days=1), UTC)
    # 01:30 does not exist in London that night: RFC 5545 reads it with the offset before
    # the gap (01:30 GMT), and the hour the event lasts is kept exactly.
    assert occurrence.start.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert occurrence.end.astimezone(UTC) - occurrence.start.astimezone(UTC) == \
        timedelta(hours=1)


# --- files other programs write ---------------------------------------------------------

def fixture(name):
    return (FIXTURES / name).read_bytes()


def imported_occurrences(calendar, low, high):
    return {(o.event.uid.split("/")[0], int(o.start.timestamp()), int(o.end.timestamp()))
            for o in calendar.occurrences(low, high, UTC)}


def reference(data, low, high):
    """The file's occurrences as recurring-ical-events reads it (the file's own zones)."""
    cal = icalendar.Calendar.from_ical(data)
    return {(str(o["UID"]), int(o["DTSTART"].dt.astimezone(UTC).timestamp()),
             int(o["DTEND"].dt.astimezone(UTC).timestamp()))
            for o in recurring_ical_events.of(cal).between(low, high)}


def test_an_outlook_file_with_windows_and_customized_zones_imports_whole(group):
    calendar = group["calendar"]
    data = fixture("outlook.ics")
    done = import_ics(calendar, data, "member")
    assert len(done["created"]) == 2
    zones = sorted(e.timezone for e in calendar.values())
    assert zones == ["America/New_York", "Europe/Berlin"]
    low, high = datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 8, 1, tzinfo=UTC)
    ours = imported_occurrences(calendar, low, high)
    assert ours == reference(data, low, high)
    assert len(ours) == 39 + 6


def test_a_customized_zone_is_read_from_each_file_afresh(group):
    """Every Outlook file may call a different zone "Customized Time Zone"."""
    calendar = group["calendar"]
    import_ics(calendar, fixture("outlook.ics"), "member")
    import_ics(calendar, fixture("outlook-kolkata.ics"), "member")
    delhi, = [e for e in calendar.values() if e.title.startswith("Review")]
    assert delhi.timezone == "Asia/Kolkata"
    assert delhi.aware(delhi.start).astimezone(UTC) == datetime(2026, 11, 4, 9, 30, tzinfo=UTC)


def test_an_apple_file_keeps_its_rdate(group):
    calendar = group["calendar"]
    data = fixture("apple.ics")
    import_ics(calendar, data, "member")
    low, high = datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC)
    ours = imported_occurrences(calendar, low, high)
    assert len(ours) == 18
    assert ours == reference(data, low, high)


def test_an_rdate_goes_out_again_and_clients_read_it(group):
    calendar = group["calendar"]
    import_ics(calendar, fixture("apple.ics"), "member")
    data = ics_bytes("Secret", list(calendar.values()))
    low, high = datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC)
    ours = imported_occurrences(calendar, low, high)
    assert {(uid, s) for uid, s, _ in ical_js(data, low, high)} == starts(ours)
    assert reference(data, low, high) == ours


def test_a_google_file_keeps_wall_times_across_the_clock_change(group):
    """Google writes UTC times and names the calendar's zone in X-WR-TIMEZONE: a weekly
    18:00 New York call stays at 18:00 after the clocks go back, as Google shows it."""
    calendar = group["calendar"]
    import_ics(calendar, fixture("google.ics"), "member", default_tz="Asia/Tokyo")
    call, = [e for e in calendar.values() if e.title == "Network call"]
    assert call.timezone == "America/New_York"
    ny = ZoneInfo("America/New_York")
    low, high = datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    hours = {o.start.astimezone(ny).hour for o in call.occurrences(low, high, UTC)}
    assert hours == {18}
    assert len(call.occurrences(low, high, UTC)) == 9
    # A floating time is read in the calendar's zone, not the importer's.
    breakfast, = [e for e in calendar.values() if e.title == "Breakfast briefing"]
    assert breakfast.timezone == "America/New_York" and breakfast.start.hour == 9


def test_an_unknown_zone_with_no_vtimezone_is_still_refused_whole(group):
    calendar = group["calendar"]
    data = fixture("outlook.ics").replace(b"TZID:Customized Time Zone\r\n", b"TZID:Nowhere\r\n")
    data = data.replace(b"TZID:Customized Time Zone\n", b"TZID:Nowhere\n")
    data = data.replace(b"TZID=Customized Time Zone", b"TZID=Mars Standard Time")
    with pytest.raises(ICSInvalid, match="Mars Standard Time"):
        import_ics(calendar, data, "member")
    assert len(calendar) == 0
