"""Discussion boards of a group: Board -> Topic -> Reply, with edit history and moderation.

What a reply changes is kept off the Board object on purpose: the topic's position in its
board lives in a per-board BTree keyed by topic id (a reply rewrites one value, and values
of different keys merge under ZODB conflict resolution), the board's reply count in a
`Length` and its last activity in a `LatestActivity` that resolves conflicts by keeping the
later time. So two people replying to different topics at once never conflict.
"""
from datetime import datetime, timezone
import html
import re
import secrets

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
import nh3
from persistent import Persistent

from .events import ObjectModified, notify
from .folder import Folder
from .unwritten import unwritten, written
from .ids import IdTaken
from .text import render_markdown

MAX_TITLE = 200
MAX_BODY = 100_000
REPLY_DIGITS = 6  # reply ids are zero-padded so that they sort in posting order
MAX_REPLIES = 10 ** REPLY_DIGITS - 1

# `@login` at the start or after a space or punctuation, not inside an e-mail address.
MENTION_RE = re.compile(r"(?<![\w@.\-])@([a-z0-9][a-z0-9-]{0,63})(?![\w-])")
CODE_RE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


TOPICS, REPLIES = "topics", "replies"  # path segments, never ids of topics
SUMMARY = "summary"  # a consultation's Discussion Summary: .../topics/{t}/summary
KINDS = ("discussion", "consultation")


def reply_id(seq):
    return str(seq).zfill(REPLY_DIGITS)


def now_utc():
    return datetime.now(timezone.utc)


def mentioned_logins(body):
    """The logins `@mentioned` in Markdown `body`, outside code spans and blocks."""
    return set(MENTION_RE.findall(CODE_RE.sub(" ", body or "")))


def plain_text(body):
    """What a reader sees of Markdown `body`, as plain text (for search)."""
    return html.unescape(nh3.clean(render_markdown(body), tags=set())).strip()


class Boards(Folder):
    """A group's discussion boards."""


DEFAULT_BOARD = "discussion"


def add_default_board(boards, creator=None):
    """The board a group starts with, so that its members can start a discussion at once
    without waiting for a manager to make one (managers rename or remove it like any)."""
    if DEFAULT_BOARD not in boards:
        boards.add(DEFAULT_BOARD, Board(
            "General discussion", "Questions, ideas and news for everyone in the group.",
            creator))


def add_default_boards(site):
    """Evolve step: groups made before new groups got a board, and still without any,
    get the default one."""
    for group in site["groups"].values():
        boards = group.get("boards")
        if boards is not None and not len(boards):
            add_default_board(boards)


class Listing:
    """A path segment naming a container's children (`topics` of a board, `replies` of a
    topic), so that API paths read .../boards/{b}/topics/{t}/replies/{r} while the objects
    themselves live at .../boards/{b}/{t}/{r}."""

    def __init__(self, parent, name):
        self.__parent__, self.__name__ = parent, name

    def __getitem__(self, name):
        return self.__parent__[name]


class TopicList(Listing):
    """`.../boards/{b}/topics`."""


class ReplyList(Listing):
    """`.../topics/{t}/replies`."""


class LatestActivity(Persistent):
    """When something last happened and who did it; concurrent updates keep the later one."""

    def __init__(self):
        self.when = None
        self.who = None

    def update(self, when, who):
        if self.when is None or when >= self.when:
            self.when, self.who = when, who

    def _p_resolveConflict(self, old, committed, new):
        def when(state):
            return state.get("when") or datetime.min.replace(tzinfo=timezone.utc)
        return new if when(new) >= when(committed) else committed


