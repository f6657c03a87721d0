"""The whiteboard forms and buttons: a new board, a board from an `.excalidraw` file,
renaming, keeping a version (on the history page), restoring one, and moving a board to
the trash. Each is a schema and one content call; the form bases do the rest.
"""
import colander
from pyramid.decorator import reify
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ...content.trash import move_to_trash
from ...content.whiteboard import MAX_TITLE, Version, Versions, Whiteboard, Whiteboards, \
    add_whiteboard
from ...content.whiteboard_format import WhiteboardFormatError, import_whiteboard, read_scene
from ..base import AddForm, BaseView, EditForm, FieldError, FormView, upload_node
from ..schemas import text
from .schemas import version_schema, whiteboard_schema

FORM = "workspace:views/templates/form.pt"
MAX_IMPORT_BYTES = 10 * 1024 * 1024


@view_config(context=Whiteboards, name="add", renderer=FORM, permission="edit")
class AddWhiteboardForm(AddForm):
    title = "New whiteboard"
    created = "Whiteboard created."

    def schema(self):
        return whiteboard_schema()

    def create(self, appstruct):
        return add_whiteboard(self.context, appstruct["title"], self.request.user.login,
                              appstruct.get("id"))


@view_config(context=Whiteboards, name="import", renderer=FORM, permission="edit")
class ImportWhiteboardForm(AddForm):
    title = "Import an Excalidraw file"
    buttons = ("import",)
    created = "Whiteboard imported."

    def schema(self):
        schema = colander.SchemaNode(colander.Mapping())
        schema.add(upload_node("file", ".excalidraw file", ".excalidraw,application/json"))
        schema.add(text("title", MAX_TITLE, missing="", title="Title (optional)"))
        return schema

    def create(self, appstruct):
        data = appstruct["file"]["fp"].read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            raise FieldError("file", "This file is over 10 MB.")
        try:
            return import_whiteboard(self.context, read_scene(data), self.request.user.login,
                                     appstruct["title"].strip() or None)
        except WhiteboardFormatError as exc:
            raise FieldError("file", str(exc))


@view_config(context=Whiteboard, name="edit", renderer=FORM, permission="edit")
class RenameWhiteboardForm(EditForm):
    title = "Rename whiteboard"

    def schema(self):
        return whiteboard_schema(with_id=False)

    def appstruct(self):
        return {"title": self.context.title}

    def update(self, appstruct):
        self.context.rename(appstruct["title"])


HISTORY = "workspace:views/templates/whiteboard_history.pt"


@view_config(context=Versions, renderer=HISTORY, request_method="GET", permission="view")
@view_config(context=Versions, renderer=HISTORY, request_method="POST", permission="edit")
class HistoryPage(FormView):
    """A board's versions, newest first, with a form to keep the board as it is now (shown
    to those who may)."""

    buttons = ("keep",)

    @reify
    def board(self):
        return self.context.__parent__

    @property
    def title(self):
        return f"History of {self.board.title}"

    def schema(self):
        return version_schema()

    def page(self, form_html, **extra):
        return super().page(form_html, board=self.board, versions=self.context.newest_first(),
                            can_edit=self.can("edit"), **extra)

    def save_success(self, appstruct):
        version = self.board.keep_version(self.request.user.login, appstruct["comment"])
        self.request.session.flash(f"Kept as version {version.number}.")
        return HTTPFound(self.request.resource_url(self.context))


class BoardActions(BaseView):
    """The buttons that change a board without a form of their own."""

    @view_config(context=Whiteboard, name="delete", request_method="POST", permission="edit")
    def delete(self):
        whiteboards = self.context.__parent__
        move_to_trash(self.context, self.request.user.login)
        self.request.session.flash(f"Whiteboard {self.context.title} moved to the trash.")
        return HTTPFound(self.request.resource_url(whiteboards))

    @view_config(context=Version, name="restore", request_method="POST", permission="edit")
    def restore(self):
        number = self.context.number
        board = self.context.__parent__.__parent__
        version = board.restore(number, self.request.user.login)
        self.request.session.flash(f"Version {number} restored as version {version.number}.")
        return HTTPFound(self.request.resource_url(board))
