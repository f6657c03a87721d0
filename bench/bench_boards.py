"""Discussion-board figures: first page of a topic with 10,000 replies and of boards with
10,000 replies (500 topics) and 10,000 topics, in HTML and JSON; and how often replies to
different topics from concurrent writers conflict.

    .venv/bin/python bench/bench_boards.py [--replies 10000] [--requests 40]

Builds its own site (FileStorage + blobs) in a temp folder from testing.ini; requests go
through the whole WSGI app in-process with WebTest. Prints figures, asserts nothing.
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time

from plaster import get_settings
import transaction
from webtest import TestApp
from ZODB.POSException import ConflictError

from workspace import main
from workspace.content.board import Board, start_topic
from workspace.content.group import Group, grant_role
from workspace.content.people import add_person
from workspace.content.site import appmaker

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "bench password"
WORDS = ("policy teacher school curriculum ministry learning assessment pathway induction "
         "evidence equity rural digital literacy numeracy budget reform pilot").split()


def sentence(rng, n=40):
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def make_app(folder):
    settings = dict(get_settings(os.path.join(HERE, "testing.ini"), "app:main"))
    settings["zodbconn.uri"] = f"file://{folder}/Data.fs?blobstorage_dir={folder}/blobs"
    settings["workspace.index_dir"] = f"{folder}/index"
    return main({"__file__": os.path.join(HERE, "testing.ini"), "here": HERE}, **settings)


class Database:
    def __init__(self, app):
        self.db = app.registry._zodb_databases[""]

    def run(self, work):
        tm = transaction.TransactionManager(explicit=True)
        conn = self.db.open(transaction_manager=tm)
        try:
            with tm:
                return work(appmaker(conn.root()))
        finally:
            conn.close()


def build(database, replies, rng):
    """Group `g` with boards: `one` (one topic, `replies` replies), `many` (500 topics,
    `replies` replies between them) and `wide` (`replies` topics, no replies)."""
    def people_and_group(site):
        for login in ("reader", "writer"):
            add_person(site["people"], login, login, f"{login}@example.org", PASSWORD)
        group = site["groups"].add("g", Group("G"))
        for login in ("reader", "writer"):
            grant_role(group, site["people"][login], "member")
        for bid in ("one", "many", "wide"):
            group["boards"].add(bid, Board(bid.title(), "", "writer"))
        start_topic(group["boards"]["one"], "big", "A long topic", sentence(rng), "writer")
        return site["people"]["reader"].new_token(site["people"])[1]
    token = database.run(people_and_group)

    def boards(site):
        return site["groups"]["g"]["boards"]

    step = 1000
    for start in range(0, replies, step):
        def add_batch(site, start=start):
            b = boards(site)
            for n in range(start, min(start + step, replies)):
                b["one"]["big"].post_reply(sentence(rng), "writer")
                if n < 500:
                    start_topic(b["many"], f"t{n}", f"Topic {n}", sentence(rng), "writer")
                b["many"][f"t{rng.randrange(min(n + 1, 500))}"].post_reply(sentence(rng),
                                                                           "writer")
                start_topic(b["wide"], f"w{n}", f"Wide {n}", sentence(rng), "writer")
        database.run(add_batch)
    return token


def median_ms(client, path, requests):
    response = client.get(path)  # warm the object cache, as a running site would be
    assert response.status_int == 200 and len(response.body) > 5000, (path, response.status)
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def browser(app):
    client = TestApp(app)
    form = client.get("/login").forms["form"]
    form["login"], form["password"] = "reader", PASSWORD
    form.submit("submit")
    return client


def concurrent_replies(database, writers, replies_each):
    """Writers reply at the same moment, each to a random topic of `many` that no other
    writer touches; count conflicts (the design says there are none)."""
    conflicts, done = [0] * writers, [0] * writers
    barrier = threading.Barrier(writers)

    def writer(i):
        rng = random.Random(i)
        tm = transaction.TransactionManager(explicit=True)
        conn = database.db.open(transaction_manager=tm)
        try:
            for _ in range(replies_each):
                barrier.wait()
                tm.begin()
                board = appmaker(conn.root())["groups"]["g"]["boards"]["many"]
                topic = rng.randrange(500 // writers) * writers + i  # never another's
                board[f"t{topic}"].post_reply("concurrent", f"w{i}")
                try:
                    tm.commit()
                    done[i] += 1
                except ConflictError:
                    tm.abort()
                    conflicts[i] += 1
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done), sum(conflicts)


def main_(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args(argv)
    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(folder)
        database = Database(app)
        t0 = time.perf_counter()
        token = build(database, args.replies, rng)
        print(f"built {args.replies} replies x2 and {args.replies} topics in "
              f"{time.perf_counter() - t0:.1f} s; Data.fs "
              f"{os.path.getsize(os.path.join(folder, 'Data.fs')) / 1e6:.1f} MB")
        api = TestApp(app, extra_environ={"HTTP_AUTHORIZATION": f"Bearer {token}"})
        html = browser(app)
        base = "/groups/g/boards"
        rows = [
            ("topic with %d replies, first page, JSON" % args.replies, api,
             f"/api{base}/one/topics/big"),
            ("topic with %d replies, first page, HTML" % args.replies, html,
             f"{base}/one/big/"),
            ("topic with %d replies, last page, HTML" % args.replies, html,
             f"{base}/one/big/?page={-(-args.replies // 50)}"),
            ("board of 500 topics, %d replies, first page, JSON" % args.replies, api,
             f"/api{base}/many"),
            ("board of 500 topics, %d replies, first page, HTML" % args.replies, html,
             f"{base}/many/"),
            ("board of %d topics, first page, JSON" % args.replies, api, f"/api{base}/wide"),
            ("board of %d topics, first page, HTML" % args.replies, html, f"{base}/wide/"),
        ]
        for label, client, path in rows:
            median, worst = median_ms(client, path, args.requests)
            print(f"{label:55s} median {median:6.1f} ms  max {worst:6.1f} ms")
        done, conflicts = concurrent_replies(database, 4, 50)
        print(f"4 writers x 50 simultaneous replies, each to its own topics of 500: "
              f"{done} committed, {conflicts} conflicts")
        for db in app.registry._zodb_databases.values():
            db.close()


if __name__ == "__main__":
    sys.exit(main_())
