"""The caller's notifications (HTML page and JSON twin), and keeping them honest: a
person who leaves a group loses its notifications, and entries about groups they may no
longer read are never shown."""
import colander
from pyramid.events import subscriber
from pyramid.httpexceptions import HTTPFound
from pyramid.traversal import find_resource, find_root
from pyramid.view import view_config, view_defaults

from ..content.group import RoleChanged
from ..content.notifications import Notifications, inbox_of
from .api import iso, read_json
from .boards import time_shown
from .schemas import strict

PAGE = 50
KINDS = {"mention": "mentioned you in", "reply": "replied to your topic"}


@subscriber(RoleChanged)
def forget_group_on_leaving(event):
    if event.new is None:
        inbox = inbox_of(find_root(event.profile), event.profile.login)
        if inbox is not None:
            inbox.drop_group(event.group.__name__)


def target_url(request, entry):
    return request.application_url + "/" + "/".join(entry["path"]) + "/"


def readable(request, entry):
    group = request.site["groups"].get(entry["group"])
    return group is not None and bool(request.has_permission("view", group))


def visible_entries(request, inbox, before=None, limit=PAGE):
    if inbox is None:
        return []
    return [e for e in inbox.newest(limit, before) if readable(request, e)]


def entry_json(request, entry):
    return {"id": entry["id"], "kind": entry["kind"], "actor": entry["actor"],
            "group": entry["group"], "title": entry["title"],
            "path": "/" + "/".join(entry["path"]), "url": target_url(request, entry),
            "created": iso(entry["created"]), "read": entry["read"]}


def read_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(colander.Sequence(), colander.SchemaNode(
        colander.Integer(), name="id"), name="ids", missing=()))
    schema.add(colander.SchemaNode(colander.Boolean(), name="all", missing=False))
    return schema


@view_defaults(context=Notifications, route_name="api", renderer="json", permission="view")
class NotificationsAPI:
    def __init__(self, context, request):
        self.context, self.request = context, request
        self.inbox = inbox_of(request.site, request.user.login)

    def answer(self):
        before = self.request.params.get("before")
        entries = visible_entries(self.request, self.inbox,
                                  int(before) if before and before.isdigit() else None)
        return {"unread": self.inbox.unread_count() if self.inbox else 0,
                "notifications": [entry_json(self.request, e) for e in entries]}

    @view_config(request_method="GET")
    def get(self):
        return self.answer()

    @view_config(name="read", request_method="POST")
    def read(self):
        data = read_json(self.request, read_schema())
        if self.inbox is not None:
            if data["all"]:
                self.inbox.mark_all_read()
            else:
                self.inbox.mark_read(data["ids"])
        return self.answer()


@view_config(context=Notifications, renderer="templates/notifications.pt", permission="view")
def notifications_page(request):
    inbox = inbox_of(request.site, request.user.login)
    return {"title": "Notifications", "entries": visible_entries(request, inbox),
            "unread": inbox.unread_count() if inbox else 0, "kinds": KINDS,
            "shown": time_shown(request), "csrf": request.session.get_csrf_token()}


@view_config(context=Notifications, name="open", permission="view")
def open_notification(request):
    """Mark one notification read and go to what it is about."""
    inbox = inbox_of(request.site, request.user.login)
    key = request.params.get("id", "")
    entry = inbox.get(int(key)) if inbox is not None and key.isdigit() else None
    if entry is None or not readable(request, entry):
        request.session.flash("That notification is gone.")
        return HTTPFound(request.resource_url(request.context))
    inbox.mark_read([entry["id"]])
    try:
        find_resource(request.site, entry["path"])
    except KeyError:
        request.session.flash("What this notification was about has been deleted.")
        return HTTPFound(request.resource_url(request.context))
    return HTTPFound(target_url(request, entry))


@view_config(context=Notifications, name="read", request_method="POST", permission="view")
def mark_all_read(request):
    inbox = inbox_of(request.site, request.user.login)
    if inbox is not None:
        inbox.mark_all_read()
    request.session.flash("All notifications marked as read.")
    return HTTPFound(request.resource_url(request.context))
