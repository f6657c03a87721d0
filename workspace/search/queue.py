"""The index queue in ZODB: content events become tasks in the same transaction.

Tasks are keyed by a unique, time-ordered key in a sharded tree, so concurrent writers
insert different keys, mostly into different buckets (BTrees merge two inserts into one
bucket, but not when one of them splits it). A task is (action, path): "one" refreshes
the entry of one object, "tree" refreshes everything at and under a path. Both read the
database as it is when they are applied, so applying a task twice, or late, gives the
same index.

Each machine keeps its own search index (no shared disk) and applies the one queue in
the database itself, with its own position: a `Progress` per machine, written by that
machine's indexer only, so machines never conflict over it. A key is made when a task is
queued, not when its transaction commits, so a transaction still open can commit a key
older than ones already applied: a position is therefore "every key before `settled`
is applied, and the keys in `applied` after it", and `settled` moves on only over keys
older than GRACE_SECONDS (longer than any transaction lasts). Reading what is pending
costs what lies after `settled`, not the whole history.

Tasks are deleted only once every registered machine has settled past them and they
are older than RETAIN_SECONDS: a machine that starts again re-applies what it applied in
its last RETAIN_SECONDS (a Whoosh commit is not crash-safe), and a machine that is down
keeps the queue for itself until it comes back, or until `forget_machine` says it will
not (`workspace index-machines --forget`).
"""
import os
import secrets
import socket
import time

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from pyramid.traversal import find_root, resource_path

from ..content.shards import ShardedTree
from ..content.site import Site
from ..database import jar_of

STATE_KEY = "workspace.search"
GRACE_SECONDS = 120  # longer than any transaction that queues tasks lasts
RETAIN_SECONDS = 300  # applied tasks stay this long, for a restart to re-apply them
LEGACY = "(single index)"  # the position of a queue made before machines had their own


class SearchState(Persistent):
    """The search package's own corner of the database: the queue of index tasks and
    each machine's position in it."""

    def __init__(self):
        self.tasks = ShardedTree(OOBTree)  # key -> (action, path); every transaction writes
        self.machines = OOBTree()  # machine id -> Progress, each written by its indexer

    def shard_tasks(self):
        """Queues made before the tasks were sharded move them over (at start-up)."""
        if isinstance(self.tasks, OOBTree):
            tasks = ShardedTree(OOBTree)
            tasks.update_from(self.tasks)
            self.tasks = tasks

    def adopt_single_index(self, machine):
        """A queue made before machines had their own position kept one `done` tree for
        the one index: it becomes the position of `machine` (at start-up)."""
        if "machines" not in self.__dict__:
            self.machines = OOBTree()
        done = self.__dict__.get("done")
        if done is None:
            return
        progress = progress_of(self, machine)
        progress.applied.update(done.keys())
        del self.done


class Progress(Persistent):
    """One machine's position in the queue (see the module's docstring)."""

    def __init__(self, settled=""):
        self.settled = settled  # every key before it is applied
        self.applied = OOTreeSet()  # keys from `settled` on that are applied
        self.seen = time.time()  # when this machine's indexer last applied tasks

    def __repr__(self):
        return f"Progress(settled={self.settled!r}, {len(self.applied)} applied after)"


def machine_id(directory, name=None):
    """The id a machine's index is known by in the queue: `name` if given (the setting
    `workspace.search.machine`), else this host's name and the index folder."""
    return name or f"{socket.gethostname()}:{os.path.abspath(directory)}"


def task_key(moment=None):
    moment = time.time_ns() if moment is None else moment
    return f"{moment:020d}-{os.getpid():x}-{secrets.token_hex(4)}"


def key_at(seconds):
    """The smallest key that a task queued at `seconds` (time.time()) can have."""
    return f"{int(seconds * 10**9):020d}"


def state_of(zodb_root, create=True):
    state = zodb_root.get(STATE_KEY)
    if state is None and create:
        state = zodb_root[STATE_KEY] = SearchState()
    return state


