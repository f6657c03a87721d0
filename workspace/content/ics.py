"""iCalendar (RFC 5545) in and out, and the secret of each person's subscription feed.

Export writes an event as its series (RRULE and RDATE kept, never pre-expanded,
VTIMEZONEs with rules included, see `timezones.py`) plus one VEVENT per changed occurrence,
which is what calendar apps expect; import reads the same shapes back, updates events by
UID and takes a file whole or not at all (`ICSInvalid`). Both are plain functions over
`Calendar`/`Event` objects and bytes, so the API, the upload form and the feed share them
and tests need no request.

What other programs write is read as they mean it: Outlook's Windows zone names and its
"Customized Time Zone" (through the file's own VTIMEZONE), Apple's RDATEs, Google's UTC
times and floating times in the calendar's X-WR-TIMEZONE (the zone its events keep their
wall-clock time in, across clock changes).
"""
from datetime import date, datetime, timedelta
import hashlib
import hmac
import secrets
import zoneinfo

import icalendar
from icalendar.prop import vRecur

from .calendar import UTC, Event, EventInvalid
from .events import Audited, notify
from .people import token_digest
from .timezones import file_zones, gaps, resolve_zone, vtimezone
from .trash import move_to_trash

PRODID = "-//Workspace//Group calendars//EN"
MAX_EVENTS = 5000


class ICSInvalid(ValueError):
    """An .ics file that cannot be imported as a whole; nothing of it is kept."""


class CalendarImported(Audited):
    """Someone imported an .ics file into a calendar (details: how many events changed)."""
    action = "calendar_imported"


class CalendarFeedCreated(Audited):
    """A person made a new subscription address (any earlier one stopped working)."""
    action = "calendar_feed_created"


class CalendarFeedStopped(Audited):
    """A person stopped their subscription address."""
    action = "calendar_feed_stopped"


# --- export --------------------------------------------------------------------------

def new_calendar(name):
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def vevents(event, stamp, category=None):
    """The VEVENT of the series, then one per changed occurrence (same UID, RECURRENCE-ID)."""
    master = icalendar.Event()
    master.add("uid", event.uid)
    master.add("dtstamp", stamp)
    master.add("created", event.created)
    master.add("last-modified", event.modified)
    master.add("sequence", event.sequence)
    master.add("summary", event.title)
    master.add("dtstart", event.aware(event.start))
    master.add("dtend", event.aware(event.end))
    if event.rrule:
        master.add("rrule", vRecur.from_ical(event.rrule))
    if event.rdates:
        master.add("rdate", [event.aware(rdate) for rdate in sorted(event.rdates)])
    if event.exdates:
        master.add("exdate", [event.aware(rid) for rid in sorted(event.exdates)])
    for name in ("location", "url", "description"):
        if getattr(event, name):
            master.add(name, getattr(event, name))
    if category:
        master.add("categories", [category])
    yield master
    for rid, fields in sorted(event.overrides.items()):
        one = icalendar.Event()
        one.add("uid", event.uid)
        one.add("dtstamp", stamp)
        one.add("sequence", event.sequence)
        one.add("recurrence-id", event.aware(rid))
        one.add("summary", fields.get("title", event.title))
        start = fields.get("start", rid)
        one.add("dtstart", event.aware(start))
        one.add("dtend", event.aware(fields.get("end", event.end_of(start))))
        for name in ("location", "description"):
            if fields.get(name, getattr(event, name)):
                one.add(name, fields.get(name, getattr(event, name)))
        yield one
    for rid in gap_occurrences(event):
        one = icalendar.Event()
        one.add("uid", event.uid)
        one.add("dtstamp", stamp)
        one.add("sequence", event.sequence)
        one.add("recurrence-id", event.aware(rid))
        one.add("summary", event.title)
        start = event.aware(rid).astimezone(UTC)
        one.add("dtstart", start)
        one.add("dtend", start + event.exact_duration)
        for name in ("location", "description"):
            if getattr(event, name):
                one.add(name, getattr(event, name))
        yield one


