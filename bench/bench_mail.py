"""Mail figures: a post to a group of 5,000 subscribers (queued, spooled, last copy handed to
SMTP), an inbound reply on the web after the listener's 250, and a daily digest for 5,000;
first the outgoing spool's own cost for as many messages, written one file per message
(as before) and as one batch (as now).

    .venv/bin/python bench/bench_mail.py [--people 5000]

Builds its own site in a temp folder from testing.ini, with a real aiosmtpd server on
loopback as the outgoing relay and the site's own listener; prints figures, asserts nothing.
"""
import argparse
import json
import os
import smtplib
import socket
import sys
import tempfile
import threading
import time

from aiosmtpd.controller import Controller
from plaster import get_settings
from pyramid.threadlocal import manager as threadlocal_manager
import transaction

from workspace import main
from workspace.content.board import Board, start_topic
from workspace.content.group import Group
from workspace.content.mail import set_delivery
from workspace.content.people import Profile
from workspace.content.site import appmaker

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Counter:
    def __init__(self):
        self.count, self.last = 0, None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            self.last = time.perf_counter()
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def opened(app):
    """(site, tm, close) with the app's registry current, as in a request."""
    tm = transaction.TransactionManager(explicit=True)
    conn = app.registry._zodb_databases[""].open(transaction_manager=tm)
    threadlocal_manager.push({"registry": app.registry, "request": None})
    tm.begin()
    return appmaker(conn.root()), tm, conn


def build(app, people):
    site, tm, conn = opened(app)
    group = site["groups"].add("hub", Group("Education Hub", "", "private"))
    group["boards"].add("talk", Board("Talk"))
    for n in range(people):
        login = f"p{n}"
        profile = site["people"].add(login, Profile(login, f"Person {n}",
                                                    f"{login}@example.org"))
        group.roles[login] = "member"
        profile.groups["hub"] = "member"
    group["mail"].enabled = True
    group["mail"].moderation = "none"
    tm.commit()
    threadlocal_manager.pop()
    conn.close()


