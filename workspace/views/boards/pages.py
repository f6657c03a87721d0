"""The boards' read pages: the group's boards, a board's topics, a topic with a page of
its replies (and the reply form below them), a post's history.

A board, topic or reply in the trash shows here as it was, with a notice and without
edit controls (the trash's ACL takes `edit` and `moderate` away, so `can(...)` and
`may_change` come out false); writes to it answer 409 through that ACL.
"""
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ...content.board import Board, Boards, Reply, Topic
from ...content.text import render_markdown
from ...content.trash import kind_of
from ..base import BaseView, FieldError, FormView, read_params
from .posts import (PAGE, create_reply, crumbs, last_seen, mark_read, may_change, may_reply,
                    page_params, reply_schema, reply_url, unread_state)

TEMPLATES = "workspace:views/templates/"


def paging(request, total):
    """The page of a list the query string asks for (past the end: the last page)."""
    count = max(1, -(-total // PAGE))
    return {"page": min(read_params(request, page_params())["page"], count), "count": count}


@view_config(context=Boards, renderer=TEMPLATES + "boards.pt", permission="view")
class BoardsPage(BaseView):
    def __call__(self):
        return {"title": "Boards", "view": self, "boards": list(self.context.values()),
                "can_add": self.can("moderate")}


@view_config(context=Board, renderer=TEMPLATES + "board.pt", permission="view")
class BoardPage(BaseView):
    def __call__(self):
        board = self.context
        pages = paging(self.request, len(board))
        topics, total = board.topics_page((pages["page"] - 1) * PAGE, PAGE)
        return {"title": board.title, "view": self, "board": board,
                "crumbs": crumbs(self.request, board),
                "rows": [(t, unread_state(self.request, t)) for t in topics],
                "total": total, "paging": pages, "can_post": self.can("edit"),
                "can_moderate": self.can("moderate")}


@view_config(context=Topic, renderer=TEMPLATES + "topic.pt", request_method="GET",
             permission="view")
@view_config(context=Topic, renderer=TEMPLATES + "topic.pt", request_method="POST",
             permission="edit")
class TopicPage(FormView):
    """The topic with a page of replies, and the reply form at the bottom."""

    buttons = ("reply",)

    def schema(self):
        schema = reply_schema()
        schema["body"].title = "Your reply"
        return schema

    def form(self, schema):
        form = super().form(schema)
        for field in form.children:  # the page opens at the topic, not down at the form
            field.autofocus = None
        return form

    def page(self, form_html, **extra):
        request, topic = self.request, self.context
        seen = last_seen(request, topic)
        pages = paging(request, topic.reply_count)
        replies = topic.replies_page((pages["page"] - 1) * PAGE, PAGE)
        mark_read(request, topic, replies)
        return dict(super().page(form_html, **extra), title=topic.title, topic=topic,
                    crumbs=crumbs(request, topic), paging=pages,
                    replies=[(r, may_change(request, r),
                              int(r.__name__) > seen and r.author != request.user.login)
                             for r in replies],
                    can_reply=may_reply(request, topic),
                    watching=request.site["notifications"].is_watching(
                        topic, request.user.login),
                    can_change=may_change(request, topic),
                    can_moderate=self.can("moderate"))

    def save_success(self, appstruct):
        if not may_reply(self.request, self.context):
            raise FieldError("body", "This topic is locked.")
        try:
            reply = create_reply(self.context, appstruct, self.request.user.login)
        except OverflowError as exc:
            raise FieldError("body", str(exc))
        return HTTPFound(reply_url(self.request, reply))


@view_config(context=Topic, name="history", renderer=TEMPLATES + "topic_history.pt",
             permission="view")
@view_config(context=Reply, name="history", renderer=TEMPLATES + "topic_history.pt",
             permission="view")
class HistoryPage(BaseView):
    """Every text a topic or reply has had, the current one first."""

    title = "History of {}"

    def __call__(self):
        post = self.context
        what = "the topic" if isinstance(post, Topic) else "a reply"
        return {"title": self.title.format(what), "view": self, "post": post,
                "kind": kind_of(post), "crumbs": crumbs(self.request, post),
                "versions": [dict(v, html=render_markdown(v["body"]))
                             for v in reversed(post.history())]}


@view_config(context=Reply, renderer=TEMPLATES + "topic_history.pt", permission="view")
class ReplyPage(HistoryPage):
    """A reply is shown on its topic's page, scrolled to it; one that went to the trash
    without its topic shows on its own, with its earlier texts."""

    title = "A reply in the trash"

    def __call__(self):
        if isinstance(self.context.__parent__, Topic):
            return HTTPFound(reply_url(self.request, self.context))
        return super().__call__()
