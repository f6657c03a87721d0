"""Whiteboards in HTML and JSON: the list, the drawing page, ops, versions, SVG and
Excalidraw interchange; and the tween that lines up writes to one board.

Presence (who is on a board) is kept in memory, per app process, from the polls of
`GET .../ops`: it is a hint that expires after a few seconds, not data worth a write to
the database on every poll. With several app processes each knows only its own pollers.
"""
import json
import threading
import time

import colander
from pyramid.httpexceptions import HTTPFound, HTTPNoContent
from pyramid.response import Response
from pyramid.view import view_config, view_defaults

from ..content.ids import unique_id
from ..content.trash import move_to_trash
from ..content.whiteboard import TooManyElements, Version, Versions, Whiteboard, Whiteboards
from .api import api_error, iso, read_json
from .base import FieldError, FormView, upload_node
from .schemas import slug_validator, strict, text
from .whiteboard_render import ImportError_, from_excalidraw, ops_schema, render_svg, \
    to_excalidraw

MAX_TITLE = 200
MAX_OPS_ANSWER = 1000
PRESENCE_SECONDS = 8
PRESENCE_SETUP = threading.Lock()
MAX_IMPORT_BYTES = 10 * 1024 * 1024


# -- writes to one board, one at a time (per process) ----------------------------------

def board_write_key(request):
    """`group/whiteboards/id` for a write to a board (or its versions), else None."""
    if request.method not in ("POST", "PUT", "DELETE"):
        return None
    parts = request.path.split("/")
    if "whiteboards" not in parts:
        return None
    at = parts.index("whiteboards")
    return "/".join(parts[at - 1:at + 2])


def board_writes_tween_factory(handler, registry):
    """Every applied op takes the next sequence number of its board, so two transactions
    writing the same board at once always conflict in ZODB. Within one process, writes to
    a board therefore wait for each other here, outside the transaction (the tween sits
    over pyramid_tm), and each starts from the state the previous one committed; across
    processes the conflict is still caught and the request retried (pyramid_retry)."""
    locks = [threading.Lock() for _ in range(64)]

    def tween(request):
        key = board_write_key(request)
        if key is None:
            return handler(request)
        with locks[hash(key) % len(locks)]:
            return handler(request)

    return tween


# -- schemas -----------------------------------------------------------------------------

def whiteboard_schema(with_id=True):
    schema = colander.SchemaNode(strict())
    if with_id:
        schema.add(text("id", 64, missing=colander.drop, validator=slug_validator,
                        title="Id (optional)"))
    schema.add(colander.SchemaNode(colander.String(), name="title",
                                   validator=colander.Length(min=1, max=MAX_TITLE)))
    return schema


def version_schema():
    schema = colander.SchemaNode(strict())
    schema.add(text("comment", 500, missing="", title="Note (optional)"))
    return schema


# -- shared work -------------------------------------------------------------------------

def api_url(request, obj, *elements):
    return "/api" + request.resource_path(obj, *elements).rstrip("/")


def create_whiteboard(request, folder, title, wid=None, elements=()):
    """A new board in `folder` (KeyError if `wid` is taken), holding `elements`."""
    wid = wid or unique_id(folder, title, folder.__parent__["trash"])
    if wid in folder:
        raise KeyError(wid)
    board = folder.add(wid, Whiteboard(title, request.user.login))
    if elements:
        board.apply([{"op": "put", "element": e} for e in elements], request.user.login)
        board.keep_version(request.user.login, "Imported")
    return board


def delete_whiteboard(request, board):
    folder = board.__parent__
    group = folder.__parent__
    move_to_trash(board, request.user.login)
    request.site.audit.record(request.user.login, "whiteboard_deleted",
                              f"{group.__name__}/{board.__name__}")
    return folder


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


def see_presence(request, board):
    """Note the caller on `board` and return who has polled it lately (logins, sorted)."""
    registry = request.registry
    with PRESENCE_SETUP:
        if not hasattr(registry, "whiteboard_presence"):
            registry.whiteboard_presence = ({}, threading.Lock())
    boards, lock = registry.whiteboard_presence
    key = request.resource_path(board)
    now = time.monotonic()
    with lock:
        seen = boards.setdefault(key, {})
        seen[request.user.login] = now
        for login, when in list(seen.items()):
            if now - when > PRESENCE_SECONDS:
                del seen[login]
        return sorted(seen)


def svg_response(elements, title, filename):
    response = Response(render_svg(elements, title), content_type="image/svg+xml")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}.svg"'
    # An SVG opened on its own must not run anything, even if it somehow held a script.
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


