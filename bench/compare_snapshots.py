"""Which allocation sites grew between two tracemalloc snapshots of a server
(bench_memory.py --tracemalloc DIR writes them):

    .venv/bin/python bench/compare_snapshots.py DIR/01.snap DIR/03.snap [--top 25]
        [--group traceback|lineno|filename] [--frames 8] [--json DIR/03.json]

Prints the traced memory of each snapshot by part (objects loaded from ZODB, the indexer's
writer merging segments, searchers, the rest), the sites whose traced memory grew most,
and (from the snapshots' .json) the ZODB pool's connections and cache sizes.
"""
import argparse
from collections import Counter
import json
import tracemalloc

IGNORED = ("<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>",
           tracemalloc.__file__)


PARTS = (  # (part, a frame "file:line" or file that puts a trace in it), first match wins
    ("indexer: merging segments", ("whoosh/writing.py:874",)),
    ("indexer: writing a batch", ("search/indexer.py",)),
    ("objects loaded from ZODB", ("ZODB/serialize.py", "ZODB/Connection.py")),
    ("searchers opened or renewed", ("search/store.py",)),
    ("search queries", ("search/query.py", "search/matchers.py")),
)


def by_part(snapshot):
    """{part: traced bytes} of a snapshot (see PARTS; the rest is 'other')."""
    found = Counter()
    for trace in snapshot.traces:
        frames = [f"{frame.filename}:{frame.lineno}" for frame in trace.traceback]
        part = next((name for name, marks in PARTS
                     if any(mark in frame for mark in marks for frame in frames)), "other")
        found[part] += trace.size
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("earlier")
    parser.add_argument("later")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--group", default="traceback")
    parser.add_argument("--frames", type=int, default=8, help="innermost frames shown")
    args = parser.parse_args()
    filters = [tracemalloc.Filter(False, name) for name in IGNORED]
    earlier = tracemalloc.Snapshot.load(args.earlier).filter_traces(filters)
    later = tracemalloc.Snapshot.load(args.later).filter_traces(filters)
    total = [sum(s.size for s in snap.statistics("filename")) for snap in (earlier, later)]
    print(f"traced: {total[0] / 2**20:.1f} -> {total[1] / 2**20:.1f} MiB")
    parts = [by_part(earlier), by_part(later)]
    for name in sorted(set(parts[0]) | set(parts[1]), key=lambda n: -parts[1][n]):
        print(f"  {name:30} {parts[0][name] / 2**20:7.1f} -> {parts[1][name] / 2**20:7.1f} MiB")
    for stat in later.compare_to(earlier, args.group)[:args.top]:
        print(f"\n{stat.size_diff / 2**20:+8.2f} MiB (now {stat.size / 2**20:7.2f} MiB, "
              f"{stat.count_diff:+} blocks, {stat.count} in all)")
        for line in stat.traceback.format(limit=args.frames, most_recent_first=True):
            print("   ", line)
    for path in (args.earlier, args.later):
        try:
            with open(path.replace(".snap", ".json")) as f:
                info = json.load(f)
        except OSError:
            continue
        for pool in info["pools"]:
            sizes = [(c["size"], c["ngsize"]) for c in pool["cache_detail_size"]]
            print(f"\n{path}: {pool['open']} connections open ({pool['available']} idle, "
                  f"pool size {pool['pool_size']}); objects per cache (all, non-ghost) "
                  f"{sizes}; estimated bytes {pool['cache_bytes']}")


if __name__ == "__main__":
    main()
