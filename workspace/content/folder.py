"""The BTree-backed container every kind of content lives in."""
from BTrees.OOBTree import OOBTree
from BTrees.Length import Length
from persistent import Persistent

from .events import ObjectAdded, ObjectRemoved, notify
from .ids import IdTaken
from .unwritten import unwritten, written


class Folder(Persistent):
    """A container of named children that keeps `__parent__`/`__name__` and fires events.

    Children live in an OOBTree and the count in a `Length`, both of which resolve
    concurrent inserts of different keys, so two people adding items never conflict on
    the folder object itself. Both are stored at the first add (see unwritten.py): an
    empty folder is one object.
    """

    __parent__ = None
    __name__ = None
    _items = unwritten(OOBTree)
    _count = unwritten(Length)

    def __getitem__(self, name):
        return self._items[name]

    def get(self, name, default=None):
        return self._items.get(name, default)

    def __contains__(self, name):
        return name in self._items

    def __len__(self):
        return self._count()

    def __iter__(self):
        return iter(self._items.keys())

    def keys(self, min=None, max=None):
        return self._items.keys(min, max)

    def values(self):
        return self._items.values()

    def items(self):
        return self._items.items()

    def add(self, name, obj, send_events=True):
        """Put `obj` under `name`; a taken name is `IdTaken`, never an overwrite."""
        if name in self._items:
            raise IdTaken(name)
        obj.__parent__ = self
        obj.__name__ = name
        written(self, "_items")[name] = obj
        written(self, "_count").change(1)
        if send_events:
            notify(ObjectAdded(obj, self, name))
        return obj

    def remove(self, name, send_events=True):
        """Take the child out and return it, still whole (callers may keep it elsewhere)."""
        obj = self._items.pop(name)
        self._count.change(-1)
        if send_events:
            notify(ObjectRemoved(obj, self, name))
        return obj

