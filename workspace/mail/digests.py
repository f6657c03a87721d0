"""Daily and weekly digests: every post a group mailed since the last digest of that
kind, in one message per reader, each item with its own reply address.

What the digest lists is built once per group; each reader's copy only adds their reply
keys and links. A digest is sent in one transaction that records how far it went
(`GroupMail.digests`), so two processes never send the same one (they conflict on it).
The scheduler (the mail worker) runs them every day from `workspace.digest_hour` (UTC);
`POST /api/mail/digests` sends those due at once.
"""
from datetime import datetime, timezone
from email.utils import format_datetime
import logging
import secrets
from urllib.parse import quote

import transaction
from ZODB.POSException import ConflictError

from ..content.board import Reply, Topic
from ..content.mail import time_key
from ..content.site import appmaker
from ..content.unwritten import written
from .compose import (address, envelope_sender, header, mime, seq_of, subject_prefix,
                      unsubscribe_url, web_url)
from .keys import reply_key
from .recipients import may_read
from .spool import SpoolBatch
from .state import state_of

log = logging.getLogger(__name__)
PERIOD = {"daily": 20 * 3600, "weekly": int(6.5 * 86400)}  # at least this long apart
MAX_ITEMS = 200
EXCERPT = 3000


def due(mail, kind, now_key, scheduled, hour):
    last = mail.digests.get(kind)
    if last is not None and (now_key - last) / 1e6 < PERIOD[kind]:
        return False
    if not scheduled:
        return True
    now = datetime.now(timezone.utc)
    if now.hour < hour:
        return False
    return kind == "daily" or now.weekday() == 0


def send_due_digests(db, settings, scheduled=False):
    """Send every digest that is due; returns how many messages went to the spool."""
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    total = 0
    try:
        tm.begin()
        gids = [g for g, group in appmaker(conn.root())["groups"].items()
                if "mail" in group and group["mail"].enabled]
        tm.abort()
        for gid in gids:
            for kind in ("daily", "weekly"):
                for attempt in range(3):
                    tm.begin()
                    try:
                        group = appmaker(conn.root())["groups"].get(gid)
                        batch = SpoolBatch(settings.outgoing_dir, tm)
                        total += build_digest(group, settings, kind, batch, scheduled,
                                              state_of(conn.root()))
                        tm.commit()
                        break
                    except ConflictError:
                        tm.abort()
    finally:
        try:
            tm.abort()
        except Exception:
            pass
        conn.close()
    return total


class Digest:
    """The items of one group's digest, and each reader's copy of it."""

    def __init__(self, settings, group, kind, posts):
        self.settings, self.group, self.kind = settings, group, kind
        self.gid = group.__name__
        people = group.__parent__.__parent__["people"]
        self.items = []
        for post in posts[:MAX_ITEMS]:
            topic = post if isinstance(post, Topic) else post.__parent__
            if not isinstance(topic, Topic):
                continue
            author = people.get(post.author)
            self.items.append((post, topic, seq_of(post),
                               f"{'Re: ' if isinstance(post, Reply) else ''}{topic.title}",
                               author.title if author is not None else post.author,
                               (post.body or "")[:EXCERPT],
                               web_url(settings, topic)))
        self.subject = header(f"{subject_prefix(group)} {kind.capitalize()} digest: "
                              f"{len(self.items)} new post{'s' * (len(self.items) != 1)}")
        self.date = format_datetime(datetime.now(timezone.utc))

    def for_reader(self, profile):
        s, login = self.settings, profile.login
        parts = [f"{self.kind.capitalize()} digest of {self.group.title}\n"]
        for n, (post, topic, seq, title, author, text, url) in enumerate(self.items, 1):
            if not may_read(profile, post):
                continue
            key = reply_key(s.secret, self.gid, topic.uid, seq, login)
            reply = f"mailto:{self.gid}+{key}@{s.domain}?subject={quote('Re: ' + topic.title)}"
            parts.append(f"{'=' * 60}\n{n}. {title}\n{author}, {post.created:%Y-%m-%d %H:%M} "
                         f"UTC\n\n{text}\n\nReply: {reply}\nOn the web: {url}\n")
        unsubscribe = unsubscribe_url(s, self.gid, login)
        parts.append(f"-- \nYour mail settings: {web_url(s, self.group['mail'])}\n"
                     f"Stop mail from {self.group.title}: {unsubscribe}\n")
        headers = [("From", address(self.group.title, s.group_address(self.gid))),
                   ("To", profile.email), ("Subject", self.subject), ("Date", self.date),
                   ("Message-ID", f"<digest.{secrets.token_hex(8)}.{self.gid}@{s.domain}>"),
                   ("List-Id", f"{header(self.group.title)} <{s.list_id(self.gid)}>"),
                   ("List-Post", f"<mailto:{s.group_address(self.gid)}>"),
                   ("List-Unsubscribe", f"<{unsubscribe}>"),
                   ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                   ("Precedence", "list"), ("X-Loop", s.group_address(self.gid))]
        return envelope_sender(s, login), profile.email, mime(headers, "\n".join(parts))


def build_digest(group, settings, kind, batch, scheduled, state):
    """Queue `kind` digests of `group` if one is due; returns how many copies."""
    if group is None or not group["mail"].enabled:
        return 0
    mail = group["mail"]
    now_key = time_key()
    if not due(mail, kind, now_key, scheduled, settings.digest_hour):
        return 0
    posts = mail.posts_between(mail.digests.get(kind), now_key)
    written(mail, "digests")[kind] = now_key
    if not posts:
        return 0
    digest = Digest(settings, group, kind, posts)
    people = group.__parent__.__parent__["people"]
    count = 0
    path = f"/groups/{group.__name__}/mail"
    for login in group.roles.keys():
        if mail.delivery_of(login) != kind or state.delivery_disabled(login):
            continue
        profile = people.get(login)
        if profile is None or not profile.email or not may_read(profile, group):
            continue
        sender, to, data = digest.for_reader(profile)
        batch.add({"from": sender, "to": to, "login": login, "check": path,
                   "delivery": kind}, data)
        count += 1
    log.info("%s digest of %s: %d posts to %d readers", kind, group.__name__, len(posts),
             count)
    return count


