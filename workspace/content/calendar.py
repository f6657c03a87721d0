"""The shared calendar of a group: events, their recurrence and its exceptions.

An event keeps its start and end as wall-clock times in its own IANA time zone (dates for
all-day events), so that a weekly 09:00 Europe/London meeting stays at 09:00 London time
when the clocks change. Recurrence is an RFC 5545 RRULE expanded by python-dateutil over
those wall-clock times. A cancelled occurrence is an exception date; a changed one an
override; both are keyed by the occurrence's original start (its RECURRENCE-ID). Extra
dates (RDATE, as Apple Calendar writes them) are occurrences beside the rule's.

Every occurrence lasts exactly as long as the first (RFC 5545 3.8.5.3): a 01:30-02:30
London event on the night the clocks go forward starts at 01:30 GMT (the offset before the
gap, RFC 5545 3.3.5) and ends an hour later, not at the same instant.
"""
from collections import namedtuple
from operator import itemgetter
from datetime import datetime, time, timedelta, timezone
import uuid
import zoneinfo

from dateutil.rrule import rrulestr
from icalendar.prop import vRecur
from persistent import Persistent

from .events import ObjectModified, notify
from .folder import Folder
from .ids import unique_id

# Finer frequencies would let one event expand into millions of occurrences.
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# What a shared calendar accepts: events that happen at most a few times a day, a series
# of at most MAX_COUNT. A rule that fires every minute or second (BYMINUTE, BYSECOND over
# a DAILY rule) is refused; and no expansion, whatever is stored, yields more than
# MAX_EXPANSION occurrences of one event.
MAX_PER_DAY = 4
MAX_COUNT = 5000
MAX_EXPANSION = 5000
MAX_RDATES = 1000
OVERRIDE_FIELDS = ("start", "end", "title", "location", "description")
# Events start within these years: expansion walks a series from its start, so a daily
# series begun in year 1 would cost every request hundreds of thousands of steps.
FIRST_YEAR, LAST_YEAR = 1970, 2200
PROBE_SPAN = timedelta(days=3653)
UTC = timezone.utc


class EventInvalid(ValueError):
    """A field of an event that cannot be accepted, and why (for a 400 or a form error)."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


# An occurrence as calendars show it: `start`/`end` are aware datetimes, or dates (end
# exclusive) for all-day events; `rid` identifies it within its series (None for a single
# event); `at` is the start as a POSIX timestamp (all-day: midnight where it is viewed),
# for sorting occurrences of many zones cheaply.
Occurrence = namedtuple("Occurrence", "event rid start end title location changed at")


def zone(name):
    """The ZoneInfo for an IANA name; EventInvalid for anything else."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise EventInvalid("timezone", f"Unknown time zone: {name!r}. Use an IANA name "
                                       "such as Europe/London.")


def now_utc():
    return datetime.now(UTC)


def rid_text(rid):
    """A recurrence id as text: 20261123T090000 (event wall time) or 20261123 (all-day)."""
    return rid.strftime("%Y%m%dT%H%M%S" if isinstance(rid, datetime) else "%Y%m%d")


def parse_rid(text):
    """The recurrence id named by `rid_text` output; ValueError for anything else."""
    if len(text) == 8:
        return datetime.strptime(text, "%Y%m%d").date()
    if len(text) == 15:
        return datetime.strptime(text, "%Y%m%dT%H%M%S")
    raise ValueError(text)


def wall(value):
    """A date or naive datetime as the naive datetime the rule engine iterates over."""
    return value if isinstance(value, datetime) else datetime.combine(value, time())


