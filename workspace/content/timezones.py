"""Time zones as calendar files carry them: VTIMEZONEs written with RRULEs, and the zone
names other programs write (Windows names, a file's own VTIMEZONE) read as IANA names.

Why not icalendar's `Timezone.from_tzid`: it lists every clock change of an observance in
one RDATE of some 75 values and stops at a fixed year. ical.js (Thunderbird) and vobject
read only the first value, so every event came out at one fixed offset, and events past
the last year were an hour off. Here each run of yearly changes that follow one rule
("last Sunday of October at 02:00") is one observance with an RRULE, open-ended for the
rule in force now, and a DTSTART is the wall time before the change (RFC 5545 3.6.5:
London springs forward at 01:00, not at 02:00).

Reading, a TZID is taken as an IANA name, then as a Windows name (icalendar's CLDR table),
then as a vendor path ending in an IANA name, and last through the file's own VTIMEZONE:
the IANA zone whose clock agrees with it over the years the event runs. icalendar caches a
file's custom VTIMEZONE for the whole process by its TZID ("Customized Time Zone" is a
name every Outlook file may use for a different zone), so the file's own component is read
afresh here and never taken from that cache.
"""
from calendar import monthrange
from datetime import date, datetime, timedelta, timezone
import functools
import zoneinfo

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

UTC = timezone.utc
KNOWN_ZONES = frozenset(zoneinfo.available_timezones())
FIRST_YEAR = 1970
# Transitions are looked for up to here; a rule still in force then is written without an
# end, so the zone keeps working for events of any later year.
SCAN_YEARS_AHEAD = 12
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# CLDR's table still uses some names IANA has since replaced.
RENAMED = {"Asia/Calcutta": "Asia/Kolkata", "Asia/Katmandu": "Asia/Kathmandu",
           "Asia/Rangoon": "Asia/Yangon", "Asia/Saigon": "Asia/Ho_Chi_Minh",
           "Europe/Kiev": "Europe/Kyiv", "America/Godthab": "America/Nuuk",
           "Atlantic/Faeroe": "Atlantic/Faroe", "Pacific/Enderbury": "Pacific/Kanton",
           "America/Buenos_Aires": "America/Argentina/Buenos_Aires"}
WINDOWS_ZONES = {windows: RENAMED.get(name, name) for windows, name in WINDOWS_TO_OLSON.items()
                 if RENAMED.get(name, name) in KNOWN_ZONES}
# The zones a matched VTIMEZONE is first compared with, so that a clock many zones share
# gets the name people know it by (Europe/Berlin, not Africa/Ceuta): the most used ones,
# then those Windows names map to, then all others.
COMMON_ZONES = ("Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York",
                "America/Chicago", "America/Denver", "America/Los_Angeles", "Asia/Kolkata",
                "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland",
                "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "Africa/Cairo",
                "America/Sao_Paulo", "America/Mexico_City", "Asia/Dubai", "Asia/Singapore")
PREFERRED_ZONES = tuple(dict.fromkeys(COMMON_ZONES + tuple(WINDOWS_ZONES.values())))


# --- writing -------------------------------------------------------------------------

def transitions(tz, first_year, last_year):
    """Every change of (offset, is-dst, name) of `tz` in [first_year, last_year] as
    (utc instant, offset before, offset after, dst?, name after), oldest first."""
    def state(instant):
        local = instant.astimezone(tz)
        return local.utcoffset(), bool(local.dst()), local.tzname()

    found = []
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=12)
    before = state(moment)
    while moment < end:
        nxt = moment + step
        after = state(nxt)
        if after != before:
            low, high = moment, nxt  # the change lies in (low, high]: find its minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    middle = low + timedelta(minutes=1)
                if state(middle) == before:
                    low = middle
                else:
                    high = middle
            found.append((high, before[0], after[0], after[1], after[2]))
            before = after
        moment = nxt
    return found


