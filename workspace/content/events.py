"""Content events: how content tells the rest of the app (search, audit, notifications)
what happened.

Content fires events through the current Pyramid registry so that subscribers registered
by `config.scan()` see them; outside an application (plain unit tests) nobody listens.

Two families: `ObjectEvent`s say an object entered, changed or left a container (search
follows them); `Audited` events say who did something an administrator may need to trace
later, and the audit log writes each of them as one entry of one shape.
"""
from pyramid.threadlocal import get_current_registry
from pyramid.traversal import resource_path


class ObjectEvent:
    def __init__(self, object, parent=None, name=None):
        self.object = object
        self.parent = parent if parent is not None else getattr(object, "__parent__", None)
        self.name = name if name is not None else getattr(object, "__name__", None)


class ObjectAdded(ObjectEvent):
    """An object was put into a container."""


class ObjectModified(ObjectEvent):
    """An object's searchable or visible state changed."""


class ObjectRemoved(ObjectEvent):
    """An object left its container (deleted, trashed or purged)."""


class Audited:
    """`actor` did `action` to the object at `path`; `details` say what, in a few words.

    Subclasses name the action; `path` is taken when the event is made, so an entry names
    where the object was even if it moves (to the trash) or goes (purged) right after.
    """

    action = None

    def __init__(self, actor, obj, details="", path=None):
        self.actor = actor
        self.object = obj
        self.path = path if path is not None else resource_path(obj)
        self.details = details


class ObjectTrashed(Audited):
    """An item was moved to its group's trash (details: its kind)."""
    action = "trashed"


class ObjectRestored(Audited):
    """A trashed item went back where it was (details: its kind)."""
    action = "restored"


class ObjectPurged(Audited):
    """A trashed item was destroyed for good (details: its kind)."""
    action = "purged"


def notify(event):
    get_current_registry().notify(event)
