"""The group trash: deleted items wait here, whole, until restored or purged."""
from datetime import datetime, timezone

from .folder import Folder, find_interface


class Trash(Folder):
    """Deleted items keyed by their id; each remembers where it came from, who and when."""


def _owner_of_trash(container):
    """The group above `container` and the path from it down to `container` ("documents",
    or "boards/<board>/<topic>" for a reply)."""
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
    if find_interface(item, Trash) is not None:
        raise ValueError("already in the trash")
    container = item.__parent__
    group, where = _owner_of_trash(container)
    trash = group["trash"]
    name = item.__name__
    container.remove(name)
    item.trashed_from = where
    item.trashed_id = name
    item.deleted = datetime.now(timezone.utc)
    item.deleted_by = actor
    key, n = name, 1
    while key in trash:
        n += 1
        key = f"{name}~{n}"
    trash.add(key, item, send_events=False)
    return item


def restore_from_trash(trash, key):
    """Put the trashed item back where it was, under its id. KeyError if that id is taken."""
    item = trash[key]
    container = trash.__parent__
    for folder_name in item.trashed_from.split("/"):  # KeyError if that place is gone
        container = container[folder_name]
    if item.trashed_id in container:
        raise KeyError(item.trashed_id)
    trash.remove(key, send_events=False)
    name = item.trashed_id
    del item.trashed_from, item.trashed_id, item.deleted, item.deleted_by
    container.add(name, item)
    return item


def purge_from_trash(trash, key):
    """Destroy a trashed item for good."""
    return trash.remove(key, send_events=False)
