"""The boards' JSON API: DESIGN.md's rows (POST boards, topics and replies; GET a topic)
and the JSON twins of every boards page: lists, paging, editing with history, deleting
to the trash, locking and pinning.

A trashed board, topic or reply reads as it did (200); a write to it is refused by the
trash's ACL (409 `in_trash`) before any of these views runs.
"""
from pyramid.httpexceptions import HTTPNoContent
from pyramid.traversal import find_interface

from ...content.board import Board, Boards, Reply, ReplyList, Topic, TopicList
from ...content.trash import move_to_trash
from ..api import api_error, error_response, iso, read_json
from ..base import BaseView, api_defaults, api_view, read_params
from .posts import (board_schema, create_board, create_reply, create_topic,
                    edit_post, mark_read, may_change, may_reply, moderate, replies_params,
                    reply_schema, topic_schema, topics_params, unread_state)


# the JSON shapes -------------------------------------------------------------------------
def board_json(board):
    return {"id": board.__name__, "title": board.title, "description": board.description,
            "topic_count": len(board), "reply_count": board.reply_count,
            "last_activity": iso(board.last_activity.when),
            "last_author": board.last_activity.who, "created": iso(board.created)}


def topic_summary(request, topic):
    unread, new = unread_state(request, topic)
    return {"id": topic.__name__, "title": topic.title, "author": topic.author,
            "created": iso(topic.created), "reply_count": topic.reply_count,
            "last_activity": iso(topic.last_activity), "last_author": topic.last_author,
            "pinned": topic.pinned, "locked": topic.locked, "unread": unread,
            "new_replies": new}


def post_fields(post):
    return {"author": post.author, "body": post.body, "html": post.html,
            "created": iso(post.created), "modified": iso(post.modified),
            "modified_by": post.modified_by, "edited": post.edited}


def reply_json(reply):
    return dict(post_fields(reply), id=reply.__name__)


def topic_json(topic, replies):
    board = find_interface(topic, Board)  # None for a topic trashed on its own
    data = dict(post_fields(topic), id=topic.__name__, title=topic.title,
                board=board.__name__ if board is not None else None, locked=topic.locked, pinned=topic.pinned,
                reply_count=topic.reply_count, replies=[reply_json(r) for r in replies])
    data["next_after"] = (replies[-1].__name__ if replies and topic.has_replies_after(
        replies[-1]) else None)
    return data


def history_json(post):
    return [{"version": v["version"], "title": v["title"], "body": v["body"],
             "author": v["author"], "date": iso(v["date"])} for v in reversed(post.history())]


# the views -------------------------------------------------------------------------------
class BoardsAPIView(BaseView):
    """What every boards API class does: answer a creation, page lists, refuse a change
    to someone else's post, delete to the trash."""

    @property
    def login(self):
        return self.request.user.login

    def created(self, item):
        self.request.response.status = 201
        return {"id": item.__name__}

    def topics_page(self, board):
        params = read_params(self.request, topics_params())
        topics, total = board.topics_page(params["offset"], params["limit"])
        return {"total": total, "offset": params["offset"],
                "topics": [topic_summary(self.request, t) for t in topics]}

    def replies(self, topic):
        """The replies the query string asks for; the caller has now read them."""
        params = read_params(self.request, replies_params())
        replies = topic.replies_after(params["after"], params["limit"])
        mark_read(self.request, topic, replies)
        return replies

    def refusal(self, post):
        """A 403 answer if the caller may not change `post`, else None. (Returned, not
        raised: a raised 403 would come back as the generic one, without its code.)"""
        if may_change(self.request, post):
            return None
        if post.author == self.login and find_interface(post, Topic).locked:
            return error_response(self.request, 403, "locked", "This topic is locked.")
        return error_response(self.request, 403, "forbidden",
                              "Only its author or a manager may change this.")

    def delete_post(self):
        refusal = self.refusal(self.context)
        if refusal:
            return refusal
        move_to_trash(self.context, self.login)
        return HTTPNoContent()


