"""A group's whole archive at size: export, import into a fresh site, export again.

    .venv/bin/python bench/bench_archive.py [/tmp/bench-archive] [--resources 1000]
        [--consultations 100] [--replies 30]

Builds (in the folder, afresh each run) a site whose group has `resources` Resources of
three revisions each (one in ten with a 200 KB file, replaced at the third revision) and
`consultations` consultations of `replies` replies with a three-version Discussion Summary
citing them, published. Then writes the archive to a folder, imports it into a second
site (in its own database) and commits, and writes it again from there. Prints seconds,
files and bytes of each step and whether the two archives are the same (but trash.json);
asserts nothing.
"""
import argparse
import filecmp
import io
import os
import shutil
import sys
import time

import transaction
import ZODB
from ZODB.FileStorage import FileStorage

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from workspace.archive import export_group, import_group  # noqa: E402
from workspace.archive.store import FolderOut  # noqa: E402
from workspace.content.board import Board  # noqa: E402
from workspace.content.collection import Resource, clean_fields, resource_file  # noqa: E402
from workspace.content.group import Group  # noqa: E402
from workspace.content.site import appmaker  # noqa: E402
from workspace.content.summary import (publish_summary, save_summary,  # noqa: E402
                                       start_consultation)


def open_site(folder, name):
    storage = FileStorage(os.path.join(folder, f"{name}.fs"),
                          blob_dir=os.path.join(folder, f"{name}-blobs"))
    db = ZODB.DB(storage)
    return db, appmaker(db.open().root())


def build(site, args):
    group = site["groups"].add("big", Group("Big group", "Built by the bench", "private"))
    collection = group["collection"]
    for n in range(args.resources):
        fields = clean_fields({"type": "guide", "abstract": f"Resource {n}",
                               "countries": ("ke",), "year": 2020 + n % 6})
        attached = resource_file(io.BytesIO(os.urandom(200_000)), f"r{n}.pdf",
                                 "application/pdf") if n % 10 == 0 else None
        resource = collection.add(f"r-{n}", Resource(
            f"Resource {n}", f"# Resource {n}\n\n" + "A line of text.\n" * 40, fields,
            "member", "First", attached), send_events=False)
        resource._append(resource.title, resource.body + "More.\n", "manager", "Second",
                         fields=dict(fields, year=2026))
        resource._append(resource.title, resource.body + "Again.\n", "member", "Third",
                         file=resource_file(io.BytesIO(os.urandom(200_000)), f"r{n}-v3.pdf",
                                            "application/pdf") if attached else None)
        if n % 200 == 199:
            transaction.commit()
    board = group["boards"].add("consult", Board("Consultations", "", "manager"),
                                send_events=False)
    for n in range(args.consultations):
        topic = start_consultation(board, f"c-{n}", f"Question {n}", "What do you do?",
                                   "manager")
        for r in range(args.replies):
            topic.post_reply(f"Answer {r} to question {n}.", "member")
        summary = topic.summary
        for version in (1, 2, 3):
            cited = " ".join(f"[[reply:{r}]]" for r in range(1, version * 3 + 1))
            save_summary(summary, f"Version {version}: {cited}\n", "manager", version)
        publish_summary(summary, "manager", True)
    transaction.commit()
    return group


def size_of(folder):
    files = [os.path.join(d, f) for d, _, names in os.walk(folder) for f in names]
    return len(files), sum(os.path.getsize(f) for f in files)


def timed(label, work):
    start = time.perf_counter()
    result = work()
    print(f"{label:<40} {time.perf_counter() - start:8.2f} s")
    return result


def same(a, b):
    compare = filecmp.dircmp(a, b, ignore=["trash.json"])
    stack, different = [compare], []
    while stack:
        c = stack.pop()
        different += c.left_only + c.right_only + c.diff_files + c.funny_files
        stack += c.subdirs.values()
    return different


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default="/tmp/bench-archive")
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--consultations", type=int, default=100)
    parser.add_argument("--replies", type=int, default=30)
    args = parser.parse_args()
    shutil.rmtree(args.folder, ignore_errors=True)
    os.makedirs(args.folder)
    db, site = open_site(args.folder, "one")
    group = timed(f"build ({args.resources} resources, {args.consultations} consultations)",
                  lambda: build(site, args))
    first, again = os.path.join(args.folder, "first"), os.path.join(args.folder, "again")
    timed("export", lambda: export_group(group, FolderOut(first)))
    print(f"{'  files, bytes':<40} {size_of(first)}")
    db2, fresh = open_site(args.folder, "two")

    def move():
        moved = import_group(fresh, first, "bench")
        transaction.commit()
        return moved
    moved = timed("import (and commit)", move)
    timed("export again", lambda: export_group(moved, FolderOut(again)))
    different = same(first, again)
    print(f"{'the same files (but trash.json)':<40} {not different} {different[:5]}")
    db.close()
    db2.close()


if __name__ == "__main__":
    main()