def read_scene(request):
    """The uploaded `.excalidraw` scene from a JSON body."""
    if request.content_type not in ("application/json", "application/vnd.excalidraw+json"):
        raise api_error(415, message="Send the .excalidraw file as application/json.")
    try:
        return json.loads(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise api_error(400, "bad_json", "The file is not valid JSON.")


def scene_title(scene, fallback="Imported board"):
    name = scene.get("appState", {}).get("name") if isinstance(scene, dict) and \
        isinstance(scene.get("appState"), dict) else None
    return (name if isinstance(name, str) and name.strip() else fallback)[:MAX_TITLE]


def import_board(request, folder, scene, title=None, wid=None):
    """A new board from an `.excalidraw` scene; ImportError_ or KeyError (taken id)."""
    elements = from_excalidraw(scene)
    if len(elements) > 20_000:
        raise ImportError_("A board holds at most 20000 elements.")
    return create_whiteboard(request, folder, title or scene_title(scene), wid, elements)


# -- JSON API ----------------------------------------------------------------------------

class ContextView:
    def __init__(self, context, request):
        self.context, self.request = context, request


@view_defaults(context=Whiteboards, route_name="api", renderer="json")
class WhiteboardsAPI(ContextView):
    @view_config(request_method="GET", permission="view")
    def list(self):
        return [board_summary(b) for b in self.context.values()]

    @view_config(request_method="POST", permission="edit")
    def create(self):
        data = read_json(self.request, whiteboard_schema())
        try:
            board = create_whiteboard(self.request, self.context, data["title"], data.get("id"))
        except KeyError:
            raise api_error(409, "taken", "That id is taken.", {"id": "taken"})
        self.request.response.status = 201
        return {"id": board.__name__}

    @view_config(name="import", request_method="POST", permission="edit")
    def import_(self):
        params = self.request.GET
        wid = params.get("id")
        if wid is not None and not colander_ok(slug_validator, wid):
            raise api_error(400, "invalid", "Some fields are not valid.", {"id": "not a slug"})
        title = params.get("title", "").strip()[:MAX_TITLE] or None
        try:
            board = import_board(self.request, self.context, read_scene(self.request),
                                 title, wid)
        except ImportError_ as exc:
            raise api_error(400, "invalid", str(exc), exc.fields)
        except KeyError:
            raise api_error(409, "taken", "That id is taken.", {"id": "taken"})
        self.request.response.status = 201
        return {"id": board.__name__}


def colander_ok(validator, value):
    try:
        validator(None, value)
    except colander.Invalid:
        return False
    return True


@view_defaults(context=Whiteboard, containment=Whiteboards, route_name="api", renderer="json")
class WhiteboardAPI(ContextView):
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
        delete_whiteboard(self.request, self.context)
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
        try:
            since = int(self.request.GET.get("since", "0"))
            if since < 0:
                raise ValueError
        except ValueError:
            raise api_error(400, "invalid", "since must be a whole number from 0.",
                            {"since": "not a whole number"})
        board = self.context
        seq = board.seq
        answer = {"seq": seq, "present": see_presence(self.request, board)}
        if since > seq:  # the client knows a future this board never had: start over
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
        return svg_response(board.elements(), board.title, board.__name__)

    @view_config(name="excalidraw", request_method="GET", permission="view")
    def excalidraw(self):
        scene = to_excalidraw(self.context.elements())
        scene["appState"]["name"] = self.context.title
        response = Response(json.dumps(scene, separators=(",", ":")),
                            content_type="application/vnd.excalidraw+json", charset="utf-8")
        response.headers["Content-Disposition"] = \
            f'attachment; filename="{self.context.__name__}.excalidraw"'
        return response


@view_defaults(context=Versions, containment=Whiteboards, route_name="api", renderer="json")
class VersionsAPI(ContextView):
    @view_config(request_method="GET", permission="view")
    def list(self):
        return [version_json(v) for v in self.context.newest_first()]

    @view_config(request_method="POST", permission="edit")
    def create(self):
        data = read_json(self.request, version_schema())
        board = self.context.__parent__
        version = board.keep_version(self.request.user.login, data["comment"])
        self.request.response.status = 201
        return {"version": version.number}


@view_defaults(context=Version, containment=Whiteboards, route_name="api", renderer="json")
class VersionAPI(ContextView):
    @view_config(request_method="GET", permission="view")
    def get(self):
        return version_json(self.context, with_elements=True)

    @view_config(name="svg", request_method="GET", permission="view")
    def svg(self):
        version = self.context
        board = version.__parent__.__parent__
        return svg_response(version.elements, version.title,
                            f"{board.__name__}-v{version.number}")

    @view_config(name="restore", request_method="POST", permission="edit")
    def restore(self):
        board = self.context.__parent__.__parent__
        version = board.restore(self.context.number, self.request.user.login)
        return {"version": version.number, "seq": board.seq}


# -- HTML --------------------------------------------------------------------------------

@view_config(context=Whiteboards, renderer="templates/whiteboards.pt", permission="view")
def whiteboards_page(request):
    folder = request.context
    boards = sorted(folder.values(), key=lambda b: b.modified, reverse=True)
    return {"title": "Whiteboards", "group": folder.__parent__, "boards": boards,
            "can_edit": request.has_permission("edit", folder)}


@view_config(context=Whiteboards, name="add", renderer="templates/form.pt", permission="edit")
class AddWhiteboardForm(FormView):
    title = "New whiteboard"
    buttons = ("create",)

    def schema(self):
        return whiteboard_schema()

    def save_success(self, appstruct):
        try:
            board = create_whiteboard(self.request, self.context, appstruct["title"],
                                      appstruct.get("id"))
        except KeyError:
            raise FieldError("id", "That id is taken.")
        return HTTPFound(self.request.resource_url(board))


@view_config(context=Whiteboards, name="import", renderer="templates/form.pt",
             permission="edit")
class ImportWhiteboardForm(FormView):
    title = "Import an Excalidraw file"
    buttons = ("import",)

    def schema(self):
        schema = colander.SchemaNode(colander.Mapping())
        schema.add(upload_node("file", ".excalidraw file", ".excalidraw,application/json"))
        schema.add(text("title", MAX_TITLE, missing="", title="Title (optional)"))
        return schema

    def save_success(self, appstruct):
        upload = appstruct["file"]
        data = upload["fp"].read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            raise FieldError("file", "This file is over 10 MB.")
        try:
            scene = json.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise FieldError("file", "This file is not valid JSON.")
        try:
            board = import_board(self.request, self.context, scene,
                                 appstruct["title"].strip() or None)
        except ImportError_ as exc:
            raise FieldError("file", str(exc))
        return HTTPFound(self.request.resource_url(board))


@view_config(context=Whiteboard, containment=Whiteboards,
             renderer="templates/whiteboard.pt", permission="view")
def whiteboard_page(request):
    board = request.context
    return {"title": board.title, "board": board, "group": board.__parent__.__parent__,
            "api": api_url(request, board),
            "can_edit": request.has_permission("edit", board)}


@view_config(context=Whiteboard, containment=Whiteboards,
             name="edit", renderer="templates/form.pt", permission="edit")
class RenameWhiteboardForm(FormView):
    title = "Rename whiteboard"

    def schema(self):
        return whiteboard_schema(with_id=False)

    def appstruct(self):
        return {"title": self.context.title}

    def save_success(self, appstruct):
        self.context.rename(appstruct["title"])
        return HTTPFound(self.request.resource_url(self.context))


@view_config(context=Whiteboard, containment=Whiteboards,
             name="delete", request_method="POST", permission="edit")
def delete_page(request):
    folder = delete_whiteboard(request, request.context)
    request.session.flash(f"Whiteboard {request.context.title} moved to the trash.")
    return HTTPFound(request.resource_url(folder))


@view_config(context=Versions, containment=Whiteboards,
             renderer="templates/whiteboard_history.pt", permission="view")
class HistoryPage(FormView):
    """The versions of a board, newest first, with a form to keep the current state."""

    title = "Keep this version"
    buttons = ("keep",)

    def schema(self):
        return version_schema()

    def __call__(self):
        if not self.request.has_permission("edit", self.context):
            return self.page("")
        return super().__call__()

    def page(self, form_html, **extra):
        board = self.context.__parent__
        return dict(title=f"History of {board.title}", form=form_html, board=board,
                    versions=self.context.newest_first(), api=api_url(self.request, board),
                    can_edit=bool(self.request.has_permission("edit", board)),
                    csrf=self.request.session.get_csrf_token(), **extra)

    def save_success(self, appstruct):
        board = self.context.__parent__
        version = board.keep_version(self.request.user.login, appstruct["comment"])
        self.request.session.flash(f"Kept as version {version.number}.")
        return HTTPFound(self.request.resource_url(self.context))


@view_config(context=Version, containment=Whiteboards,
             renderer="templates/whiteboard_version.pt", permission="view")
def version_page(request):
    version = request.context
    board = version.__parent__.__parent__
    return {"title": f"{board.title}, version {version.number}", "board": board,
            "version": version, "api": api_url(request, version),
            "can_edit": request.has_permission("edit", board),
            "csrf": request.session.get_csrf_token()}


@view_config(context=Version, containment=Whiteboards,
             name="restore", request_method="POST", permission="edit")
def restore_page(request):
    board = request.context.__parent__.__parent__
    version = board.restore(request.context.number, request.user.login)
    request.session.flash(f"Version {request.context.number} restored as version "
                          f"{version.number}.")
    return HTTPFound(request.resource_url(board))
