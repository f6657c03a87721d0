"""A recurrence rule in words, for people: "Every 2 weeks on Monday, until 30 November 2026".

Calendars store and exchange RFC 5545 RRULE texts (see `calendar.py`); this says the
common ones in plain English and falls back to the rule itself for the rest, so that no
page ever describes a rule wrongly.
"""
from datetime import datetime

from icalendar.prop import vRecur

DAY_NAMES = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
             "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last",
            -2: "second to last"}
UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
# The parts of a rule that have words here; a rule with any other is shown as it is.
WORDED_PARTS = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL",
                          "WKST"})


def until_day(event):
    """The last day of a series that has an UNTIL, in the event's own zone; else None."""
    until = vRecur.from_ical(event.rrule).get("UNTIL") if event.rrule else None
    if not until:
        return None
    until = until[0]
    if isinstance(until, datetime):
        return (until.astimezone(event.tz) if until.tzinfo else until).date()
    return until


def describe_rrule(event):
    """The event's repeat rule in words for the common parts; the RRULE itself when it
    uses others."""
    recur = vRecur.from_ical(event.rrule)
    if set(recur) - WORDED_PARTS:
        return event.rrule + also_on(event)
    unit = UNITS[recur["FREQ"][0]]
    interval = recur.get("INTERVAL", [1])[0]
    words = f"Every {interval} {unit}s" if interval > 1 else f"Every {unit}"
    days = []
    for day in recur.get("BYDAY", []):
        ordinal, name = (int(day[:-2]) if day[:-2] else None), DAY_NAMES.get(day[-2:])
        if name is None or (ordinal is not None and ordinal not in ORDINALS):
            return event.rrule
        days.append(f"the {ORDINALS[ordinal]} {name}" if ordinal else name)
    if not days and unit == "week":
        days = [event.start.strftime("%A")]
    if days:
        words += " on " + ", ".join(days)
    if recur.get("BYMONTHDAY"):
        words += " on day " + ", ".join(str(d) for d in recur["BYMONTHDAY"])
    if recur.get("COUNT"):
        words += f", {recur['COUNT'][0]} times"
    last = until_day(event)
    if last:
        words += f", until {last.strftime('%-d %B %Y')}"
    return words + also_on(event)


def also_on(event):
    """", and also on 31 December 2026" for a series' extra dates (RDATE), the first few."""
    if not event.rdates:
        return ""
    days = sorted(event.rdates)
    named = ", ".join(d.strftime("%-d %B %Y") for d in days[:3])
    more = f" and {len(days) - 3} more dates" if len(days) > 3 else ""
    return f", and also on {named}{more}"
