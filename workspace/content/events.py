"""Content events: how content tells the rest of the app (search, notifications) it changed.

Content fires events through the current Pyramid registry so that subscribers registered
by `config.scan()` see them; outside an application (plain unit tests) nobody listens.
"""
from pyramid.threadlocal import get_current_registry


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


def notify(event):
    get_current_registry().notify(event)
