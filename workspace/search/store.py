"""The index directory: generations of a Whoosh index, the writer lock, shared searchers.

Layout of `workspace.index_dir`:
    CURRENT        the name of the generation in use (replaced atomically)
    PREVIOUS       the one in use before it (kept for searchers still open on it)
    writer.lock    held (flock) by whoever writes: one process at a time
    writer.wanted  present while someone waits for the lock (the indexer, which holds it
                   batch after batch while writes keep coming, then lets them in)
    gen-<stamp>/   a Whoosh index; a rebuild makes a new one and then switches CURRENT

Readers look at CURRENT on each search and reopen when it changed, so a rebuild made by
`workspace reindex` in another process is picked up without a restart.
"""
import contextlib
from contextlib import contextmanager
import fcntl
import os
import shutil
import threading
import time

from whoosh import index
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from .queue import machine_id
from .schema import layout, make_schema

CURRENT = "CURRENT"
PREVIOUS = "PREVIOUS"
LOCK = "writer.lock"
WANTED = "writer.wanted"


class IndexStore:
    """One machine's index folder; `machine` is the id of its position in the queue
    (queue.machine_id: this host and folder unless the setting names it)."""

    def __init__(self, directory, machine=None):
        self.directory = os.path.abspath(directory)
        self.machine = machine_id(self.directory, machine)
        os.makedirs(self.directory, exist_ok=True)
        self._local = threading.local()

    # generations -----------------------------------------------------------
    def current_name(self, which=CURRENT):
        try:
            with open(os.path.join(self.directory, which), encoding="ascii") as f:
                return f.read().strip() or None
        except FileNotFoundError:
            return None

    def open_current(self):
        """The index in use; raises when there is none or it cannot be opened."""
        name = self.current_name()
        if name is None:
            raise FileNotFoundError("no search index yet")
        ix = index.open_dir(os.path.join(self.directory, name))
        if layout(ix.schema) != layout(make_schema()):
            raise ValueError("the search index was built with another schema")
        with ix.searcher() as searcher:  # reading the segments proves the files are there
            searcher.doc_count_all()
        return ix

    def new_generation(self):
        """(name, index) of a new, empty, unpublished generation."""
        name = f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        path = os.path.join(self.directory, name)
        os.makedirs(path)
        return name, index.create_in(path, make_schema())

    def publish(self, name):
        """Make generation `name` the one in use; keep the previous one, drop older ones."""
        previous = self.current_name()
        if previous:
            self._write_name(PREVIOUS, previous)
        self._write_name(CURRENT, name)
        self.remove_unpublished()

    def _write_name(self, which, name):
        temp = os.path.join(self.directory, f"{which}.{os.getpid()}.tmp")
        with open(temp, "w", encoding="ascii") as f:
            f.write(name)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, os.path.join(self.directory, which))

    # the writer lock ---------------------------------------------------------
    @contextmanager
    def writer_lock(self, blocking=True):
        """Yield True while this process holds the writer lock (False if not blocking
        and another process has it). A blocking caller says it is waiting (`wanted`), so
        that whoever holds the lock for a long drain lets it in after the current batch."""
        wanted = os.path.join(self.directory, WANTED)
        os.makedirs(self.directory, exist_ok=True)  # it may have been deleted meanwhile
        with open(os.path.join(self.directory, LOCK), "a+") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not blocking:
                    yield False
                    return
                with open(wanted, "a"):
                    pass
                try:
                    fcntl.flock(f, fcntl.LOCK_EX)
                finally:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(wanted)
            try:
                yield True
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def wanted(self):
        """True while someone waits for the writer lock."""
        return os.path.exists(os.path.join(self.directory, WANTED))

    def remove_unpublished(self):
        """Delete every generation but the one in use and the one before it: older ones,
        and those half-built by a rebuild that was killed. The caller holds the writer
        lock, so no rebuild is running."""
        keep = {self.current_name(), self.current_name(PREVIOUS)}
        for entry in os.listdir(self.directory):
            if entry.startswith("gen-") and entry not in keep:
                shutil.rmtree(os.path.join(self.directory, entry), ignore_errors=True)

    # searchers ------------------------------------------------------------------
    def searcher(self):
        """This thread's searcher over the latest committed state of the index in use."""
        local = self._local
        name = self.current_name()
        if name is None:
            raise FileNotFoundError("no search index yet")
        if getattr(local, "name", None) != name:
            self._close_local()
            local.ix = index.open_dir(os.path.join(self.directory, name))
            local.searcher = local.ix.searcher()
            local.name = name
        elif not local.searcher.up_to_date():
            # Not `refresh()`: whoosh-reloaded 2.7.5 merges the old reader's segments back
            # into a refreshed one (deleted entries reappear). `renewed` reuses only the
            # readers of segments that are unchanged, deletions included.
            local.searcher = renewed(local.ix, local.searcher)
        return local.searcher

    def _close_local(self):
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
        self._local.searcher = self._local.name = None


def _same_deletions(reader, segment):
    """True when `segment` (from a newer TOC) has exactly the deletions `reader` was
    opened with."""
    old = reader.segment()
    if old.deleted_count() != segment.deleted_count():
        return False
    if not segment.deleted_count():
        return True
    return set(old.deleted_docs()) == set(segment.deleted_docs())


def renewed(ix, old):
    """A searcher over the latest commit of `ix` that keeps the per-segment readers of
    `old` whose segment (same id, same deleted documents) is still in the index, opens
    fresh readers for new segments and segments with other deletions, and closes `old`'s
    other readers.

    A fresh searcher would reopen every segment on each commit; most commits only add a
    small segment (an edit also changes the deletions of one: that one is reopened)."""
    reusable = {}
    for reader, _ in old.reader().leaf_readers():
        segment = reader.segment()
        if segment is not None and not reader.is_closed:
            reusable[segment.segment_id()] = reader
    opened = []
    try:
        toc = ix._read_toc()
        readers = []
        for segment in toc.segments:
            reader = reusable.get(segment.segment_id())
            if reader is not None and _same_deletions(reader, segment):
                del reusable[segment.segment_id()]
            else:
                reader = SegmentReader(ix.storage, toc.schema, segment,
                                       generation=toc.generation)
                opened.append(reader)
            readers.append(reader)
    except OSError:
        # A writer removed a merged segment's files between the TOC and the open: start
        # over with a plain new searcher (whoosh's own reader retries that case).
        for reader in opened:
            reader.close()
        old.close()
        return ix.searcher()
    old.is_closed = True
    for reader in reusable.values():  # segments merged away or with new deletions
        reader.close()
    if not readers:
        ixreader = EmptyReader(toc.schema)
    elif len(readers) == 1:
        ixreader = readers[0]
        ixreader._gen = toc.generation  # a reused reader would look out of date
    else:
        ixreader = MultiReader(readers, generation=toc.generation)
    return Searcher(ixreader, fromindex=ix, weighting=old.weighting)