def wait(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def spooled(path):
    """True once the post's fan-out is in the outgoing spool (its batch file reaches
    `new/` whole, when the fan-out's transaction commits; the sender then claims it)."""
    return any(os.listdir(os.path.join(path, sub)) for sub in ("new", "cur"))


def spool_alone(people, folder):
    """The spool's own cost for `people` messages of 4 KB: one batch file (what a job
    writes now) against one file per message (what it wrote before)."""
    from workspace.mail.spool import deliver_now, make_dirs
    message = b"x" * 4096
    for name, write in (("one file per message", lambda spool: [
            deliver_now(spool, json.dumps({"to": f"p{n}@example.org"}).encode() + b"\n"
                        + message) for n in range(people)]),
                        ("one batch file", lambda spool: batch_of(spool, people, message))):
        spool = make_dirs(os.path.join(folder, name.replace(" ", "-")))
        started = time.perf_counter()
        write(spool)
        print(f"spool alone, {people} messages of 4 KB, {name}: "
              f"{time.perf_counter() - started:.2f} s")


def batch_of(spool, people, message):
    from workspace.mail.spool import SpoolBatch
    tm = transaction.TransactionManager(explicit=True)
    tm.begin()
    batch = SpoolBatch(spool, tm)
    for n in range(people):
        batch.add({"to": f"p{n}@example.org"}, message)
    tm.commit()


def app_with_relay(prefix, **settings):
    """An app on a new site in a temp folder whose outgoing mail goes to a real aiosmtpd
    relay on loopback that counts what it is handed: (app, relay, counter, folder)."""
    counter = Counter()
    relay = Controller(counter, hostname="127.0.0.1", port=free_port())
    relay.start()
    folder = tempfile.mkdtemp(prefix=prefix)
    ini = dict(get_settings(os.path.join(HERE, "testing.ini"), "app:main"))
    ini.update({"zodbconn.uri": f"file://{folder}/Data.fs?blobstorage_dir={folder}/blobs",
                "workspace.index_dir": f"{folder}/index",
                "workspace.search.synchronous": "false",
                "mail.host": "127.0.0.1", "mail.port": str(relay.port)}, **settings)
    app = main({"__file__": os.path.join(HERE, "testing.ini"), "here": HERE}, **ini)
    return app, relay, counter, folder


def run(people):
    listen = free_port()
    app, relay, counter, folder = app_with_relay(
        "bench-mail-", **{"workspace.mail_listen": f"127.0.0.1:{listen}"})
    worker = app.registry.workspace_mail
    build(app, people)
    spool_alone(people, folder)
    print(f"{people} subscribers of one group")

    # 1. a post: its transaction, the fan-out to the spool, the last copy at SMTP
    site, tm, conn = opened(app)
    started = time.perf_counter()
    start_topic(site["groups"]["hub"]["boards"]["talk"], "plan", "Plan",
                "Shall we start in March? " * 20, "p0")
    tm.commit()
    committed = time.perf_counter()
    threadlocal_manager.pop()
    conn.close()
    expected = people - 1
    wait(lambda: spooled(worker.settings.outgoing_dir) or counter.count, 60)
    in_spool = time.perf_counter()
    wait(lambda: counter.count >= 1, 60)
    first = counter.last
    wait(lambda: counter.count >= expected, 300)
    print(f"post queued (its transaction): {committed - started:.3f} s")
    print(f"all {expected} copies written to the outgoing spool: {in_spool - started:.2f} s")
    print(f"first copy handed to SMTP: {(first or time.perf_counter()) - started:.2f} s")
    print(f"last copy handed to SMTP: {(counter.last or time.perf_counter()) - started:.1f} s "
          f"({counter.count} sent)")

    # 2. an inbound reply: from the listener's 250 to the reply in the database
    key_copy = f"hub+{reply_key_for(app, 'p1')}@{worker.settings.domain}"
    message = (f"From: p1@example.org\r\nTo: {key_copy}\r\nSubject: Re: Plan\r\n"
               f"Message-ID: <bench-reply@example.org>\r\n\r\nYes, March.\r\n\r\n"
               f"On Mon, p0 wrote:\r\n> Shall we?\r\n")
    with smtplib.SMTP("127.0.0.1", listen) as smtp:
        smtp.sendmail("p1@example.org", [key_copy], message.encode())
        accepted = time.perf_counter()

    def reply_is_there():
        site, tm, conn = opened(app)
        try:
            return len(site["groups"]["hub"]["boards"]["talk"]["plan"]) == 1
        finally:
            tm.abort()
            threadlocal_manager.pop()
            conn.close()
    wait(reply_is_there, 30)
    print(f"inbound reply on the web after the 250: {time.perf_counter() - accepted:.2f} s")
    wait(lambda: counter.count >= 2 * expected - 1, 300)

    # 3. a daily digest for everyone, of 20 posts
    site, tm, conn = opened(app)
    group = site["groups"]["hub"]
    for login in group.roles.keys():
        set_delivery(group["mail"], login, "daily")
    for n in range(20):
        group["mail"].log_post(start_topic(group["boards"]["talk"], f"t{n}", f"Topic {n}",
                                           "A post for the digest. " * 30, "p0"))
    tm.commit()
    threadlocal_manager.pop()
    conn.close()
    from workspace.mail.digests import send_due_digests
    started = time.perf_counter()
    queued = send_due_digests(app.registry._zodb_databases[""], worker.settings)
    print(f"daily digest of 20 posts built for {queued} readers: "
          f"{time.perf_counter() - started:.1f} s")
    worker.stop()
    app.registry.workspace_mail_listener.stop()
    relay.stop()


def reply_key_for(app, login):
    from workspace.mail.keys import reply_key
    site, tm, conn = opened(app)
    try:
        topic = site["groups"]["hub"]["boards"]["talk"]["plan"]
        return reply_key(app.registry.workspace_mail_settings.secret, "hub", topic.uid, 0,
                         login)
    finally:
        tm.abort()
        threadlocal_manager.pop()
        conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    run(parser.parse_args().people)
    sys.exit(0)
