"""Discussion boards: boards, topics and replies in HTML and JSON, with moderation.

Members post and edit or delete their own posts; managers (`moderate`) create boards and
edit, delete, lock and pin anything; observers read. Reading a topic moves the reader's
read mark, which is how boards show topics with replies someone has not read.
"""
import colander
import deform
from pyramid.traversal import find_interface
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNoContent, HTTPNotFound
from pyramid.view import view_config, view_defaults

from ..content.board import (MAX_BODY, MAX_TITLE, TOPICS, Board, Boards, Reply, ReplyList,
                             Topic, TopicList, start_topic)
from ..content.events import ObjectModified, notify
from ..content.group import Group
from ..content.ids import MAX_LEN, unique_id
from ..content.notifications import announce_post, inbox_of, path_of
from ..content.text import render_markdown
from ..content.trash import Trash, move_to_trash
from .api import api_error, error_response, iso, read_json
from .calendar import viewer_tz
from .base import FieldError, FormView
from .schemas import new_id_validator, strict, text

PAGE = 50  # topics or replies per page
# Names of board and topic pages below; a board or topic with such an id would hide them.
VIEW_NAMES = frozenset({"delete", "new-topic", "moderate", "lock", "unlock", "pin", "unpin"})
MAX_LIMIT = 200


# schemas ---------------------------------------------------------------------------------
def not_blank(node, value):
    if not value.strip():
        raise colander.Invalid(node, "Write something here.")


def body_node():
    node = text("body", MAX_BODY, title="Message", validator=not_blank,
                widget=deform.widget.TextAreaWidget(rows=8))
    node.missing_msg = "Write something here."
    return node


def title_node():
    node = text("title", MAX_TITLE, title="Title", validator=not_blank)
    node.missing_msg = "Give it a title."
    return node


def new_id_of_board_item(node, value):
    new_id_validator(node, value)
    if value in VIEW_NAMES:
        raise colander.Invalid(node, f"'{value}' is reserved; choose another.")


def new_schema(with_id):
    """A strict mapping that starts with the optional `id` of something new."""
    schema = colander.SchemaNode(strict())
    if with_id:
        schema.add(text("id", MAX_LEN, missing=None, title="Id (optional)",
                        validator=new_id_of_board_item))
    return schema


def board_schema(with_id=True):
    schema = new_schema(with_id)
    schema.add(title_node())
    schema.add(text("description", 5000, missing="", title="Description",
                    widget=deform.widget.TextAreaWidget(rows=3)))
    return schema


def topic_schema(with_id=True):
    schema = new_schema(with_id)
    schema.add(title_node())
    schema.add(body_node())
    return schema


def reply_schema():
    schema = colander.SchemaNode(strict())
    schema.add(body_node())
    return schema


def no_fields_schema():
    return colander.SchemaNode(strict())


# what the views share ----------------------------------------------------------------------
def live(context):
    """404 for boards, topics and replies that sit in the trash: they are not open for
    reading or posting there."""
    if find_interface(context, Trash) is not None:
        raise HTTPNotFound()
    return context


def group_of(context):
    return find_interface(context, Group)


def may_change(request, post):
    """Authors change their own posts, moderators anyone's; in a locked topic only
    moderators do."""
    if request.has_permission("moderate", post):
        return True
    topic = find_interface(post, Topic)
    return (post.author == request.user.login and not topic.locked
            and bool(request.has_permission("edit", post)))


def may_reply(request, topic):
    if request.has_permission("moderate", topic):
        return True
    return not topic.locked and bool(request.has_permission("edit", topic))


def reader_inbox(request, create=False):
    return inbox_of(request.site, request.user.login, create=create)


def unread_state(request, topic):
    """(has something unread, how many unread replies) for the caller."""
    inbox = reader_inbox(request)
    seen = inbox.seen(topic) if inbox is not None else -1
    if seen < 0:
        return topic.author != request.user.login or topic.reply_count > 0, topic.reply_count
    new = topic.replies_since(seen) if topic.last_seq > seen else 0
    return new > 0, new


