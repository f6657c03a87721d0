"""The public library follows the trash: a Resource or summary moved to the trash (or
inside a trashed topic or board) leaves the public web at once, and comes back with a
restore if it was public before."""
from pyramid.events import subscriber

from ...content.events import ObjectRestored, ObjectTrashed
from ...content.library import note_public_change, public_under


@subscriber(ObjectTrashed)
def left_the_web(event):
    root = event.object
    while root.__parent__ is not None:
        root = root.__parent__
    library = root.get("library") if hasattr(root, "get") else None
    if library is not None:
        library.forget(event.path)


@subscriber(ObjectRestored)
def back_on_the_web(event):
    for item in public_under(event.object):
        note_public_change(item)
