"""What the calendar's pages, forms and API share: the years a calendar shows, month and
midnight arithmetic in the viewer's zone, the check of an event's online link, and the
query-string types for times and occurrences (read with `read_params`, so a bad value is
a 400)."""
from datetime import date, datetime, time, timedelta

import colander

from ...content.calendar import FIRST_YEAR, parse_rid

TEMPLATES = "workspace:views/templates/"
YEARS_AHEAD = 30  # how far ahead calendars are shown (expansion walks from each start)


def shown_years(today):
    """The first and last year calendars show."""
    return FIRST_YEAR, today.year + YEARS_AHEAD


def month_start(day):
    return day.replace(day=1)


def next_month(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def midnight(day, tz):
    return datetime.combine(day, time(), tz)


def url_validator(node, value):
    """An event's online link: a web address, never javascript: or the like."""
    if value and not value.startswith(("https://", "http://")):
        raise colander.Invalid(node, "An online link starts with https:// or http://.")


def parse_iso(value):
    """An ISO 8601 text as a date (YYYY-MM-DD) or a datetime; ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError(value)
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


class Moment(colander.SchemaType):
    """A query parameter in ISO 8601: a date, or a time with or without an offset."""

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, ""):
            return colander.null
        try:
            return parse_iso(cstruct)
        except ValueError:
            raise colander.Invalid(node, "Use ISO 8601, e.g. 2026-11-23 or "
                                         "2026-11-23T09:00:00+00:00.")


class RecurrenceId(colander.SchemaType):
    """A query parameter naming one occurrence of a series: 20261123T090000 (the event's
    wall time) or 20261123 (all-day)."""

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, ""):
            return colander.null
        try:
            return parse_rid(cstruct)
        except (ValueError, TypeError):
            raise colander.Invalid(node, "Name an occurrence, e.g. 20261123T090000.")


def rid_schema(missing=None):
    """`?rid=`: which occurrence of a series a page is about."""
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(RecurrenceId(), name="rid", missing=missing))
    return schema
