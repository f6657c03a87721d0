"""The group trash, in HTML and JSON: what was deleted, by whom and when; members restore,
managers purge for good. Works for every kind of item that `move_to_trash` takes; the
audit entries come from the trash's own events.
"""
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import view_config, view_defaults

from ..content.ids import IdTaken
from ..content.trash import Trash, kind_of, purge_from_trash, restore_from_trash
from .api import api_error, iso
from .base import BaseView, api_view
from .paging import Pager


def trash_entry(key, item):
    record = item.trash_record
    return {"id": key, "title": getattr(item, "title", key) or key, "type": kind_of(item),
            "deleted": iso(record.deleted), "deleted_by": record.deleted_by,
            "restores_to": f"{record.place}/{record.id}"}


def trash_entries(trash):
    """Entries newest deletion first."""
    entries = [trash_entry(key, item) for key, item in trash.items()]
    return sorted(entries, key=lambda e: e["deleted"] or "", reverse=True)


@view_defaults(containment=Trash)
class TrashedItemViews(BaseView):
    """Restore and purge, on an item that lies directly in a trash (not on something
    inside a trashed item: a reply of a trashed topic comes back with its topic)."""

    def __init__(self, context, request):
        super().__init__(context, request)
        if not isinstance(getattr(context, "__parent__", None), Trash):
            raise HTTPNotFound()
        self.trash = context.__parent__

    def restore(self):
        """Put the context back where it was; returns it. IdTaken if its id is taken."""
        item, login = self.context, self.request.user.login
        deleted_by = item.trash_record.deleted_by
        removed_by_a_manager = (deleted_by != login and
                                self.trash.__parent__.role_of(deleted_by) == "manager")
        if removed_by_a_manager and not self.can("purge", self.trash):
            # Moderation must stick: what a manager removed, only a manager brings back.
            raise HTTPForbidden("A manager removed this; only a manager can restore it.")
        return restore_from_trash(self.trash, item.__name__, login)

    def purge(self):
        purge_from_trash(self.trash, self.context.__name__, self.request.user.login)

    @api_view(name="restore", request_method="POST", permission="restore")
    def restore_json(self):
        try:
            item = self.restore()
        except IdTaken:
            raise api_error(409, "taken", "Something else now has this item's id; rename "
                                          "or delete it first.")
        return {"id": item.__name__, "type": kind_of(item),
                "path": "/api" + self.request.resource_path(item).rstrip("/")}

    @api_view(name="purge", request_method="POST", permission="purge")
    def purge_json(self):
        self.purge()
        self.request.response.status = 204
        return self.request.response

    @view_config(name="restore", request_method="POST", permission="restore")
    def restore_action(self):
        try:
            item = self.restore()
        except IdTaken:
            self.request.tm.doom()
            self.request.session.flash("Something else now has this item's id; rename or "
                                       "delete it first, then restore.")
            return HTTPFound(self.request.resource_url(self.trash))
        self.request.session.flash(f"“{item.title}” restored.")
        return HTTPFound(self.request.resource_url(item))

    @view_config(name="purge", request_method="POST", permission="purge")
    def purge_action(self):
        title = getattr(self.context, "title", "")
        self.purge()
        self.request.session.flash(f"“{title}” was deleted for good.")
        return HTTPFound(self.request.resource_url(self.trash))


@api_view(context=Trash, request_method="GET", permission="view")
def trash_json(request):
    """The trash, newest deletion first, a page at a time (`?page=&limit=`)."""
    return Pager(request).window(trash_entries(request.context))


@view_config(context=Trash, renderer="templates/trash.pt", permission="view")
class TrashPage(BaseView):
    def __call__(self):
        trash, pager = self.context, Pager(self.request)
        return {"title": f"Trash of {self.group.title}", "group": self.group,
                "entries": pager.window(trash_entries(trash)), "pager": pager.links(),
                "items": trash, "when": self.when,
                "can_restore": self.can("restore"), "can_purge": self.can("purge")}
