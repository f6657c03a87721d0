"""Documents and files of a group, each versioned."""
from .folder import Folder


class Documents(Folder):
    """A group's documents and uploaded files."""