class Board(Folder):
    """Topics by id; their order by last activity, pinned first; counts kept aside."""

    _activity = unwritten(OOBTree)  # topic id -> time of its last activity (the order)
    _pinned = unwritten(OOTreeSet)
    _replies = unwritten(Length)

    def __init__(self, title, description="", creator=None):
        super().__init__()
        self.title = title
        self.description = description
        self.creator = creator
        self.created = now_utc()
        self.last_activity = LatestActivity()

    def __getitem__(self, name):
        if name == TOPICS:
            return TopicList(self, TOPICS)
        return super().__getitem__(name)

    def update(self, title, description):
        self.title, self.description = title, description
        notify(ObjectModified(self))

    # containment keeps the ordering and the counts -------------------------------
    def add(self, name, topic, send_events=True):
        super().add(name, topic, send_events)
        written(self, "_activity")[name] = topic.last_activity
        self.count_replies(len(topic))
        if topic.pinned:
            written(self, "_pinned").add(name)
        self.last_activity.update(topic.last_activity, topic.last_author)
        return topic

    def remove(self, name, send_events=True):
        topic = super().remove(name, send_events)
        self._activity.pop(name, None)
        if name in self._pinned:
            self._pinned.remove(name)
        self.count_replies(-len(topic))
        return topic

    def touched(self, topic):
        """`topic` had activity: move it up (writes one value of the ordering BTree)."""
        written(self, "_activity")[topic.__name__] = topic.last_activity
        self.last_activity.update(topic.last_activity, topic.last_author)

    def count_replies(self, delta):
        written(self, "_replies").change(delta)

    def set_pinned(self, topic, pinned):
        topic.pinned = pinned
        if pinned:
            written(self, "_pinned").add(topic.__name__)
        elif topic.__name__ in self._pinned:
            self._pinned.remove(topic.__name__)

    # reading ---------------------------------------------------------------------
    @property
    def reply_count(self):
        return self._replies()

    def topic_ids(self):
        """Every topic id, pinned first, then by most recent activity."""
        pinned = set(self._pinned)
        ordered = sorted(self._activity.items(), key=lambda kv: kv[1], reverse=True)
        first = [tid for tid, _ in ordered if tid in pinned]
        return first + [tid for tid, _ in ordered if tid not in pinned]

    def topics_page(self, offset=0, limit=50):
        """(topics on this page, total number of topics)."""
        ids = self.topic_ids()
        return [self[tid] for tid in ids[offset:offset + limit]], len(ids)


class Post(Persistent):
    """What topics and replies share: a Markdown body, its author and its earlier texts."""

    _title = None  # topics have a title of their own; replies take their topic's

    def _start(self, body, author):
        self.body = body
        self.author = author
        self.created = self.modified = now_utc()
        self.modified_by = author
        self.versions = ()  # earlier texts, oldest first: {title, body, author, date}

    @property
    def html(self):
        return render_markdown(self.body)

    @property
    def edited(self):
        return bool(self.versions)

    def _keep_version(self):
        self.versions = self.versions + ({"title": self._title,
                                          "body": self.body, "author": self.modified_by,
                                          "date": self.modified},)

    def history(self):
        """Every text this post had, the current one last, numbered from 1."""
        current = {"title": self._title, "body": self.body,
                   "author": self.modified_by, "date": self.modified}
        return [dict(v, version=n) for n, v in enumerate(self.versions + (current,), 1)]


