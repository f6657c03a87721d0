"""The indexer: applies queued tasks to Whoosh after commit, one writer at a time.

One `Indexer` per process. In the background mode a daemon thread wakes when a local
transaction that queued tasks commits (and polls every half second for tasks queued by
other processes and machines); in the synchronous mode (tests) the committing thread
drains the queue itself. Either way the writer lock on the index directory makes sure
only one process writes to this machine's index, and its position in the queue (see
queue.py) moves only after the Whoosh commit that applied the tasks.

At start-up an index that opens is caught up by re-applying what it applied in the last
RETAIN_SECONDS (its last Whoosh commits may be lost) and then everything queued since:
the cost follows the recent changes, not the size of the site. Walking the whole database
to compare it with the index (minutes and a gigabyte at 870,000 people) is what
`workspace check` does, and what start-up does with `workspace.search.startup_check =
full`. An index that does not open is rebuilt.
"""
import logging
import threading
import time
import weakref

from pyramid.traversal import resource_path
from whoosh.query import Prefix
from ZODB.POSException import ConflictError

from ..content.site import appmaker
from ..database import open_root, run_in_transaction
from .queue import (GRACE_SECONDS, cover_snapshot, key_at, mark_done, pending, prune,
                    rewind, state_of)
from .records import describe, find_by_path, index_fields, walk

log = logging.getLogger(__name__)

BATCH = 500
POLL_SECONDS = 0.5
PRUNE_SECONDS = 10  # between deletions of tasks every machine has applied
# Postings Whoosh keeps in memory while the running indexer writes or merges (the rest spill
# to temporary runs): its default, 128 MB, made the server's memory rise in steps as the
# merged segments grew with the database (bench_memory.py). A rebuild keeps its 256.
WRITER_MB = 16


