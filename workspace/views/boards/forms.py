"""The boards' forms: new boards and topics, board settings, editing and deleting posts
(to the group's trash), and the moderators' lock and pin buttons.

Managers (`moderate`) may do all of it to anything; a member edits and deletes only their
own posts, and not in a locked topic. The reply form lives on the topic page (`pages`).
"""
import colander
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.view import view_config

from ...content.board import Board, Boards, Reply, Topic
from ...content.trash import move_to_trash
from ..base import AddForm, EditForm, FormView
from ..schemas import strict
from .posts import (MODERATION, board_schema, create_board, create_topic, edit_post,
                    may_change, moderate, reply_schema, reply_url, topic_schema)

FORM = "workspace:views/templates/form.pt"


@view_config(context=Boards, name="add", renderer=FORM, permission="moderate")
class AddBoardForm(AddForm):
    title, created = "New board", "Board created."

    def schema(self):
        return board_schema()

    def create(self, appstruct):
        return create_board(self.context, appstruct, self.request.user.login)


@view_config(context=Board, name="edit", renderer=FORM, permission="moderate")
class EditBoardForm(EditForm):
    title, saved = "Board settings", "Board saved."

    def schema(self):
        return board_schema(with_id=False)

    def appstruct(self):
        return {"title": self.context.title, "description": self.context.description}

    def update(self, appstruct):
        self.context.update(appstruct["title"], appstruct["description"])


@view_config(context=Board, name="new-topic", renderer=FORM, permission="edit")
class NewTopicForm(AddForm):
    title, buttons, created = "New topic", ("post",), "Topic posted."

    def schema(self):
        return topic_schema()

    def create(self, appstruct):
        return create_topic(self.context, appstruct, self.request.user.login)

    def page(self, form_html, **extra):
        """With the composer: the editor's toolbar, preview and draft, and @mentions."""
        return super().page(form_html, composer={
            "preview": self.api_url("topics", "@@preview"),
            "mentions": self.api_url("topics", "@@mentions")}, **extra)


class OwnPost:
    """For the forms that change a topic or reply: only who `may_change` it gets them."""

    def __call__(self):
        if not may_change(self.request, self.context):
            raise HTTPForbidden()
        return super().__call__()


class EditPostForm(OwnPost, EditForm):
    saved = "Saved. The earlier text is kept in the history."

    def update(self, appstruct):
        edit_post(self.context, appstruct, self.request.user.login)


@view_config(context=Topic, name="edit", renderer=FORM, permission="edit")
class EditTopicForm(EditPostForm):
    title = "Edit topic"

    def schema(self):
        return topic_schema(with_id=False)

    def appstruct(self):
        return {"title": self.context.title, "body": self.context.body}


@view_config(context=Reply, name="edit", renderer=FORM, permission="edit")
class EditReplyForm(EditPostForm):
    title = "Edit reply"

    def schema(self):
        return reply_schema()

    def appstruct(self):
        return {"body": self.context.body}

    def save_success(self, appstruct):
        response = super().save_success(appstruct)
        response.location = reply_url(self.request, self.context)  # straight to the reply
        return response


@view_config(context=Board, name="delete", renderer=FORM, permission="moderate")
class DeleteBoardForm(FormView):
    """Asks before moving a board (with its topics) to the group's trash."""

    title, buttons = "Delete board?", ("delete",)
    goes = "The board and all its topics go"

    def schema(self):
        return colander.SchemaNode(strict())

    def page(self, form_html, **extra):
        return super().page(form_html, intro=f"{self.goes} to the group's trash, where a "
                            "manager can restore them.", **extra)

    def save_success(self, appstruct):
        back = self.context.__parent__
        move_to_trash(self.context, self.request.user.login)
        self.request.session.flash("Moved to the group's trash.")
        return HTTPFound(self.request.resource_url(back))


@view_config(context=Topic, name="delete", renderer=FORM, permission="edit")
class DeleteTopicForm(OwnPost, DeleteBoardForm):
    title, goes = "Delete topic?", "This topic and all its replies go"


@view_config(context=Reply, name="delete", renderer=FORM, permission="edit")
class DeleteReplyForm(OwnPost, DeleteBoardForm):
    title, goes = "Delete reply?", "This reply goes"


@view_config(context=Topic, name="moderate", request_method="POST", permission="moderate")
def moderate_form(request):
    """The lock and pin buttons of the topic page."""
    action = request.POST.get("action")
    if action in MODERATION:
        moderate(request.context, action)
        request.session.flash(MODERATION[action])
    return HTTPFound(request.resource_url(request.context))
