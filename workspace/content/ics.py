"""iCalendar (RFC 5545) in and out, and the secret of each person's subscription feed.

Export writes an event as its series (RRULE kept, never pre-expanded, VTIMEZONEs
included) plus one VEVENT per changed occurrence, which is what calendar apps expect;
import reads the same shapes back, updates events by UID and takes a file whole or not at
all (`ICSInvalid`). Both are plain functions over `Calendar`/`Event` objects and bytes, so
the API, the upload form and the feed share them and tests need no request.
"""
from datetime import date, datetime, timedelta
import functools
import hashlib
import hmac
import secrets
import zoneinfo

import icalendar
from icalendar.prop import vRecur

from .calendar import UTC, Event, EventInvalid
from .events import Audited, notify
from .people import token_digest
from .trash import move_to_trash

PRODID = "-//Workspace//Group calendars//EN"
MAX_EVENTS = 5000
KNOWN_ZONES = frozenset(zoneinfo.available_timezones())


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
        one.add("dtend", event.aware(fields.get("end", start + event.duration)))
        for name in ("location", "description"):
            if fields.get(name, getattr(event, name)):
                one.add(name, fields.get(name, getattr(event, name)))
        yield one


def ics_bytes(name, events, subscription=False):
    """An RFC 5545 calendar called `name` of `events`. A `subscription` (a feed over many
    groups) labels each event with its group's title and asks apps to look again hourly."""
    cal = new_calendar(name)
    if subscription:
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    stamp = datetime.now(UTC).replace(microsecond=0)
    zones = set()
    for event in events:
        category = event.__parent__.__parent__.title if subscription else None
        for component in vevents(event, stamp, category):
            cal.add_component(component)
        if not event.all_day and event.timezone != "UTC":
            zones.add(event.timezone)
    # VTIMEZONEs first, as some clients want them before the events that name them.
    cal.subcomponents[:0] = [vtimezone(name, date.today().year + 20) for name in sorted(zones)]
    return cal.to_ical()


@functools.lru_cache(maxsize=128)
def vtimezone(name, last_year):
    """The VTIMEZONE of an IANA zone from 1970 to `last_year`, made once per process (it
    takes milliseconds) and only read afterwards."""
    return icalendar.Timezone.from_tzid(name, last_date=date(last_year, 1, 1))


# --- import ----------------------------------------------------------------------------

def zone_name(dt, prop):
    """The IANA name of a parsed DTSTART's zone; ICSInvalid if it is not a known one."""
    key = getattr(dt.tzinfo, "key", None)
    if key in KNOWN_ZONES:
        return key
    if dt.tzinfo is UTC:
        return "UTC"
    tzid = prop.params.get("TZID")
    if tzid in KNOWN_ZONES:
        return tzid
    raise ICSInvalid(f"Unknown time zone {tzid or dt.tzinfo!s}.")


def wall_time(value, tz):
    """A parsed date-time as wall-clock time in `tz` (floating times are taken as given)."""
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


def dates_of(prop):
    """The dates or date-times of an EXDATE property (which may be repeated)."""
    props = prop if isinstance(prop, list) else [prop]
    return [item.dt for p in props for item in p.dts]


def text_of(component, name, limit):
    return str(component.get(name, "") or "")[:limit]


def schedule_of(component, default_tz):
    """(start, end, IANA zone name, all-day?) of a VEVENT, in the event's own kind."""
    start_prop = component["DTSTART"]
    start = start_prop.dt
    all_day = not isinstance(start, datetime)
    if all_day:
        tz_name = default_tz
    elif start.tzinfo is None:
        if "TZID" in start_prop.params:
            raise ICSInvalid(f"Unknown time zone {start_prop.params['TZID']}.")
        tz_name = default_tz  # a floating time: the importer's own zone
    else:
        tz_name = zone_name(start, start_prop)
    tz = zoneinfo.ZoneInfo(tz_name)
    start = as_kind(start, all_day, tz)
    if "DTEND" in component:
        end = as_kind(component["DTEND"].dt, all_day, tz)
    elif "DURATION" in component:
        end = start + component["DURATION"].dt
    else:
        end = start + timedelta(days=1) if all_day else start
    return start, end, tz_name, all_day


def read_vevent(component, default_tz):
    """(uid, recurrence id or None, event fields, exception dates, cancelled?) of one
    VEVENT; ICSInvalid if it is unusable."""
    if component.errors:
        name, problem = component.errors[0]
        raise ICSInvalid(f"{name}: {str(problem)[:200]}")
    uid = text_of(component, "UID", 500)
    if "DTSTART" not in component:
        raise ICSInvalid(f"Event {uid or '?'} has no DTSTART.")
    start, end, tz_name, all_day = schedule_of(component, default_tz)
    rrule = component.get("RRULE")
    if isinstance(rrule, list):
        raise ICSInvalid(f"Event {uid} has more than one RRULE.")
    title = text_of(component, "SUMMARY", 200).strip() or "(no title)"
    url = text_of(component, "URL", 2000)
    fields = {"title": title, "start": start, "end": end, "timezone": tz_name,
              "all_day": all_day, "rrule": rrule.to_ical().decode() if rrule else "",
              "location": text_of(component, "LOCATION", 500),
              "url": url if url.startswith(("https://", "http://")) else "",
              "description": text_of(component, "DESCRIPTION", 20000)}
    if not uid:  # RFC 5545 requires one; derive a stable one so re-imports still update
        seed = f"{title}|{start.isoformat()}".encode()
        uid = hashlib.sha256(seed).hexdigest()[:32] + "@import"
    rid = component.get("RECURRENCE-ID")
    exdates = dates_of(component["EXDATE"]) if "EXDATE" in component else []
    cancelled = text_of(component, "STATUS", 20).upper() == "CANCELLED"
    return uid, (rid.dt if rid is not None else None), fields, exdates, cancelled


def parse_ics(data, default_tz):
    """(events, orphans, withdrawn): the events of an .ics file as checked, unattached
    Event objects by UID; changed occurrences whose series is not in the file; the UIDs
    of whole events marked STATUS:CANCELLED.

    Changed or cancelled occurrences (VEVENTs with RECURRENCE-ID) become exceptions of
    their series; floating times are read in `default_tz`. ICSInvalid (nothing imported)
    for a malformed file or any unusable event.
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
    for component in components:
        uid, rid, fields, exdates, cancelled = read_vevent(component, default_tz)
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
            changed[rid] = override_of(event, c_fields)
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
        put(build_event(f"{uid}/{rid:%Y%m%dT%H%M%S}", dict(fields, rrule=""), actor))
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