def gap_occurrences(event):
    """The occurrences of a timed series that start at a wall time the clocks skip.

    RFC 5545 reads such a time with the offset before the gap (01:30 on the night London
    springs forward is 01:30 GMT), but ical.js and vobject read it an hour earlier; so
    these go out as changed occurrences with their instants in UTC, which every program
    reads alike. Only a series starting inside the hours some gap covers is expanded.
    """
    if event.all_day or not event.recurs or event.timezone == "UTC":
        return []
    spans = gaps(event.timezone)
    clock = event.start.time()
    if not any(first.time() <= clock < end.time() or end.time() < first.time()
               for first, end in spans):
        return []
    last = spans[-1][1] if spans else event.start
    skip = event.exdates | event.overrides.keys()
    found = []
    for point in event._starts(event.start, last):
        if point not in skip and any(first <= point < end for first, end in spans):
            found.append(point)
    return found


def ics_bytes(name, events, subscription=False, stamp=None):
    """An RFC 5545 calendar called `name` of `events`. A `subscription` (a feed over many
    groups) labels each event with its group's title and asks apps to look again hourly.
    Every DTSTAMP is `stamp` (now if not given: an archive gives a fixed one)."""
    cal = new_calendar(name)
    if subscription:
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    stamp = stamp or datetime.now(UTC).replace(microsecond=0)
    zones = set()
    for event in events:
        category = event.__parent__.__parent__.title if subscription else None
        for component in vevents(event, stamp, category):
            cal.add_component(component)
        if not event.all_day and event.timezone != "UTC":
            zones.add(event.timezone)
    # VTIMEZONEs first, as some clients want them before the events that name them.
    cal.subcomponents[:0] = [vtimezone(name, date.today().year) for name in sorted(zones)]
    return cal.to_ical()


# --- import ----------------------------------------------------------------------------

class Zones:
    """How one file's times are read: its own VTIMEZONEs by TZID, and the calendar's zone
    (X-WR-TIMEZONE) that UTC and floating times are given in, if it names one."""

    def __init__(self, cal):
        self.by_tzid = file_zones(cal)
        wr = str(cal.get("X-WR-TIMEZONE", "") or "")
        self.calendar = (resolve_zone(wr, self.by_tzid, date.today().year) or None) if wr \
            else None

    def read(self, value, tzid):
        """A date, a floating (naive) time, or an aware time in an IANA zone or UTC."""
        if isinstance(value, tuple):  # a PERIOD: its start
            value = value[0]
        if not isinstance(value, datetime):
            return value
        if tzid:
            name = resolve_zone(str(tzid), self.by_tzid, value.year)
            if name is None:
                raise ICSInvalid(f"Unknown time zone {tzid}.")
            return value.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(name))
        if self.calendar:
            tz = zoneinfo.ZoneInfo(self.calendar)
            return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
        if value.tzinfo is not None and value.utcoffset() == timedelta(0):
            return value.astimezone(UTC)
        if value.tzinfo is not None:
            raise ICSInvalid(f"Unknown time zone {value.tzinfo!s}.")
        return value

    def prop(self, component, name):
        prop = component[name]
        return self.read(prop.dt, prop.params.get("TZID"))

    def dates(self, component, name):
        """The dates or times of an EXDATE or RDATE property (which may be repeated)."""
        if name not in component:
            return []
        props = component[name] if isinstance(component[name], list) else [component[name]]
        return [self.read(item.dt, p.params.get("TZID")) for p in props for item in p.dts]


def zone_name(dt):
    """The IANA name of a read DTSTART's zone ("UTC" for UTC)."""
    return "UTC" if dt.tzinfo is UTC else dt.tzinfo.key


def wall_time(value, tz):
    """A read date-time as wall-clock time in `tz` (floating times are taken as given)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(tz).replace(tzinfo=None)
        return value.replace(microsecond=0)
    return value


def as_kind(value, all_day, tz):
    """A start/end/recurrence id in the event's kind: dates for all-day, wall times else."""
    if all_day:
        return value.date() if isinstance(value, datetime) else value
    if not isinstance(value, datetime):
        raise ICSInvalid("A timed event has an all-day date in it.")
    return wall_time(value, tz)


def text_of(component, name, limit):
    return str(component.get(name, "") or "")[:limit]


