"""The whiteboard pages that only show: a group's boards, the drawing page, and one
version's picture.

The drawing itself is a script (`static/whiteboard/`) talking to the JSON API, whose path
the page hands it. A trashed board's pages still show, with a notice and no controls (the
trash's ACL refuses "edit", so `can("edit")` is false there).
"""
from pyramid.traversal import resource_path
from pyramid.view import view_config

from ...content.whiteboard import Version, Whiteboard, Whiteboards
from ..base import BaseView


def api_path(item):
    """The path of `item`'s JSON twin (no host, no trailing slash), as the scripts and
    images of a page use it."""
    return "/api" + resource_path(item)


@view_config(context=Whiteboards, renderer="workspace:views/templates/whiteboards.pt",
             permission="view")
class WhiteboardsPage(BaseView):
    """A group's boards, the latest changed first."""

    def __call__(self):
        boards = sorted(self.context.values(), key=lambda b: b.modified, reverse=True)
        return {"title": "Whiteboards", "group": self.group, "boards": boards,
                "can_edit": self.can("edit")}


@view_config(context=Whiteboard, renderer="workspace:views/templates/whiteboard.pt",
             permission="view")
class WhiteboardPage(BaseView):
    """The drawing page: the tools for those who may draw, the board for everyone."""

    def __call__(self):
        board = self.context
        return {"title": board.title, "board": board, "group": self.group,
                "api": api_path(board), "can_edit": self.can("edit")}


@view_config(context=Version, renderer="workspace:views/templates/whiteboard_version.pt",
             permission="view")
class VersionPage(BaseView):
    """One version as the server draws it, with a button to bring it back."""

    def __call__(self):
        version = self.context
        board = version.__parent__.__parent__
        return {"title": f"{board.title}, version {version.number}", "board": board,
                "version": version, "api": api_path(version),
                "can_edit": self.can("edit", board)}