class Indexer:
    def __init__(self, db, store, synchronous=False, startup_check="recent"):
        self.db = db
        self.store = store
        self.machine = store.machine
        self.synchronous = synchronous
        self.startup_check = startup_check
        self._pruned = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.RLock()  # one drain at a time in this process
        self._hooked = weakref.WeakSet()
        self.thread = None
        self.ready = threading.Event()  # set once start-up reconciliation is done
        self._healing = threading.Lock()  # held while a repair runs

    # after-commit signalling ---------------------------------------------------
    def watch(self, txn):
        """Call after queuing in `txn`: once it commits, index (now or in the thread)."""
        if txn is None or txn in self._hooked:
            return
        self._hooked.add(txn)
        txn.addAfterCommitHook(self._committed)

    def _committed(self, ok):
        if not ok:
            return
        if self.synchronous:
            try:
                self.drain()
            except Exception:  # the change is committed and queued; never fail the caller
                log.exception("synchronous indexing failed; the task stays queued")
        else:
            self._wake.set()

    # running ---------------------------------------------------------------------
    def start(self):
        """Open (or rebuild) and reconcile the index, then drain in the background."""
        if self.synchronous:
            self.prepare()
            self.ready.set()
            return
        self.thread = threading.Thread(target=self._run, name="search-indexer", daemon=True)
        self.thread.start()

    def stop(self, timeout=5):
        self._stop.set()
        self._wake.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def _run(self):
        rebuilt = False
        try:
            rebuilt = self.open_or_rebuild()
        except Exception:
            log.exception("search index start-up failed; retrying while serving")
        if rebuilt:
            self.ready.set()
        elif self.startup_check == "full":  # the queue is drained meanwhile
            threading.Thread(target=self._reconcile_then_ready, name="search-reconcile",
                             daemon=True).start()
        else:
            try:
                self.rewind()
            except Exception:
                log.exception("search index catch-up failed; the queue is applied as usual")
            self.ready.set()
        while not self._stop.is_set():
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self.drain()
            except Exception as exc:
                if self._database_closed(exc):
                    break
                log.exception("indexing failed; the tasks stay queued and are retried")
                self.heal()
                self._stop.wait(2)

    def _reconcile_then_ready(self):
        try:
            self.reconcile()
        except Exception as exc:
            if not self._database_closed(exc):
                log.exception("search index reconciliation failed")
        finally:
            self.ready.set()

    def _database_closed(self, exc):
        return getattr(self.db, "_storage", True) is None or "closed" in str(exc).lower()

    # the work ----------------------------------------------------------------------
    def prepare(self):
        """Make sure an index is in use and caught up with the database (start-up)."""
        if not self.open_or_rebuild():
            if self.startup_check == "full":
                self.reconcile()
            else:
                self.rewind()
                self.drain()

    def rewind(self):
        """Have this machine apply again what it applied lately (see queue.rewind)."""
        def work(root):
            return rewind(state_of(root), self.machine)
        again = run_in_transaction(self.db, work)
        if again:
            log.info("search index: %d recent tasks applied again at start-up", again)
        return again

    def open_or_rebuild(self):
        """Make sure an index can be opened; returns True when it had to be built.
        Half-built generations left by a killed rebuild are removed on the way."""
        with self._lock, self.store.writer_lock():
            self.store.remove_unpublished()
            try:
                self.store.open_current()
                return False
            except Exception as exc:
                log.warning("search index cannot be opened (%s); building it", exc)
            rebuild(self.db, self.store)
        return True

    def heal(self):
        """Rebuild the index if it can no longer be opened (its folder was deleted or
        damaged while serving); returns at once if a repair is already running."""
        if not self._healing.acquire(blocking=False):
            return
        try:
            self.open_or_rebuild()
        except Exception as exc:
            if not self._database_closed(exc):
                log.exception("search index repair failed; it is tried again later")
        finally:
            self._healing.release()

    def heal_soon(self):
        """`heal` in a thread of its own: a search that found the index broken is
        answered at once, not after the rebuild."""
        threading.Thread(target=self.heal, name="search-heal", daemon=True).start()

    def reconcile(self):
        """Compare the whole database with the index (without holding the writer lock,
        which the queue needs), then refresh every entry that differed from the database
        as it is then; returns how many were refreshed."""
        paths = drifted_paths(self.db, self.store.open_current())
        if paths:
            with self._lock, self.store.writer_lock():
                refresh(self.db, self.store.open_current(), paths)
            log.info("search index reconciled with the database: %d entries fixed",
                     len(paths))
        return len(paths)

    def drain(self):
        """Apply the queued tasks; returns how many were applied (0 if another process
        holds the writer lock: it will apply them). Between batches it lets in whoever
        waits for the lock (a backup, a reindex) and leaves the rest for its next round."""
        done = 0
        with self._lock, self.store.writer_lock(blocking=False) as mine:
            if not mine:
                return 0
            ix = self.store.open_current()
            while not self.store.wanted():
                applied = self._drain_batch(ix)
                if not applied:
                    break
                done += applied
        return done

    def _drain_batch(self, ix):
        with open_root(self.db) as (root, tm):
            tasks = pending(root, BATCH, self.machine)
            if not tasks:
                return 0
            writer = ix.writer(limitmb=WRITER_MB)
            try:
                apply_tasks(appmaker(root), writer, [task for _, task in tasks])
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            mark_done(state_of(root), self.machine, [key for key, _ in tasks])
            try:
                tm.commit()
            except ConflictError:
                # The tasks are applied but not marked: the next round applies them
                # again (harmless: tasks read the database as it is) and marks them.
                log.info("marking index tasks as applied conflicted; retrying")
        self.prune_now_and_then()
        return len(tasks)

    def prune_now_and_then(self):
        """Delete the tasks every machine has applied, every PRUNE_SECONDS, in a
        transaction of its own (machines pruning at once conflict: one simply waits
        for its next turn)."""
        if time.monotonic() - self._pruned < PRUNE_SECONDS and not self.synchronous:
            return
        self._pruned = time.monotonic()
        with open_root(self.db) as (root, tm):
            if prune(state_of(root)):
                try:
                    tm.commit()
                except ConflictError:
                    log.info("pruning the index queue conflicted; pruned later")

    def wait_until_indexed(self, timeout=10.0):
        """Drain now (or wait for whoever holds the lock) until the queue is empty."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            if not self.queue_length():
                return True
            time.sleep(0.05)
        return False

    def queue_length(self):
        with open_root(self.db) as (root, _):
            return len(pending(root, machine=self.machine))


def covered(path, trees):
    """Whether a "tree" task at or above `path` is in `trees`."""
    return any(path == t or path.startswith(t.rstrip("/") + "/") for t in trees)


def apply_tasks(site, writer, tasks):
    """Bring the index entries the tasks name in line with the database.

    Each entry is written at most once per batch (Whoosh does not let a later update in
    the same writer replace an earlier one): a "tree" task covers everything under it.
    """
    trees = {path for action, path in tasks if action == "tree"}
    trees = {path for path in trees if not covered(path, trees - {path})}
    ones = {path for action, path in tasks if action == "one" and not covered(path, trees)}
    for path in sorted(trees):
        writer.delete_by_term("path", path)
        writer.delete_by_query(Prefix("path", path.rstrip("/") + "/"))
        obj = find_by_path(site, path)
        for item in walk(obj) if obj is not None else ():
            write_record(writer, safe_describe(item))
    for path in sorted(ones):
        obj = find_by_path(site, path)
        record = safe_describe(obj) if obj is not None else None
        if record is None:
            writer.delete_by_term("path", path)
        elif record is not UNREADABLE:
            write_record(writer, record)


UNREADABLE = object()


def safe_describe(obj):
    """describe(obj), or UNREADABLE (logged) when the object or its kind fails: one bad
    object must not stop the queue behind it."""
    try:
        return describe(obj)
    except Exception:
        log.exception("cannot describe %r for the search index", obj)
        return UNREADABLE


def write_record(writer, record):
    if record is None or record is UNREADABLE:
        return
    try:
        writer.update_document(**index_fields(record))
    except Exception:
        log.exception("could not index %s", record["path"])


GC_EVERY = 2000  # objects read between trims of the connection cache on long walks


def walk_trimmed(site):
    """`walk(site)`, trimming the connection's object cache as it goes, so that reading
    a whole large database keeps memory flat."""
    jar = site._p_jar
    for n, obj in enumerate(walk(site), 1):
        yield obj
        if jar is not None and n % GC_EVERY == 0:
            jar.cacheGC()


def database_fingerprints(site):
    """{path: fingerprint} of everything indexable in the database."""
    prints = {}
    for obj in walk_trimmed(site):
        record = safe_describe(obj)
        if record is UNREADABLE:
            prints[resource_path(obj)] = "unreadable"  # never equal: reported as drift
        elif record is not None:
            prints[record["path"]] = record["fingerprint"]
    return prints


def index_fingerprints(ix):
    """{path: fingerprint} of everything in the index."""
    with ix.reader() as reader:
        if not reader.doc_count():
            return {}
        paths = reader.column_reader("path")
        prints = reader.column_reader("fingerprint")
        return {paths[n]: prints[n] for n in reader.all_doc_ids()}


def differences(in_database, in_index):
    """(missing, stale, extra) paths between two {path: fingerprint} maps."""
    missing = sorted(p for p in in_database if p not in in_index)
    stale = sorted(p for p, fp in in_database.items() if p in in_index and in_index[p] != fp)
    extra = sorted(p for p in in_index if p not in in_database)
    return missing, stale, extra


def drifted_paths(db, ix):
    """Paths where one database snapshot and the index disagree."""
    with open_root(db) as (root, _):
        in_database = database_fingerprints(appmaker(root))
    missing, stale, extra = differences(in_database, index_fingerprints(ix))
    return missing + stale + extra


def refresh(db, ix, paths):
    """Write the entries of `paths` as the database has them now (the caller holds the
    writer lock, so nothing newer can be in the index)."""
    with open_root(db) as (root, _):
        writer = ix.writer(limitmb=WRITER_MB)
        try:
            apply_tasks(appmaker(root), writer, [("one", path) for path in paths])
        except BaseException:
            writer.cancel()
            raise
        writer.commit()


def rebuild(db, store, progress=None):
    """Index the whole database into a new generation and put it in use; returns the
    number of entries. The caller holds the writer lock."""
    name, ix = store.new_generation()
    moment = time.time()
    with open_root(db) as (root, _):
        site = appmaker(root) if "workspace" in root else None
        state = state_of(root, create=False)
        covered = list(state.tasks.keys(min=key_at(moment - GRACE_SECONDS))) \
            if state is not None else []
        count = 0
        writer = ix.writer(limitmb=256)
        try:
            for obj in walk_trimmed(site) if site is not None else ():
                record = safe_describe(obj)
                if record is not None and record is not UNREADABLE:
                    write_record(writer, record)
                    count += 1
                    if progress is not None:
                        progress(1)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    store.publish(name)
    # The new index holds every task the snapshot held: this machine's position says so
    # (not from a read-only connection, `workspace reindex` beside a running site: the
    # site then applies those tasks once more, which changes nothing).
    if not db.storage.isReadOnly():
        run_in_transaction(db, lambda root: cover_snapshot(state_of(root), store.machine,
                                                           moment, covered))
    return count

