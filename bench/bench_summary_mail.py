"""Summary mail figures: publishing a Discussion Summary that cites 30 of a consultation's
200 replies to a group of N readers: the publish transaction (one outbox job), composing
every copy (in memory), and the last copy handed to SMTP.

    .venv/bin/python bench/bench_summary_mail.py [--people 650]

Builds its own site in a temp folder from testing.ini (as bench_mail.py does), with a real
aiosmtpd server on loopback as the outgoing relay; prints figures, asserts nothing.
"""
import argparse
import time

from pyramid.threadlocal import manager as threadlocal_manager

from bench_mail import app_with_relay, build, opened, wait
from workspace.content.summary import publish_summary, save_summary, start_consultation
from workspace.mail.state import state_of
from workspace.mail.summaries import fan_out_summary

REPLIES, CITED = 200, 30


class Collector:
    def __init__(self):
        self.count = 0

    def add(self, envelope, data):
        self.count += 1


def closed(tm, conn, commit=True):
    tm.commit() if commit else tm.abort()
    threadlocal_manager.pop()
    conn.close()


def run(people):
    app, relay, counter, _ = app_with_relay("bench-summary-mail-")
    worker = app.registry.workspace_mail
    build(app, people)
    site, tm, conn = opened(app)
    group = site["groups"]["hub"]
    group["mail"].enabled = False  # the question and its replies mail nobody here
    topic = start_consultation(group["boards"]["talk"], "reading",
                               "How do you teach reading?", "Tell us.", "p0")
    for n in range(REPLIES):
        topic.post_reply(f"Reply {n}: phonics, stories and time to read. " * 5,
                         f"p{n % people}")
    group["mail"].enabled = True
    closed(tm, conn)
    worker.settle(60)
    before = counter.count
    body = "\n".join(f"Point {n} [[reply:{n * 6 + 1}]]." for n in range(CITED)) + "\n"

    site, tm, conn = opened(app)
    summary = site["groups"]["hub"]["boards"]["talk"]["reading"].summary
    save_summary(summary, body, "p0", summary.version)
    started = time.perf_counter()
    publish_summary(summary, "p0")
    closed(tm, conn)
    committed = time.perf_counter()
    wait(lambda: counter.count - before >= people, 600)
    print(f"{people} readers, a summary citing {CITED} of {REPLIES} replies")
    print(f"publish transaction (one outbox job): {(committed - started) * 1000:.1f} ms")
    print(f"last copy handed to SMTP: {(counter.last or time.perf_counter()) - started:.2f} s "
          f"({counter.count - before} sent)")

    site, tm, conn = opened(app)
    summary = site["groups"]["hub"]["boards"]["talk"]["reading"].summary
    collector = Collector()
    started = time.perf_counter()
    fan_out_summary(site, state_of(conn.root()), worker.settings,
                    ("summary", summary, False, "p0"), collector)
    print(f"composing all {collector.count} copies in memory: "
          f"{time.perf_counter() - started:.2f} s")
    closed(tm, conn, commit=False)
    worker.stop()
    relay.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=650)
    run(parser.parse_args().people)