def schedule_of(component, default_tz, zones):
    """(start, end, IANA zone name, all-day?) of a VEVENT, in the event's own kind."""
    start = zones.prop(component, "DTSTART")
    all_day = not isinstance(start, datetime)
    if all_day:
        tz_name = zones.calendar or default_tz
    elif start.tzinfo is None:
        tz_name = default_tz  # a floating time, in a file that names no zone: the importer's
    else:
        tz_name = zone_name(start)
    tz = zoneinfo.ZoneInfo(tz_name)
    start = as_kind(start, all_day, tz)
    if "DTEND" in component:
        end = as_kind(zones.prop(component, "DTEND"), all_day, tz)
    elif "DURATION" in component:
        end = start + component["DURATION"].dt
    else:
        end = start + timedelta(days=1) if all_day else start
    return start, end, tz_name, all_day


def read_vevent(component, default_tz, zones):
    """(uid, recurrence id or None, event fields, exception dates, cancelled?) of one
    VEVENT; ICSInvalid if it is unusable."""
    if component.errors:
        name, problem = component.errors[0]
        raise ICSInvalid(f"{name}: {str(problem)[:200]}")
    uid = text_of(component, "UID", 500)
    if "DTSTART" not in component:
        raise ICSInvalid(f"Event {uid or '?'} has no DTSTART.")
    start, end, tz_name, all_day = schedule_of(component, default_tz, zones)
    rrule = component.get("RRULE")
    if isinstance(rrule, list):
        raise ICSInvalid(f"Event {uid} has more than one RRULE.")
    title = text_of(component, "SUMMARY", 200).strip() or "(no title)"
    url = text_of(component, "URL", 2000)
    fields = {"title": title, "start": start, "end": end, "timezone": tz_name,
              "all_day": all_day, "rrule": rrule.to_ical().decode() if rrule else "",
              "location": text_of(component, "LOCATION", 500),
              "url": url if url.startswith(("https://", "http://")) else "",
              "description": text_of(component, "DESCRIPTION", 20000),
              "rdates": [as_kind(d, all_day, zoneinfo.ZoneInfo(tz_name))
                         for d in zones.dates(component, "RDATE")]}
    if not uid:  # RFC 5545 requires one; derive a stable one so re-imports still update
        seed = f"{title}|{start.isoformat()}".encode()
        uid = hashlib.sha256(seed).hexdigest()[:32] + "@import"
    rid = zones.prop(component, "RECURRENCE-ID") if "RECURRENCE-ID" in component else None
    exdates = zones.dates(component, "EXDATE")
    cancelled = text_of(component, "STATUS", 20).upper() == "CANCELLED"
    return uid, rid, fields, exdates, cancelled


def parse_ics(data, default_tz):
    """(events, orphans, withdrawn): the events of an .ics file as checked, unattached
    Event objects by UID; changed occurrences whose series is not in the file; the UIDs
    of whole events marked STATUS:CANCELLED.

    Changed or cancelled occurrences (VEVENTs with RECURRENCE-ID) become exceptions of
    their series; floating times are read in the file's X-WR-TIMEZONE, else in
    `default_tz`. ICSInvalid (nothing imported) for a malformed file or any unusable event.
    """
    try:
        cal = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise ICSInvalid(f"This is not an iCalendar file: {str(exc)[:200]}")
    if cal.name != "VCALENDAR":
        raise ICSInvalid("This is not an iCalendar file (no VCALENDAR).")
    components = cal.walk("VEVENT")
    if len(components) > MAX_EVENTS:
        raise ICSInvalid(f"Import at most {MAX_EVENTS} events at a time.")
    masters, changes, withdrawn = {}, [], set()
    zones = Zones(cal)
    for component in components:
        uid, rid, fields, exdates, cancelled = read_vevent(component, default_tz, zones)
        if rid is None:
            if uid in masters or uid in withdrawn:
                raise ICSInvalid(f"UID {uid} is used by two events.")
            if cancelled:
                withdrawn.add(uid)
            else:
                masters[uid] = (fields, exdates)
        else:
            changes.append((uid, rid, fields, cancelled))
    events = {uid: series_of(uid, fields, exdates, changes)
              for uid, (fields, exdates) in masters.items()}
    orphans = [(uid, rid, fields) for uid, rid, fields, c in changes
               if uid not in masters and uid not in withdrawn and not c]
    return events, orphans, withdrawn


