"""Hot spots: 24 clients write to one object at once, against a real waitress server.

    .venv/bin/python bench/bench_hotspots.py [--clients 24] [--seconds 30] [--only replies]

For each case (replies to one topic, role grants in one group, saves to one document,
new events in one calendar, new topics on one board) prints how many requests were
answered with each status, and the median and 99th percentile time. A save to a document
is based on the version the client last saw and changes a line of its own, so it merges
(200) unless another save touched the same lines (409, which stays). Builds its own site
(a copy of development.ini in a temp folder, FileStorage + blobs); traffic goes only to
127.0.0.1; prints figures, asserts nothing.
"""
import argparse
from collections import Counter
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from workspace.content.board import Board, start_topic
from workspace.content.document import Document
from workspace.content.group import Group, grant_role
from workspace.content.people import add_person, use_password_hasher
from workspace.content.site import appmaker

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "hot spot bench lantern"
LINES = 200  # lines of the hot document; each client edits a line of its own


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_site(folder, clients):
    """The people (each with a token), group `hot` with a board, a topic and a document."""
    use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
    os.makedirs(f"{folder}/var/blobs")
    db = ZODB.DB(FileStorage(f"{folder}/var/Data.fs", blob_dir=f"{folder}/var/blobs"))
    conn = db.open()
    tokens = {}
    with transaction.manager:
        site = appmaker(conn.root())
        group = site["groups"].add("hot", Group("Hot"))
        people = site["people"]
        for n in range(clients * 2):
            login = f"p{n}"
            add_person(people, login, f"Person {n}", f"{login}@example.org", PASSWORD)
            if n < clients:
                grant_role(group, people[login], "manager")
                tokens[login] = people[login].new_token(people)[1]
        board = group["boards"].add("board", Board("Board", "", "p0"))
        start_topic(board, "topic", "A busy topic", "Reply here.", "p0")
        body = "".join(f"line {n}\n" for n in range(LINES))
        group["documents"].add("doc", Document("Doc", body, "p0"))
    conn.close()
    db.close()
    return tokens


def start_server(folder, port, cache_objects=None):
    """pserve on a copy of development.ini (with `cache_objects` per connection cache)."""
    ini = f"{folder}/development.ini"
    with open(os.path.join(HERE, "development.ini")) as f:
        text = f.read().replace("listen = 127.0.0.1:6543", f"listen = 127.0.0.1:{port}")
    if cache_objects:
        text = re.sub(r"connection_cache_size=\d+", f"connection_cache_size={cache_objects}",
                      text)
    with open(ini, "w") as f:
        f.write(text)
    env = dict(os.environ, WORKSPACE_SESSION_SECRET="x" * 40)
    return subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "pserve"), ini],
                            env=env, cwd=folder, stdout=subprocess.DEVNULL,
                            stderr=open(f"{folder}/server.log", "w"))


def wait_for(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/login")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not start")


class Client:
    def __init__(self, port, token):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}",
                        "Content-Type": "application/json"}

    def send(self, method, path, body=None):
        self.conn.request(method, path, json.dumps(body) if body is not None else None,
                          self.headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, data


def case_requests(case, n, clients, client, counter):
    """One request of `case` by client number `n` of `clients`; (status, seconds)."""
    i = next(counter)
    start = time.perf_counter()
    if case == "replies":
        status, _ = client.send("POST", "/api/groups/hot/boards/board/topics/topic/replies",
                                {"body": f"Reply {i} from client {n}."})
    elif case == "roles":
        status, _ = client.send("PUT", f"/api/groups/hot/members/p{clients + n}",
                                {"role": ("member", "observer")[i % 2]})
    elif case == "document":
        status, data = client.send("GET", "/api/groups/hot/documents/doc")
        doc = json.loads(data)
        lines = doc["body"].splitlines(keepends=True)
        lines[(n * 7) % LINES] = f"line {(n * 7) % LINES} edited {i}\n"
        status, _ = client.send("PUT", "/api/groups/hot/documents/doc",
                                {"body": "".join(lines), "base_version": doc["version"]})
    elif case == "events":
        status, _ = client.send("POST", "/api/groups/hot/calendar", {
            "title": f"Event {i}", "start": "2026-12-01T09:00:00",
            "end": "2026-12-01T10:00:00", "timezone": "UTC"})
    else:  # topics
        status, _ = client.send("POST", "/api/groups/hot/boards/board/topics",
                                {"title": f"Topic {i}", "body": f"From client {n}."})
    return status, time.perf_counter() - start


def run_case(case, port, tokens, seconds):
    import itertools
    counter = itertools.count()
    statuses, times, lock = Counter(), [], threading.Lock()
    deadline = time.monotonic() + seconds

    def work(n, token):
        client = Client(port, token)
        while time.monotonic() < deadline:
            try:
                status, spent = case_requests(case, n, len(tokens), client, counter)
            except (OSError, http.client.HTTPException):
                status, spent = "error", 0.0
                client = Client(port, token)
            with lock:
                statuses[status] += 1
                times.append(spent)

    threads = [threading.Thread(target=work, args=(n, token))
               for n, token in enumerate(tokens.values())]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times.sort()
    p99 = times[int(len(times) * 0.99)] if times else 0
    return statuses, statistics.median(times) if times else 0, p99


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--only", choices=("replies", "roles", "document", "events",
                                           "topics"))
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="hotspots-")
    tokens = build_site(folder, args.clients)
    port = free_port()
    server = start_server(folder, port)
    try:
        wait_for(port)
        cases = [args.only] if args.only else ["replies", "roles", "document", "events",
                                               "topics"]
        print(f"{args.clients} clients, {args.seconds:g} s per case")
        for case in cases:
            statuses, median, p99 = run_case(case, port, tokens, args.seconds)
            total = sum(statuses.values())
            fives = sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500)
            shown = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
            print(f"{case:9} {total:6} requests, {fives:4} answered 5xx ({shown}); "
                  f"median {median * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
