"""The calendar's JSON API: occurrences in a range (recurrences expanded, in the viewer's
zone), events, and changes to one occurrence of a series.

Times come in and go out as ISO 8601 texts; an event keeps wall-clock times in its own
zone, so a time given with an offset is read as that instant seen in the event's zone.
Writes need "edit", which the trash's ACL refuses for a trashed event (409 `in_trash`).
"""
from datetime import date, datetime, time, timedelta
import zoneinfo

import colander
from pyramid.httpexceptions import HTTPNoContent
from pyramid.view import view_config

from ...content.calendar import Calendar, Event, EventInvalid, parse_rid, rid_text
from ...content.ids import MAX_LEN
from ...content.text import render_markdown
from ...content.trash import move_to_trash
from ..api import api_error, iso, read_json
from ..base import BaseView, api_defaults, read_params
from ..schemas import TIMEZONES, new_id_validator, optional, strict, text
from .common import (Moment, midnight, month_start, next_month, parse_iso, shown_years,
                     url_validator)

MAX_RANGE = timedelta(days=400)


def when(value):
    """ISO 8601: with its offset for a datetime, YYYY-MM-DD for a date."""
    return iso(value) if isinstance(value, datetime) else value.isoformat()


def in_zone(value, tz):
    return value.astimezone(tz) if isinstance(value, datetime) else value


def event_json(event):
    return {
        "id": event.__name__, "uid": event.uid, "title": event.title,
        "start": when(event.aware(event.start)), "end": when(event.aware(event.end)),
        "timezone": event.timezone, "all_day": event.all_day, "rrule": event.rrule,
        "location": event.location, "url": event.url, "description": event.description,
        "html": render_markdown(event.description),
        "exceptions": {
            "cancelled": sorted(rid_text(rid) for rid in event.exdates),
            "changed": [dict(override_json(event, fields), recurrence_id=rid_text(rid))
                        for rid, fields in sorted(event.overrides.items())]},
        "author": event.author, "created": iso(event.created),
        "modified": iso(event.modified), "modified_by": event.modified_by,
    }


def override_json(event, fields):
    return {key: when(event.aware(value)) if key in ("start", "end") else value
            for key, value in fields.items()}


def occurrence_json(occurrence, tz):
    """An occurrence, its times in the viewer's zone `tz` (all-day dates as they are)."""
    return {"event": occurrence.event.__name__,
            "recurrence_id": rid_text(occurrence.rid) if occurrence.rid is not None else None,
            "title": occurrence.title, "start": when(in_zone(occurrence.start, tz)),
            "end": when(in_zone(occurrence.end, tz)), "all_day": occurrence.event.all_day,
            "location": occurrence.location, "changed": occurrence.changed}


# --- input -------------------------------------------------------------------------------

def range_schema():
    """`?start=&end=`: dates (midnight in the viewer's zone) or times."""
    schema = colander.SchemaNode(colander.Mapping())
    for name in ("start", "end"):
        schema.add(colander.SchemaNode(Moment(), name=name, missing=None))
    return schema


def event_schema():
    """An event in the JSON API: times are ISO 8601 texts, read by `event_fields`."""
    schema = colander.SchemaNode(strict())
    schema.add(text("id", MAX_LEN, missing=None, validator=new_id_validator))
    schema.add(text("title", 200, validator=colander.Length(min=1)))
    schema.add(text("start", 40))
    schema.add(text("end", 40, missing=None))
    schema.add(colander.SchemaNode(colander.String(), name="timezone", missing=None,
                                   validator=colander.OneOf(TIMEZONES)))
    schema.add(colander.SchemaNode(colander.Boolean(), name="all_day", missing=False))
    schema.add(text("rrule", 500, missing=""))
    schema.add(text("location", 500, missing=""))
    schema.add(text("url", 2000, missing="", validator=url_validator))
    schema.add(text("description", 20000, missing=""))
    return schema


def occurrence_schema():
    schema = colander.SchemaNode(strict())
    schema.add(text("title", 200, missing=colander.drop, validator=colander.Length(min=1)))
    for name, limit in (("start", 40), ("end", 40), ("location", 500),
                        ("description", 20000)):
        schema.add(text(name, limit, missing=colander.drop))
    return schema


def parse_moment(value, field, tz, all_day):
    """An ISO 8601 text as the event's wall-clock time in `tz` (a date for all-day events).

    A time with an offset is an instant, shown in `tz`; one without is already wall time.
    """
    try:
        parsed = parse_iso(value)
    except ValueError:
        raise EventInvalid(field, "Use ISO 8601, e.g. 2026-11-23T09:00:00+00:00 "
                                  "(or 2026-11-23 for an all-day event).")
    if all_day:
        if isinstance(parsed, datetime):
            parsed = (parsed.astimezone(tz) if parsed.tzinfo else parsed).date()
        return parsed
    if not isinstance(parsed, datetime):
        raise EventInvalid(field, "Give a time as well, or make the event all-day.")
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(tz).replace(tzinfo=None)
    return parsed.replace(microsecond=0)


def default_end(start, all_day):
    return start + (timedelta(days=1) if all_day else timedelta(hours=1))