def series_of(uid, fields, exdates, changes):
    """The Event of a series VEVENT, with the exceptions the file gives for its UID."""
    event = build_event(uid, fields)
    cancelled = [as_kind(d, event.all_day, event.tz) for d in exdates]
    changed = {}
    for c_uid, rid, c_fields, c_cancelled in changes:
        if c_uid != uid:
            continue
        rid = as_kind(rid, event.all_day, event.tz)
        if c_cancelled:
            cancelled.append(rid)
        else:
            override = override_of(event, c_fields)
            if changes_anything(event, rid, override):
                changed[rid] = override
    try:
        event.set_exceptions(cancelled, changed)
    except EventInvalid as exc:
        raise ICSInvalid(f"{fields['title']}: {exc.message}")
    return event


def build_event(uid, fields, author=None):
    try:
        return Event(uid=uid, author=author, **fields)
    except EventInvalid as exc:
        raise ICSInvalid(f"{fields['title']}: {exc.message}")


def override_of(event, fields):
    """What a RECURRENCE-ID VEVENT changes in its occurrence, in the series' zone."""
    if fields["all_day"] != event.all_day:
        raise ICSInvalid(f"{fields['title']}: one occurrence cannot switch to or from all-day.")
    start, end = fields["start"], fields["end"]
    if not event.all_day:  # it may be written in another zone than its series
        source = zoneinfo.ZoneInfo(fields["timezone"])
        start, end = (wall_time(value.replace(tzinfo=source), event.tz)
                      for value in (start, end))
    override = {"start": start, "end": end}
    for name in ("title", "location", "description"):
        if fields[name] != getattr(event, name):
            override[name] = fields[name]
    return override


def changes_anything(event, rid, override):
    """False for an override that only says what the series gives anyway (as our own
    export of an occurrence in a clock gap does)."""
    if set(override) - {"start", "end"} or event.all_day:
        return True
    as_given = [event.aware(value).astimezone(UTC) for value in event.occurrence_times(rid, {})]
    return as_given != [event.aware(override[k]).astimezone(UTC) for k in ("start", "end")]


def import_ics(calendar, data, actor, default_tz="UTC"):
    """Create or update (by UID) the events of the .ics `data` in `calendar`, as `actor`,
    and move to the trash those it cancels; returns the event ids
    {"created": [...], "updated": [...], "removed": [...]}. ICSInvalid changes nothing.

    Floating times are read in `default_tz` (the importer's own zone).
    """
    events, orphans, withdrawn = parse_ics(data, default_tz)
    existing = calendar.by_uid()
    created, updated, removed = [], [], []

    def put(event):
        """Add a new event, or make the one with its UID like it."""
        if event.uid in existing:
            existing[event.uid].replace_with(event, actor)
            updated.append(existing[event.uid].__name__)
        else:
            event.author = event.modified_by = actor
            created.append(calendar.add_event(event).__name__)

    for uid in sorted(withdrawn & existing.keys()):
        removed.append(existing[uid].__name__)
        move_to_trash(existing[uid], actor)
    for event in events.values():
        put(event)
    for uid, rid, fields in orphans:
        target = existing.get(uid)
        if target is not None:
            rid = as_kind(rid, target.all_day, target.tz)
            try:
                target.change_occurrence(rid, actor, **override_of(target, fields))
                updated.append(target.__name__)
                continue
            except (KeyError, EventInvalid):
                pass  # not an occurrence of the series we have: kept as an event alone
        put(build_event(f"{uid}/{rid:%Y%m%dT%H%M%S}", dict(fields, rrule="", rdates=()),
                        actor))
    notify(CalendarImported(actor, calendar, f"{len(created)} created, {len(updated)} "
                                             f"updated, {len(removed)} removed"))
    return {"created": created, "updated": updated, "removed": removed}


# --- the personal subscription feed ---------------------------------------------------

def start_feed(profile):
    """A new secret for `profile`'s subscription feed; any earlier one stops working.
    Only its SHA-256 is kept, so the secret can be shown once and never again."""
    secret = secrets.token_urlsafe(32)
    profile.calendar_feed_digest = token_digest(secret)
    notify(CalendarFeedCreated(profile.login, profile))
    return secret


def stop_feed(profile):
    """No secret opens `profile`'s feed any more."""
    profile.calendar_feed_digest = None
    notify(CalendarFeedStopped(profile.login, profile))


def feed_opens(profile, secret):
    """True if `secret` is the live feed secret of `profile`, an active account."""
    digest = profile.calendar_feed_digest
    return bool(profile.active and digest
                and hmac.compare_digest(digest, token_digest(secret)))
