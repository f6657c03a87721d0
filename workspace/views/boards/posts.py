"""What the boards' pages, forms and API share: the schemas of boards, topics and replies,
the paging parameters, who may change or answer a post, read marks, and the changes
themselves, so that HTML and JSON post, edit and moderate in exactly one way.

Nothing here asks whether a post is in the trash: the trash's ACL refuses `edit` and
`moderate` there, so the permission checks below come out false on their own.
"""
import colander
import deform
from pyramid.location import lineage
from pyramid.traversal import find_interface

from ...content.board import KINDS, MAX_BODY, MAX_TITLE, Board, Topic, start_topic
from ...content.events import ObjectModified, notify
from ...content.group import Group
from ...content.ids import unique_id
from ...content.notifications import announce_post, inbox_of
from ...content.summary import start_consultation
from ..schemas import strict, text
from ..widgets import id_node

PAGE = 50  # topics or replies per page
MAX_LIMIT = 200
MODERATION = {"lock": "Topic locked.", "unlock": "Topic unlocked.", "pin": "Topic pinned.",
              "unpin": "Topic unpinned."}


# schemas ---------------------------------------------------------------------------------
def not_blank(node, value):
    if not value.strip():
        raise colander.Invalid(node, "Write something here.")


def body_node():
    node = text("body", MAX_BODY, title="Message", validator=not_blank,
                widget=deform.widget.TextAreaWidget(rows=8, css_class="markdown-source"))
    node.missing_msg = "Write something here."
    return node


def title_node():
    node = text("title", MAX_TITLE, title="Title", validator=not_blank)
    node.missing_msg = "Give it a title."
    return node


def new_schema(with_id):
    """A strict mapping; `with_id`: ending with the optional `id` of something new."""
    schema = colander.SchemaNode(strict())
    if with_id:
        schema.add(id_node())
    return schema


def board_schema(with_id=True):
    schema = new_schema(with_id)
    schema.insert(0, title_node())
    schema.insert(1, text("description", 5000, missing="", title="Description",
                          widget=deform.widget.TextAreaWidget(rows=3)))
    return schema


def topic_schema(with_id=True):
    schema = new_schema(with_id)
    schema.insert(0, title_node())
    schema.insert(1, body_node())
    if with_id:  # a new topic may be a consultation (DESIGN.md; content/summary.py)
        schema.add(text("kind", 20, missing="discussion", validator=colander.OneOf(KINDS),
                        widget=deform.widget.HiddenWidget()))
        schema.add(colander.SchemaNode(colander.DateTime(), name="reply_by", missing=None,
                                       widget=deform.widget.HiddenWidget()))
    return schema


def reply_schema():
    schema = new_schema(with_id=False)
    schema.add(body_node())
    return schema


def number(name, default, low, high=None):
    return colander.SchemaNode(colander.Integer(), name=name, missing=default,
                               validator=colander.Range(min=low, max=high))


def page_params():
    """`?page=` of an HTML list, from 1 (past the last page shows the last)."""
    return colander.SchemaNode(colander.Mapping(), number("page", 1, 1))


def topics_params():
    """`?offset=&limit=` of a board's topics in the API."""
    return colander.SchemaNode(colander.Mapping(), number("offset", 0, 0),
                               number("limit", PAGE, 1, MAX_LIMIT))


def replies_params():
    """`?after=&limit=` of a topic's replies in the API: those after reply id `after`."""
    after = colander.SchemaNode(colander.String(), name="after", missing=None,
                                validator=colander.Regex(r"^\d+$", "Give a reply id."))
    return colander.SchemaNode(colander.Mapping(), after, number("limit", PAGE, 1, MAX_LIMIT))


# who may do what -------------------------------------------------------------------------
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


# read marks ------------------------------------------------------------------------------
def reader_inbox(request, create=False):
    return inbox_of(request.site, request.user.login, create=create)


def last_seen(request, topic):
    """The number of the last reply of `topic` the caller has read (-1: never opened)."""
    inbox = reader_inbox(request)
    return inbox.seen(topic) if inbox is not None else -1


def unread_state(request, topic):
    """(has something unread, how many unread replies) for the caller."""
    seen = last_seen(request, topic)
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


# the changes -----------------------------------------------------------------------------
def create_board(boards, data, login):
    """A new board from `data` (its id given or derived); `IdTaken` if the id is taken."""
    board_id = data.get("id") or unique_id(boards, data["title"])
    return boards.add(board_id, Board(data["title"], data["description"], login))


def create_topic(board, data, login):
    """A new topic from `data`, its mentions notified; `IdTaken` if the id is taken."""
    topic_id = data.get("id") or unique_id(board, data["title"])
    if data.get("kind") == "consultation":
        topic = start_consultation(board, topic_id, data["title"], data["body"], login,
                                   data.get("reply_by"))
    else:
        topic = start_topic(board, topic_id, data["title"], data["body"], login)
    announce_post(find_interface(board, Group), topic, login)
    return topic


def create_reply(topic, data, login):
    """A new reply at the end of `topic`, its author and mentions notified (OverflowError
    when the topic is full)."""
    reply = topic.post_reply(data["body"], login)
    announce_post(find_interface(topic, Group), reply, login)
    return reply


def edit_post(post, data, login):
    """A new text for a topic or reply (the old one kept); the newly mentioned are told."""
    previous = post.body
    if isinstance(post, Topic):
        post.edit(data["title"], data["body"], login)
    else:
        post.edit(data["body"], login)
    announce_post(find_interface(post, Group), post, login, previous_body=previous)


def moderate(topic, action):
    """Lock, unlock, pin or unpin `topic` (one of MODERATION)."""
    if action in ("lock", "unlock"):
        topic.locked = action == "lock"
    else:
        topic.__parent__.set_pinned(topic, action == "pin")
    notify(ObjectModified(topic))


# where things are ------------------------------------------------------------------------
def reply_url(request, reply):
    """The topic page that shows `reply`, scrolled to it."""
    topic = reply.__parent__
    page = topic.position_of(reply) // PAGE + 1
    query = {"page": page} if page > 1 else None
    return request.resource_url(topic, query=query, anchor=f"r{reply.__name__}")


def crumbs(request, item):
    """(url, label) of each place from the group down to `item`'s container: the boards
    and board and topic above a post, or the trash it lies in."""
    above = []
    for place in lineage(item.__parent__):
        above.append((request.resource_url(place),
                      getattr(place, "title", None) or place.__name__.capitalize()))
        if isinstance(place, Group):
            break
    return above[::-1]
