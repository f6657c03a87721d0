"""Discussion boards of a group."""
from .folder import Folder


class Boards(Folder):
    """A group's discussion boards."""
