"""Whiteboard figures on a board with 5,000 elements and 50,000 ops in its log:
`GET .../ops?since=N` for the last 20 ops, the server-rendered SVG, the full board GET,
and the cost of appending one op early in the log versus at 50,000.

    .venv/bin/python bench/bench_whiteboards.py [--elements 5000] [--ops 50000]

Builds its own app over a FileStorage in a temp folder and calls it through WebTest
(the whole Pyramid stack: security, traversal, transaction, JSON); prints figures,
asserts nothing.
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time

import transaction

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, "tests"))

from conftest import TEST_INI, api_client, settings_for  # noqa: E402
from workspace import main  # noqa: E402
from workspace.content.group import Group, grant_role  # noqa: E402
from workspace.content.people import add_person  # noqa: E402
from workspace.content.site import appmaker  # noqa: E402
from workspace.content.whiteboard import Whiteboard  # noqa: E402

TYPES = ("rectangle", "ellipse", "diamond", "sticky", "text", "arrow", "freedraw")


def element(rng, i):
    kind = TYPES[i % len(TYPES)]
    e = {"id": f"e{i:05d}", "type": kind, "x": rng.uniform(-5000, 5000),
         "y": rng.uniform(-5000, 5000), "width": rng.uniform(20, 300),
         "height": rng.uniform(20, 200), "strokeColor": "#1e1e1e", "strokeWidth": 2}
    if kind in ("sticky", "text"):
        e["text"] = f"Note {i}: teachers, mentors and the plan for term {i % 4 + 1}"
    if kind in ("arrow", "freedraw"):
        e["points"] = [[rng.uniform(-50, 50), rng.uniform(-50, 50)] for _ in range(
            2 if kind == "arrow" else 30)]
    return e


def timed(fn, repeat):
    """Wall-clock and CPU milliseconds of each call (CPU time says more on a shared,
    busy machine, where wall-clock also counts waiting for a core)."""
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
    return times


def line(label, times):
    wall = sorted(t[0] for t in times)
    cpu = sorted(t[1] for t in times)
    p95 = wall[int(len(wall) * 0.95) - 1] if len(wall) >= 20 else wall[-1]
    print(f"{label:<46} median {statistics.median(wall):7.2f} ms  p95 {p95:7.2f} ms"
          f"  cpu median {statistics.median(cpu):7.2f} ms  (n={len(wall)})")


def over_http(app, token, path, since):
    """The same poll through waitress and a kept-alive HTTP connection."""
    import http.client
    import threading
    from waitress.server import create_server
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    conn = http.client.HTTPConnection("127.0.0.1", server.effective_port)

    def poll():
        conn.request("GET", f"{path}/ops?since={since}",
                     headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        assert response.status == 200
        response.read()
    line("HTTP (waitress) GET .../ops?since=N (last 20)", timed(poll, 300))
    conn.close()
    time.sleep(0.2)  # let waitress finish with the closed connection before it stops
    server.close()
    thread.join(timeout=5)


def run(n_elements, n_ops):
    rng = random.Random(5)
    var = tempfile.mkdtemp(prefix="bench-wb-")
    app = main({"__file__": TEST_INI, "here": HERE}, **settings_for(var))
    db = app.registry._zodb_databases[""]
    conn = db.open()
    root = appmaker(conn.root())
    add_person(root["people"], "member", "Member", "m@example.org", "correct horse battery")
    group = root["groups"].add("g", Group("G"))
    grant_role(group, root["people"]["member"], "member")
    board = group["whiteboards"].add("w", Whiteboard("Bench board", "member"))
    transaction.commit()

    append_times = {}

    def append_one(label):
        e = element(rng, rng.randrange(n_elements))

        def once():
            board.apply([{"op": "put", "element": e}], "member")
            transaction.commit()
        append_times[label] = timed(once, 50)

    built = time.perf_counter()
    for start in range(0, n_elements, 500):
        board.apply([{"op": "put", "element": element(rng, i)}
                     for i in range(start, min(start + 500, n_elements))], "member")
        transaction.commit()
    append_one(f"append 1 op at seq ~{board.seq:,}")
    while board.seq < n_ops - 50:
        batch = min(500, n_ops - 50 - board.seq)
        ops = []
        for _ in range(batch):
            e = element(rng, rng.randrange(n_elements))
            ops.append({"op": "put", "element": e})
        board.apply(ops, "member")
        transaction.commit()
    append_one(f"append 1 op at seq ~{board.seq:,}")
    data_fs = os.path.join(var, "Data.fs")
    size = os.path.getsize(data_fs)
    for i in range(100):
        board.apply([{"op": "put", "element": element(rng, rng.randrange(n_elements))}], "member")
        transaction.commit()
    growth = (os.path.getsize(data_fs) - size) / 100
    print(f"Data.fs growth per 1-op commit (random element): {growth / 1024:.1f} KB")
    print(f"built a board of {len(board):,} elements and {board.seq:,} ops in "
          f"{time.perf_counter() - built:.1f} s; Data.fs "
          f"{os.path.getsize(os.path.join(var, 'Data.fs')) / 1e6:.1f} MB")
    token = root["people"]["member"].new_token(root["people"])[1]
    transaction.commit()
    conn.close()

    api = api_client(app, token)
    path = "/api/groups/g/whiteboards/w"
    seq = api.get(f"{path}/ops?since=0").json["seq"]  # warm
    seq = api.get(path).json["seq"]
    since = seq - 20
    assert len(api.get(f"{path}/ops?since={since}").json["ops"]) == 20
    line("GET .../ops?since=N (last 20 ops)", timed(lambda: api.get(f"{path}/ops?since={since}"),
                                                    300))
    line("GET .../ops?since=seq (nothing new)", timed(lambda: api.get(f"{path}/ops?since={seq}"),
                                                      300))
    line(f"GET .../svg ({n_elements:,} elements)", timed(lambda: api.get(f"{path}/svg"), 15))
    line(f"GET board JSON ({n_elements:,} elements)", timed(lambda: api.get(path), 15))
    line("GET .../excalidraw", timed(lambda: api.get(f"{path}/excalidraw"), 10))
    line("POST .../ops (1 put)", timed(lambda: api.post_json(
        f"{path}/ops", {"ops": [{"op": "put", "element": element(rng, 7)}]}), 100))
    over_http(app, token, path, since)
    for label, times in append_times.items():
        line(f"content: {label} + commit", times)
    for database in app.registry._zodb_databases.values():
        database.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--elements", type=int, default=5000)
    parser.add_argument("--ops", type=int, default=50000)
    args = parser.parse_args()
    run(args.elements, args.ops)