class Topic(Folder, Post):
    """A discussion: a title, an opening post, and replies in posting order."""

    def __init__(self, title, body, author):
        Folder.__init__(self)
        self._start(body, author)
        self._title = title
        self.uid = secrets.token_hex(8)  # stable key for people's read marks
        self._locked = False
        self.topic_kind = "discussion"  # or "consultation" (content/summary.py makes those)
        self.reply_by = None  # a consultation's last day for replies (an aware datetime)
        self.summary = None  # a consultation's Discussion Summary
        self.pinned = False
        self.last_seq = 0  # number of the latest reply ever posted
        self.last_activity = self.created
        self.last_author = author

    def __getitem__(self, name):
        if name == REPLIES:
            return ReplyList(self, REPLIES)
        if name == SUMMARY and self.summary is not None:
            return self.summary
        return super().__getitem__(name)

    def get(self, name, default=None):
        if name == SUMMARY and self.summary is not None:
            return self.summary
        return super().get(name, default)

    @property
    def locked(self):
        """Replies stop: a moderator locked it, or closed the consultation, or its
        reply-by time has passed."""
        return self._locked or (self.reply_by is not None and now_utc() > self.reply_by)

    @locked.setter
    def locked(self, value):
        self._locked = bool(value)

    @property
    def title(self):
        return self._title

    @property
    def reply_count(self):
        return len(self)

    def replies_since(self, seq):
        """How many replies have a number greater than `seq`."""
        if seq < 0:
            return len(self)
        return len(self._items.keys(min=reply_id(seq), excludemin=True))

    def position_of(self, reply):
        """How many replies come before `reply` (0 for the first)."""
        return len(self._items.keys(max=reply.__name__, excludemax=True))

    def has_replies_after(self, reply):
        return bool(self._items.keys(min=reply.__name__, excludemin=True))

    def edit(self, title, body, editor):
        self._keep_version()
        renamed = title != self._title
        self._title, self.body = title, body
        self.modified, self.modified_by = now_utc(), editor
        notify(ObjectModified(self))
        if renamed:  # replies are titled after their topic ("Re: ...")
            for reply in self.values():
                notify(ObjectModified(reply))

    def post_reply(self, body, author):
        """Add a reply at the end; returns it."""
        if self.last_seq >= MAX_REPLIES:
            raise OverflowError("This topic is full; start a new one.")
        self.last_seq += 1
        reply = Reply(body, author)
        self.add(reply_id(self.last_seq), reply)
        self.last_activity, self.last_author = reply.created, author
        board = self.__parent__
        if isinstance(board, Board):
            board.touched(self)
        return reply

    def add(self, name, reply, send_events=True):
        super().add(name, reply, send_events)
        if isinstance(self.__parent__, Board):
            self.__parent__.count_replies(1)
        return reply

    def remove(self, name, send_events=True):
        reply = super().remove(name, send_events)
        if isinstance(self.__parent__, Board):
            self.__parent__.count_replies(-1)
        return reply

    def replies_after(self, after=None, limit=50):
        """Up to `limit` replies with an id greater than `after`, in order."""
        keys = self._items.keys(min=after, excludemin=True) if after else self._items.keys()
        out = []
        for key in keys:
            out.append(self[key])
            if len(out) >= limit:
                break
        return out

    def replies_page(self, offset=0, limit=50):
        """The replies from position `offset` (0 is the first), at most `limit`."""
        return list(self._items.values()[offset:offset + limit])

    def search_data(self):
        return {"type": "topic", "title": self.title, "text": plain_text(self.body),
                "author": self.author, "modified": self.modified}


class Reply(Post):
    """One answer in a topic."""

    __parent__ = None
    __name__ = None

    def __init__(self, body, author):
        self._start(body, author)

    @property
    def title(self):
        topic = self.__parent__
        return f"Re: {topic.title}" if isinstance(topic, Topic) else "Reply"

    def edit(self, body, editor):
        self._keep_version()
        self.body = body
        self.modified, self.modified_by = now_utc(), editor
        notify(ObjectModified(self))

    def search_data(self):
        return {"type": "reply", "title": self.title, "text": plain_text(self.body),
                "author": self.author, "modified": self.modified}


def start_topic(board, topic_id, title, body, author):
    """Open a new topic in `board` under `topic_id` (`IdTaken` if a topic has it, or if it
    is the board's `topics` listing)."""
    if topic_id == TOPICS:
        raise IdTaken(topic_id)
    return board.add(topic_id, Topic(title, body, author))


def add_topic_kinds(site):
    """Evolve step: topics made before consultations existed are discussions, without a
    reply-by time or a summary; their lock moves to `_locked` (`locked` is computed)."""
    def topics(group):
        for item in group["trash"].values():
            yield from ([item] if isinstance(item, Topic) else
                        item.values() if isinstance(item, Board) else [])
        for board in group["boards"].values():
            yield from board.values()

    for group in site["groups"].values():
        for topic in topics(group):
            topic._p_activate()
            state = topic.__dict__
            if "topic_kind" not in state:
                topic._locked = bool(state.pop("locked", False))
                topic.topic_kind, topic.reply_by, topic.summary = "discussion", None, None
                topic._p_changed = True
