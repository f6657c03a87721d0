"""The mail package's own corner of the database (the root key `workspace.mail`): the
outbox of work that mail will do after commit, the Message-IDs already turned into
content, the index of people's addresses, bounce scores, invitations and reset links.

The outbox is the transactional half of sending: a content change puts a job here in
its own transaction, so a job exists exactly when the change committed; the mail worker
turns each job into messages in the outgoing spool after commit (see outbox.py).
"""
from datetime import datetime, timedelta, timezone
import hashlib
import itertools
import os
import secrets
import time

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping

from ..content.shards import ShardedTree
from ..database import jar_of

STATE_KEY = "workspace.mail"
SEEN_DAYS = 60  # how long a Message-ID is remembered (MTAs retry for days, not months)


def now_utc():
    return datetime.now(timezone.utc)


def job_key():
    return f"{time.time_ns():020d}-{os.getpid():x}-{secrets.token_hex(4)}"


def digest(secret_token):
    return hashlib.sha256(secret_token.encode("utf-8")).hexdigest()


class MailState(Persistent):
    def __init__(self):
        self.jobs = ShardedTree(OOBTree)  # key -> job tuple, written by any transaction
        self.done = OOBTree()  # key -> True, written by the mail worker only
        self.seen = OOBTree()  # "<message-id> <recipient>" -> when it was turned into content
        self.addresses = OOBTree()  # lowercased address -> login
        self.address_of = OOBTree()  # login -> the address indexed for them
        self.addresses_built = False
        self.bounces = OOBTree()  # login -> PersistentMapping(score, disabled, last)
        self.invitations = OOBTree()  # sha256 of the token -> PersistentMapping
        self.resets = OOBTree()  # sha256 of the token -> PersistentMapping(login, expires)

    # the address index -----------------------------------------------------------------
    def index_address(self, login, address):
        old = self.address_of.get(login)
        if old == address:
            return
        if old is not None and self.addresses.get(old) == login:
            del self.addresses[old]
        if address:
            self.addresses[address] = login
            self.address_of[login] = address
        else:
            self.address_of.pop(login, None)

    def login_of(self, address):
        return self.addresses.get((address or "").strip().lower())

    # bounces ---------------------------------------------------------------------------
    def bounce_record(self, login):
        return self.bounces.get(login)

    def delivery_disabled(self, login):
        record = self.bounces.get(login)
        return "bounces" if record is not None and record["disabled"] else None

    def add_bounce(self, login, threshold):
        """Count one hard bounce for `login`; True when delivery stops now."""
        record = self.bounces.get(login)
        if record is None:
            record = self.bounces[login] = PersistentMapping(score=0, disabled=False)
        record["score"] += 1
        record["last"] = now_utc().isoformat(timespec="seconds")
        if not record["disabled"] and record["score"] >= threshold:
            record["disabled"] = True
            return True
        return False

    def enable_delivery(self, login):
        self.bounces.pop(login, None)

    # Message-IDs -------------------------------------------------------------------------
    def first_time(self, key):
        """True (and remembered) the first time `key` is seen; False after that."""
        if key in self.seen:
            return False
        self.seen[key] = time.time()
        return True

    def prune_seen(self, limit=2000):
        cutoff = time.time() - SEEN_DAYS * 86400
        old = [k for k, when in list(self.seen.items())[:limit] if when < cutoff]
        for key in old:
            del self.seen[key]

    # invitations and resets -------------------------------------------------------------
    def new_secret(self, table, lifetime, **record):
        """A fresh secret token for a record in `table` valid for `lifetime` seconds; only
        its digest is stored."""
        secret = secrets.token_urlsafe(24)
        expires = now_utc() + timedelta(seconds=lifetime)
        table[digest(secret)] = PersistentMapping(record, expires=expires.isoformat())
        now = now_utc().isoformat()
        for key in [k for k, r in itertools.islice(table.items(), 500) if r["expires"] < now]:
            del table[key]
        return secret

    def find_secret(self, table, secret):
        """The live record of `secret` in `table`, else None."""
        if not isinstance(secret, str) or not 10 < len(secret) < 100:
            return None
        record = table.get(digest(secret))
        if record is None or record["expires"] < now_utc().isoformat():
            return None
        return record

    def use_secret(self, table, secret):
        table.pop(digest(secret), None)


def state_of(zodb_root, create=True):
    state = zodb_root.get(STATE_KEY)
    if state is None and create:
        state = zodb_root[STATE_KEY] = MailState()
    return state


def state_near(obj):
    """The MailState of the database `obj` is stored in (None outside a database)."""
    jar = jar_of(obj)
    return state_of(jar.root()) if jar is not None else None


def build_address_index(state, people):
    """Index every account's address (once, for sites made before mail existed)."""
    for profile in people.values():
        if profile.email:
            state.index_address(profile.login, profile.email.strip().lower())
    state.addresses_built = True
