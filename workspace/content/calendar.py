"""The shared calendar of a group."""
from .folder import Folder


class Calendar(Folder):
    """A group's events."""
