"""The whiteboard rows of the JSON API: boards, their ops, SVG and Excalidraw files, and
versions.

Presence (who is on a board) comes from the polls of `GET .../ops`: it is a hint kept in
this process's memory for a few seconds (`registry.whiteboard_presence`), not data worth a
write to the database on every poll; with several app processes each knows only its own
pollers. A trashed board answers its reads as before and every write with 409 (the trash's
ACL refuses "edit").
"""
import json

from pyramid.httpexceptions import HTTPNoContent
from pyramid.response import Response
from pyramid.traversal import resource_path
from pyramid.view import view_config

from ...content.trash import move_to_trash
from ...content.whiteboard import (TooManyElements, Version, Versions, Whiteboard,
                                   Whiteboards, add_whiteboard)
from ...content.whiteboard_format import (WhiteboardFormatError, board_scene, board_svg,
                                          import_whiteboard, ops_schema, read_scene)
from ..api import api_error, iso, read_json
from ..base import BaseView, api_defaults, read_params
from .schemas import import_params, ops_params, version_schema, whiteboard_schema

MAX_OPS_ANSWER = 1000
SCENE_TYPES = ("application/json", "application/vnd.excalidraw+json")


def board_json(board):
    return {"id": board.__name__, "title": board.title, "seq": board.seq,
            "elements": board.elements(), "created": iso(board.created),
            "creator": board.creator, "modified": iso(board.modified),
            "modified_by": board.modified_by}


def board_summary(board):
    return {"id": board.__name__, "title": board.title, "elements": len(board),
            "modified": iso(board.modified), "modified_by": board.modified_by}


def version_json(version, with_elements=False):
    out = {"version": version.number, "author": version.author, "date": iso(version.created),
           "comment": version.comment, "automatic": version.automatic,
           "elements_count": version.count, "seq": version.seq}
    if with_elements:
        out.update(title=version.title, elements=list(version.elements))
    return out


def svg_response(board, elements, title, filename):
    """The elements of `board` (with its pictures) as an SVG image that runs nothing, even
    opened on its own."""
    response = Response(board_svg(board, elements, title), content_type="image/svg+xml")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}.svg"'
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


def created(request, body):
    request.response.status = 201
    return body


@api_defaults(context=Whiteboards)
class WhiteboardsAPI(BaseView):
    """A group's boards: the list, a new board, a board from an `.excalidraw` file."""

    @view_config(request_method="GET", permission="view")
    def list(self):
        return [board_summary(b) for b in self.context.values()]

    @view_config(request_method="POST", permission="edit")
    def create(self):
        data = read_json(self.request, whiteboard_schema())
        board = add_whiteboard(self.context, data["title"], self.request.user.login,
                               data.get("id"))
        return created(self.request, {"id": board.__name__})

    @view_config(name="import", request_method="POST", permission="edit")
    def import_(self):
        params = read_params(self.request, import_params())
        if self.request.content_type not in SCENE_TYPES:
            raise api_error(415, message="Send the .excalidraw file as application/json.")
        try:
            board = import_whiteboard(self.context, read_scene(self.request.body),
                                      self.request.user.login, params["title"] or None,
                                      params["id"])
        except WhiteboardFormatError as exc:
            raise api_error(400, exc.code, str(exc), exc.fields)
        return created(self.request, {"id": board.__name__})


@api_defaults(context=Whiteboard)
class WhiteboardAPI(BaseView):
    """One board: read, rename, move to the trash, its ops, and its state as files."""

    @view_config(request_method="GET", permission="view")
    def get(self):
        return board_json(self.context)

    @view_config(request_method="PUT", permission="edit")
    def put(self):
        data = read_json(self.request, whiteboard_schema(with_id=False))
        self.context.rename(data["title"])
        return board_json(self.context)

    @view_config(request_method="DELETE", permission="edit")
    def delete(self):
        move_to_trash(self.context, self.request.user.login)
        return HTTPNoContent()

    @view_config(name="ops", request_method="POST", permission="edit")
    def post_ops(self):
        data = read_json(self.request, ops_schema())
        try:
            seq = self.context.apply(data["ops"], self.request.user.login)
        except TooManyElements as exc:
            raise api_error(400, "too_many_elements", str(exc))
        return {"seq": seq}

    @view_config(name="ops", request_method="GET", permission="view")
    def get_ops(self):
        """What changed since `since` (at most MAX_OPS_ANSWER ops, `more` if there is
        more), and who polled the board lately, the caller included."""
        since = read_params(self.request, ops_params())["since"]
        board = self.context
        present = self.request.registry.whiteboard_presence.here(resource_path(board),
                                                                  self.request.user.login)
        answer = {"seq": board.seq, "present": present}
        if since > board.seq:  # the client knows a future this board never had: start over
            return dict(answer, ops=[], reset=True)
        entries = board.log_since(since, limit=MAX_OPS_ANSWER + 1)
        more = len(entries) > MAX_OPS_ANSWER
        entries = entries[:MAX_OPS_ANSWER]
        if entries:
            answer["seq"] = entries[-1]["seq"]
        return dict(answer, ops=board.changes(entries), more=more)

    @view_config(name="svg", request_method="GET", permission="view")
    def svg(self):
        board = self.context
        return svg_response(board, board.elements(), board.title, board.__name__)

    @view_config(name="excalidraw", request_method="GET", permission="view")
    def excalidraw(self):
        scene = board_scene(self.context)
        response = Response(json.dumps(scene, separators=(",", ":")),
                            content_type="application/vnd.excalidraw+json", charset="utf-8")
        response.headers["Content-Disposition"] = \
            f'attachment; filename="{self.context.__name__}.excalidraw"'
        return response


@api_defaults(context=Versions)
class VersionsAPI(BaseView):
    """A board's versions: the list, newest first, and keeping the board as it is now."""

    @view_config(request_method="GET", permission="view")
    def list(self):
        return [version_json(v) for v in self.context.newest_first()]

    @view_config(request_method="POST", permission="edit")
    def create(self):
        data = read_json(self.request, version_schema())
        board = self.context.__parent__
        version = board.keep_version(self.request.user.login, data["comment"])
        return created(self.request, {"version": version.number})


@api_defaults(context=Version)
class VersionAPI(BaseView):
    """One version: its elements, its picture, and bringing it back as a new version."""

    @view_config(request_method="GET", permission="view")
    def get(self):
        return version_json(self.context, with_elements=True)

    @view_config(name="svg", request_method="GET", permission="view")
    def svg(self):
        version = self.context
        board = version.__parent__.__parent__
        return svg_response(board, version.elements, version.title,
                            f"{board.__name__}-v{version.number}")

    @view_config(name="restore", request_method="POST", permission="edit")
    def restore(self):
        board = self.context.__parent__.__parent__
        version = board.restore(self.context.number, self.request.user.login)
        return {"version": version.number, "seq": board.seq}
