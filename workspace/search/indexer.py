"""The indexer: applies queued tasks to Whoosh after commit, one writer at a time.

One `Indexer` per process. In the background mode a daemon thread wakes when a local
transaction that queued tasks commits (and polls every half second for tasks queued by
other processes); in the synchronous mode (tests) the committing thread drains the queue
itself. Either way the writer lock on the index directory makes sure only one process
writes, and queue entries are deleted only after the Whoosh commit that applied them.
"""
import logging
import threading
import time
import weakref

from pyramid.traversal import resource_path
from whoosh.query import Prefix
from ZODB.POSException import ConflictError

from ..content.site import appmaker
from ..database import open_root
from .queue import mark_done, pending, prune, state_of
from .records import describe, find_by_path, index_fields, walk

log = logging.getLogger(__name__)

BATCH = 500
POLL_SECONDS = 0.5


class Indexer:
    def __init__(self, db, store, synchronous=False):
        self.db = db
        self.store = store
        self.synchronous = synchronous
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
        else:  # the queue is drained meanwhile: new saves stay findable at once
            threading.Thread(target=self._reconcile_then_ready, name="search-reconcile",
                             daemon=True).start()
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
        """Make sure an index is in use and agrees with the database (start-up)."""
        if not self.open_or_rebuild():
            self.reconcile()

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
            tasks = pending(root, BATCH)
            if not tasks:
                return 0
            writer = ix.writer()
            try:
                apply_tasks(appmaker(root), writer, [task for _, task in tasks])
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            state = state_of(root)
            mark_done(state, [key for key, _ in tasks])
            prune(state)
            try:
                tm.commit()
            except ConflictError:
                # The tasks are applied but not marked: the next round applies them
                # again (harmless: tasks read the database as it is) and marks them.
                log.info("marking index tasks as applied conflicted; retrying")
            return len(tasks)

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
            return len(pending(root))


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
        writer = ix.writer()
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
    with open_root(db) as (root, _):
        site = appmaker(root) if "workspace" in root else None
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
    return count

