"""The calendar's iCalendar answers: a group's `calendar.ics` and one event's, importing an
.ics file (API and upload form), and each person's subscription feed behind a secret
address they can make again or stop.

The formats themselves are in `content/ics.py`; these views only read the request and
turn the results (or `ICSInvalid`) into answers.
"""
import colander
from pyramid.authorization import ACLHelper
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNoContent, HTTPNotFound
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from ...content.calendar import Calendar, Event
from ...content.group import Group
from ...content.ics import (ICSInvalid, feed_opens, ics_bytes, import_ics, start_feed,
                            stop_feed)
from ...content.people import Profile
from ...content.site import Site
from ...security import principals_for
from ..api import api_error
from ..base import (BaseView, FieldError, FormView, api_defaults, api_view, upload_node,
                    viewer_tz)
from .common import TEMPLATES

ICS_TYPES = ("text/calendar", "application/octet-stream", "text/plain")


def ics_response(body, filename=None):
    response = Response(body=body, content_type="text/calendar", charset="utf-8")
    if filename:
        response.content_disposition = f'attachment; filename="{filename}"'
    return response


@api_view(context=Group, name="calendar.ics", permission="see")
@view_config(context=Group, name="calendar.ics", permission="see")
def group_ics(request):
    """The group's calendar, for whoever may read it; 404 (as for the calendar itself) to
    those who only see the group's name."""
    group = request.context
    if not request.has_permission("view", group):
        raise HTTPNotFound()
    return ics_response(ics_bytes(group.title, group["calendar"].values()),
                        f"{group.__name__}.ics")


@api_view(context=Event, name="event.ics", permission="view")
@view_config(context=Event, name="event.ics", permission="view")
def event_ics(request):
    """One event (its series and exceptions), to add to one's own calendar app."""
    event = request.context
    return ics_response(ics_bytes(event.title, [event]), f"{event.__name__}.ics")


def counts(ids):
    return {"imported": len(ids["created"]) + len(ids["updated"]),
            "created": len(ids["created"]), "updated": len(ids["updated"]),
            "removed": len(ids["removed"])}


@api_view(context=Calendar, name="import", request_method="POST", permission="edit")
def import_api(request):
    """POST a text/calendar body, or a multipart form with the file as `file`."""
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data"):
        upload = request.POST.get("file")
        if upload is None or not hasattr(upload, "file"):
            raise api_error(400, "invalid", "Send the .ics file as the `file` field.",
                            {"file": "required"})
        data = upload.file.read()
    elif content_type in ICS_TYPES:
        data = request.body
    else:
        raise api_error(415, message="Send text/calendar (or a multipart `file`).")
    try:
        ids = import_ics(request.context, data, request.user.login, str(viewer_tz(request)))
    except ICSInvalid as exc:
        raise api_error(400, "invalid_ics", str(exc))
    return dict(counts(ids), ids=ids["created"] + ids["updated"])


@view_config(context=Calendar, name="import", renderer=TEMPLATES + "form.pt",
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
            found = counts(import_ics(self.context, data, self.request.user.login,
                                      str(self.tz)))
        except ICSInvalid as exc:
            raise FieldError("upload", f"Nothing was imported. {exc}")
        count = found["imported"]
        removed = f", {found['removed']} cancelled" if found["removed"] else ""
        self.request.session.flash(f"Imported {count} event{'' if count == 1 else 's'}: "
                                   f"{found['created']} new, {found['updated']} "
                                   f"updated{removed}.")
        return HTTPFound(self.request.resource_url(self.context))


# --- the personal subscription feed ---------------------------------------------------------

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
    if profile is None or not feed_opens(profile, secret):
        return absent
    events = [event for group in readable_groups(request.site, profile)
              for event in group["calendar"].values()]
    return ics_response(ics_bytes(f"Workspace: {profile.title}", events, subscription=True))


class OwnFeed(BaseView):
    """A person's own feed: a feed secret is for its owner only, not even for admins."""

    def __init__(self, context, request):
        super().__init__(context, request)
        if request.user.login != context.login:
            raise HTTPForbidden()

    def new_url(self):
        """A new subscription address (shown once); any earlier one stops working."""
        return self.request.resource_url(self.request.site, "calendar-feed",
                                         self.context.login, f"{start_feed(self.context)}.ics")


@view_config(context=Profile, name="calendar-feed", renderer=TEMPLATES + "calendar_feed.pt",
             permission="edit_profile")
class FeedPage(OwnFeed):
    def __call__(self):
        profile, new_url = self.context, None
        if self.request.method == "POST":
            if self.request.POST.get("action") == "stop":
                stop_feed(profile)
                self.request.session.flash("Your subscription link no longer works.")
            else:
                new_url = self.new_url()
        return {"title": "Calendar subscription", "profile": profile, "new_url": new_url,
                "active": bool(profile.calendar_feed_digest),
                "groups": readable_groups(self.request.site, profile),
                "csrf": self.request.session.get_csrf_token()}


@api_defaults(context=Profile, name="calendar-feed", permission="edit_profile")
class FeedAPI(OwnFeed):
    @view_config(request_method="GET")
    def status(self):
        return {"active": bool(self.context.calendar_feed_digest)}

    @view_config(request_method="POST")
    def create(self):
        self.request.response.status = 201
        return {"url": self.new_url()}

    @view_config(request_method="DELETE")
    def stop(self):
        stop_feed(self.context)
        return HTTPNoContent()