def normalise_rrule(text, start, tz, all_day):
    """The RRULE value `text` checked and in canonical form ("" for none).

    UNTIL becomes UTC for timed events and a date for all-day ones, as RFC 5545 asks;
    EventInvalid if the rule is malformed, too fine-grained or not expandable.
    """
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text:
        return ""
    if any(c in text for c in "\r\n") or len(text) > 500:
        raise EventInvalid("rrule", "Give one RRULE value, such as FREQ=WEEKLY;BYDAY=MO.")
    try:
        recur = vRecur.from_ical(text)
    except (ValueError, TypeError) as exc:
        raise EventInvalid("rrule", f"Not a valid RRULE: {exc}")
    freq = recur.get("FREQ")
    if not freq or freq[0] not in FREQUENCIES:
        raise EventInvalid("rrule", "An RRULE needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
    if "UNTIL" in recur and "COUNT" in recur:
        raise EventInvalid("rrule", "An RRULE may have UNTIL or COUNT, not both.")
    check_frequency(recur)
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if all_day:
            if isinstance(until, datetime):
                until = (until.astimezone(tz) if until.tzinfo else until).date()
        else:
            if not isinstance(until, datetime):
                until = datetime.combine(until, time(23, 59, 59))
            if until.tzinfo is None:
                until = until.replace(tzinfo=tz)
            until = until.astimezone(UTC)
        recur["UNTIL"] = [until]
    canonical = recur.to_ical().decode("ascii")
    try:
        rule = expansion_rule(canonical, wall(start), tz)
        # A rule that never matches would make the engine search up to the year 9999 on
        # every expansion: it must match within ten years (a bounded search).
        probe = rule.replace(count=None, until=wall(start) + PROBE_SPAN)
        first = probe.after(wall(start), inc=True)
    except (ValueError, TypeError, OverflowError) as exc:
        raise EventInvalid("rrule", f"Not a valid RRULE: {exc}")
    if first is None:
        raise EventInvalid("rrule", "This RRULE has no occurrence in the ten years after "
                                    "the start.")
    return canonical


def check_frequency(recur):
    """EventInvalid for a rule that would happen more often than a shared calendar
    allows (see MAX_PER_DAY, MAX_COUNT)."""
    if "BYSECOND" in recur:
        raise EventInvalid("rrule", "Events repeat by day, week, month or year: BYSECOND "
                                    "is not accepted.")
    per_day = len(recur.get("BYHOUR", [None])) * len(recur.get("BYMINUTE", [None]))
    if per_day > MAX_PER_DAY:
        raise EventInvalid("rrule", f"An event may repeat at most {MAX_PER_DAY} times a "
                                    "day (BYHOUR and BYMINUTE together).")
    count = recur.get("COUNT", [1])[0]
    if not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise EventInvalid("rrule", f"COUNT is a number from 1 to {MAX_COUNT}.")


def expansion_rule(rrule, dtstart, tz):
    """A dateutil rule over naive wall-clock times in `tz`, starting at `dtstart`."""
    recur = vRecur.from_ical(rrule)
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if isinstance(until, datetime) and until.tzinfo is not None:
            recur["UNTIL"] = [until.astimezone(tz).replace(tzinfo=None)]
    return rrulestr(recur.to_ical().decode("ascii"), dtstart=dtstart, cache=True)


def check_times(start, end, all_day):
    """EventInvalid unless start and end are of the right kind, in order and in the
    years events may have."""
    for name, value in (("start", start), ("end", end)):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise EventInvalid(name, f"Events happen between {FIRST_YEAR} and {LAST_YEAR}.")
    if all_day:
        if isinstance(start, datetime) or isinstance(end, datetime):
            raise EventInvalid("start", "An all-day event starts and ends on dates.")
        if end <= start:
            raise EventInvalid("end", "An all-day event ends after the day it starts.")
    else:
        if not (isinstance(start, datetime) and isinstance(end, datetime)):
            raise EventInvalid("start", "A timed event needs a start and end time.")
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("Event times are naive wall-clock times in the event's zone.")
        if end < start:
            raise EventInvalid("end", "The end is before the start.")


class Calendar(Folder):
    """A group's events."""

    def add_event(self, event, name=None):
        """Put `event` here under `name`, or under a free id derived from its title (never
        a page's name); IdTaken if `name` is taken."""
        return self.add(name or unique_id(self, event.title), event)

    def occurrences(self, start, end, viewer_tz):
        """Every occurrence overlapping [start, end) (aware datetimes), in time order.

        All-day occurrences are placed on their days in `viewer_tz`.
        """
        found = []
        for event in self.values():
            found.extend(event.occurrences(start, end, viewer_tz))
        found.sort(key=itemgetter(7, 4))  # at, title
        return found

    def by_uid(self):
        """{iCalendar UID: event} for the events here."""
        return {event.uid: event for event in self.values()}


class Event(Persistent):
    """One event, possibly recurring.

    `start` and `end` are naive wall-clock datetimes in `timezone` (an IANA name), or dates
    for all-day events with `end` exclusive, as in iCalendar. `exdates` holds the recurrence
    ids of cancelled occurrences, `overrides` maps a recurrence id to the fields changed for
    that one occurrence.
    """

    rdates = frozenset()  # extra occurrences (RDATE): starts in the event's own kind

    def __init__(self, title, start, end, timezone="UTC", all_day=False, rrule="",
                 location="", url="", description="", author=None, uid=None, rdates=()):
        self.uid = uid or f"{uuid.uuid4()}@workspace"
        self.author = author
        self.created = now_utc()
        self.sequence = 0
        self.exdates = frozenset()
        self.overrides = {}
        self.title, self.location, self.url, self.description = title, location, url, description
        self.set_schedule(start, end, timezone, all_day, rrule)
        if rdates:
            self.set_rdates(rdates)
        self.modified, self.modified_by = self.created, author

    # what it is -----------------------------------------------------------
    @property
    def tz(self):
        return zone(self.timezone)

    def aware(self, value):
        """An event wall-clock datetime as an aware datetime; dates stay dates."""
        return value.replace(tzinfo=self.tz) if isinstance(value, datetime) else value

    def search_data(self):
        text = "\n".join(part for part in (self.title, self.location, self.url,
                                           self.description) if part)
        return {"type": "event", "title": self.title, "text": text,
                "author": self.author or "", "modified": self.modified}

    # changing it ------------------------------------------------------------
    def set_schedule(self, start, end, timezone, all_day, rrule):
        """Set when the event happens; EventInvalid (changing nothing) if that is wrong.

        Exceptions follow a moved series (a cancelled 9:00 becomes a cancelled 10:00 when
        the series moves to 10:00) and are dropped when no longer occurrences of it.
        """
        tz = zone(timezone)
        check_times(start, end, all_day)
        rrule = normalise_rrule(rrule, start, tz, all_day)
        old = getattr(self, "start", None)
        shift = None
        if old is not None and isinstance(old, datetime) == isinstance(start, datetime):
            shift = start - old
        self.start, self.end, self.timezone, self.all_day, self.rrule = (
            start, end, timezone, bool(all_day), rrule)
        self._v_rule = None
        if old is not None:
            self._carry_exceptions(shift)

    def set_rdates(self, rdates):
        """Set the extra dates of the series (starts of the event's kind, in its years);
        EventInvalid, changing nothing, for one of another kind or too many."""
        rdates = frozenset(rdates)
        if len(rdates) > MAX_RDATES:
            raise EventInvalid("rdates", f"An event has at most {MAX_RDATES} extra dates.")
        for rdate in rdates:
            if isinstance(rdate, datetime) != (not self.all_day) or (
                    isinstance(rdate, datetime) and rdate.tzinfo is not None):
                raise EventInvalid("rdates", "Extra dates are of the event's kind.")
            if not FIRST_YEAR <= rdate.year <= LAST_YEAR:
                raise EventInvalid("rdates", f"Events happen between {FIRST_YEAR} and "
                                             f"{LAST_YEAR}.")
        self.rdates = rdates

    @property
    def recurs(self):
        """True for a series: a rule, or extra dates."""
        return bool(self.rrule or self.rdates)

    def _carry_exceptions(self, shift):
        if shift is not None and self.rdates:
            self.rdates = frozenset(rdate + shift for rdate in self.rdates)
        elif self.rdates:
            self.rdates = frozenset()
        if not self.recurs or shift is None:
            self.exdates, self.overrides = frozenset(), {}
            return
        self.exdates = frozenset(rid + shift for rid in self.exdates
                                 if self.is_occurrence(rid + shift, ignore_exceptions=True))
        self.overrides = {rid + shift: fields for rid, fields in self.overrides.items()
                          if self.is_occurrence(rid + shift, ignore_exceptions=True)}

    def update(self, actor, **fields):
        """Change any of the fields (schedule fields are checked together)."""
        schedule = ("start", "end", "timezone", "all_day", "rrule")
        if any(name in fields for name in schedule):
            values = {name: fields.pop(name, getattr(self, name)) for name in schedule}
            self.set_schedule(**values)
        for name, value in fields.items():
            if name not in ("title", "location", "url", "description"):
                raise KeyError(name)
            setattr(self, name, value)
        self.changed(actor)

    def changed(self, actor):
        self.sequence += 1
        self.modified, self.modified_by = now_utc(), actor
        notify(ObjectModified(self))

    def cancel_occurrence(self, rid, actor):
        """Cancel one occurrence of the series; KeyError if `rid` is not one of them."""
        if not self.is_occurrence(rid, ignore_exceptions=True) or rid in self.exdates:
            raise KeyError(rid)
        self.exdates = self.exdates | {rid}
        self.overrides = {k: v for k, v in self.overrides.items() if k != rid}
        self.changed(actor)

    def change_occurrence(self, rid, actor, **fields):
        """Change one occurrence (its times, title, location or description only).

        KeyError if `rid` is not a live occurrence; EventInvalid for bad times.
        """
        if not self.is_occurrence(rid):
            raise KeyError(rid)
        if set(fields) - set(OVERRIDE_FIELDS):
            raise KeyError(sorted(set(fields) - set(OVERRIDE_FIELDS)))
        merged = dict(self.overrides.get(rid, {}), **fields)
        start, end = self.occurrence_times(rid, merged)
        check_times(start, end, self.all_day)
        overrides = dict(self.overrides)
        overrides[rid] = merged
        self.overrides = overrides
        self.changed(actor)

    def set_exceptions(self, cancelled, changed):
        """Replace every exception at once (as an import does), leaving out those that are
        not occurrences of the series; EventInvalid for a change with bad times."""
        overrides = {}
        for rid, fields in changed.items():
            if self.is_occurrence(rid, ignore_exceptions=True):
                check_times(*self.occurrence_times(rid, fields), self.all_day)
                overrides[rid] = dict(fields)
        self.exdates = frozenset(rid for rid in cancelled
                                 if self.is_occurrence(rid, ignore_exceptions=True))
        self.overrides = overrides

    def replace_with(self, other, actor):
        """Take every field and exception of `other` (the same event, as re-imported)."""
        for name in ("title", "location", "url", "description", "timezone", "all_day",
                     "rrule", "rdates", "start", "end", "exdates", "overrides"):
            setattr(self, name, getattr(other, name))
        self._v_rule = None
        self.changed(actor)

    def restore_occurrence(self, rid, actor):
        """Undo the cancellation or change of one occurrence; KeyError if there was none."""
        if rid not in self.exdates and rid not in self.overrides:
            raise KeyError(rid)
        self.exdates = self.exdates - {rid}
        self.overrides = {k: v for k, v in self.overrides.items() if k != rid}
        self.changed(actor)

    # expanding it -----------------------------------------------------------
    @property
    def duration(self):
        """The nominal length (wall clock, or days for all-day events)."""
        return self.end - self.start

    @property
    def exact_duration(self):
        """How long the first occurrence lasts in absolute time (days for all-day)."""
        if self.all_day:
            return self.duration
        tz = self.tz
        return self.end.replace(tzinfo=tz).astimezone(UTC) - \
            self.start.replace(tzinfo=tz).astimezone(UTC)

    def end_of(self, start):
        """The end of an occurrence starting at `start` (a wall time or date), as wall
        time: the exact duration later, whatever the clocks do meanwhile."""
        if self.all_day:
            return start + self.duration
        tz = self.tz
        end = start.replace(tzinfo=tz).astimezone(UTC) + self.exact_duration
        return end.astimezone(tz).replace(tzinfo=None)

    def _rule(self):
        cached = getattr(self, "_v_rule", None)
        if cached is None or cached[0] != (self.rrule, self.start, self.timezone):
            rule = expansion_rule(self.rrule, wall(self.start), self.tz)
            cached = self._v_rule = ((self.rrule, self.start, self.timezone), rule)
        return cached[1]

    def _starts(self, low, high):
        """The series' starts in [low, high] (wall times), at most MAX_EXPANSION of them,
        read lazily so that a stored rule, however dense, costs what it may yield; the
        extra dates among them, in order."""
        extra = sorted(p for p in map(wall, self.rdates) if low <= p <= high)
        points = self._rule().xafter(low, inc=True) if self.rrule else iter(())
        n = 0
        for point in points:
            if point > high or n >= MAX_EXPANSION:
                break
            while extra and extra[0] <= point:
                candidate = extra.pop(0)
                if candidate != point:
                    n += 1
                    yield candidate
            n += 1
            yield point
        yield from extra[:max(0, MAX_EXPANSION - n)]

    def is_occurrence(self, rid, ignore_exceptions=False):
        """True if `rid` is an original start of this series (and not cancelled)."""
        if not self.recurs or isinstance(rid, datetime) != isinstance(self.start, datetime):
            return False
        if not ignore_exceptions and rid in self.exdates:
            return False
        if rid in self.rdates:
            return True
        point = wall(rid)
        return bool(self.rrule and self._rule().between(point, point, inc=True))

    def occurrence_times(self, rid, fields=None):
        """(start, end) of occurrence `rid`, as changed by `fields` (its override if None)."""
        fields = self.overrides.get(rid, {}) if fields is None else fields
        start = fields.get("start", rid)
        return start, fields.get("end", self.end_of(start))

    def _occurrence(self, rid, start, end, viewer_tz, fields=None):
        fields = fields or {}
        start, end = self.aware(start), self.aware(end)
        at = (start if isinstance(start, datetime)
              else datetime.combine(start, time(), viewer_tz)).timestamp()
        return Occurrence(self, rid, start, end, fields.get("title", self.title),
                          fields.get("location", self.location), bool(fields), at)

    def _single(self, range_start, range_end):
        """A timed single event's occurrence if it overlaps the range, compared as numbers
        computed once (per connection) rather than as datetimes of two zones each time."""
        key = (self.start, self.end, self.timezone, self.title, self.location)
        cached = getattr(self, "_v_single", None)
        if cached is None or cached[0] != key:
            occurrence = self._occurrence(None, self.start, self.end, None)
            cached = self._v_single = (key, occurrence, occurrence.end.timestamp())
        occurrence, end_at = cached[1], cached[2]
        low, high = range_start.timestamp(), range_end.timestamp()
        start_at = occurrence.at
        inside = (low <= start_at < high) if start_at == end_at else (
            start_at < high and end_at > low)
        return [occurrence] if inside else []

    def _overlaps(self, start, end, range_start, range_end, viewer_tz):
        """Does [start, end) (event wall times or dates) overlap the aware range?"""
        if self.all_day:
            start = datetime.combine(start, time(), viewer_tz)
            end = datetime.combine(end, time(), viewer_tz)
        else:
            tz = self.tz
            start, end = start.replace(tzinfo=tz), end.replace(tzinfo=tz)
        if start == end:
            return range_start <= start < range_end
        return start < range_end and end > range_start

    def occurrences(self, range_start, range_end, viewer_tz):
        """This event's occurrences overlapping [range_start, range_end), unordered."""
        if not self.recurs:
            if not self.all_day:
                return self._single(range_start, range_end)
            if self._overlaps(self.start, self.end, range_start, range_end, viewer_tz):
                return [self._occurrence(None, self.start, self.end, viewer_tz)]
            return []
        # Candidate starts in wall-clock time, a day wider each side than the range so that
        # zone offsets and DST shifts cannot drop one. Those a day clear of both ends are in
        # for sure; only the others need the exact (and slower) test.
        tz, pad, duration = self.tz, timedelta(days=1), self.duration
        exact = self.exact_duration
        wall_start = range_start.astimezone(tz).replace(tzinfo=None)
        wall_end = range_end.astimezone(tz).replace(tzinfo=None)
        sure_from, sure_until = wall_start + pad - duration, wall_end - pad
        skip = self.exdates | self.overrides.keys() if (self.exdates or self.overrides) else ()
        found = []
        all_day, title, location = self.all_day, self.title, self.location
        for point in self._starts(wall_start - duration - pad, wall_end + pad):
            rid = point.date() if all_day else point
            if rid in skip:
                continue
            if all_day:
                if not self._overlaps(rid, rid + duration, range_start, range_end, viewer_tz):
                    continue
                found.append(self._occurrence(rid, rid, rid + duration, viewer_tz))
                continue
            start = point.replace(tzinfo=tz)
            end = (start.astimezone(UTC) + exact).astimezone(tz)
            if not (sure_from <= point <= sure_until or (
                    (range_start <= start < range_end) if start == end
                    else (start < range_end and end > range_start))):
                continue
            found.append(Occurrence(self, rid, start, end, title, location, False,
                                    start.timestamp()))
        for rid, fields in self.overrides.items():
            start, end = self.occurrence_times(rid, fields)
            if self._overlaps(start, end, range_start, range_end, viewer_tz):
                found.append(self._occurrence(rid, start, end, viewer_tz, fields))
        return found

    def upcoming(self, after, limit, viewer_tz):
        """Up to `limit` occurrences ending after `after`, in order (for the event page)."""
        if not self.recurs:
            return self.occurrences(after, after + timedelta(days=366 * 300), viewer_tz)
        window = timedelta(days=62)
        found, start = {}, after
        for _ in range(60):  # at most ten years ahead
            for occurrence in self.occurrences(start, start + window, viewer_tz):
                found.setdefault((occurrence.rid, occurrence.start), occurrence)
            if len(found) >= limit:
                break
            start += window
        return sorted(found.values(), key=itemgetter(7, 4))[:limit]
