"""Memory over a long mixed load: does one server process stay bounded while the database
grows?

    .venv/bin/python bench/bench_memory.py [--minutes 30] [--clients 8] [--every 30]
        [--cache-objects N] [--tracemalloc DIR --snapshots 5,12,20] [--posting-pool-mb N]

Serves its own site (as bench_hotspots.py builds it) with pserve, and has `--clients`
clients read pages, search, save new documents and reply to topics for `--minutes`; every
`--every` seconds it prints the server's resident memory (VmRSS) and how many items the
clients have added. With `--tracemalloc DIR` the server traces allocations (25 frames,
bench/traced/sitecustomize.py) and writes a snapshot and its ZODB pools' cache sizes to DIR
at each of `--snapshots` minutes; compare them with bench/compare_snapshots.py.
`--posting-pool-mb N` has the indexer's Whoosh writer hold at most N MB of postings in
memory when it writes or merges segments (Whoosh's default: 128), to see what that costs.
Traffic goes only to 127.0.0.1; prints figures, asserts nothing.
"""
import argparse
import itertools
import os
import random
import shutil
import signal
import tempfile
import threading
import time

from bench_hotspots import Client, build_site, free_port, start_server, wait_for

WORDS = ("policy teacher school curriculum ministry learning assessment pathway induction "
         "evidence equity rural digital literacy numeracy budget reform pilot").split()


def resident_mb(pid):
    """(resident, of it anonymous: the heap, file-backed: e.g. index files read in place)
    in MiB."""
    found = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "RssAnon", "RssFile"):
                found[name] = int(value.split()[0]) / 1024
    return found.get("VmRSS", 0.0), found.get("RssAnon", 0.0), found.get("RssFile", 0.0)


def row(minute, pid, added):
    total, anonymous, files = resident_mb(pid)
    return f"{minute:7.1f} {total:8.0f} {anonymous:9.0f} {files:9.0f} {added:12}"


def mixed(client, rng, counter, added):
    """One round: a page, a search, a new document, a reply, the group page."""
    n = next(counter)
    text = " ".join(rng.choice(WORDS) for _ in range(60))
    client.send("POST", "/api/groups/hot/documents",
                {"title": f"Note {n}", "body": f"{text}\n", "comment": ""})
    client.send("POST", "/api/groups/hot/boards/board/topics/topic/replies",
                {"body": f"Reply {n}: {text[:200]}"})
    added[0] += 2
    client.send("GET", f"/api/groups/hot/documents/note-{max(1, n // 2)}")
    client.send("GET", f"/api/search?q={rng.choice(WORDS)}+{rng.choice(WORDS)}")
    client.send("GET", "/api/groups/hot/boards/board/topics/topic")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--every", type=float, default=30)
    parser.add_argument("--cache-objects", type=int, help="objects per connection cache "
                                                          "(development.ini: 10000)")
    parser.add_argument("--tracemalloc", metavar="DIR", help="trace the server's allocations")
    parser.add_argument("--snapshots", default="5,12,20",
                        help="minutes at which the traced server writes a snapshot")
    parser.add_argument("--posting-pool-mb", type=int,
                        help="postings a Whoosh writer holds in memory (default 128)")
    args = parser.parse_args()
    if args.tracemalloc or args.posting_pool_mb:
        os.environ["PYTHONPATH"] = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                "traced")
    if args.posting_pool_mb:
        os.environ["WORKSPACE_POSTING_POOL_MB"] = str(args.posting_pool_mb)
    snapshots = sorted(float(m) for m in args.snapshots.split(",")) if args.tracemalloc else []
    if args.tracemalloc:
        os.makedirs(args.tracemalloc, exist_ok=True)
        os.environ["WORKSPACE_TRACEMALLOC"] = os.path.abspath(args.tracemalloc)
    folder = tempfile.mkdtemp(prefix="memory-")
    tokens = build_site(folder, args.clients)
    port = free_port()
    server = start_server(folder, port, args.cache_objects)
    counter, added, stop = itertools.count(1), [0], threading.Event()

    def work(token, seed):
        client, rng = Client(port, token), random.Random(seed)
        while not stop.is_set():
            try:
                mixed(client, rng, counter, added)
            except OSError:
                client = Client(port, token)

    try:
        wait_for(port)
        print(f"{args.clients} clients for {args.minutes:g} min; server pid {server.pid}")
        print(f"{'minute':>7} {'RSS MiB':>8} {'anon MiB':>9} {'file MiB':>9} "
              f"{'items added':>12}")
        print(row(0, server.pid, 0))
        threads = [threading.Thread(target=work, args=(t, n), daemon=True)
                   for n, t in enumerate(tokens.values())]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        while time.monotonic() - started < args.minutes * 60:
            time.sleep(args.every)
            minute = (time.monotonic() - started) / 60
            print(row(minute, server.pid, added[0]), flush=True)
            while snapshots and minute >= snapshots[0]:
                snapshots.pop(0)
                server.send_signal(signal.SIGUSR1)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
