"""Whiteboards of a group."""
from .folder import Folder


class Whiteboards(Folder):
    """A group's whiteboards."""