def event_fields(data, event=None, default_tz="UTC"):
    """Event fields from validated API `data` (a new event, or changes to `event`)."""
    fields = {k: data[k] for k in ("title", "location", "url", "description", "rrule",
                                   "all_day") if k in data}
    tz_name = data.get("timezone") or (event.timezone if event else default_tz)
    all_day = fields.get("all_day", event.all_day if event else False)
    tz = zoneinfo.ZoneInfo(tz_name)
    fields["timezone"] = tz_name
    if "start" in data or event is None:
        fields["start"] = parse_moment(data["start"], "start", tz, all_day)
    elif "all_day" in data:  # a new time zone alone keeps the wall-clock times
        fields["start"] = parse_moment(when(event.start), "start", tz, all_day)
    start = fields.get("start", event.start if event else None)
    if data.get("end"):
        fields["end"] = parse_moment(data["end"], "end", tz, all_day)
        if all_day and fields["end"] == start:  # a one-day event named by its only day
            fields["end"] = default_end(start, True)
    elif event is None or "start" in fields:
        # The exact length (RFC 5545), not the wall-clock one, across a clock change.
        fields["end"] = event.end_of(start) if event and event.all_day == all_day else \
            default_end(start, all_day)
    return fields


def occurrence_fields(event, data):
    fields = {k: v for k, v in data.items() if k in ("title", "location", "description")}
    for name in ("start", "end"):
        if name in data:
            fields[name] = parse_moment(data[name], name, event.tz, event.all_day)
    if "start" in fields and "end" not in fields:
        fields["end"] = event.end_of(fields["start"])
    return fields


def invalid(exc):
    return api_error(400, "invalid", exc.message, {exc.field: exc.message})


def instant(value, default, tz):
    """A range end as an aware datetime: a date is midnight in `tz`, so is a naive time."""
    if value is None:
        return default
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return value if value.tzinfo else value.replace(tzinfo=tz)


# --- views -----------------------------------------------------------------------------------

@api_defaults(context=Calendar)
class CalendarAPI(BaseView):
    @view_config(request_method="GET", permission="view")
    def occurrences(self):
        """Occurrences overlapping `start`..`end` (default: this month, viewer's zone)."""
        tz = self.tz
        today = datetime.now(tz).date()
        params = read_params(self.request, range_schema())
        start = instant(params["start"], midnight(month_start(today), tz), tz)
        end = instant(params["end"], midnight(next_month(today), tz), tz)
        if end <= start:
            raise api_error(400, "invalid", "`end` is after `start`.", {"end": "before start"})
        if end - start > MAX_RANGE:
            raise api_error(400, "range_too_long",
                            f"Ask for at most {MAX_RANGE.days} days at a time.",
                            {"end": "too far from start"})
        first, last = shown_years(today)
        if not (first <= start.year and end.year <= last):
            raise api_error(400, "range_out_of_bounds",
                            f"Calendars show the years from {first} to {last}.",
                            {"start": "out of bounds"})
        found = self.context.occurrences(start, end, tz)
        return {"start": iso(start), "end": iso(end), "timezone": str(tz),
                "occurrences": [occurrence_json(o, tz) for o in found]}

    @view_config(request_method="POST", permission="edit")
    def create(self):
        """201 {id, uid}; an id given and taken is a 409 (the IdTaken answer)."""
        data = read_json(self.request, event_schema())
        try:
            event = Event(author=self.request.user.login,
                          **event_fields(data, default_tz=str(self.tz)))
        except EventInvalid as exc:
            raise invalid(exc)
        self.context.add_event(event, data.get("id"))
        self.request.response.status = 201
        return {"id": event.__name__, "uid": event.uid}


@api_defaults(context=Event, permission="edit")
class EventAPI(BaseView):
    @view_config(request_method="GET", permission="view")
    def get(self):
        return event_json(self.context)

    @view_config(request_method="PUT")
    def put(self):
        schema = optional(event_schema())
        del schema["id"]
        data = read_json(self.request, schema)
        try:
            self.context.update(self.request.user.login, **event_fields(data, self.context))
        except EventInvalid as exc:
            raise invalid(exc)
        return event_json(self.context)

    @view_config(request_method="DELETE")
    def delete(self):
        move_to_trash(self.context, self.request.user.login)
        return HTTPNoContent()

    def rid(self):
        """The recurrence id named in the URL after `occurrences/`; 404 if it names nothing."""
        try:
            if len(self.request.subpath) not in (1, 2):
                raise ValueError
            rid = parse_rid(self.request.subpath[0])
        except ValueError:
            raise api_error(404, message="Name an occurrence: occurrences/20261123T090000.")
        if isinstance(rid, datetime) == self.context.all_day:
            raise api_error(404, message="This event has no such occurrence.")
        return rid

    @view_config(name="occurrences", request_method="DELETE")
    def cancel_occurrence(self):
        try:
            self.context.cancel_occurrence(self.rid(), self.request.user.login)
        except KeyError:
            raise api_error(404, message="This event has no such occurrence.")
        return HTTPNoContent()

    @view_config(name="occurrences", request_method="PUT")
    def change_occurrence(self):
        rid = self.rid()
        data = read_json(self.request, occurrence_schema())
        try:
            self.context.change_occurrence(rid, self.request.user.login,
                                           **occurrence_fields(self.context, data))
        except EventInvalid as exc:
            raise invalid(exc)
        except KeyError:
            raise api_error(404, message="This event has no such occurrence.")
        return event_json(self.context)

    @view_config(name="occurrences", request_method="POST")
    def restore_occurrence(self):
        """POST .../occurrences/{rid}/restore: undo a cancellation or a change."""
        rid = self.rid()
        if self.request.subpath[1:] != ("restore",):
            raise api_error(404, message="POST .../occurrences/{id}/restore.")
        try:
            self.context.restore_occurrence(rid, self.request.user.login)
        except KeyError:
            raise api_error(404, message="That occurrence was neither cancelled nor changed.")
        return event_json(self.context)
