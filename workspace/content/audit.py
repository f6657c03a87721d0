"""The audit log: who did what to whom, when; append-only and readable by admins.

Nothing writes to it but `write_audit_entry`, the subscriber of every `Audited` event, so
every entry has one shape: actor, action, the object's path, details.
"""
from datetime import datetime, timezone
import random
import time
import unicodedata

from BTrees.LOBTree import LOBTree
from persistent import Persistent
from pyramid.events import subscriber
from pyramid.traversal import find_root

from .events import Audited
from .shards import ShardedTree


def _clean(value):
    """One line of printable text: no line breaks, control, format (bidi) or unpaired
    surrogate characters survive."""
    text = str(value if value is not None else "")[:500]
    if text.isprintable():  # no C*, Zl or Zp character (nor any other but a space's Zs)
        return text  # as the loop below would return it; an import writes 3 per row
    return "".join(" " if unicodedata.category(c).startswith(("C", "Zl", "Zp")) else c
                   for c in text)


SCAN_LIMIT = 20_000  # entries a filtered read of the log looks at, at most


class AuditLog(Persistent):
    """Entries keyed by a time-ordered integer with random low digits, in a sharded tree,
    so that concurrent appends land in different keys and (mostly) different buckets."""

    def __init__(self):
        self._entries = ShardedTree(LOBTree)

    def record(self, actor, action, obj, detail=""):
        now = datetime.now(timezone.utc)
        key = time.time_ns() // 1000 * 1000 + random.randrange(1000)
        while key in self._entries:
            key += 1
        self._entries[key] = {
            "time": now.isoformat(timespec="seconds"),
            "actor": _clean(actor),
            "action": _clean(action),
            "object": _clean(obj),
            "detail": _clean(detail),
        }

    def newest(self, limit=100, before=None, **filters):
        """Entries newest first, at most `limit`, older than key `before` if given; with
        `actor`, `action` or `object` filters, only entries whose field equals the value
        (`object`: starts with it). A filtered read looks at SCAN_LIMIT entries at most,
        so that a rare filter never walks a log of millions."""
        keys = self._entries.keys(max=before, excludemax=before is not None, reverse=True)
        wanted = {name: value for name, value in filters.items() if value}
        out = []
        for scanned, key in enumerate(keys):
            if wanted and scanned >= SCAN_LIMIT:
                break
            entry = self._entries[key]
            if all(entry[name].startswith(value) if name == "object" else entry[name] == value
                   for name, value in wanted.items()):
                out.append(dict(entry, id=key))
                if len(out) >= limit:
                    break
        return out

    def __len__(self):
        return len(self._entries)


def shard_audit_log(site):
    """Evolve step: the audit log's entries move from one tree into a sharded one."""
    old = site.audit._entries
    if isinstance(old, LOBTree):
        site.audit._entries = ShardedTree(LOBTree)
        site.audit._entries.update_from(old)


@subscriber(Audited)
def write_audit_entry(event):
    log = getattr(find_root(event.object), "audit", None)
    if log is not None:
        log.record(event.actor, event.action, event.path, event.details)
