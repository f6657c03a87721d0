"""Document storage figures: Data.fs growth per one-line edit of a 100 KB document, time
to read any of 1,000 versions, and whether saves of two documents conflict.

    .venv/bin/python bench/bench_documents.py [--saves 1000]

Builds its own FileStorage in a temp folder; prints figures, asserts nothing.
"""
import argparse
import os
import random
import statistics
import tempfile
import time

import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from workspace.content.document import Document
from workspace.content.group import Group

WORDS = ("policy teacher school curriculum ministry learning assessment pathway induction "
         "evidence equity rural digital literacy numeracy budget reform pilot quality "
         "inclusion funding data regional national plan").split()
# Plus 3,000 made-up words, so the text compresses about as well as real prose (2-3x),
# not as well as a 25-word vocabulary would.
_syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"]
_rng = random.Random(7)
WORDS += ["".join(_rng.choice(_syllables) for _ in range(_rng.randint(1, 4)))
          for _ in range(3000)]


def paragraph(rng, one_line=False):
    words = [rng.choice(WORDS) for _ in range(rng.randint(40, 120))]
    lines, line = [], []
    for word in words:
        line.append(word)
        if sum(len(w) + 1 for w in line) > 72:
            lines.append(" ".join(line))
            line = []
    lines.append(" ".join(line))
    return " ".join(lines) if one_line else "\n".join(lines)


def document_text(rng, size=100_000, one_line=False):
    parts, total, n = [], 0, 1
    while total < size:
        text = paragraph(rng, one_line)
        part = f"## Section {n}\n\n{text}\n" if n % 5 == 1 else text + "\n"
        parts.append(part)
        total += len(part) + 1
        n += 1
    return "\n".join(parts)


def one_line_edit(rng, text):
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    lines[i] = f"{lines[i]} {rng.choice(WORDS)}"
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--paragraph-lines", action="store_true",
                        help="one line per paragraph, as browsers' textareas make them")
    args = parser.parse_args()
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "Data.fs")
        db = ZODB.DB(FileStorage(path, blob_dir=os.path.join(tmp, "blobs")))
        tm = transaction.TransactionManager(explicit=True)
        conn = db.open(transaction_manager=tm)
        with tm:
            group = conn.root()["g"] = Group("Bench")
            text = document_text(rng, one_line=args.paragraph_lines)
            group["documents"].add("plan", Document("Plan", text, "amara"), send_events=False)
            group["documents"].add("other", Document("Other", text, "rohan"),
                                   send_events=False)
        doc = group["documents"]["plan"]
        import zlib
        print(f"document: {len(text):,} characters, {len(doc.current().pages)} pages; "
              f"zlib ratio {len(text) / len(zlib.compress(text.encode())):.1f}x")

        growth, save_times = [], []
        for _ in range(args.saves - 1):
            text = one_line_edit(rng, text)
            before = os.path.getsize(path)
            started = time.perf_counter()
            with tm:
                doc.save("Plan", text, "amara", doc.version, "one-line edit")
            save_times.append(time.perf_counter() - started)
            growth.append(os.path.getsize(path) - before)
        print(f"versions: {doc.version}")
        print(f"Data.fs growth per one-line save: median {statistics.median(growth):,.0f} B, "
              f"mean {statistics.mean(growth):,.0f} B, max {max(growth):,} B, "
              f"over 4,096 B: {sum(g > 4096 for g in growth)} of {len(growth)} "
              f"(target <= 4,096 B)")
        print(f"save (commit included): median {statistics.median(save_times) * 1000:.2f} ms")
        print(f"Data.fs total: {os.path.getsize(path) / 1e6:.1f} MB for {doc.version} versions "
              f"of a {len(text) / 1000:.0f} KB document")
        conn.close()

        # Reads from a fresh connection whose cache is emptied before each read: cold.
        conn = db.open(transaction_manager=tm)
        with tm:
            doc = conn.root()["g"]["documents"]["plan"]
            cold, cold_cpu, warm = [], [], []
            for _ in range(args.reads):
                version = rng.randint(1, doc.version)
                conn.cacheMinimize()
                started, started_cpu = time.perf_counter(), time.process_time()
                body = doc.revision(version).body
                cold.append(time.perf_counter() - started)
                cold_cpu.append(time.process_time() - started_cpu)
                started = time.perf_counter()
                body2 = doc.revision(version).body
                warm.append(time.perf_counter() - started)
                assert body == body2
        conn.close()
        print(f"read any version (cold cache): median {statistics.median(cold) * 1000:.2f} ms, "
              f"p95 {sorted(cold)[int(len(cold) * .95)] * 1000:.2f} ms (target <= 5 ms)")
        print(f"read any version (cold cache), CPU time of this process: median "
              f"{statistics.median(cold_cpu) * 1000:.2f} ms (wall time includes waiting for "
              f"the CPU on a busy machine; load average {os.getloadavg()[0]:.1f})")
        print(f"read any version (warm cache): median {statistics.median(warm) * 1000:.3f} ms")

        # Two people save different documents at the same time: both commit.
        tm1 = transaction.TransactionManager(explicit=True)
        tm2 = transaction.TransactionManager(explicit=True)
        c1, c2 = db.open(transaction_manager=tm1), db.open(transaction_manager=tm2)
        tm1.begin()
        tm2.begin()
        d1 = c1.root()["g"]["documents"]["plan"]
        d2 = c2.root()["g"]["documents"]["other"]
        d1.save(None, d1.body + "\nmore from amara\n", "amara", d1.version)
        d2.save(None, d2.body + "\nmore from rohan\n", "rohan", d2.version)
        written = {type(o).__name__ for o in c1._registered_objects + c2._registered_objects}
        outcome = "both committed"
        try:
            tm1.commit()
            tm2.commit()
        except Exception as exc:  # a ConflictError would show here
            outcome = f"conflict: {exc!r}"
        print(f"concurrent saves of two documents: {outcome}; objects written: "
              f"{', '.join(sorted(written))}")
        c1.close()
        c2.close()
        db.close()


if __name__ == "__main__":
    main()