def prepare_queue(zodb_root, machine=LEGACY):
    """At start-up: the queue exists, in its current shape, and `machine` has its
    position (a new machine starts at the oldest task still queued)."""
    state = state_of(zodb_root)
    state.shard_tasks()
    state.adopt_single_index(machine)
    progress_of(state, machine)


def progress_of(state, machine):
    progress = state.machines.get(machine)
    if progress is None:
        progress = state.machines[machine] = Progress()
    return progress


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


def pending(zodb_root, limit=None, machine=None):
    """[(key, (action, path))] of the tasks `machine` has not applied yet, oldest first
    (machine None: those some registered machine has not applied, every task when none
    is registered)."""
    state = state_of(zodb_root, create=False)
    if state is None:
        return []
    positions = ([state.machines[machine]] if machine in state.machines else []) \
        if machine is not None else list(state.machines.values())
    if not positions:
        positions = [Progress()]
    start = min(p.settled for p in positions)
    items = []
    for key in state.tasks.keys(min=start or None):
        if all(key < p.settled or key in p.applied for p in positions):
            continue
        items.append((key, state.tasks[key]))
        if limit is not None and len(items) >= limit:
            break
    return items


def mark_done(state, machine, keys, now=None):
    """Record that `machine` applied `keys`, and settle its position past every applied
    key older than GRACE_SECONDS."""
    progress = progress_of(state, machine)
    progress.applied.update(keys)
    progress.seen = time.time() if now is None else now
    settle(state, progress, progress.seen)


def settle(state, progress, now):
    """Move `settled` over the applied keys at its front that are older than the grace
    period (each key is walked over once: the cost follows the tasks applied)."""
    cutoff = key_at(now - GRACE_SECONDS)
    settled = progress.settled
    for key in state.tasks.keys(min=settled or None):
        if key >= cutoff:
            settled = max(settled, cutoff)
            break
        if key not in progress.applied:
            settled = key
            break
        progress.applied.remove(key)
        settled = key + "~"  # just past it: "~" sorts after the key's own characters
    else:
        settled = max(settled, cutoff)
    for key in list(progress.applied.keys(max=settled, excludemax=True)):
        progress.applied.remove(key)  # applied keys of tasks already pruned
    if settled != progress.settled:
        progress.settled = settled


def rewind(state, machine, seconds=RETAIN_SECONDS, now=None):
    """Make `machine` apply again what it applied in the last `seconds` (at start-up:
    the index may have lost its last commits); returns how many tasks that is."""
    progress = progress_of(state, machine)
    since = key_at((time.time() if now is None else now) - seconds)
    again = [key for key in progress.applied.keys(min=since)]
    for key in again:
        progress.applied.remove(key)
    if progress.settled > since:
        for key in state.tasks.keys(min=since, max=progress.settled, excludemax=True):
            again.append(key)
        progress.settled = since
    return len(again)


def cover_snapshot(state, machine, moment, keys):
    """After a rebuild from a snapshot taken at `moment` that held the tasks `keys`:
    `machine` has applied all of them, and everything queued before the grace period."""
    progress = state.machines[machine] = Progress(key_at(moment - GRACE_SECONDS))
    progress.applied.update(k for k in keys if k >= progress.settled)
    progress.seen = time.time()


def prune(state, limit=5000, now=None):
    """Delete tasks every registered machine has settled past and that are older than
    RETAIN_SECONDS; returns how many went."""
    now = time.time() if now is None else now
    bounds = [p.settled for p in state.machines.values()] + [key_at(now - RETAIN_SECONDS)]
    cutoff = min(bounds)
    old = []
    for key in state.tasks.keys(max=cutoff, excludemax=True):
        old.append(key)
        if len(old) >= limit:
            break
    for key in old:
        state.tasks.pop(key, None)
    return len(old)


def forget_machine(state, machine):
    """`machine` will not index again: its position no longer holds the queue back."""
    return state.machines.pop(machine, None) is not None


def machines(state):
    """[(machine id, settled key, tasks applied past it, last seen)] of every machine."""
    return [(name, p.settled, len(p.applied), p.seen) for name, p in state.machines.items()]