def rule_keys(local):
    """The yearly rules a wall time fits: the nth or last weekday of its month, the
    weekday on or after a day, or the day of the month itself."""
    days_in_month = monthrange(local.year, local.month)[1]
    weekday = local.weekday()
    keys = {("nth", (local.day - 1) // 7 + 1, weekday), ("day", local.day)}
    if local.day > days_in_month - 7:
        keys.add(("last", weekday))
    shortest = monthrange(2001, local.month)[1]  # February of a common year
    keys.update(("after", d, weekday) for d in range(max(1, local.day - 6), local.day + 1)
                if d + 6 <= shortest)
    return keys


RULE_PREFERENCE = {"last": 0, "nth": 1, "day": 2, "after": 3}


def rrule_of(rule, local):
    """The RRULE value of a yearly rule found by `rule_keys` for wall time `local`."""
    recur = {"FREQ": "YEARLY", "BYMONTH": local.month}
    if rule[0] == "last":
        recur["BYDAY"] = f"-1{DAY_CODES[rule[1]]}"
    elif rule[0] == "nth":
        recur["BYDAY"] = f"{rule[1]}{DAY_CODES[rule[2]]}"
    elif rule[0] == "day":
        recur["BYMONTHDAY"] = local.day
    else:
        recur["BYDAY"] = DAY_CODES[rule[2]]
        recur["BYMONTHDAY"] = list(range(rule[1], rule[1] + 7))
    return recur


def runs(changes):
    """Group the transitions of one kind into runs, one a year at the same wall time of
    the same month, that follow one yearly rule: [(rule or None, [(instant, wall)...])]."""
    out = []
    for instant, local in changes:
        if out:
            keys, members = out[-1]
            last = members[-1][1]
            if local.year == last.year + 1 and (local.month, local.time()) == (
                    last.month, last.time()):
                common = keys & rule_keys(local)
                if common:
                    out[-1] = (common, members + [(instant, local)])
                    continue
        out.append((rule_keys(local), [(instant, local)]))
    return [(min(keys, key=lambda k: (RULE_PREFERENCE[k[0]], k[1:])) if len(members) > 1
             else None, members) for keys, members in out]


def observance(is_dst, start, offset_from, offset_to, name, recur=None):
    """One STANDARD or DAYLIGHT component: from when, which offsets, by which rule."""
    component = icalendar.TimezoneDaylight() if is_dst else icalendar.TimezoneStandard()
    component.add("dtstart", start)
    component.add("tzoffsetfrom", offset_from)
    component.add("tzoffsetto", offset_to)
    if name:
        component.add("tzname", name)
    if recur:
        component.add("rrule", recur)
    return component


@functools.lru_cache(maxsize=256)
def zone_transitions(name, last_year):
    """`transitions` of IANA zone `name` from FIRST_YEAR to `last_year`, once a process."""
    return tuple(transitions(zoneinfo.ZoneInfo(name), FIRST_YEAR, last_year))


@functools.lru_cache(maxsize=256)
def gaps(name, this_year=None):
    """The wall-clock spans that do not exist in zone `name` (the hour skipped when the
    clocks go forward), as (first, end) naive datetimes, oldest first."""
    last_year = (this_year or date.today().year) + SCAN_YEARS_AHEAD
    return tuple(((instant + before).replace(tzinfo=None), (instant + after).replace(tzinfo=None))
                 for instant, before, after, _, _ in zone_transitions(name, last_year)
                 if after > before)


@functools.lru_cache(maxsize=256)
def vtimezone(name, this_year=None):
    """The VTIMEZONE of IANA zone `name`, from 1970 on, with RRULEs (see the module's
    docstring); made once per process and only read afterwards."""
    tz = zoneinfo.ZoneInfo(name)
    last_year = (this_year or date.today().year) + SCAN_YEARS_AHEAD
    component = icalendar.Timezone()
    component.add("tzid", name)
    component.add("x-lic-location", name)
    first = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC).astimezone(tz)
    component.add_component(observance(bool(first.dst()), datetime(FIRST_YEAR, 1, 1),
                                        first.utcoffset(), first.utcoffset(), first.tzname()))
    kinds = {}
    for instant, before, after, is_dst, tzname in zone_transitions(name, last_year):
        local = (instant + before).replace(tzinfo=None)  # the wall time before the change
        kinds.setdefault((before, after, is_dst, tzname), []).append((instant, local))
    pieces = []
    for (before, after, is_dst, tzname), changes in kinds.items():
        for rule, members in runs(changes):
            start = members[0][1]
            recur = None
            if rule is not None:
                recur = rrule_of(rule, start)
                if members[-1][1].year < last_year:  # the rule ended: say when
                    recur["UNTIL"] = members[-1][0]
            pieces.append((start, observance(is_dst, start, before, after, tzname, recur)))
    for _, piece in sorted(pieces, key=lambda p: p[0]):
        component.add_component(piece)
    return component


# --- reading ---------------------------------------------------------------------------

def clean_tzid(tzid):
    return (tzid or "").strip().strip('"').strip()


def named_zone(tzid):
    """The IANA name a TZID stands for by its name alone, or None."""
    tzid = clean_tzid(tzid)
    if tzid in KNOWN_ZONES:
        return tzid
    if tzid.upper() in ("UTC", "GMT", "Z", "ETC/UTC"):
        return "UTC"
    if tzid in WINDOWS_ZONES:
        return WINDOWS_ZONES[tzid]
    parts = tzid.strip("/").split("/")  # "/mozilla.org/20050126_1/Europe/Berlin"
    for start in range(1, len(parts)):
        candidate = "/".join(parts[start:])
        if candidate in KNOWN_ZONES:
            return candidate
    return None


def file_zones(cal):
    """{TZID: VTIMEZONE component} of a parsed calendar."""
    return {clean_tzid(str(c["TZID"])): c for c in cal.walk("VTIMEZONE") if "TZID" in c}


def zone_from_component(component, around):
    """The IANA name of the zone whose clock agrees with VTIMEZONE `component` every
    fortnight for three years from `around` (a year), or None."""
    try:
        custom = component.to_tz(lookup_tzid=False)
    except Exception:  # a VTIMEZONE icalendar cannot read is like none at all
        return None
    year = min(max(around, FIRST_YEAR), 2190)
    probes = [datetime(year, 1, 1, 12) + timedelta(days=14 * i) for i in range(80)]
    try:
        wanted = [p.replace(tzinfo=custom).utcoffset() for p in probes]
    except Exception:
        return None
    return _match(tuple(wanted), year)


@functools.lru_cache(maxsize=256)
def _match(wanted, year):
    probes = [datetime(year, 1, 1, 12) + timedelta(days=14 * i) for i in range(80)]
    others = sorted(KNOWN_ZONES - set(PREFERRED_ZONES) - {"UTC"})
    for name in ("UTC",) + PREFERRED_ZONES + tuple(others):
        tz = zoneinfo.ZoneInfo(name)
        if all(p.replace(tzinfo=tz).utcoffset() == w for p, w in zip(probes, wanted)):
            return name
    return None


def resolve_zone(tzid, zones, around):
    """The IANA name for a TZID of a file whose VTIMEZONEs are `zones`, for an event in
    year `around`; None if neither its name nor its VTIMEZONE says."""
    name = named_zone(tzid)
    if name is None and clean_tzid(tzid) in zones:
        name = zone_from_component(zones[clean_tzid(tzid)], around)
    return name
