"""The index queue in ZODB: content events become tasks in the same transaction.

Tasks are keyed by a unique, time-ordered key in a sharded tree, so concurrent writers
insert different keys, mostly into different buckets (BTrees merge two inserts into one
bucket, but not when one of them splits it), and the indexer takes the oldest first. The indexer does not delete what it applied: it marks the keys in `done`, a tree
only it writes, and deletes tasks once they are older than RETAIN_SECONDS, from buckets
no request inserts into any more. So saving and indexing never fight over a bucket. A task is
(action, path): "one" refreshes the entry of one object, "tree" refreshes everything at and
under a path. Both read the database as it is when the indexer runs, so applying a task
twice, or late, gives the same index.
"""
import os
import secrets
import time

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.traversal import find_root, resource_path

from ..content.shards import ShardedTree
from ..content.site import Site

STATE_KEY = "workspace.search"
RETAIN_SECONDS = 300  # applied tasks stay this long, so pruning never meets an insert


class SearchState(Persistent):
    """The search package's own corner of the database: the queue of index tasks."""

    def __init__(self):
        self.tasks = ShardedTree(OOBTree)  # key -> (action, path); every transaction writes
        self.done = OOBTree()  # key -> True for applied tasks; written by the indexer only

    def shard_tasks(self):
        """Queues made before the tasks were sharded move them over (at start-up)."""
        if isinstance(self.tasks, OOBTree):
            tasks = ShardedTree(OOBTree)
            tasks.update_from(self.tasks)
            self.tasks = tasks


def task_key():
    return f"{time.time_ns():020d}-{os.getpid():x}-{secrets.token_hex(4)}"


def state_of(zodb_root, create=True):
    state = zodb_root.get(STATE_KEY)
    if state is None and create:
        state = zodb_root[STATE_KEY] = SearchState()
    return state


def prepare_queue(zodb_root):
    """At start-up: the queue exists, in its current shape."""
    state_of(zodb_root).shard_tasks()


def jar_of(obj):
    """The ZODB connection an object (or, for a new one, its nearest stored ancestor) is in."""
    while obj is not None:
        jar = getattr(obj, "_p_jar", None)
        if jar is not None:
            return jar
        obj = getattr(obj, "__parent__", None)
    return None


def enqueue(anchor, action, path):
    """Queue (action, path) in the transaction of `anchor`'s connection; returns that
    transaction, or None when `anchor` is not in a database (nothing to index)."""
    jar = jar_of(anchor)
    if jar is None or not isinstance(find_root(anchor), Site):
        return None
    state_of(jar.root()).tasks[task_key()] = (action, path)
    return jar.transaction_manager.get()


def event_path(event):
    """Where the event's object is (or was, for a removal)."""
    if event.parent is not None and event.name is not None:
        base = resource_path(event.parent)
        return f"{base.rstrip('/')}/{event.name}"
    return resource_path(event.object)


def pending(zodb_root, limit=None):
    """[(key, (action, path))] of tasks not applied yet, oldest first."""
    state = state_of(zodb_root, create=False)
    if state is None:
        return []
    done = state.done
    items = []
    for key, task in state.tasks.items():
        if key in done:
            continue
        items.append((key, task))
        if limit is not None and len(items) >= limit:
            break
    return items


def mark_done(state, keys):
    for key in keys:
        state.done[key] = True


def prune(state, limit=5000):
    """Delete applied tasks older than RETAIN_SECONDS; returns how many went."""
    cutoff = f"{time.time_ns() - RETAIN_SECONDS * 10**9:020d}"
    old = []
    for key in state.done.keys(max=cutoff, excludemax=True):
        old.append(key)
        if len(old) >= limit:
            break
    for key in old:
        state.tasks.pop(key, None)
        del state.done[key]
    return len(old)
