"""Search figures on a generated site: indexing throughput, query latency, save-to-found.

    .venv/bin/python bench/generate.py /tmp/bench --size 100000
    .venv/bin/python bench/bench_search.py /tmp/bench/development.ini [--reindex]

--reindex   rebuild the index first and print items/s (what `workspace reindex` does)
Then: 200 mixed queries through GET /api/search (WebTest, the whole Pyramid stack, the
permission filter and the per-hit check) as `bench`, a member of 20 of the 1,000 groups:
median, p90, p99, max. Then the app's own indexer starts (time of the start-up
reconciliation against the database), and 20 documents are saved through the API one by
one: time from the 201 until the document is found; then each is edited: time until
its new words are found and its old ones no longer. Prints figures, asserts nothing.
"""
import argparse
import os
import random
import secrets
import statistics
import sys
import time

from plaster import get_settings
from webtest import TestApp

from workspace import main as make_app
from workspace.search import disable_background_indexer, indexer_of
from workspace.scripts.index import open_database
from workspace.search.indexer import rebuild
from workspace.search.store import IndexStore

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import POLICY_WORDS  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def mixed_queries(rng, groups, n):
    """(label, params) of n queries of a dozen kinds a member would type."""
    w = lambda: rng.choice(POLICY_WORDS)  # noqa: E731
    kinds = [
        ("one word", lambda: {"q": w()}),
        ("two words", lambda: {"q": f"{w()} {w()}"}),
        ("phrase", lambda: {"q": f'"{w()} {w()}"'}),
        ("prefix", lambda: {"q": w()[:4] + "*"}),
        ("title field", lambda: {"q": f"title:{w()}"}),
        ("author field", lambda: {"q": f"author:person{rng.randrange(200)}"}),
        ("by date", lambda: {"q": w(), "sort": "date"}),
        ("kind filter", lambda: {"q": w(), "type": "topic"}),
        ("group filter", lambda: {"q": w(), "group": rng.choice(groups)}),
        ("date range", lambda: {"q": w(), "from": "2025-06-01", "to": "2025-12-31"}),
        ("question", lambda: {"q": f"what did the {w()} group say about {w()} {w()}"}),
        ("browse group", lambda: {"group": rng.choice(groups)}),
        ("page 3", lambda: {"q": w(), "page": "3"}),
    ]
    return [kinds[i % len(kinds)][0:1] + (kinds[i % len(kinds)][1](),) for i in range(n)]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ini")
    parser.add_argument("--reindex", action="store_true")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    ini = os.path.abspath(args.ini)
    settings = get_settings(ini, "app:main")

    if args.reindex:
        store = IndexStore(settings["workspace.index_dir"])
        started = time.monotonic()
        with store.writer_lock(), open_database(ini) as db:
            count = rebuild(db, store)
        seconds = time.monotonic() - started
        print(f"indexing: {count} items in {seconds:.0f} s = {count / seconds:.0f} items/s")

    disable_background_indexer()
    app = make_app({"__file__": ini, "here": os.path.dirname(ini)}, **settings)
    db = app.registry._zodb_databases[""]
    conn = db.open()
    import transaction
    root = conn.root()["workspace"]
    bench = root["people"]["bench"]
    token = bench.new_token(root["people"])[1]
    groups = sorted(bench.groups.keys())
    transaction.commit()
    conn.close()
    client = TestApp(app, extra_environ={"HTTP_AUTHORIZATION": f"Bearer {token}"})
    rng = random.Random(3)
    for _, params in mixed_queries(rng, groups, 20):  # warm caches, not counted
        client.get("/api/search", params=params)
    timings, by_kind, totals = [], {}, []
    for label, params in mixed_queries(rng, groups, args.queries):
        started = time.perf_counter()
        body = client.get("/api/search", params=params).json
        elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        by_kind.setdefault(label, []).append(elapsed)
        totals.append(body["total"])
    store = indexer_of(app.registry).store
    print(f"index: {store.searcher().doc_count()} entries; user in {len(groups)} groups; "
          f"median hits per query {statistics.median(totals):.0f}")
    print(f"query latency over {len(timings)} mixed queries: median "
          f"{statistics.median(timings):.1f} ms, p90 {percentile(timings, 90):.1f} ms, "
          f"p99 {percentile(timings, 99):.1f} ms, max {max(timings):.1f} ms")
    for label, values in by_kind.items():
        print(f"  {label:13} median {statistics.median(values):6.1f} ms  "
              f"max {max(values):6.1f} ms")

    indexer = indexer_of(app.registry)
    started = time.monotonic()
    indexer.start()
    indexer.ready.wait()
    print(f"start-up reconciliation with the database: {time.monotonic() - started:.1f} s")
    lags, edit_lags, saved_docs = [], [], []
    gid = groups[0]
    run = secrets.token_hex(4)  # words unique to this run: earlier runs' documents remain
    for n in range(args.saves):
        word = f"benchsave{run}x{n}"
        doc = client.post_json(f"/api/groups/{gid}/documents",
                               {"title": f"Saved {n}", "body": f"{word} in a new document"},
                               status=201).json
        saved = time.perf_counter()
        while client.get("/api/search", params={"q": word}).json["total"] == 0:
            time.sleep(0.01)
            if time.perf_counter() - saved > 30:
                break
        lags.append((time.perf_counter() - saved) * 1000)
        saved_docs.append((doc["id"], word))
    print(f"save to found ({len(lags)} saves, background indexer): median "
          f"{statistics.median(lags):.0f} ms, max {max(lags):.0f} ms")
    # Edits replace an entry: the index deletes the old one (in an existing segment).
    for n, (docid, old_word) in enumerate(saved_docs):
        word = f"benchedit{run}x{n}"
        client.put_json(f"/api/groups/{gid}/documents/{docid}",
                        {"title": f"Saved {n}", "body": f"{word} in an edited document",
                         "base_version": 1})
        saved = time.perf_counter()
        while (client.get("/api/search", params={"q": word}).json["total"] == 0
               or client.get("/api/search", params={"q": old_word}).json["total"] != 0):
            time.sleep(0.01)
            if time.perf_counter() - saved > 30:
                break
        edit_lags.append((time.perf_counter() - saved) * 1000)
    if edit_lags:
        print(f"edit to found, old words gone ({len(edit_lags)} edits): median "
              f"{statistics.median(edit_lags):.0f} ms, max {max(edit_lags):.0f} ms")
    indexer.stop()
    db.close()


if __name__ == "__main__":
    main()
