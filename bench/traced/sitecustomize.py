"""Loaded by the server bench_memory.py starts with --tracemalloc or --posting-pool-mb
(this folder on PYTHONPATH).

$WORKSPACE_TRACEMALLOC: traces allocations from the moment waitress starts serving (25
frames from the start made Chameleon's compiling of every template take minutes) and, on
SIGUSR1, writes a tracemalloc snapshot and the ZODB pool's connections and cache sizes to
that folder, to see which allocation sites grow under a long load.
$WORKSPACE_POSTING_POOL_MB: caps the postings a Whoosh writer keeps in memory."""
import os

FOLDER = os.environ.get("WORKSPACE_TRACEMALLOC")

if FOLDER:
    import gc
    import json
    import signal
    import sys
    import time
    import tracemalloc

    databases = []

    def _trace_when_serving():
        """Start tracing once the app is loaded, as waitress creates its server."""
        import waitress
        create = waitress.create_server

        def create_server(*args, **kw):
            tracemalloc.start(25)
            return create(*args, **kw)
        waitress.create_server = create_server

    def _record_databases():
        """Every ZODB.DB the process opens (the app's one), for their pools' figures."""
        import ZODB.DB
        opened = ZODB.DB.__init__

        def init(self, *args, **kw):
            opened(self, *args, **kw)
            databases.append(self)
        ZODB.DB.__init__ = init

    def _pool(db):
        pool = db.pool
        return {"open": len(pool.all), "available": len(pool.available),
                "pool_size": pool.size,
                "cache_detail_size": db.cacheDetailSize(),
                "cache_size": db.cacheSize(),
                "cache_bytes": [c._cache.total_estimated_size for c in pool.all]}

    def dump(signum, frame):
        try:
            _dump()
        except Exception:
            import traceback
            traceback.print_exc()

    def _dump():
        n = len([f for f in os.listdir(FOLDER) if f.endswith(".snap")])
        started = time.monotonic()
        snapshot = tracemalloc.take_snapshot()
        snapshot.dump(os.path.join(FOLDER, f"{n:02}.snap"))
        counts = {}
        for o in gc.get_objects():
            kind = type(o)
            name = f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', '?')}"
            counts[name] = counts.get(name, 0) + 1
        top = sorted(counts.items(), key=lambda kv: -kv[1])[:60]
        info = {"pools": [_pool(db) for db in databases],
                "traced": tracemalloc.get_traced_memory(),
                "tracemalloc_overhead": tracemalloc.get_tracemalloc_memory(),
                "gc_types": top, "seconds": time.monotonic() - started}
        with open(os.path.join(FOLDER, f"{n:02}.json"), "w") as f:
            json.dump(info, f, indent=1)
        print(f"tracemalloc snapshot {n} in {info['seconds']:.1f} s", file=sys.stderr)

    _record_databases()
    _trace_when_serving()
    signal.signal(signal.SIGUSR1, dump)

POOL_MB = os.environ.get("WORKSPACE_POSTING_POOL_MB")

if POOL_MB:  # an experiment: how much of a process's memory the indexer's merges take
    import whoosh.writing

    _pool_init = whoosh.writing.PostingPool.__init__

    def _smaller_pool(self, tempstore, segment, limitmb=128, **kw):
        """Whoosh keeps up to `limitmb` of postings in memory when it writes or merges
        segments (128 unless the caller says): hold at most POOL_MB."""
        _pool_init(self, tempstore, segment, limitmb=min(limitmb, int(POOL_MB)), **kw)
    whoosh.writing.PostingPool.__init__ = _smaller_pool
