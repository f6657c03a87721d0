"""Group calendars: month, week and agenda pages in the viewer's time zone, event pages and
forms, and their JSON API twins (events, occurrences in a range, one-occurrence changes).

iCalendar export, import and the personal subscription feed live in `feeds.py`.
"""
from datetime import date, datetime, time, timedelta
import zoneinfo

import colander
import deform
from icalendar.prop import vRecur
from pyramid.httpexceptions import HTTPFound, HTTPNoContent, HTTPNotFound
from pyramid.view import view_config, view_defaults

from ..content.calendar import (FIRST_YEAR, OVERRIDE_FIELDS, UTC, Calendar, Event,
                                EventInvalid, parse_rid, rid_text)
from ..content.ids import MAX_LEN, unique_id
from ..content.text import render_markdown
from ..content.trash import move_to_trash
from .api import api_error, iso, read_json
from .base import FieldError, FormView
from .people import optional
from .schemas import TIMEZONES, slug_validator, strict, text

MAX_RANGE = timedelta(days=400)
YEARS_AHEAD = 30  # how far ahead calendars are shown (expansion walks from each start)
RESERVED_IDS = frozenset({"add", "import"})  # view names of the calendar
AGENDA_DAYS = 30
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REPEATS = (("", "Does not repeat"), ("FREQ=DAILY", "Every day"),
           ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday (Monday to Friday)"),
           ("FREQ=WEEKLY", "Every week"), ("FREQ=WEEKLY;INTERVAL=2", "Every two weeks"),
           ("FREQ=MONTHLY", "Every month"), ("FREQ=YEARLY", "Every year"),
           ("custom", "Custom (RRULE below)"))


# --- time helpers --------------------------------------------------------------------

