"""Per-person notifications (mentions, replies to one's topics, requests to join a group
and their answers) and read marks of topics.

Each person has an `Inbox` of their own under the site's `notifications` folder, so that
notifying one person, or one person reading a topic, never writes what another person's
request writes. The unread count is a `Length`: reading it costs one small object. A
person who leaves a group loses its notifications (`forget_group_on_leaving`).
"""
from datetime import datetime, timezone
import random
import time

from BTrees.Length import Length
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from pyramid.authorization import DENY_ALL, Allow
from pyramid.events import subscriber
from pyramid.traversal import find_interface, find_root, resource_path_tuple

from .acl import user_principal
from .events import notify
from .board import Reply, Topic, mentioned_logins
from .folder import Folder
from .group import JoinDeclined, JoinRequested, RoleChanged

KEEP = 500  # notifications kept per person; the oldest go first


class Notified:
    """`inbox`'s person got notification `entry` (mail follows it: workspace/mail)."""

    def __init__(self, inbox, entry):
        self.inbox, self.entry = inbox, entry


class Notifications(Folder):
    """Everyone's inbox, by login (created on a person's first notification or read), and
    who watches which topic (`watching`: topic uid -> the logins watching it), written only
    when someone starts or stops watching, so replies never write it."""

    def __init__(self):
        super().__init__()
        self.watching = OOBTree()

    def watchers(self, topic):
        return self.watching.get(topic.uid, ())

    def is_watching(self, topic, login):
        return login in self.watchers(topic)

    def watch(self, topic, login, on=True):
        """Start (or, `on` false, stop) telling `login` of every reply to `topic`."""
        logins = self.watching.get(topic.uid)
        if on:
            if logins is None:
                logins = self.watching[topic.uid] = OOTreeSet()
            logins.insert(login)
        elif logins is not None and login in logins:
            logins.remove(login)
            if not logins:
                del self.watching[topic.uid]

    def unread_for(self, login):
        """How many unread notifications `login` has (cheap: one BTree lookup, one Length)."""
        inbox = self.get(login)
        return inbox.unread_count() if inbox is not None else 0


class Inbox(Persistent):
    """One person's notifications, newest last, and how far they have read each topic."""

    __parent__ = None
    __name__ = None

    def __init__(self, login):
        self.login = login
        self._entries = LOBTree()  # time-ordered key -> entry dict
        self._unread = Length()
        self._seen = OOBTree()  # topic uid -> number of the last reply read

    @property
    def __acl__(self):
        return [(Allow, user_principal(self.login), "view"), DENY_ALL]

    # notifications ---------------------------------------------------------------
    def add(self, kind, actor, group_id, path, title):
        """Record a notification; `path` names the target from the site root."""
        key = time.time_ns() // 1000 * 1000 + random.randrange(1000)
        while key in self._entries:
            key += 1
        self._entries[key] = {"kind": kind, "actor": actor, "group": group_id,
                              "path": tuple(path), "title": title[:300],
                              "created": datetime.now(timezone.utc), "read": False}
        self._unread.change(1)
        notify(Notified(self, self._entries[key]))
        while len(self._entries) > KEEP:
            self._drop(self._entries.minKey())
        return key

    def _drop(self, key):
        entry = self._entries.pop(key)
        if not entry["read"]:
            self._unread.change(-1)

    def unread_count(self):
        return self._unread()

    def get(self, key):
        entry = self._entries.get(key)
        return dict(entry, id=key) if entry is not None else None

    def newest(self, limit=50, before=None):
        """Entries newest first, at most `limit`, older than key `before` if given."""
        keys = self._entries.keys(max=before, excludemax=before is not None)
        out = []
        for key in reversed(keys):
            out.append(self.get(key))
            if len(out) >= limit:
                break
        return out

    def mark_read(self, keys):
        """Mark these entries read (unknown keys are ignored); returns how many changed."""
        changed = 0
        for key in keys:
            entry = self._entries.get(key)
            if entry is not None and not entry["read"]:
                self._entries[key] = dict(entry, read=True)
                changed += 1
        if changed:
            self._unread.change(-changed)
        return changed

    def mark_all_read(self):
        if not self._unread():
            return 0
        return self.mark_read([k for k, e in self._entries.items() if not e["read"]])

    def drop_group(self, group_id):
        """Forget every notification about `group_id` (the person left it)."""
        for key in [k for k, e in self._entries.items() if e["group"] == group_id]:
            self._drop(key)

    # read marks of topics ----------------------------------------------------------
    def seen(self, topic):
        """The number of the last reply of `topic` this person has read (-1: never opened)."""
        return self._seen.get(topic.uid, -1)

    def mark_seen(self, topic, seq):
        """Remember that replies up to `seq` of `topic` are read; only ever moves forward."""
        if seq > self._seen.get(topic.uid, -1):
            self._seen[topic.uid] = seq


