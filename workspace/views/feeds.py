"""iCalendar in and out: a group's `calendar.ics`, import (update by UID) with its upload
form, and each person's subscription feed behind a secret token they can regenerate.

Output is built with the icalendar library (VTIMEZONE included, RRULE kept, never
pre-expanded) and input parsed with it; only the secret's SHA-256 is stored.
"""
from datetime import date, datetime, timedelta
import functools
import hashlib
import hmac
import secrets
import zoneinfo

import colander
import icalendar
from icalendar.prop import vRecur
from pyramid.authorization import ACLHelper
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNoContent, HTTPNotFound
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from ..content.calendar import UTC, Calendar, Event, EventInvalid
from ..content.group import Group
from ..content.people import Profile, token_digest
from ..content.site import Site
from ..security import principals_for
from .api import api_error
from .calendar import delete_event, new_event_id, viewer_tz
from .base import FieldError, FormView, upload_node
from .schemas import TIMEZONES

PRODID = "-//Workspace//Group calendars//EN"
MAX_EVENTS = 5000
KNOWN_ZONES = frozenset(TIMEZONES)


class ICSInvalid(ValueError):
    """An .ics file that cannot be imported as a whole; nothing of it is kept."""


# --- export --------------------------------------------------------------------------

def new_calendar(name):
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def vevent(event, stamp, category=None):
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


def ics_bytes(name, events, categorise=False):
    """An RFC 5545 calendar of `events` (with their group's title as category if asked)."""
    cal = new_calendar(name)
    if categorise:  # a subscription: ask calendar apps to look again every hour
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    stamp = datetime.now(UTC).replace(microsecond=0)
    zones = set()
    for event in events:
        category = event.__parent__.__parent__.title if categorise else None
        for component in vevent(event, stamp, category):
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


def ics_response(body, filename=None):
    response = Response(body=body, content_type="text/calendar", charset="utf-8")
    if filename:
        response.content_disposition = f'attachment; filename="{filename}"'
    return response


@view_config(context=Group, name="calendar.ics", route_name="api", permission="see")
@view_config(context=Group, name="calendar.ics", permission="see")
def group_ics(request):
    """The group's calendar, for whoever may read it; 404 (as for the calendar itself) to
    those who only see the group's name."""
    group = request.context
    if not request.has_permission("view", group):
        raise HTTPNotFound()
    return ics_response(ics_bytes(group.title, group["calendar"].values()),
                        f"{group.__name__}.ics")


@view_config(context=Event, name="event.ics", route_name="api", permission="view")
@view_config(context=Event, name="event.ics", permission="view")
def event_ics(request):
    """One event (its series and exceptions), to add to one's own calendar app."""
    event = request.context
    return ics_response(ics_bytes(event.title, [event]), f"{event.__name__}.ics")


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


def read_vevent(component, default_tz):
    """(uid, recurrence id or None, event fields, exception dates, cancelled?) of one
    VEVENT; ICSInvalid if it is unusable."""
    if component.errors:
        name, problem = component.errors[0]
        raise ICSInvalid(f"{name}: {str(problem)[:200]}")
    uid = text_of(component, "UID", 500)
    if "DTSTART" not in component:
        raise ICSInvalid(f"Event {uid or '?'} has no DTSTART.")
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
    their series. ICSInvalid (nothing imported) for a malformed file or any unusable event.
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
    events = {}
    for uid, (fields, exdates) in masters.items():
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
        events[uid] = event
    orphans = [(uid, rid, fields) for uid, rid, fields, c in changes
               if uid not in masters and uid not in withdrawn and not c]
    return events, orphans, withdrawn


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


def import_ics(request, calendar, data):
    """Create or update (by UID) the events of `data`, and move to the trash those it
    cancels; returns the ids {"created": [...], "updated": [...], "removed": [...]}."""
    events, orphans, withdrawn = parse_ics(data, str(viewer_tz(request)))
    actor = request.user.login
    existing = calendar.by_uid()
    created, updated, removed = [], [], []
    for uid in sorted(withdrawn & existing.keys()):
        removed.append(existing[uid].__name__)
        delete_event(request, existing[uid])
    for uid, new in events.items():
        if uid in existing:
            existing[uid].replace_with(new, actor)
            updated.append(existing[uid].__name__)
        else:
            new.author = new.modified_by = actor
            calendar.add(new_event_id(calendar, new.title), new)
            created.append(new.__name__)
    for uid, rid, fields in orphans:
        target = existing.get(uid)
        if target is not None:
            rid = as_kind(rid, target.all_day, target.tz)
            try:
                target.change_occurrence(rid, actor, **override_of(target, fields))
                updated.append(target.__name__)
                continue
            except (KeyError, EventInvalid):
                pass
        single = build_event(f"{uid}/{rid:%Y%m%dT%H%M%S}", dict(fields, rrule=""), actor)
        if single.uid in existing:
            existing[single.uid].replace_with(single, actor)
            updated.append(existing[single.uid].__name__)
        else:
            calendar.add(new_event_id(calendar, single.title), single)
            created.append(single.__name__)
    group_id = calendar.__parent__.__name__
    request.site.audit.record(actor, "calendar_imported", f"{group_id}/calendar",
                              f"{len(created)} created, {len(updated)} updated, "
                              f"{len(removed)} removed")
    return {"created": created, "updated": updated, "removed": removed}


@view_config(context=Calendar, name="import", route_name="api", request_method="POST",
             renderer="json", permission="edit")
