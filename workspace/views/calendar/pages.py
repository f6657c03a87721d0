"""The calendar's read pages: month, week and agenda in the viewer's own time zone, and an
event's page (with one occurrence picked out when a calendar page links to it).

They change nothing; the forms and buttons are in `forms`, the JSON twins in `api`. A
trashed event's page still answers, with a notice and no edit controls (the trash's ACL
refuses "edit").
"""
from datetime import datetime, time, timedelta

import colander
from pyramid.decorator import reify
from pyramid.view import view_config, view_defaults

from ...content.calendar import UTC, Calendar, Event, rid_text
from ...content.recurrence import describe_rrule
from ...content.text import render_markdown
from ..base import BaseView, read_params
from .common import (TEMPLATES, midnight, month_start, next_month, rid_schema,
                     shown_years)

AGENDA_DAYS = 30
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MODES = ("month", "week", "agenda")
UPCOMING = 10


def calendar_schema():
    """`?view=month|week|agenda&date=YYYY-MM-DD`."""
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.String(), name="view", missing="month",
                                   validator=colander.OneOf(MODES)))
    schema.add(colander.SchemaNode(colander.Date(), name="date", missing=None))
    return schema


def day_asked(request, tz):
    """The `date` asked for, or today when there is none (or none a calendar shows)."""
    today = datetime.now(tz).date()
    day = read_params(request, calendar_schema())["date"]
    first, last = shown_years(today)
    return day if day is not None and first < day.year < last else today


def on_clock(moment, tz):
    """`moment` as the clocks of `tz` read it. Through UTC: a wall time the clocks skipped
    (01:30 as London springs forward) reads as they read then (02:30), which astimezone
    into the moment's own zone would leave as it is."""
    return moment.astimezone(UTC).astimezone(tz)


def local_day(moment, tz):
    """The viewer's calendar day of an occurrence start or end (dates are days already)."""
    return on_clock(moment, tz).date() if isinstance(moment, datetime) else moment


def days_of(occurrence, tz):
    """The viewer's days an occurrence covers (an end at midnight belongs to the day before)."""
    first = local_day(occurrence.start, tz)
    if isinstance(occurrence.end, datetime):
        end = on_clock(occurrence.end, tz)
        last = end.date() - timedelta(days=1) if end.time() == time() else end.date()
    else:
        last = occurrence.end - timedelta(days=1)
    last = max(first, last)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def format_span(start, end, all_day, tz):
    """When an occurrence happens, in words, in zone `tz`: "Monday 19 October 2026,
    08:00–09:00"; all-day ends are exclusive dates."""
    if all_day:
        last = end - timedelta(days=1)
        if last == start:
            return start.strftime("%A %-d %B %Y") + ", all day"
        return f"{start.strftime('%-d %B %Y')} to {last.strftime('%-d %B %Y')}, all day"
    start, end = on_clock(start, tz), on_clock(end, tz)
    text_start = start.strftime("%A %-d %B %Y, %H:%M")
    if end.date() == start.date():
        return f"{text_start}–{end.strftime('%H:%M')}"
    return f"{text_start} to {end.strftime('%A %-d %B %Y, %H:%M')}"


def period(mode, day):
    """(first day, last day, previous period's day, next period's day, heading)."""
    if mode == "month":
        first_of_month = month_start(day)
        first = first_of_month - timedelta(days=first_of_month.weekday())
        after = next_month(first_of_month)
        last = after - timedelta(days=1)
        last += timedelta(days=6 - last.weekday())
        return (first, last, month_start(first_of_month - timedelta(days=1)), after,
                first_of_month.strftime("%B %Y"))
    if mode == "week":
        first = day - timedelta(days=day.weekday())
        return (first, first + timedelta(days=6), first - timedelta(days=7),
                first + timedelta(days=7), f"Week of {first.strftime('%-d %B %Y')}")
    first, last = day, day + timedelta(days=AGENDA_DAYS - 1)
    return (first, last, first - timedelta(days=AGENDA_DAYS), last + timedelta(days=1),
            f"{first.strftime('%-d %B %Y')} to {last.strftime('%-d %B %Y')}")