def viewer_tz(request):
    """The viewer's own time zone, from their profile (UTC if it is not a known zone)."""
    try:
        return zoneinfo.ZoneInfo(request.user.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def when(value):
    """ISO 8601: with its offset for a datetime, YYYY-MM-DD for a date."""
    return iso(value) if isinstance(value, datetime) else value.isoformat()


def parse_moment(value, field, tz, all_day):
    """An ISO 8601 text as the event's wall-clock time in `tz` (a date for all-day events).

    A time with an offset is an instant, shown in `tz`; one without is already wall time.
    """
    try:
        parsed = (date.fromisoformat(value) if len(value) == 10
                  else datetime.fromisoformat(value))
    except (ValueError, TypeError):
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


def local_day(moment, tz):
    """The viewer's calendar day of an occurrence start or end (dates are days already)."""
    return moment.astimezone(tz).date() if isinstance(moment, datetime) else moment


def days_of(occurrence, tz):
    """The viewer's days an occurrence covers (an end at midnight belongs to the day before)."""
    first = local_day(occurrence.start, tz)
    if isinstance(occurrence.end, datetime):
        end = occurrence.end.astimezone(tz)
        last = end.date() - timedelta(days=1) if end.time() == time() else end.date()
    else:
        last = occurrence.end - timedelta(days=1)
    last = max(first, last)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --- JSON shapes ------------------------------------------------------------------------

def event_json(request, event):
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


def in_zone(value, tz):
    return value.astimezone(tz) if isinstance(value, datetime) else value


def occurrence_json(occurrence, tz):
    """An occurrence, its times in the viewer's zone `tz` (all-day dates as they are)."""
    return {"event": occurrence.event.__name__,
            "recurrence_id": rid_text(occurrence.rid) if occurrence.rid is not None else None,
            "title": occurrence.title, "start": when(in_zone(occurrence.start, tz)),
            "end": when(in_zone(occurrence.end, tz)), "all_day": occurrence.event.all_day,
            "location": occurrence.location, "changed": occurrence.changed}


# --- input -------------------------------------------------------------------------------

def url_validator(node, value):
    if value and not value.startswith(("https://", "http://")):
        raise colander.Invalid(node, "An online link starts with https:// or http://.")


def event_schema():
    """An event in the JSON API: times are ISO 8601 texts, read by `event_fields`."""
    schema = colander.SchemaNode(strict())
    schema.add(text("id", MAX_LEN, missing=None, validator=slug_validator))
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
    schema.add(text("start", 40, missing=colander.drop))
    schema.add(text("end", 40, missing=colander.drop))
    schema.add(text("location", 500, missing=colander.drop))
    schema.add(text("description", 20000, missing=colander.drop))
    return schema


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
        duration = event.duration if event and event.all_day == all_day else None
        fields["end"] = start + duration if duration is not None else default_end(start,
                                                                                   all_day)
    return fields


def occurrence_fields(event, data):
    fields = {k: v for k, v in data.items() if k in ("title", "location", "description")}
    tz = event.tz
    for name in ("start", "end"):
        if name in data:
            fields[name] = parse_moment(data[name], name, tz, event.all_day)
    if "start" in fields and "end" not in fields:
        fields["end"] = fields["start"] + event.duration
    return fields


def invalid(exc):
    return api_error(400, "invalid", exc.message, {exc.field: exc.message})


def range_param(request, name, default, tz):
    """A `start`/`end` query parameter as an aware datetime (a date is midnight in `tz`)."""
    value = request.params.get(name)
    if not value:
        return default
    try:
        parsed = (date.fromisoformat(value) if len(value) == 10
                  else datetime.fromisoformat(value))
    except ValueError:
        raise api_error(400, "invalid", f"`{name}` is an ISO 8601 date or time.",
                        {name: "not ISO 8601"})
    if not isinstance(parsed, datetime):
        parsed = datetime.combine(parsed, time())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def shown_years(today):
    """The first and last year calendars show."""
    return FIRST_YEAR, today.year + YEARS_AHEAD


def month_start(day):
    return day.replace(day=1)


def next_month(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def midnight(day, tz):
    return datetime.combine(day, time(), tz)


# --- content changes shared by the API and the forms --------------------------------

def new_event_id(calendar, title):
    """A free id derived from `title` that no view name of the calendar shadows."""
    return unique_id(calendar, title, RESERVED_IDS)


def add_event(request, calendar, fields, given_id=None):
    """Create an event; KeyError if the given id is taken, EventInvalid for bad fields."""
    name = given_id or new_event_id(calendar, fields["title"])
    if name in calendar or name in RESERVED_IDS:
        raise KeyError(name)
    event = Event(author=request.user.login, **fields)
    return calendar.add(name, event)


def delete_event(request, event):
    group_id = event.__parent__.__parent__.__name__
    move_to_trash(event, request.user.login)
    request.site.audit.record(request.user.login, "event_deleted",
                              f"{group_id}/calendar/{event.__name__}")


def subpath_rid(request, event):
    """The recurrence id named in the URL after `occurrences/`; 404 if it names nothing."""
    try:
        if len(request.subpath) not in (1, 2):
            raise ValueError
        rid = parse_rid(request.subpath[0])
    except ValueError:
        raise api_error(404, message="Name an occurrence: occurrences/20261123T090000.")
    if isinstance(rid, datetime) == event.all_day:
        raise api_error(404, message="This event has no such occurrence.")
    return rid


# --- JSON API --------------------------------------------------------------------------------

@view_defaults(context=Calendar, route_name="api", renderer="json")
class CalendarAPI:
    def __init__(self, context, request):
        self.context, self.request = context, request

    @view_config(request_method="GET", permission="view")
    def occurrences(self):
        """Occurrences overlapping `start`..`end` (default: this month, viewer's zone)."""
        tz = viewer_tz(self.request)
        today = datetime.now(tz).date()
        start = range_param(self.request, "start", midnight(month_start(today), tz), tz)
        end = range_param(self.request, "end", midnight(next_month(today), tz), tz)
        if end <= start:
            raise api_error(400, "invalid", "`end` is after `start`.", {"end": "before start"})
        if end - start > MAX_RANGE:
            raise api_error(400, "range_too_long",
                            f"Ask for at most {MAX_RANGE.days} days at a time.",
                            {"end": "too far from start"})
        if not (shown_years(today)[0] <= start.year and end.year <= shown_years(today)[1]):
            raise api_error(400, "range_out_of_bounds",
                            "Calendars show the years from {} to {}.".format(
                                *shown_years(today)), {"start": "out of bounds"})
        found = self.context.occurrences(start, end, tz)
        return {"start": iso(start), "end": iso(end), "timezone": str(tz),
                "occurrences": [occurrence_json(o, tz) for o in found]}

    @view_config(request_method="POST", permission="edit")
    def create(self):
        data = read_json(self.request, event_schema())
        try:
            fields = event_fields(data, default_tz=str(viewer_tz(self.request)))
            event = add_event(self.request, self.context, fields, data.get("id"))
        except EventInvalid as exc:
            raise invalid(exc)
        except KeyError:
            raise api_error(409, "taken", "That id is taken.", {"id": "taken"})
        self.request.response.status = 201
        return {"id": event.__name__, "uid": event.uid}


@view_defaults(context=Event, route_name="api", renderer="json")
class EventAPI:
    def __init__(self, context, request):
        self.context, self.request = context, request

    @view_config(request_method="GET", permission="view")
    def get(self):
        return event_json(self.request, self.context)

    @view_config(request_method="PUT", permission="edit", containment=Calendar)
    def put(self):
        schema = optional(event_schema())
        del schema["id"]
        data = read_json(self.request, schema)
        try:
            self.context.update(self.request.user.login, **event_fields(data, self.context))
        except EventInvalid as exc:
            raise invalid(exc)
        return event_json(self.request, self.context)

    @view_config(request_method="DELETE", permission="edit", containment=Calendar)
    def delete(self):
        delete_event(self.request, self.context)
        return HTTPNoContent()

    @view_config(name="occurrences", request_method="DELETE", permission="edit",
                 containment=Calendar)
    def cancel_occurrence(self):
        rid = subpath_rid(self.request, self.context)
        try:
            self.context.cancel_occurrence(rid, self.request.user.login)
        except KeyError:
            raise api_error(404, message="This event has no such occurrence.")
        return HTTPNoContent()

    @view_config(name="occurrences", request_method="PUT", permission="edit",
                 containment=Calendar)
    def change_occurrence(self):
        rid = subpath_rid(self.request, self.context)
        data = read_json(self.request, occurrence_schema())
        try:
            self.context.change_occurrence(rid, self.request.user.login,
                                           **occurrence_fields(self.context, data))
        except EventInvalid as exc:
            raise invalid(exc)
        except KeyError:
            raise api_error(404, message="This event has no such occurrence.")
        return event_json(self.request, self.context)

    @view_config(name="occurrences", request_method="POST", permission="edit",
                 containment=Calendar)
    def restore_occurrence(self):
        """POST .../occurrences/{rid}/restore: undo a cancellation or a change."""
        rid = subpath_rid(self.request, self.context)
        if self.request.subpath[1:] != ("restore",):
            raise api_error(404, message="POST .../occurrences/{id}/restore.")
        try:
            self.context.restore_occurrence(rid, self.request.user.login)
        except KeyError:
            raise api_error(404, message="That occurrence was neither cancelled nor changed.")
        return event_json(self.request, self.context)


# --- HTML pages -------------------------------------------------------------------------------

def day_param(request, tz):
    """The `date` asked for, or today when there is none (or none a calendar shows)."""
    today = datetime.now(tz).date()
    try:
        day = date.fromisoformat(request.params.get("date", ""))
    except ValueError:
        return today
    first, last = shown_years(today)
    return day if first < day.year < last else today


def display_item(request, occurrence, day, tz):
    """One line of a day: time (or 'All day' / 'continues'), title, link."""
    start, end = occurrence.start, occurrence.end
    if occurrence.event.all_day:
        label = "All day"
    else:
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        if local_start.date() == day:
            label = local_start.strftime("%H:%M")
            if local_end.date() == day and local_end != local_start:
                label += "–" + local_end.strftime("%H:%M")
        else:
            label = "continues"
    query = {"rid": rid_text(occurrence.rid)} if occurrence.rid is not None else None
    return {"time": label, "title": occurrence.title, "location": occurrence.location,
            "url": request.resource_url(occurrence.event, query=query),
            "changed": occurrence.changed}


def days_with_items(request, occurrences, first, last, tz):
    """{day: [items]} for the viewer's days first..last."""
    by_day = {}
    for occurrence in occurrences:
        for day in days_of(occurrence, tz):
            if first <= day <= last:
                by_day.setdefault(day, []).append(display_item(request, occurrence, day, tz))
    return by_day


@view_config(context=Calendar, renderer="templates/calendar.pt", permission="view")
def calendar_page(request):
    """Month (default), week or agenda, in the viewer's time zone."""
    calendar, tz = request.context, viewer_tz(request)
    mode = request.params.get("view", "month")
    if mode not in ("month", "week", "agenda"):
        mode = "month"
    day = day_param(request, tz)
    if mode == "month":
        first_of_month = month_start(day)
        first = first_of_month - timedelta(days=first_of_month.weekday())
        after = next_month(first_of_month)
        last = after - timedelta(days=1)
        last += timedelta(days=6 - last.weekday())
        previous, following = month_start(first_of_month - timedelta(days=1)), after
        heading = first_of_month.strftime("%B %Y")
    elif mode == "week":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
        heading = f"Week of {first.strftime('%-d %B %Y')}"
    else:
        first, last = day, day + timedelta(days=AGENDA_DAYS - 1)
        previous, following = first - timedelta(days=AGENDA_DAYS), last + timedelta(days=1)
        heading = f"{first.strftime('%-d %B %Y')} to {last.strftime('%-d %B %Y')}"
    found = calendar.occurrences(midnight(first, tz),
                                 midnight(last + timedelta(days=1), tz), tz)
    by_day = days_with_items(request, found, first, last, tz)
    all_days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    group = calendar.__parent__

    def link(view, target):
        return request.resource_url(calendar, query={"view": view, "date": target.isoformat()})

    return {
        "title": f"Calendar: {group.title}", "group": group, "mode": mode,
        "heading": heading, "timezone": str(tz), "today": datetime.now(tz).date(),
        "weeks": [all_days[i:i + 7] for i in range(0, len(all_days), 7)],
        "month": day.month, "weekdays": WEEKDAYS, "by_day": by_day,
        "days": all_days if mode == "week" else [d for d in all_days if d in by_day],
        "previous": link(mode, previous), "following": link(mode, following),
        "views": [(name, link(name, day)) for name in ("month", "week", "agenda")],
        "can_edit": request.has_permission("edit", calendar),
        "add_url": request.resource_url(calendar, "add", query={"date": day.isoformat()}),
        "ics_url": request.resource_url(group, "calendar.ics"),
        "feed_url": request.resource_url(request.user, "calendar-feed"),
    }


def until_day(event):
    """The last day of a series that has an UNTIL, in the event's own zone; else None."""
    until = vRecur.from_ical(event.rrule).get("UNTIL") if event.rrule else None
    if not until:
        return None
    until = until[0]
    if isinstance(until, datetime):
        return (until.astimezone(event.tz) if until.tzinfo else until).date()
    return until


def preset_of(event):
    """The form's repeat choice matching the event's rule (ignoring UNTIL), or None."""
    base = event.rrule.partition(";UNTIL=")[0]
    return base if base and base != "custom" and base in dict(REPEATS) else None


DAY_NAMES = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
             "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last",
            -2: "second to last"}
UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}


