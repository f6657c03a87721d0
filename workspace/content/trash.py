"""The group trash: deleted items wait here, whole, until restored or purged.

This is the one trash mechanism of every kind: `move_to_trash`, `restore_from_trash` and
`purge_from_trash` move items and fire the `ObjectTrashed`/`ObjectRestored`/`ObjectPurged`
events the audit log follows; `TrashRecord` is the one record of who trashed what from
where; and the trash's ACL closes everything inside it to writes, so no view needs to ask
"is this trashed?" before changing something. What lies in the trash stays readable to
those who could read it before (to look at before restoring).
"""
from datetime import datetime, timezone
from typing import NamedTuple

from pyramid.authorization import Deny, Everyone
from pyramid.traversal import find_interface, resource_path

from .events import ObjectPurged, ObjectRestored, ObjectTrashed, notify
from .folder import Folder
from .ids import IdTaken

# Every permission that changes content. Restoring and purging have permissions of their
# own ("restore", "purge"), granted by the group's roles, so that the trash can deny these.
WRITE_PERMISSIONS = ("edit", "moderate")


class TrashRecord(NamedTuple):
    """Where a trashed item came from (`place`, the path below its group, e.g. "documents"
    or "boards/<board>/<topic>"), under which `id`, when and by whom."""
    id: str
    place: str
    deleted: datetime
    deleted_by: str


class Trash(Folder):
    """Deleted items keyed by their id (suffixed when an id was trashed twice)."""

    __acl__ = [(Deny, Everyone, WRITE_PERMISSIONS)]


def is_trashed(obj):
    """True for an item in a trash, and for anything inside such an item."""
    return find_interface(obj, Trash) is not None


def kind_of(item):
    """What kind of thing this is, in the words search uses ("document", "topic", ...)."""
    return getattr(item, "kind", None) or type(item).__name__.lower()


def _owner_of_trash(container):
    """The group above `container` and the path from it down to `container`."""
    names = []
    while not isinstance(container.get("trash"), Trash):
        names.append(container.__name__)
        container = container.__parent__
    return container, "/".join(reversed(names))


def move_to_trash(item, actor):
    """Move `item` from its folder (at any depth in the group) into its group's trash,
    keeping its id; returns it.

    A same-id item already in the trash (deleted earlier, id reused since) is kept too:
    the newcomer gets a suffixed key in the trash but restores under its own id.
    """
    if is_trashed(item):
        raise ValueError("already in the trash")
    event = ObjectTrashed(actor, item, kind_of(item))
    container = item.__parent__
    group, place = _owner_of_trash(container)
    trash = group["trash"]
    name = item.__name__
    container.remove(name)
    item.trash_record = TrashRecord(name, place, datetime.now(timezone.utc), actor)
    key, n = name, 1
    while key in trash:
        n += 1
        key = f"{name}~{n}"
    trash.add(key, item, send_events=False)
    notify(event)
    return item


def restore_from_trash(trash, key, actor):
    """Put the trashed item back where it was, under its id: `IdTaken` if something else
    has that id now, KeyError if that place is gone."""
    item = trash[key]
    record = item.trash_record
    container = trash.__parent__
    for folder_name in record.place.split("/"):
        container = container[folder_name]
    if record.id in container:
        raise IdTaken(record.id)
    trash.remove(key, send_events=False)
    del item.trash_record
    container.add(record.id, item)
    notify(ObjectRestored(actor, item, kind_of(item)))
    return item


def purge_from_trash(trash, key, actor):
    """Destroy a trashed item for good."""
    item = trash[key]
    event = ObjectPurged(actor, item, kind_of(item), path=original_path(item))
    trash.remove(key, send_events=False)
    notify(event)
    return item


def original_path(item):
    """The path the trashed `item` had before it was trashed (and will have again)."""
    record = item.trash_record
    group = item.__parent__.__parent__
    return f"{resource_path(group)}/{record.place}/{record.id}"


def record_trash_attributes(site):
    """Evolve step: items trashed before `TrashRecord` carried four loose attributes."""
    for group in site["groups"].values():
        for item in group["trash"].values():
            if getattr(item, "trashed_from", None) is not None:
                item.trash_record = TrashRecord(item.trashed_id, item.trashed_from,
                                                item.deleted, item.deleted_by)
                del item.trashed_from, item.trashed_id, item.deleted, item.deleted_by
