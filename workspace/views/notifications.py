"""The caller's notifications (HTML page and JSON twin): read, opened, marked read.

Entries about groups the caller may no longer read are never shown (a person who leaves
a group loses its entries in content, `forget_group_on_leaving`; this covers the rest,
such as a group that became private).
"""
from urllib.parse import urlencode

import colander
from pyramid.httpexceptions import HTTPFound
from pyramid.traversal import find_resource
from pyramid.view import view_config

from ..content.notifications import MEMBERSHIP_KINDS, Notifications, inbox_of
from .api import iso, read_json
from .base import BaseView, api_defaults, api_view, read_params
from .schemas import strict

PAGE = 50
KINDS = {"mention": "mentioned you in", "reply": "replied to your topic",
         "join_request": "asks to join", "join_approved": "let you join",
         "join_declined": "declined your request to join",
         "watched": "replied in a topic you watch:"}


def key_params(name):
    """A query string holding one notification key (a whole number), or none."""
    return colander.SchemaNode(colander.Mapping(), colander.SchemaNode(
        colander.Integer(), name=name, missing=None,
        validator=colander.Range(min=0, max=2 ** 63 - 1)))  # entry ids are 64-bit keys


def read_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(colander.Sequence(), colander.SchemaNode(
        colander.Integer(), name="id"), name="ids", missing=()))
    schema.add(colander.SchemaNode(colander.Boolean(), name="all", missing=False))
    return schema


class InboxView(BaseView):
    """The caller's own inbox (None before their first notification or read mark)."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.inbox = inbox_of(request.site, request.user.login)

    def readable(self, entry):
        """About a group's content: shown while the caller may read the group; about who
        is in it (a request to join and its answer): while they may see the group."""
        group = self.request.site["groups"].get(entry["group"])
        permission = "see" if entry["kind"] in MEMBERSHIP_KINDS else "view"
        return group is not None and self.can(permission, group)

    def entries(self, before=None):
        if self.inbox is None:
            return []
        return [e for e in self.inbox.newest(PAGE, before) if self.readable(e)]

    @property
    def unread(self):
        return self.inbox.unread_count() if self.inbox is not None else 0

    def target_url(self, entry):
        """Where the entry leads: a request to join to the members page that answers it."""
        url = self.request.application_url + "/" + "/".join(entry["path"]) + "/"
        return url + "@@members" if entry["kind"] == "join_request" else url

    def entry_json(self, entry):
        return {"id": entry["id"], "kind": entry["kind"], "actor": entry["actor"],
                "group": entry["group"], "title": entry["title"],
                "path": "/" + "/".join(entry["path"]), "url": self.target_url(entry),
                "created": iso(entry["created"]), "read": entry["read"]}


@api_defaults(context=Notifications, permission="view")
class NotificationsAPI(InboxView):
    def answer(self):
        """The newest PAGE notifications (older than `?before=`), with
        `Link: <...?before=...>; rel="next"` to the older ones when there may be more."""
        before = read_params(self.request, key_params("before"))["before"]
        newest = self.inbox.newest(PAGE, before) if self.inbox is not None else []
        if len(newest) == PAGE:
            url = f"{self.api_url()}?{urlencode({'before': newest[-1]['id']})}"
            self.request.response.headers["Link"] = f'<{url}>; rel="next"'
        return {"unread": self.unread,
                "notifications": [self.entry_json(e) for e in newest if self.readable(e)]}

    @api_view(request_method="GET")
    def get(self):
        return self.answer()

    @api_view(name="read", request_method="POST")
    def read(self):
        data = read_json(self.request, read_schema())
        if self.inbox is not None:
            if data["all"]:
                self.inbox.mark_all_read()
            else:
                self.inbox.mark_read(data["ids"])
        return self.answer()


class NotificationsPages(InboxView):
    @view_config(context=Notifications, renderer="workspace:views/templates/notifications.pt",
                 permission="view")
    def page(self):
        return {"title": "Notifications", "view": self, "entries": self.entries(),
                "unread": self.unread, "kinds": KINDS}

    @view_config(context=Notifications, name="open", permission="view")
    def open(self):
        """Mark one notification read and go to what it is about."""
        key = read_params(self.request, key_params("id"))["id"]
        entry = self.inbox.get(key) if self.inbox is not None and key is not None else None
        if entry is None or not self.readable(entry):
            return self.back("That notification is gone.")
        self.inbox.mark_read([entry["id"]])
        try:
            find_resource(self.request.site, entry["path"])
        except KeyError:
            return self.back("What this notification was about has been deleted.")
        return HTTPFound(self.target_url(entry))

    @view_config(context=Notifications, name="read", request_method="POST",
                 permission="view")
    def read(self):
        if self.inbox is not None:
            self.inbox.mark_all_read()
        return self.back("All notifications marked as read.")

    def back(self, message):
        self.request.session.flash(message)
        return HTTPFound(self.request.resource_url(self.context))