def describe_rrule(event):
    """The repeat rule in words ("Every 2 weeks on Monday, until 30 November 2026") for
    the common parts; the RRULE itself when it uses others."""
    recur = vRecur.from_ical(event.rrule)
    if set(recur) - {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL", "WKST"}:
        return event.rrule
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
    if until_day(event):
        words += f", until {until_day(event).strftime('%-d %B %Y')}"
    return words


def format_span(start, end, all_day, tz):
    if all_day:
        last = end - timedelta(days=1)
        if last == start:
            return start.strftime("%A %-d %B %Y") + ", all day"
        return f"{start.strftime('%-d %B %Y')} to {last.strftime('%-d %B %Y')}, all day"
    start, end = start.astimezone(tz), end.astimezone(tz)
    text_start = start.strftime("%A %-d %B %Y, %H:%M")
    if end.date() == start.date():
        return f"{text_start}–{end.strftime('%H:%M')}"
    return f"{text_start} to {end.strftime('%A %-d %B %Y, %H:%M')}"


def selected_occurrence(request, event, tz):
    """The occurrence named by `?rid=` (a link from a calendar page), if it is one."""
    try:
        rid = parse_rid(request.params.get("rid", ""))
    except ValueError:
        return None
    if not event.is_occurrence(rid):
        return None
    start, end = event.occurrence_times(rid)
    return {"rid": rid_text(rid), "title": event.overrides.get(rid, {}).get("title"),
            "when": format_span(event.aware(start), event.aware(end), event.all_day, tz)}


@view_config(context=Event, renderer="templates/event.pt", permission="view")
def event_page(request):
    event, tz = request.context, viewer_tz(request)
    now = datetime.now(UTC)
    upcoming = [{"rid": rid_text(o.rid) if o.rid is not None else None,
                 "when": format_span(o.start, o.end, event.all_day, tz),
                 "title": o.title, "changed": o.changed}
                for o in event.upcoming(now, 10, tz)]
    event_tz_time = None
    if not event.all_day and event.timezone != str(tz):
        event_tz_time = format_span(event.aware(event.start), event.aware(event.end),
                                    False, event.tz) + f" ({event.timezone})"
    exceptions = [{"rid": rid_text(rid), "what": "cancelled",
                   "when": format_span(event.aware(rid), event.aware(rid + event.duration),
                                       event.all_day, tz)}
                  for rid in sorted(event.exdates)]
    exceptions += [{"rid": rid_text(rid), "what": "changed",
                    "when": format_span(event.aware(rid), event.aware(rid + event.duration),
                                        event.all_day, tz)}
                   for rid in sorted(event.overrides)]
    return {
        "selected": selected_occurrence(request, event, tz),
        "title": event.title, "event": event, "group": event.__parent__.__parent__,
        "when": format_span(event.aware(event.start), event.aware(event.end),
                            event.all_day, tz),
        "event_tz_time": event_tz_time, "timezone": str(tz),
        "repeats": describe_rrule(event) if event.rrule else None,
        "html": render_markdown(event.description), "upcoming": upcoming,
        "exceptions": exceptions, "in_trash": not isinstance(event.__parent__, Calendar),
        "can_edit": (request.has_permission("edit", event)
                     and isinstance(event.__parent__, Calendar)),
        "csrf": request.session.get_csrf_token(),
    }


@view_config(context=Event, name="delete", request_method="POST", permission="edit",
             containment=Calendar)
def delete_event_form(request):
    calendar = request.context.__parent__
    title = request.context.title
    delete_event(request, request.context)
    request.session.flash(f"“{title}” moved to the group's trash.")
    return HTTPFound(request.resource_url(calendar))


@view_config(context=Event, name="occurrence", request_method="POST",
             request_param="action", permission="edit", containment=Calendar)
def occurrence_action(request):
    """A button on the event page: cancel one occurrence, or undo its exception."""
    event = request.context
    try:
        rid = parse_rid(request.POST.get("rid", ""))
        if request.POST["action"] == "cancel":
            event.cancel_occurrence(rid, request.user.login)
            request.session.flash("That occurrence is cancelled.")
        elif request.POST["action"] == "restore":
            event.restore_occurrence(rid, request.user.login)
            request.session.flash("That occurrence is back as the series has it.")
        else:
            raise KeyError(request.POST["action"])
    except (KeyError, ValueError):
        raise HTTPNotFound()
    return HTTPFound(request.resource_url(event))


# --- forms ----------------------------------------------------------------------------------

def date_node(name, title, missing=colander.required):
    return colander.SchemaNode(colander.Date(), name=name, title=title, missing=missing,
                               widget=deform.widget.TextInputWidget(
                                   attributes={"type": "date"}))


def time_node(name, title):
    return colander.SchemaNode(colander.String(), name=name, title=title, missing="",
                               validator=colander.Regex(r"^\d\d:\d\d(:\d\d)?$",
                                                        "Use HH:MM, e.g. 09:30."),
                               widget=deform.widget.TextInputWidget(
                                   attributes={"type": "time"}))


def event_form_schema():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(text("title", 200, title="Title", validator=colander.Length(min=1)))
    schema.add(colander.SchemaNode(colander.Boolean(), name="all_day", title="All day",
                                   missing=False))
    schema.add(date_node("start_date", "Starts on"))
    schema.add(time_node("start_time", "Start time (not needed for all-day events)"))
    schema.add(date_node("end_date", "Ends on (leave empty for the same day)",
                         missing=None))
    schema.add(time_node("end_time", "End time (empty: one hour after the start)"))
    schema.add(colander.SchemaNode(
        colander.String(), name="timezone", title="Time zone",
        validator=colander.OneOf(TIMEZONES),
        widget=deform.widget.SelectWidget(values=[(tz, tz) for tz in TIMEZONES])))
    schema.add(colander.SchemaNode(
        colander.String(), name="repeat", title="Repeats", missing="",
        validator=colander.OneOf([value for value, _ in REPEATS]),
        widget=deform.widget.SelectWidget(values=REPEATS)))
    schema.add(date_node("until", "Repeats until (optional)", missing=None))
    schema.add(text("rrule", 500, missing="", title="Custom repeat rule (RFC 5545 RRULE, "
                                                      "e.g. FREQ=MONTHLY;BYDAY=1TU)"))
    schema.add(text("location", 500, missing="", title="Location"))
    schema.add(text("url", 2000, missing="", title="Online meeting link",
                    validator=url_validator))
    schema.add(text("description", 20000, missing="", title="Description (Markdown)",
                    widget=deform.widget.TextAreaWidget(rows=5)))
    return schema


def form_fields(appstruct):
    """Event fields from the form's values: all-day end dates there are inclusive."""
    all_day = appstruct["all_day"]
    start_date = appstruct["start_date"]
    end_date = appstruct["end_date"] or start_date
    if all_day:
        start, end = start_date, end_date + timedelta(days=1)
    else:
        if not appstruct["start_time"]:
            raise FieldError("start_time", "Give a start time, or tick “All day”.")
        start = datetime.combine(start_date, time.fromisoformat(appstruct["start_time"]))
        if appstruct["end_time"]:
            end = datetime.combine(end_date, time.fromisoformat(appstruct["end_time"]))
        else:
            end = start + timedelta(hours=1)
    repeat = appstruct["repeat"]
    rrule = appstruct["rrule"].strip() if repeat == "custom" else repeat
    if repeat == "custom" and not rrule:
        raise FieldError("rrule", "Write the rule, or choose another repeat.")
    if rrule and appstruct["until"] and "UNTIL=" not in rrule.upper():
        rrule += ";UNTIL=" + appstruct["until"].strftime("%Y%m%d")
    return {"title": appstruct["title"], "start": start, "end": end, "all_day": all_day,
            "timezone": appstruct["timezone"], "rrule": rrule,
            "location": appstruct["location"], "url": appstruct["url"],
            "description": appstruct["description"]}


def form_appstruct(event):
    """The form's values for an event (inverse of `form_fields`)."""
    preset = preset_of(event)
    last = event.end - timedelta(days=1) if event.all_day else event.end
    values = {"title": event.title, "all_day": event.all_day,
              "start_date": event.start if event.all_day else event.start.date(),
              "end_date": last if event.all_day else event.end.date(),
              "start_time": "" if event.all_day else event.start.strftime("%H:%M"),
              "end_time": "" if event.all_day else event.end.strftime("%H:%M"),
              "timezone": event.timezone, "location": event.location,
              "url": event.url, "description": event.description,
              "repeat": preset or ("custom" if event.rrule else ""),
              "rrule": "" if preset else event.rrule}
    if preset and until_day(event):
        values["until"] = until_day(event)
    return values


def form_error(exc):
    names = {"start": "start_date", "end": "end_date", "rrule": "rrule",
             "timezone": "timezone"}
    return FieldError(names.get(exc.field, "title"), exc.message)


@view_config(context=Calendar, name="add", renderer="templates/form.pt", permission="edit")
class AddEventForm(FormView):
    title = "New event"
    buttons = ("create",)

    def schema(self):
        return event_form_schema()

    def appstruct(self):
        tz = viewer_tz(self.request)
        return {"timezone": str(tz),
                "start_date": day_param(self.request, tz), "start_time": "09:00"}

    def save_success(self, appstruct):
        try:
            event = add_event(self.request, self.context, form_fields(appstruct))
        except EventInvalid as exc:
            raise form_error(exc)
        self.request.session.flash(f"Event “{event.title}” added.")
        return HTTPFound(self.request.resource_url(self.context, query={
            "date": event.start.isoformat()[:10]}))


@view_config(context=Event, name="edit", renderer="templates/form.pt", permission="edit",
             containment=Calendar)
class EditEventForm(FormView):
    title = "Edit event"

    def schema(self):
        return event_form_schema()

    def appstruct(self):
        return form_appstruct(self.context)

    def save_success(self, appstruct):
        try:
            self.context.update(self.request.user.login, **form_fields(appstruct))
        except EventInvalid as exc:
            raise form_error(exc)
        self.request.session.flash("Event saved.")
        return HTTPFound(self.request.resource_url(self.context))


def occurrence_form_schema(all_day):
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(text("title", 200, title="Title", validator=colander.Length(min=1)))
    schema.add(date_node("start_date", "Starts on"))
    if not all_day:
        schema.add(time_node("start_time", "Start time"))
    schema.add(date_node("end_date", "Ends on", missing=None))
    if not all_day:
        schema.add(time_node("end_time", "End time"))
    schema.add(text("location", 500, missing="", title="Location"))
    schema.add(text("description", 20000, missing="", title="Description (Markdown)",
                    widget=deform.widget.TextAreaWidget(rows=4)))
    return schema


@view_config(context=Event, name="occurrence", renderer="templates/form.pt",
             permission="edit", containment=Calendar)
class ChangeOccurrenceForm(FormView):
    """Change one occurrence of a series (named by `?rid=`), the rest stays as it is."""

    title = "Change one occurrence"

    def rid(self):
        event = self.context
        try:
            rid = parse_rid(self.request.params.get("rid", ""))
        except ValueError:
            raise HTTPNotFound()
        if not event.is_occurrence(rid):
            raise HTTPNotFound()
        return rid

    def schema(self):
        return occurrence_form_schema(self.context.all_day)

    def appstruct(self):
        event, rid = self.context, self.rid()
        fields = dict({"title": event.title, "location": event.location,
                       "description": event.description}, **event.overrides.get(rid, {}))
        start = fields.pop("start", rid)
        end = fields.pop("end", start + event.duration)
        if event.all_day:
            return dict(fields, start_date=start, end_date=end - timedelta(days=1))
        return dict(fields, start_date=start.date(), start_time=start.strftime("%H:%M"),
                    end_date=end.date(), end_time=end.strftime("%H:%M"))

    def save_success(self, appstruct):
        event, rid = self.context, self.rid()
        end_date = appstruct["end_date"] or appstruct["start_date"]
        if event.all_day:
            start, end = appstruct["start_date"], end_date + timedelta(days=1)
        else:
            if not appstruct["start_time"] or not appstruct["end_time"]:
                raise FieldError("start_time", "Give the start and end time.")
            start = datetime.combine(appstruct["start_date"],
                                     time.fromisoformat(appstruct["start_time"]))
            end = datetime.combine(end_date, time.fromisoformat(appstruct["end_time"]))
        fields = {k: appstruct[k] for k in OVERRIDE_FIELDS if k in appstruct}
        try:
            event.change_occurrence(rid, self.request.user.login, **dict(
                fields, start=start, end=end))
        except EventInvalid as exc:
            raise FieldError("end_date", exc.message)
        self.request.session.flash("That occurrence is changed; the others stay as they were.")
        return HTTPFound(self.request.resource_url(event))