def import_api(request):
    """POST a text/calendar body, or a multipart form with the file as `file`."""
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data"):
        upload = request.POST.get("file")
        if upload is None or not hasattr(upload, "file"):
            raise api_error(400, "invalid", "Send the .ics file as the `file` field.",
                            {"file": "required"})
        data = upload.file.read()
    elif content_type in ("text/calendar", "application/octet-stream", "text/plain"):
        data = request.body
    else:
        raise api_error(415, message="Send text/calendar (or a multipart `file`).")
    try:
        ids = import_ics(request, request.context, data)
    except ICSInvalid as exc:
        raise api_error(400, "invalid_ics", str(exc))
    return {"imported": len(ids["created"]) + len(ids["updated"]),
            "created": len(ids["created"]), "updated": len(ids["updated"]),
            "removed": len(ids["removed"]), "ids": ids["created"] + ids["updated"]}


@view_config(context=Calendar, name="import", renderer="templates/form.pt",
             permission="edit")
class ImportForm(FormView):
    title = "Import events from an .ics file"
    buttons = ("import",)

    def schema(self):
        schema = colander.SchemaNode(colander.Mapping())
        schema.add(upload_node("upload", "iCalendar file (.ics)", "text/calendar,.ics"))
        return schema

    def page(self, form_html, **extra):
        return super().page(form_html, intro="Events whose UID is already in this calendar "
                            "are updated, the others are added. Times keep their time zone.",
                            **extra)

    def save_success(self, appstruct):
        data = appstruct["upload"]["fp"].read()
        try:
            ids = import_ics(self.request, self.context, data)
        except ICSInvalid as exc:
            raise FieldError("upload", f"Nothing was imported. {exc}")
        count = len(ids["created"]) + len(ids["updated"])
        removed = f", {len(ids['removed'])} cancelled" if ids["removed"] else ""
        self.request.session.flash(f"Imported {count} event{'' if count == 1 else 's'}: "
                                   f"{len(ids['created'])} new, {len(ids['updated'])} "
                                   f"updated{removed}.")
        return HTTPFound(self.request.resource_url(self.context))


# --- the personal subscription feed ---------------------------------------------------------

def regenerate_feed(profile):
    """A new feed secret for `profile` (the old one stops working); only its hash is kept."""
    secret = secrets.token_urlsafe(32)
    profile.calendar_feed_digest = token_digest(secret)
    return secret


def feed_url(request, profile, secret):
    return request.resource_url(request.site, "calendar-feed", profile.login,
                                f"{secret}.ics")


def readable_groups(site, profile):
    """The groups `profile` holds a role in and may read right now."""
    acl, principals = ACLHelper(), principals_for(profile)
    groups = site["groups"]
    return [groups[gid] for gid in sorted(profile.groups)
            if gid in groups and acl.permits(groups[gid], principals, "view")]


@view_config(context=Site, name="calendar-feed", permission=NO_PERMISSION_REQUIRED)
def feed(request):
    """/calendar-feed/{login}/{secret}.ics: every event of the person's groups.

    Calendar apps send no cookie or header, so the secret in the URL is the credential;
    anything wrong is a plain 404 that tells nothing about the person.
    """
    absent = Response(status=404, content_type="text/plain", body=b"Not found\n")
    if len(request.subpath) != 2 or not request.subpath[1].endswith(".ics"):
        return absent
    login, secret = request.subpath[0], request.subpath[1][:-4]
    profile = request.site["people"].get(login)
    if profile is None or not profile.active or not profile.calendar_feed_digest:
        return absent
    if not hmac.compare_digest(profile.calendar_feed_digest, token_digest(secret)):
        return absent
    events = [event for group in readable_groups(request.site, profile)
              for event in group["calendar"].values()]
    return ics_response(ics_bytes(f"Workspace: {profile.title}", events, categorise=True))


def own_profile(request):
    """The context profile if it is the caller's own: a feed secret is for its owner only."""
    if request.user.login != request.context.login:
        raise HTTPForbidden()
    return request.context


@view_config(context=Profile, name="calendar-feed", renderer="templates/calendar_feed.pt",
             permission="edit_profile")
def feed_page(request):
    profile = own_profile(request)
    new_url = None
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            profile.calendar_feed_digest = None
            request.session.flash("Your subscription link no longer works.")
        else:
            new_url = feed_url(request, profile, regenerate_feed(profile))
        request.site.audit.record(profile.login, "calendar_feed_" + (
            "created" if new_url else "stopped"), profile.login)
    return {"title": "Calendar subscription", "profile": profile, "new_url": new_url,
            "active": bool(profile.calendar_feed_digest),
            "groups": readable_groups(request.site, profile),
            "csrf": request.session.get_csrf_token()}


@view_config(context=Profile, name="calendar-feed", route_name="api", renderer="json",
             request_method="GET", permission="edit_profile")
def feed_status(request):
    return {"active": bool(own_profile(request).calendar_feed_digest)}


@view_config(context=Profile, name="calendar-feed", route_name="api", renderer="json",
             request_method="POST", permission="edit_profile")
def feed_create(request):
    """A new subscription URL (shown once); any earlier one stops working."""
    profile = own_profile(request)
    url = feed_url(request, profile, regenerate_feed(profile))
    request.site.audit.record(profile.login, "calendar_feed_created", profile.login)
    request.response.status = 201
    return {"url": url}


@view_config(context=Profile, name="calendar-feed", route_name="api",
             request_method="DELETE", permission="edit_profile")
def feed_stop(request):
    own_profile(request).calendar_feed_digest = None
    request.site.audit.record(request.user.login, "calendar_feed_stopped", request.user.login)
    return HTTPNoContent()