class PostAPI(BoardsAPIView):
    """What a topic and a reply answer alike: their history, and deleting them."""

    @api_view(context=Topic, request_method="DELETE", permission="edit")
    @api_view(context=Reply, request_method="DELETE", permission="edit")
    def delete(self):
        return self.delete_post()

    @api_view(context=Topic, name="history", request_method="GET", permission="view")
    @api_view(context=Reply, name="history", request_method="GET", permission="view")
    def history(self):
        return history_json(self.context)


@api_defaults(context=Boards)
class BoardsAPI(BoardsAPIView):
    @api_view(request_method="GET", permission="view")
    def list(self):
        return [board_json(b) for b in self.context.values()]

    @api_view(request_method="POST", permission="moderate")
    def create(self):
        data = read_json(self.request, board_schema())
        return self.created(create_board(self.context, data, self.login))


@api_defaults(context=Board)
class BoardAPI(BoardsAPIView):
    @api_view(request_method="GET", permission="view")
    def get(self):
        return dict(board_json(self.context), **self.topics_page(self.context))

    @api_view(request_method="PUT", permission="moderate")
    def put(self):
        data = read_json(self.request, board_schema(with_id=False))
        self.context.update(data["title"], data["description"])
        return board_json(self.context)

    @api_view(request_method="DELETE", permission="moderate")
    def delete(self):
        return self.delete_post()


@api_defaults(context=TopicList)
class TopicListAPI(BoardsAPIView):
    @api_view(request_method="GET", permission="view")
    def list(self):
        return self.topics_page(self.context.__parent__)

    @api_view(request_method="POST", permission="edit")
    def create(self):
        data = read_json(self.request, topic_schema())
        return self.created(create_topic(self.context.__parent__, data, self.login))


@api_defaults(context=Topic)
class TopicAPI(BoardsAPIView):
    @api_view(request_method="GET", permission="view")
    def get(self):
        return topic_json(self.context, self.replies(self.context))

    @api_view(request_method="PUT", permission="edit")
    def put(self):
        refusal = self.refusal(self.context)
        if refusal:
            return refusal
        edit_post(self.context, read_json(self.request, topic_schema(with_id=False)),
                  self.login)
        return topic_json(self.context, [])

    @api_view(name="lock", request_method="POST", permission="moderate")
    @api_view(name="unlock", request_method="POST", permission="moderate")
    @api_view(name="pin", request_method="POST", permission="moderate")
    @api_view(name="unpin", request_method="POST", permission="moderate")
    def moderate(self):
        moderate(self.context, self.request.view_name)
        return {"id": self.context.__name__, "locked": self.context.locked,
                "pinned": self.context.pinned}


@api_defaults(context=ReplyList)
class ReplyListAPI(BoardsAPIView):
    @api_view(request_method="GET", permission="view")
    def list(self):
        topic = self.context.__parent__
        return {"replies": [reply_json(r) for r in self.replies(topic)],
                "reply_count": topic.reply_count}

    @api_view(request_method="POST", permission="edit")
    def create(self):
        topic = self.context.__parent__
        if not may_reply(self.request, topic):
            return error_response(self.request, 403, "locked", "This topic is locked.")
        data = read_json(self.request, reply_schema())
        try:
            return self.created(create_reply(topic, data, self.login))
        except OverflowError as exc:
            raise api_error(409, "full", str(exc))


@api_defaults(context=Reply)
class ReplyAPI(BoardsAPIView):
    @api_view(request_method="GET", permission="view")
    def get(self):
        return reply_json(self.context)

    @api_view(request_method="PUT", permission="edit")
    def put(self):
        refusal = self.refusal(self.context)
        if refusal:
            return refusal
        edit_post(self.context, read_json(self.request, reply_schema()), self.login)
        return reply_json(self.context)
