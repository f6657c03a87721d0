"""A group's mailgroup (/groups/<g>/mail): its settings, each person's delivery, the mail
held for its managers, and what digests and reply keys need to find posts again.

The mail package (workspace/mail/) reads and changes these through the functions here,
exactly as the views do; nothing here knows about SMTP or messages. Held mail keeps the
whole message as it arrived (a blob), so that a manager judges what was sent, and what
is published on approval is worked out from it again by the same rules as any post.
"""
from datetime import datetime, timezone
import random
import time

from BTrees.Length import Length
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from ZODB.blob import Blob

from .events import Audited, notify
from .unwritten import unwritten, written

DELIVERIES = ("each", "daily", "weekly", "none")
MODERATIONS = ("all", "new-members", "none")
DEFAULT_DELIVERY = "each"
MAX_HELD = 10_000  # held messages kept per group; the oldest are discarded past it
KEEP_LOG_DAYS = 9  # posts remembered for digests (a weekly digest needs seven days)


def now_utc():
    return datetime.now(timezone.utc)


def time_key():
    """A unique, time-ordered integer key (microseconds, a random low part)."""
    return time.time_ns() // 1000 * 1000 + random.randrange(1000)


class HeldMessage(Persistent):
    """A message waiting for a manager: who sent it, why it waits, what it answers, and
    the message itself. `target` is the Topic it replies to, or None for a new topic;
    `login` the account the sender was recognised as (None: a guest)."""

    __parent__ = None
    __name__ = None

    def __init__(self, raw, sender, sender_name, subject, reasons, login=None, target=None,
                 removed=""):
        self.received = now_utc()
        self.sender = sender
        self.sender_name = sender_name
        self.subject = subject[:300]
        self.reasons = tuple(reasons)
        self.login = login
        self.target = target
        self.removed = removed  # what trimming took off (quotes, signature), to look at
        self.blob = Blob()
        with self.blob.open("w") as out:
            out.write(raw)
        self.size = len(raw)

    def raw(self):
        with self.blob.open("r") as stream:
            return stream.read()


class GroupMail(Persistent):
    """The mailgroup of one group: off until a manager turns it on."""

    __parent__ = None
    __name__ = None
    title = "Mail"
    # stored at their first insert (see unwritten.py): most groups never turn mail on
    deliveries = unwritten(OOBTree)  # login -> delivery; absent means DEFAULT_DELIVERY
    posted = unwritten(OOTreeSet)  # logins who have had a post published from mail
    held = unwritten(LOBTree)  # time key -> HeldMessage
    held_count = unwritten(Length)
    topics = unwritten(OOBTree)  # topic uid -> Topic (reply keys name topics by uid)
    log = unwritten(LOBTree)  # time key -> post mailed to the group (digests read it)
    digests = unwritten(OOBTree)  # "daily"/"weekly" -> time key up to which it was sent

    def __init__(self):
        self.enabled = False
        self.moderation = "new-members"
        self.board = None  # id of the board mail to the group's address starts topics in

    # settings ------------------------------------------------------------------------
    def delivery_of(self, login):
        return self.deliveries.get(login, DEFAULT_DELIVERY)

    # held mail -----------------------------------------------------------------------
    def held_page(self, offset=0, limit=100):
        """(held messages oldest first from `offset`, how many there are)."""
        return list(self.held.values()[offset:offset + limit]), self.held_count()

    def get_held(self, held_id):
        try:
            return self.held.get(int(held_id))
        except (TypeError, ValueError):
            return None

    # posts for digests and reply keys ------------------------------------------------
    def remember_topic(self, topic):
        if self.topics.get(topic.uid) is not topic:
            written(self, "topics")[topic.uid] = topic

    def log_post(self, post, when_key=None):
        """Remember that `post` went to the group (the digests list what was logged)."""
        key = when_key or time_key()
        while key in self.log:
            key += 1
        written(self, "log")[key] = post
        cutoff = key - KEEP_LOG_DAYS * 86_400 * 10 ** 6
        for old in list(self.log.keys(max=cutoff, excludemax=True))[:1000]:
            del self.log[old]
        return key

    def posts_between(self, after, until):
        """The posts logged after key `after` (exclusive) up to `until` (inclusive)."""
        return list(self.log.values(min=after, max=until, excludemin=after is not None))


# What changes a group's mail ---------------------------------------------------------------

class MailSettingsChanged(Audited):
    """A manager changed the mailgroup's settings (details: which, and their values)."""
    action = "mail_settings_changed"


class MailHeld(Audited):
    """A message was held for moderation (actor: its sender's address or login)."""
    action = "mail_held"


class HeldApproved(Audited):
    action = "mail_approved"


class HeldRejected(Audited):
    """A manager rejected held mail (details: the reason mailed back)."""
    action = "mail_rejected"


class HeldDiscarded(Audited):
    action = "mail_discarded"


def change_mail_settings(mail, actor, **fields):
    """Set `enabled`, `moderation` and `board` (a board id or None); ValueError for a
    moderation that does not exist or a board the group has not. Returns what changed."""
    if "moderation" in fields and fields["moderation"] not in MODERATIONS:
        raise ValueError("moderation")
    board = fields.get("board")
    if board is not None and board not in mail.__parent__["boards"]:
        raise ValueError("board")
    changed = {key: value for key, value in fields.items() if getattr(mail, key) != value}
    for key, value in changed.items():
        if key not in ("enabled", "moderation", "board"):
            raise KeyError(key)
        setattr(mail, key, value)
    if changed:
        notify(MailSettingsChanged(actor, mail, ", ".join(
            f"{key} {value}" for key, value in sorted(changed.items()))))
    return sorted(changed)


def set_delivery(mail, login, delivery):
    if delivery not in DELIVERIES:
        raise ValueError(delivery)
    if delivery == DEFAULT_DELIVERY:
        mail.deliveries.pop(login, None)
    else:
        written(mail, "deliveries")[login] = delivery


def hold_message(mail, message):
    """Put `message` (a HeldMessage) in the queue; returns its id. Past MAX_HELD the
    oldest is discarded, so a flood cannot grow a group without bound."""
    key = time_key()
    while key in mail.held:
        key += 1
    message.__parent__, message.__name__ = mail, str(key)
    written(mail, "held")[key] = message
    written(mail, "held_count").change(1)
    while mail.held_count() > MAX_HELD:
        take_held(mail, mail.held.minKey())
    notify(MailHeld(message.login or message.sender, message,
                    ", ".join(message.reasons)))
    return str(key)


def take_held(mail, held_id):
    """Take a held message out of the queue and return it (None if it is not there)."""
    message = mail.held.pop(int(held_id), None)
    if message is not None:
        mail.held_count.change(-1)
    return message


def discard_held(mail, held_id, actor):
    message = mail.get_held(held_id)
    if message is not None:
        notify(HeldDiscarded(actor, message))
        take_held(mail, held_id)
    return message


def reject_held(mail, held_id, actor, reason):
    message = mail.get_held(held_id)
    if message is not None:
        notify(HeldRejected(actor, message, reason[:200]))
        take_held(mail, held_id)
    return message


def approve_held(mail, held_id, actor):
    """Take an approved message out of the queue (the caller publishes it)."""
    message = mail.get_held(held_id)
    if message is not None:
        notify(HeldApproved(actor, message))
        take_held(mail, held_id)
    return message


def add_mail_folders(site):
    """Evolve step: groups made before mailgroups existed get their (disabled) mail."""
    for group in site["groups"].values():
        if "mail" not in group:
            group.add("mail", GroupMail(), send_events=False)
