"""The group trash, in HTML and JSON: what was deleted, by whom and when; members restore,
managers purge for good (audited). Works for every kind of item that `move_to_trash` takes.
"""
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..content.folder import find_interface
from ..content.group import Group
from ..content.trash import Trash, purge_from_trash, restore_from_trash
from .api import api_error, iso
from .documents import when_for


def item_type(item):
    """What kind of thing this is, in the words search uses ("document", "topic", ...)."""
    kind = getattr(item, "kind", None)
    if kind:
        return kind
    if hasattr(item, "search_data"):
        try:
            return item.search_data()["type"]
        except Exception:  # a broken item must not hide the rest of the trash
            pass
    return type(item).__name__.lower()


def trash_entry(key, item):
    return {"id": key, "title": getattr(item, "title", key) or key, "type": item_type(item),
            "deleted": iso(getattr(item, "deleted", None)),
            "deleted_by": getattr(item, "deleted_by", None),
            "restores_to": f"{getattr(item, 'trashed_from', '')}/"
                           f"{getattr(item, 'trashed_id', key)}"}


def trash_entries(trash):
    """Entries newest deletion first."""
    entries = [trash_entry(key, item) for key, item in trash.items()]
    return sorted(entries, key=lambda e: e["deleted"] or "", reverse=True)


def trashed_item(request):
    """The context when it lies directly in a trash (not something inside a trashed item)."""
    if not isinstance(getattr(request.context, "__parent__", None), Trash):
        raise HTTPNotFound()
    return request.context


def audit(request, action, item):
    """Items are named by path only: admins read the log, and an admin without a role in
    the group must not learn its content's titles from it."""
    group = find_interface(item, Group)
    request.site.audit.record(request.user.login, action,
                              f"{group.__name__}/{getattr(item, 'trashed_id', '?')}")


def restore(request):
    """Put the context back where it was; returns it, or raises KeyError if its id is taken."""
    item = trashed_item(request)
    trash, key = item.__parent__, item.__name__
    removed_by_a_manager = (item.deleted_by != request.user.login and
                            trash.__parent__.role_of(item.deleted_by) == "manager")
    if removed_by_a_manager and not request.has_permission("moderate", trash):
        # Moderation must stick: what a manager removed, only a manager brings back.
        raise HTTPForbidden("A manager removed this; only a manager can restore it.")
    audit(request, f"{item_type(item)}_restored", item)
    return restore_from_trash(trash, key)


def purge(request):
    item = trashed_item(request)
    audit(request, f"{item_type(item)}_purged", item)
    purge_from_trash(item.__parent__, item.__name__)


@view_config(context=Trash, route_name="api", renderer="json", request_method="GET",
             permission="view")
def trash_json(request):
    return trash_entries(request.context)


@view_config(containment=Trash, name="restore", route_name="api", renderer="json",
             request_method="POST", permission="edit")
def restore_json(request):
    try:
        item = restore(request)
    except KeyError:
        raise api_error(409, "taken", "Something else now has this item's id; rename or "
                                      "delete it first.")
    return {"id": item.__name__, "type": item_type(item),
            "path": "/api" + request.resource_path(item).rstrip("/")}


@view_config(containment=Trash, name="purge", route_name="api", renderer="json",
             request_method="POST", permission="moderate")
def purge_json(request):
    purge(request)
    request.response.status = 204
    return request.response


@view_config(context=Trash, renderer="templates/trash.pt", permission="view")
def trash_page(request):
    trash = request.context
    group = trash.__parent__
    return {"title": f"Trash of {group.title}", "group": group,
            "entries": trash_entries(trash), "items": trash, "when": when_for(request),
            "can_restore": request.has_permission("edit", trash),
            "can_purge": request.has_permission("moderate", trash)}


@view_config(containment=Trash, name="restore", request_method="POST", permission="edit")
def restore_action(request):
    trash = request.context.__parent__
    try:
        item = restore(request)
    except KeyError:
        request.tm.doom()
        request.session.flash("Something else now has this item's id; rename or delete it "
                              "first, then restore.")
        return HTTPFound(request.resource_url(trash))
    request.session.flash(f"“{item.title}” restored.")
    return HTTPFound(request.resource_url(item))


@view_config(containment=Trash, name="purge", request_method="POST", permission="moderate")
def purge_action(request):
    trash = request.context.__parent__
    title = getattr(request.context, "title", "")
    purge(request)
    request.session.flash(f"“{title}” was deleted for good.")
    return HTTPFound(request.resource_url(trash))
