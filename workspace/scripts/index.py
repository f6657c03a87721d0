"""`workspace reindex` and `workspace check`: the search index against the database.

Both open the database read-only (FileStorage without its lock, or ZEO read-only), so
they run while the site is serving. `reindex` builds a fresh index generation with a
progress bar and switches the site over to it; `check` lists every difference and exits 1
when there is one.
"""
from contextlib import contextmanager
import sys
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from plaster import get_settings
from ZODB import DB
from zodburi import resolve_uri

from ..content.site import APP_KEY, appmaker
from ..database import open_root
from ..search.indexer import (database_fingerprints, differences, index_fingerprints,
                               rebuild)
from ..search.queue import pending
from ..search.store import IndexStore

CHECK_ROUNDS = 5  # a difference must persist this many looks (a second apart) to count


def site_settings(ini):
    return get_settings(ini, "app:main")


def read_only_uri(uri):
    """The same database URI, opened read-only (no FileStorage lock is taken)."""
    parts = urlsplit(uri)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "read_only"]
    query.append(("read_only", "1"))
    return urlunsplit(parts._replace(query=urlencode(query)))


@contextmanager
def open_database(ini, read_only=True):
    """A ZODB DB of the site's database; read-only by default."""
    uri = site_settings(ini)["zodbconn.uri"]
    factory, dbkw = resolve_uri(read_only_uri(uri) if read_only else uri)
    db = DB(factory(), **dbkw)
    try:
        yield db
    finally:
        db.close()


@contextmanager
def snapshot(db):
    """The zodb root of one consistent snapshot, never committed."""
    with open_root(db) as (root, _):
        yield root


def index_store(ini):
    settings = site_settings(ini)
    directory = settings.get("workspace.index_dir")
    if not directory:
        sys.exit("This site has no workspace.index_dir: search is off.")
    return IndexStore(directory, settings.get("workspace.search.machine"))


def reindex(args):
    from tqdm import tqdm
    store = index_store(args.config)
    started = time.monotonic()
    # The lock pauses the site's indexer: changes made meanwhile wait in the queue (in
    # the database) and are applied to the new index once it is in use.
    with store.writer_lock(), open_database(args.config) as db:
        with tqdm(unit=" items", desc="indexing", disable=args.quiet) as bar:
            count = rebuild(db, store, progress=bar.update)
    seconds = time.monotonic() - started
    print(f"Indexed {count} items in {seconds:.1f} s ({count / max(seconds, 1e-9):.0f} "
          f"items/s); now in use: {store.current_name()}.")


def compare(ini, store):
    """(missing, stale, extra, pending paths) between one database snapshot and the index."""
    with open_database(ini) as db, snapshot(db) as root:
        in_database = database_fingerprints(appmaker(root)) if APP_KEY in root else {}
        queued = {path for _, (_, path) in pending(root, machine=store.machine)}
    try:
        prints = index_fingerprints(store.open_current())
    except Exception as exc:
        return None, str(exc)
    missing, stale, extra = differences(in_database, prints)

    def settled(path):
        return not any(path == p or path.startswith(p.rstrip("/") + "/") for p in queued)
    found = {"missing from the index": [p for p in missing if settled(p)],
             "stale in the index": [p for p in stale if settled(p)],
             "in the index but not in the database": [p for p in extra if settled(p)]}
    return found, len(queued)


def check(args):
    store = index_store(args.config)
    lasting = None
    for attempt in range(CHECK_ROUNDS):
        found, queued = compare(args.config, store)
        if found is None:
            print(f"The search index cannot be opened: {queued}")
            print("Run `workspace reindex` (the site also rebuilds it when it starts).")
            return 1
        now = {(kind, path) for kind, paths in found.items() for path in paths}
        lasting = now if lasting is None else lasting & now
        if not lasting:
            break
        time.sleep(1)  # the site's indexer may be applying these right now
    if lasting:
        print("Database and search index differ:")
        for kind, path in sorted(lasting):
            print(f"  {kind}: {path}")
        print(f"{len(lasting)} differences; `workspace reindex` rebuilds the index.")
        return 1
    note = f" ({queued} index tasks still queued)" if queued else ""
    print(f"Database and search index agree{note}.")
    return 0


def index_machines(args):
    """List every machine's position in the search queue; `--forget NAME` drops one
    that will not index again (it would hold the queue back)."""
    import datetime
    from ..search.queue import forget_machine, machines, state_of
    with open_database(args.config, read_only=not args.forget) as db:
        with open_root(db) as (root, tm):
            state = state_of(root, create=False)
            if state is None:
                print("No search queue yet.")
                return 0
            if args.forget:
                if not forget_machine(state, args.forget):
                    sys.exit(f"No machine {args.forget} in the search queue.")
                tm.commit()
                print(f"Forgot {args.forget}.")
                return 0
            for name, settled, after, seen in machines(state):
                when = datetime.datetime.fromtimestamp(seen, datetime.timezone.utc)
                print(f"{name}: settled up to {settled[:20] or 'the start'}, {after} "
                      f"applied after it, last seen {when:%Y-%m-%d %H:%M:%S} UTC")
    return 0


def register(commands):
    cmd = commands.add_parser("reindex", help="rebuild the search index from the database "
                              "(works while the site is serving)")
    cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    cmd.set_defaults(run=reindex)
    commands.add_parser("check", help="compare database and search index; exit 1 and "
                        "list the differences").set_defaults(run=check)
    cmd = commands.add_parser("index-machines", help="list each machine's position in the "
                              "search queue, or --forget one taken out of service")
    cmd.add_argument("--forget", metavar="NAME")
    cmd.set_defaults(run=index_machines)
