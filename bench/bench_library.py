"""Library and OAI-PMH figures on a generated site (issue 13's speed targets).

    .venv/bin/python bench/bench_library.py [/tmp/bench-library] [--groups 1000]
        [--per-group 50] [--public-every 25]

Builds (once, kept in the folder) a site of `groups` x `per-group` Resources (50,000 by
default) with varied types, countries, levels, themes, languages and years, one in
`public-every` on the public web, and `bench`, a member of 20 of the groups (two of them
as manager). Then, through the whole Pyramid stack (WebTest), as `bench`:
200 faceted library pages (GET /api/library with a mix of no filter, one or two facet
filters, words, sorts, pages), the due-for-review list, a country page; and anonymously
50 OAI-PMH ListRecords pages of 100 records (following resumption tokens). Prints
median, p90, p99 and max in ms; asserts nothing. Search is off (the library does not use
the Whoosh index).
"""
import argparse
from datetime import date
import os
import random
import statistics
import sys
import time

from plaster import get_settings
import transaction
import ZODB
from ZODB.FileStorage import FileStorage
from webtest import TestApp

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)

from workspace import main as make_app  # noqa: E402
from workspace.content.collection import (LEVELS, TYPES, Resource, clean_fields,  # noqa
                                          publish_resource)
from workspace.content.group import Group, grant_role  # noqa: E402
from workspace.content.people import add_person  # noqa: E402
from workspace.content.site import appmaker  # noqa: E402
from workspace.content.vocabulary import DEFAULT_THEMES  # noqa: E402

COUNTRIES = ["ke", "gh", "ng", "za", "in", "pk", "bd", "lk", "jm", "tt", "bb", "gy", "mt",
             "cy", "my", "sg", "au", "nz", "ca", "gb", "ug", "tz", "zm", "mw", "bw"]
LANGUAGES = ["en", "fr", "sw", "hi", "ur", "bn", "ms", "pt", "ar"]
WORDS = ("literacy numeracy teacher curriculum assessment inclusion gender equity school "
         "leadership finance policy reform early learning digital skills rural girls "
         "secondary primary tertiary vocational training textbook language").split()
PASSWORD = "correct horse battery"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(label, seconds):
    ms = [s * 1000 for s in seconds]
    print(f"{label:<44} n={len(ms):>4}  median {statistics.median(ms):7.1f}  "
          f"p90 {percentile(ms, 90):7.1f}  p99 {percentile(ms, 99):7.1f}  "
          f"max {max(ms):7.1f} ms")


def build(folder, groups, per_group, public_every):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "Data.fs")
    if os.path.exists(path):
        return
    rng = random.Random(13)
    db = ZODB.DB(FileStorage(path, blob_dir=os.path.join(folder, "blobs")))
    conn = db.open()
    started = time.perf_counter()
    with transaction.manager:
        site = appmaker(conn.root())
        add_person(site["people"], "bench", "Bench Mark", "bench@example.org", PASSWORD)
    themes = [t for t, _ in DEFAULT_THEMES]
    for g in range(groups):
        with transaction.manager:
            site = appmaker(conn.root())
            group = site["groups"].add(f"g{g:04d}", Group(f"Group {g}", "", "private"))
            if g % 50 == 0:
                role = "manager" if g % 500 == 0 else "member"
                grant_role(group, site["people"]["bench"], role)
            collection = group["collection"]
            for n in range(per_group):
                fields = clean_fields({
                    "type": rng.choice(TYPES[:8]),
                    "countries": rng.sample(COUNTRIES, rng.randint(1, 3)),
                    "levels": rng.sample(LEVELS, rng.randint(1, 2)),
                    "themes": rng.sample(themes, rng.randint(1, 3)),
                    "languages": rng.sample(LANGUAGES, rng.randint(1, 2)),
                    "year": rng.randint(2000, 2026),
                    "abstract": " ".join(rng.choice(WORDS) for _ in range(25)),
                    "authors": [f"Author {rng.randrange(500)}"],
                    "review_by": date(rng.randint(2024, 2028), 1, 1)})
                title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
                body = "\n".join(" ".join(rng.choice(WORDS) for _ in range(12))
                                 for _ in range(8))
                item = collection.add(f"r{n:03d}", Resource(title, body, fields, "bench"))
                if (g * per_group + n) % public_every == 0:
                    publish_resource(item, "bench", True)
        if g % 100 == 99:
            print(f"  {g + 1} groups, {time.perf_counter() - started:.0f} s", flush=True)
    conn.close()
    db.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default="/tmp/bench-library")
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--per-group", type=int, default=50)
    parser.add_argument("--public-every", type=int, default=25)
    args = parser.parse_args()
    build(args.folder, args.groups, args.per_group, args.public_every)
    settings = dict(get_settings(os.path.join(HERE, "testing.ini"), "app:main"))
    settings["zodbconn.uri"] = (f"file://{args.folder}/Data.fs?blobstorage_dir="
                                f"{args.folder}/blobs&connection_cache_size=50000"
                                "&connection_cache_size_bytes=64mb")  # as development.ini
    settings.pop("workspace.index_dir", None)
    app = make_app({"__file__": os.path.join(HERE, "testing.ini"), "here": HERE},
                   **settings)
    anonymous = TestApp(app)
    token = anonymous.post_json("/api/tokens", {"login": "bench",
                                                "password": PASSWORD}).json["token"]
    member = TestApp(app, extra_environ={"HTTP_AUTHORIZATION": f"Bearer {token}"})
    rng = random.Random(7)
    queries = [
        lambda: "", lambda: f"country={rng.choice(COUNTRIES)}",
        lambda: f"type={rng.choice(TYPES[:8])}&level={rng.choice(LEVELS)}",
        lambda: f"theme={rng.choice(DEFAULT_THEMES)[0]}&sort=title",
        lambda: f"q={rng.choice(WORDS)}", lambda: f"q={rng.choice(WORDS)[:4]}&sort=year",
        lambda: f"language={rng.choice(LANGUAGES)}&year={rng.randint(2000, 2026)}",
        lambda: f"page={rng.randint(1, 20)}"]
    member.get("/api/library")  # warm the connection's cache once
    total = member.get("/api/library").json["total"]
    times = []
    for _ in range(200):
        query = rng.choice(queries)()
        started = time.perf_counter()
        member.get(f"/api/library?{query}")
        times.append(time.perf_counter() - started)
    print(f"member of 20 groups; their library holds {total:,} records")
    report("faceted library page (GET /api/library)", times)
    report("due for review (?due=true)", timed(member, "/api/library?due=true", 20))
    report("country page (/api/library/country/ke)",
           timed(member, "/api/library/country/ke", 20))
    report("public library, anonymous (GET /api/library)",
           timed(anonymous, "/api/library", 20))
    first = "/oai?verb=ListRecords&metadataPrefix=oai_dc"
    pages, url = [], first
    for _ in range(50):
        started = time.perf_counter()
        body = anonymous.get(url).text
        pages.append(time.perf_counter() - started)
        token = body.split("<resumptionToken>")[1].split("<")[0] if (
            "<resumptionToken>" in body) else ""
        url = f"/oai?verb=ListRecords&resumptionToken={token}" if token else first
    records = body.count("<record>")
    report(f"OAI-PMH ListRecords page ({records} records)", pages)


def timed(client, url, n):
    out = []
    for _ in range(n):
        started = time.perf_counter()
        client.get(url)
        out.append(time.perf_counter() - started)
    return out


if __name__ == "__main__":
    main()
