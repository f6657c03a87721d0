"""The calendar's forms and buttons: a new event, editing one, changing one occurrence of
a series, cancelling or restoring one, and deleting an event (to the group's trash).

The form speaks in days and clock times, with an inclusive last day for all-day events;
`form_fields` turns that into the event's own fields (end exclusive, as in iCalendar).
Everything here needs "edit", which the trash's ACL refuses for a trashed event.
"""
from datetime import datetime, time, timedelta

import colander
import deform
from pyramid.decorator import reify
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config, view_defaults

from ...content.calendar import OVERRIDE_FIELDS, Calendar, Event, EventInvalid, parse_rid
from ...content.recurrence import until_day
from ...content.trash import move_to_trash
from ..base import AddForm, BaseView, EditForm, FieldError, read_params
from ..schemas import TIMEZONES, text
from .common import TEMPLATES, rid_schema, url_validator
from .pages import day_asked

FORM = TEMPLATES + "form.pt"
REPEATS = (("", "Does not repeat"), ("FREQ=DAILY", "Every day"),
           ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday (Monday to Friday)"),
           ("FREQ=WEEKLY", "Every week"), ("FREQ=WEEKLY;INTERVAL=2", "Every two weeks"),
           ("FREQ=MONTHLY", "Every month"), ("FREQ=YEARLY", "Every year"),
           ("custom", "Custom (RRULE below)"))


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


def description_node(rows):
    return text("description", 20000, missing="", title="Description (Markdown)",
                widget=deform.widget.TextAreaWidget(rows=rows))


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
    schema.add(description_node(5))
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


def preset_of(event):
    """The form's repeat choice matching the event's rule (ignoring UNTIL), or None."""
    base = event.rrule.partition(";UNTIL=")[0]
    return base if base and base != "custom" and base in dict(REPEATS) else None


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
    """An EventInvalid shown beside the form field that holds the value it names."""
    names = {"start": "start_date", "end": "end_date", "rrule": "rrule",
             "timezone": "timezone"}
    return FieldError(names.get(exc.field, "title"), exc.message)


@view_config(context=Calendar, name="add", renderer=FORM, permission="edit")
class AddEventForm(AddForm):
    """A new event; the browser goes back to the calendar, at the event's day."""

    title = "New event"

    def schema(self):
        return event_form_schema()

    def appstruct(self):
        return {"timezone": str(self.tz), "start_date": day_asked(self.request, self.tz),
                "start_time": "09:00"}

    def create(self, appstruct):
        try:
            event = Event(author=self.request.user.login, **form_fields(appstruct))
        except EventInvalid as exc:
            raise form_error(exc)
        self.created = f"Event “{event.title}” added."
        return self.context.add_event(event)

    def next_url(self, event):
        """Back to the calendar, at the new event's day."""
        return self.request.resource_url(self.context,
                                         query={"date": event.start.isoformat()[:10]})


@view_config(context=Event, name="edit", renderer=FORM, permission="edit")
class EditEventForm(EditForm):
    title = "Edit event"
    saved = "Event saved."

    def schema(self):
        return event_form_schema()

    def appstruct(self):
        return form_appstruct(self.context)

    def update(self, appstruct):
        try:
            self.context.update(self.request.user.login, **form_fields(appstruct))
        except EventInvalid as exc:
            raise form_error(exc)


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
    schema.add(description_node(4))
    return schema


@view_config(context=Event, name="occurrence", renderer=FORM, permission="edit")
class ChangeOccurrenceForm(EditForm):
    """Change one occurrence of a series (named by `?rid=`), the rest stays as it is."""

    title = "Change one occurrence"
    saved = "That occurrence is changed; the others stay as they were."

    @reify
    def rid(self):
        rid = read_params(self.request, rid_schema(missing=colander.required))["rid"]
        if not self.context.is_occurrence(rid):
            raise HTTPNotFound()
        return rid

    def schema(self):
        return occurrence_form_schema(self.context.all_day)

    def appstruct(self):
        event, rid = self.context, self.rid
        fields = dict({"title": event.title, "location": event.location,
                       "description": event.description}, **event.overrides.get(rid, {}))
        start = fields.pop("start", rid)
        end = fields.pop("end", event.end_of(start))
        if event.all_day:
            return dict(fields, start_date=start, end_date=end - timedelta(days=1))
        return dict(fields, start_date=start.date(), start_time=start.strftime("%H:%M"),
                    end_date=end.date(), end_time=end.strftime("%H:%M"))

    def update(self, appstruct):
        event, rid = self.context, self.rid
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
            event.change_occurrence(rid, self.request.user.login,
                                    **dict(fields, start=start, end=end))
        except EventInvalid as exc:
            raise FieldError("end_date", exc.message)


@view_defaults(context=Event, request_method="POST", permission="edit")
class EventActions(BaseView):
    """The buttons of the event page."""

    @view_config(name="delete")
    def delete(self):
        calendar, title = self.context.__parent__, self.context.title
        move_to_trash(self.context, self.request.user.login)
        self.request.session.flash(f"“{title}” moved to the group's trash.")
        return HTTPFound(self.request.resource_url(calendar))

    @view_config(name="occurrence", request_param="action")
    def occurrence(self):
        """Cancel one occurrence, or undo its exception (cancelled or changed)."""
        event, post = self.context, self.request.POST
        try:
            rid = parse_rid(post.get("rid", ""))
            if post["action"] == "cancel":
                event.cancel_occurrence(rid, self.request.user.login)
                self.request.session.flash("That occurrence is cancelled.")
            elif post["action"] == "restore":
                event.restore_occurrence(rid, self.request.user.login)
                self.request.session.flash("That occurrence is back as the series has it.")
            else:
                raise KeyError(post["action"])
        except (KeyError, ValueError):
            raise HTTPNotFound()
        return HTTPFound(self.request.resource_url(event))