def inbox_of(site, login, create=False):
    """The person's Inbox; None if they have none yet and `create` is false."""
    notifications = site["notifications"]
    inbox = notifications.get(login)
    if inbox is None and create:
        inbox = notifications.add(login, Inbox(login), send_events=False)
    return inbox


def path_of(obj):
    """The names from the site root down to `obj` (the root itself left out)."""
    return resource_path_tuple(obj)[1:]


def announce_post(group, post, actor, previous_body=None):
    """Notify who should hear of `post` (a Topic or Reply just written or edited by
    `actor`): group members newly `@mentioned`, and the topic's author and those watching
    the topic on a new reply.
    Writing a post counts as having read the topic up to it. Returns the logins notified."""
    site = find_root(group)
    topic = find_interface(post, Topic)
    if previous_body is None:
        inbox_of(site, actor, create=True).mark_seen(
            topic, int(post.__name__) if isinstance(post, Reply) else 0)
    mentioned = mentioned_logins(post.body) - mentioned_logins(previous_body)
    told = set()
    for login in sorted(mentioned):
        if login != actor and group.role_of(login) is not None:
            inbox_of(site, login, create=True).add(
                "mention", actor, group.__name__, path_of(post), topic.title)
            told.add(login)
    author = topic.author
    if (isinstance(post, Reply) and previous_body is None and author != actor
            and author not in told and group.role_of(author) is not None):
        inbox_of(site, author, create=True).add(
            "reply", actor, group.__name__, path_of(post), topic.title)
        told.add(author)
    if isinstance(post, Reply) and previous_body is None:
        for login in site["notifications"].watchers(topic):
            if login != actor and login not in told and group.role_of(login) is not None:
                inbox_of(site, login, create=True).add(
                    "watched", actor, group.__name__, path_of(post), topic.title)
                told.add(login)
    return told


# Kinds of notification about who is in a group: their reader may only "see" the group.
MEMBERSHIP_KINDS = ("join_request", "join_approved", "join_declined")


@subscriber(JoinRequested)
def tell_managers_of_join_request(event):
    """Every manager of the group hears that someone asks to join."""
    group = event.object
    site = find_root(group)
    for login, role in group.roles.items():
        if role == "manager" and login != event.actor:
            inbox_of(site, login, create=True).add(
                "join_request", event.actor, group.__name__, path_of(group), group.title)


@subscriber(RoleChanged)
def tell_of_approval(event):
    """Someone whose request to join was answered with a role hears of it."""
    login = event.profile.login
    if event.answered_request and event.new is not None and event.actor != login:
        group = event.group
        inbox_of(find_root(group), login, create=True).add(
            "join_approved", event.actor, group.__name__, path_of(group), group.title)


@subscriber(JoinDeclined)
def tell_of_decline(event):
    group = event.group
    inbox_of(find_root(group), event.login, create=True).add(
        "join_declined", event.actor, group.__name__, path_of(group), group.title)


@subscriber(RoleChanged)
def forget_group_on_leaving(event):
    """Someone who leaves a group keeps nothing of it in their inbox."""
    if event.new is None:
        inbox = inbox_of(find_root(event.profile), event.profile.login)
        if inbox is not None:
            inbox.drop_group(event.group.__name__)


def add_topic_watching(site):
    """Evolve step: sites made before topics could be watched get the (empty) list."""
    notifications = site["notifications"]
    notifications._p_activate()  # a ghost's __dict__ is empty
    if "watching" not in notifications.__dict__:
        notifications.watching = OOBTree()


def add_notifications_folder(site):
    """Evolve step: sites made before notifications existed get their folder."""
    if "notifications" not in site:
        site.add("notifications", Notifications(), send_events=False)