@view_defaults(permission="view")
class CalendarPages(BaseView):
    """Templates get `view` (its group, `can`, `trashed`) and what they show."""

    def item(self, occurrence, day):
        """One line of a day: time (or 'All day' / 'continues'), title, link."""
        start, end, tz = occurrence.start, occurrence.end, self.tz
        minutes = None  # (from, to) minutes of `day` it covers, for the week's time grid
        if occurrence.event.all_day:
            label = "All day"
        else:
            local_start, local_end = on_clock(start, tz), on_clock(end, tz)
            if local_start.date() == day:
                label = local_start.strftime("%H:%M")
                if local_end.date() == day and local_end != local_start:
                    label += "–" + local_end.strftime("%H:%M")
            else:
                label = "continues"
            begin = (local_start.hour * 60 + local_start.minute
                     if local_start.date() == day else 0)
            finish = (local_end.hour * 60 + local_end.minute
                      if local_end.date() == day else 24 * 60)
            minutes = (begin, max(finish, begin + 15))
        query = {"rid": rid_text(occurrence.rid)} if occurrence.rid is not None else None
        return {"time": label, "title": occurrence.title, "location": occurrence.location,
                "url": self.request.resource_url(occurrence.event, query=query),
                "changed": occurrence.changed, "minutes": minutes}

    def link(self, mode, day):
        return self.request.resource_url(self.context,
                                         query={"view": mode, "date": day.isoformat()})

    @view_config(context=Calendar, renderer=TEMPLATES + "calendar.pt")
    def calendar(self):
        """Month (default), week or agenda, in the viewer's time zone."""
        tz, request = self.tz, self.request
        mode = read_params(request, calendar_schema())["view"]
        day = day_asked(request, tz)
        first, last, previous, following, heading = period(mode, day)
        found = self.context.occurrences(midnight(first, tz),
                                         midnight(last + timedelta(days=1), tz), tz)
        by_day = {}
        for occurrence in found:
            for shown in days_of(occurrence, tz):
                if first <= shown <= last:
                    by_day.setdefault(shown, []).append(self.item(occurrence, shown))
        all_days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        return {
            "title": f"Calendar: {self.group.title}", "view": self, "mode": mode,
            "heading": heading, "timezone": str(tz), "today": datetime.now(tz).date(),
            "weeks": [all_days[i:i + 7] for i in range(0, len(all_days), 7)],
            "month": day.month, "weekdays": WEEKDAYS, "by_day": by_day,
            "days": all_days if mode == "week" else [d for d in all_days if d in by_day],
            "previous": self.link(mode, previous), "following": self.link(mode, following),
            "views": [(name, self.link(name, day)) for name in MODES],
            "add_url": request.resource_url(self.context, "@@add",
                                            query={"date": day.isoformat()}),
        }

    def span(self, start, end):
        """An occurrence of the context event, from its wall times, in words."""
        event = self.context
        return format_span(event.aware(start), event.aware(end), event.all_day, self.tz)

    @reify
    def selected(self):
        """The occurrence named by `?rid=` (a link from a calendar page), if it is one."""
        event, rid = self.context, read_params(self.request, rid_schema())["rid"]
        if rid is None or not event.is_occurrence(rid):
            return None
        return {"rid": rid_text(rid), "title": event.overrides.get(rid, {}).get("title"),
                "when": self.span(*event.occurrence_times(rid))}

    @view_config(context=Event, renderer=TEMPLATES + "event.pt")
    def event(self):
        event, tz = self.context, self.tz
        upcoming = [{"rid": rid_text(o.rid) if o.rid is not None else None,
                     "when": format_span(o.start, o.end, event.all_day, tz),
                     "title": o.title, "changed": o.changed}
                    for o in event.upcoming(datetime.now(UTC), UPCOMING, tz)]
        event_tz_time = None
        if not event.all_day and event.timezone != str(tz):
            event_tz_time = format_span(event.aware(event.start), event.aware(event.end),
                                        False, event.tz) + f" ({event.timezone})"
        exceptions = [{"rid": rid_text(rid), "what": what,
                       "when": self.span(rid, event.end_of(rid))}
                      for what, rids in (("cancelled", event.exdates),
                                         ("changed", event.overrides))
                      for rid in sorted(rids)]
        return {
            "title": event.title, "event": event, "view": self,
            "selected": self.selected, "when": self.span(event.start, event.end),
            "event_tz_time": event_tz_time, "timezone": str(tz),
            "repeats": describe_rrule(event) if event.rrule else None,
            "html": render_markdown(event.description), "upcoming": upcoming,
            "exceptions": exceptions, "can_edit": self.can("edit"),
            "csrf": self.request.session.get_csrf_token(),
        }