def mark_read(request, topic, replies):
    """The caller has now read `topic` up to the last of `replies` shown."""
    seq = max((int(r.__name__) for r in replies), default=0)
    inbox = reader_inbox(request, create=True)
    if seq > inbox.seen(topic):
        inbox.mark_seen(topic, seq)


def int_param(request, name, default, low=0, high=None):
    value = request.params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < low or (high is not None and number > high):
        limit = f" and {high}" if high is not None else ""
        raise api_error(400, "invalid", f"{name} must be a whole number between {low}{limit}.",
                        {name: "invalid"})
    return number


def time_shown(request):
    """A function that shows a time in the viewer's own time zone, for templates."""
    tz = viewer_tz(request)

    def shown(moment):
        local = moment.astimezone(tz)
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
    return shown


def page_param(request):
    """The 1-based page number of an HTML list (anything odd is page 1)."""
    try:
        return max(1, int(request.params.get("page", 1)))
    except ValueError:
        return 1


def pages(total, page):
    count = max(1, -(-total // PAGE))
    return {"page": min(page, count), "count": count}


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
    data = dict(post_fields(topic), id=topic.__name__, title=topic.title,
                board=topic.__parent__.__name__, locked=topic.locked, pinned=topic.pinned,
                reply_count=topic.reply_count, replies=[reply_json(r) for r in replies])
    data["next_after"] = (replies[-1].__name__ if replies and topic.has_replies_after(
        replies[-1]) else None)
    return data


def history_json(post):
    return [{"version": v["version"], "title": v["title"], "body": v["body"],
             "author": v["author"], "date": iso(v["date"])} for v in reversed(post.history())]


# the changes, shared by HTML and JSON ------------------------------------------------------
def create_board(request, boards, data):
    board_id = data.get("id") or unique_id(boards, data["title"], VIEW_NAMES)
    if board_id in boards:
        raise KeyError(board_id)
    return boards.add(board_id, Board(data["title"], data["description"],
                                      request.user.login))


def create_topic(request, board, data):
    login = request.user.login
    topic_id = data.get("id") or unique_id(board, data["title"], {TOPICS}, VIEW_NAMES)
    topic = start_topic(board, topic_id, data["title"], data["body"], login)
    announce_post(group_of(board), topic, login)
    return topic


def create_reply(request, topic, data):
    login = request.user.login
    try:
        reply = topic.post_reply(data["body"], login)
    except OverflowError as exc:
        raise api_error(409, "full", str(exc))
    announce_post(group_of(topic), reply, login)
    return reply


def edit_post(request, post, data):
    previous = post.body
    if isinstance(post, Topic):
        post.edit(data["title"], data["body"], request.user.login)
    else:
        post.edit(data["body"], request.user.login)
    announce_post(group_of(post), post, request.user.login, previous_body=previous)


def delete_post(request, post):
    """Move a board, topic or reply to the group trash, audited."""
    where = "/".join(path_of(post)[1:])  # group/boards/board/topic/reply
    move_to_trash(post, request.user.login)
    request.site.audit.record(request.user.login, "deleted", where,
                              type(post).__name__.lower())


def moderate(topic, action):
    board = topic.__parent__
    if action in ("lock", "unlock"):
        topic.locked = action == "lock"
    else:
        board.set_pinned(topic, action == "pin")
    notify(ObjectModified(topic))


# JSON API ----------------------------------------------------------------------------------
class APIBase:
    def __init__(self, context, request):
        self.context, self.request = live(context), request

    def created(self, obj):
        self.request.response.status = 201
        return {"id": obj.__name__}

    def refusal(self, post):
        """A 403 answer if the caller may not change `post`, else None. (Returned, not
        raised: a raised 403 would come back as the generic one, without its code.)"""
        if may_change(self.request, post):
            return None
        if post.author == self.request.user.login and find_interface(post, Topic).locked:
            return error_response(self.request, 403, "locked", "This topic is locked.")
        return error_response(self.request, 403, "forbidden",
                              "Only its author or a manager may change this.")

    def delete(self):
        refusal = self.refusal(self.context)
        if refusal:
            return refusal
        delete_post(self.request, self.context)
        return HTTPNoContent()

    def history(self):
        return history_json(self.context)


@view_defaults(context=Boards, route_name="api", renderer="json")
class BoardsAPI(APIBase):
    @view_config(request_method="GET", permission="view")
    def list(self):
        return [board_json(b) for b in self.context.values()]

    @view_config(request_method="POST", permission="moderate")
    def create(self):
        data = read_json(self.request, board_schema())
        try:
            return self.created(create_board(self.request, self.context, data))
        except KeyError:
            raise api_error(409, "taken", "That id is taken.", {"id": "taken"})


def topics_page_json(request, board):
    offset = int_param(request, "offset", 0)
    limit = int_param(request, "limit", PAGE, 1, MAX_LIMIT)
    topics, total = board.topics_page(offset, limit)
    return {"total": total, "offset": offset,
            "topics": [topic_summary(request, t) for t in topics]}


@view_defaults(context=Board, route_name="api", renderer="json")
class BoardAPI(APIBase):
    @view_config(request_method="GET", permission="view")
    def get(self):
        return dict(board_json(self.context), **topics_page_json(self.request, self.context))

    @view_config(request_method="PUT", permission="moderate")
    def put(self):
        data = read_json(self.request, board_schema(with_id=False))
        self.context.update(data["title"], data["description"])
        return board_json(self.context)

    @view_config(request_method="DELETE", permission="moderate")
    def delete(self):
        delete_post(self.request, self.context)
        return HTTPNoContent()


@view_defaults(context=TopicList, route_name="api", renderer="json")
class TopicListAPI(APIBase):
    @view_config(request_method="GET", permission="view")
    def list(self):
        return topics_page_json(self.request, self.context.__parent__)

    @view_config(request_method="POST", permission="edit")
    def create(self):
        board = self.context.__parent__
        data = read_json(self.request, topic_schema())
        try:
            return self.created(create_topic(self.request, board, data))
        except KeyError:
            raise api_error(409, "taken", "That id is taken.", {"id": "taken"})


def replies_json(request, topic):
    after = request.params.get("after") or None
    if after is not None and not after.isdigit():
        raise api_error(400, "invalid", "after must be a reply id.", {"after": "invalid"})
    replies = topic.replies_after(after, int_param(request, "limit", PAGE, 1, MAX_LIMIT))
    mark_read(request, topic, replies)
    return replies


@view_defaults(context=Topic, route_name="api", renderer="json")
class TopicAPI(APIBase):
    @view_config(request_method="GET", permission="view")
    def get(self):
        return topic_json(self.context, replies_json(self.request, self.context))

    @view_config(request_method="PUT", permission="edit")
    def put(self):
        refusal = self.refusal(self.context)
        if refusal:
            return refusal
        data = read_json(self.request, topic_schema(with_id=False))
        edit_post(self.request, self.context, data)
        return topic_json(self.context, [])

    @view_config(request_method="DELETE", permission="edit")
    def delete(self):
        return super().delete()

    @view_config(name="history", request_method="GET", permission="view")
    def history(self):
        return super().history()

    @view_config(name="lock", request_method="POST", permission="moderate")
    @view_config(name="unlock", request_method="POST", permission="moderate")
    @view_config(name="pin", request_method="POST", permission="moderate")
    @view_config(name="unpin", request_method="POST", permission="moderate")
    def moderate(self):
        moderate(self.context, self.request.view_name)
        return {"id": self.context.__name__, "locked": self.context.locked,
                "pinned": self.context.pinned}


@view_defaults(context=ReplyList, route_name="api", renderer="json")
class ReplyListAPI(APIBase):
    @view_config(request_method="GET", permission="view")
    def list(self):
        topic = self.context.__parent__
        return {"replies": [reply_json(r) for r in replies_json(self.request, topic)],
                "reply_count": topic.reply_count}

    @view_config(request_method="POST", permission="edit")
    def create(self):
        topic = self.context.__parent__
        if not may_reply(self.request, topic):
            return error_response(self.request, 403, "locked", "This topic is locked.")
        data = read_json(self.request, reply_schema())
        return self.created(create_reply(self.request, topic, data))


@view_defaults(context=Reply, route_name="api", renderer="json")
class ReplyAPI(APIBase):
    @view_config(request_method="GET", permission="view")
    def get(self):
        return reply_json(self.context)

    @view_config(request_method="PUT", permission="edit")
    def put(self):
        refusal = self.refusal(self.context)
        if refusal:
            return refusal
        data = read_json(self.request, reply_schema())
        edit_post(self.request, self.context, data)
        return reply_json(self.context)

    @view_config(request_method="DELETE", permission="edit")
    def delete(self):
        return super().delete()

    @view_config(name="history", request_method="GET", permission="view")
    def history(self):
        return super().history()


# HTML pages --------------------------------------------------------------------------------
@view_config(context=Boards, renderer="templates/boards.pt", permission="view")
def boards_page(request):
    boards = live(request.context)
    return {"title": "Boards", "group": group_of(boards), "boards": list(boards.values()),
            "shown": time_shown(request),
            "can_add": request.has_permission("moderate", boards)}


class AddForm(FormView):
    """Creates a board or topic from the form; a taken id is shown beside its field."""

    new_schema = None  # staticmethod: the form's colander schema
    create = None  # staticmethod: (request, container, appstruct) -> the new item

    def schema(self):
        return self.new_schema()

    def save_success(self, appstruct):
        try:
            item = self.create(self.request, live(self.context), appstruct)
        except KeyError:
            raise FieldError("id", "That id is taken.")
        return HTTPFound(self.request.resource_url(item))


@view_config(context=Boards, name="add", renderer="templates/form.pt", permission="moderate")
class AddBoardForm(AddForm):
    title, buttons = "New board", ("create",)
    new_schema, create = staticmethod(board_schema), staticmethod(create_board)


@view_config(context=Board, name="edit", renderer="templates/form.pt", permission="moderate")
class EditBoardForm(FormView):
    title = "Board settings"

    def schema(self):
        return board_schema(with_id=False)

    def appstruct(self):
        return {"title": self.context.title, "description": self.context.description}

    def save_success(self, appstruct):
        live(self.context).update(appstruct["title"], appstruct["description"])
        self.request.session.flash("Board saved.")
        return HTTPFound(self.request.resource_url(self.context))


@view_config(context=Board, renderer="templates/board.pt", permission="view")
def board_page(request):
    board = live(request.context)
    paging = pages(len(board), page_param(request))
    topics, total = board.topics_page((paging["page"] - 1) * PAGE, PAGE)
    rows = [(t, unread_state(request, t)) for t in topics]
    return {"title": board.title, "board": board, "group": group_of(board), "rows": rows,
            "shown": time_shown(request),
            "total": total, "paging": paging,
            "can_post": request.has_permission("edit", board),
            "can_moderate": request.has_permission("moderate", board)}


@view_config(context=Board, name="new-topic", renderer="templates/form.pt", permission="edit")
class NewTopicForm(AddForm):
    title, buttons = "New topic", ("post",)
    new_schema, create = staticmethod(topic_schema), staticmethod(create_topic)


@view_config(context=Topic, renderer="templates/topic.pt", request_method="GET",
             permission="view")
@view_config(context=Topic, renderer="templates/topic.pt", request_method="POST",
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
        request, topic = self.request, live(self.context)
        inbox = reader_inbox(request)
        seen = inbox.seen(topic) if inbox is not None else -1
        paging = pages(topic.reply_count, page_param(request))
        replies = topic.replies_page((paging["page"] - 1) * PAGE, PAGE)
        mark_read(request, topic, replies)
        return dict(super().page(form_html, **extra), title=topic.title, topic=topic,
                    board=topic.__parent__, group=group_of(topic), paging=paging,
                    replies=[(r, may_change(request, r),
                              int(r.__name__) > seen and r.author != request.user.login)
                             for r in replies],
                    can_reply=may_reply(request, topic),
                    can_change=may_change(request, topic),
                    can_moderate=request.has_permission("moderate", topic),
                    csrf=request.session.get_csrf_token(), shown=time_shown(request))

    def save_success(self, appstruct):
        topic = live(self.context)
        if not may_reply(self.request, topic):
            raise FieldError("body", "This topic is locked.")
        reply = create_reply(self.request, topic, appstruct)
        return HTTPFound(reply_url(self.request, reply))


def reply_url(request, reply):
    """The topic page that shows `reply`, scrolled to it."""
    topic = reply.__parent__
    page = topic.position_of(reply) // PAGE + 1
    query = {"page": page} if page > 1 else None
    return request.resource_url(topic, query=query, anchor=f"r{reply.__name__}")


@view_config(context=Reply, permission="view")
def reply_page(request):
    return HTTPFound(reply_url(request, live(request.context)))


class EditPostForm(FormView):
    title = "Edit"

    def __call__(self):
        if not may_change(self.request, live(self.context)):
            raise HTTPForbidden()
        return super().__call__()

    def save_success(self, appstruct):
        edit_post(self.request, self.context, appstruct)
        self.request.session.flash("Saved. The earlier text is kept in the history.")
        target = self.context
        return HTTPFound(reply_url(self.request, target) if isinstance(target, Reply)
                         else self.request.resource_url(target))


@view_config(context=Topic, name="edit", renderer="templates/form.pt", permission="edit")
class EditTopicForm(EditPostForm):
    title = "Edit topic"

    def schema(self):
        return topic_schema(with_id=False)

    def appstruct(self):
        return {"title": self.context.title, "body": self.context.body}


@view_config(context=Reply, name="edit", renderer="templates/form.pt", permission="edit")
class EditReplyForm(EditPostForm):
    title = "Edit reply"

    def schema(self):
        return reply_schema()

    def appstruct(self):
        return {"body": self.context.body}


@view_config(context=Topic, name="delete", renderer="templates/form.pt", permission="edit")
@view_config(context=Reply, name="delete", renderer="templates/form.pt", permission="edit")
class DeletePostForm(EditPostForm):
    """Asks before moving a topic (with its replies) or a reply to the group trash."""

    buttons = ("delete",)

    @property
    def title(self):
        return f"Delete {'topic' if isinstance(self.context, Topic) else 'reply'}?"

    def page(self, form_html, **extra):
        what = ("This topic and all its replies go" if isinstance(self.context, Topic)
                else "This reply goes")
        return super().page(form_html, intro=f"{what} to the group's trash, where a "
                            "manager can restore them.", **extra)

    def schema(self):
        return no_fields_schema()

    def save_success(self, appstruct):
        post = self.context
        back = post.__parent__
        delete_post(self.request, post)
        self.request.session.flash("Moved to the group's trash.")
        return HTTPFound(self.request.resource_url(back))


@view_config(context=Board, name="delete", renderer="templates/form.pt",
             permission="moderate")
class DeleteBoardForm(DeletePostForm):
    title = "Delete board?"

    def __call__(self):
        live(self.context)
        return FormView.__call__(self)

    def page(self, form_html, **extra):
        return FormView.page(self, form_html, intro="The board and all its topics go to the "
                             "group's trash, where a manager can restore them.", **extra)


@view_config(context=Topic, name="moderate", request_method="POST", permission="moderate")
def moderate_form(request):
    action = request.POST.get("action")
    if action in ("lock", "unlock", "pin", "unpin"):
        moderate(live(request.context), action)
        request.session.flash({"lock": "Topic locked.", "unlock": "Topic unlocked.",
                               "pin": "Topic pinned.", "unpin": "Topic unpinned."}[action])
    return HTTPFound(request.resource_url(request.context))


@view_config(context=Topic, name="history", renderer="templates/topic_history.pt",
             permission="view")
@view_config(context=Reply, name="history", renderer="templates/topic_history.pt",
             permission="view")
def history_page(request):
    post = live(request.context)
    topic = find_interface(post, Topic)
    return {"title": f"History of {'the topic' if post is topic else 'a reply'}",
            "post": post, "topic": topic, "shown": time_shown(request),
            "versions": [dict(v, html=render_markdown(v["body"]))
                         for v in reversed(post.history())]}
