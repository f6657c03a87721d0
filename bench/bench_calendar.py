"""Calendar figures: expanding one year of a group calendar of 500 events (100 recurring,
in several time zones, with exceptions) in the content layer, and the same year through
the JSON API and the month page; plus the size and time of the `calendar.ics` export.

    .venv/bin/python bench/bench_calendar.py [--events 500] [--recurring 100] [--runs 30]

Builds its own site (FileStorage + blobs) in a temp folder from testing.ini; requests go
through the whole WSGI app in-process with WebTest. Prints figures, asserts nothing.
"""
import argparse
from datetime import datetime, timedelta, timezone
import os
import random
import statistics
import tempfile
import time

from plaster import get_settings
from pyramid.threadlocal import manager as threadlocal_manager
import transaction
from webtest import TestApp

from workspace import main
from workspace.content.calendar import Event
from workspace.content.group import Group, grant_role
from workspace.content.people import add_person
from workspace.content.site import appmaker

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "Africa/Lagos",
         "Pacific/Tongatapu", "America/Guyana", "UTC")
RULES = ("FREQ=WEEKLY", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=WEEKLY;INTERVAL=2",
         "FREQ=MONTHLY;BYDAY=1TU", "FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=DAILY;COUNT=60",
         "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270601T000000Z", "FREQ=YEARLY")
YEAR = (datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2027, 1, 1, tzinfo=timezone.utc))


def make_app(folder):
    settings = dict(get_settings(os.path.join(HERE, "testing.ini"), "app:main"))
    settings["zodbconn.uri"] = f"file://{folder}/Data.fs?blobstorage_dir={folder}/blobs"
    settings["workspace.index_dir"] = f"{folder}/index"
    return main({"__file__": os.path.join(HERE, "testing.ini"), "here": HERE}, **settings)


def open_site(app):
    tm = transaction.TransactionManager(explicit=True)
    conn = app.registry._zodb_databases[""].open(transaction_manager=tm)
    return tm, conn


def build(app, events, recurring):
    rng = random.Random(4)
    tm, conn = open_site(app)
    threadlocal_manager.push({"registry": app.registry, "request": None})
    try:
        with tm:
            site = appmaker(conn.root())
            people = site["people"]
            profile = add_person(people, "bench", "Bench", "bench@example.org", "bench password")
            group = site["groups"].add("bench", Group("Bench group"))
            grant_role(group, profile, "member")
            calendar = group["calendar"]
            for i in range(events):
                day = datetime(2026, 1, 1, 8) + timedelta(days=rng.randrange(365),
                                                          minutes=30 * rng.randrange(20))
                all_day = i % 25 == 24
                start = day.date() if all_day else day
                end = start + (timedelta(days=1) if all_day else timedelta(minutes=90))
                event = Event(f"Event {i}", start, end, rng.choice(ZONES), all_day=all_day,
                              rrule=RULES[i % len(RULES)] if i < recurring else "",
                              location="Room 4", description="Agenda " * 20, author="bench")
                calendar.add(f"event-{i}", event)
                if i < recurring and i % 4 == 0:
                    later = event.upcoming(datetime(2026, 6, 1, tzinfo=timezone.utc), 3,
                                           timezone.utc)
                    if len(later) == 3:
                        event.cancel_occurrence(later[0].rid, "bench")
                        event.change_occurrence(later[1].rid, "bench",
                                                title=f"Event {i} (moved)")
        token = None
        with tm:
            token = appmaker(conn.root())["people"]["bench"].new_token(
                appmaker(conn.root())["people"])[1]
        return token
    finally:
        threadlocal_manager.pop()
        conn.close()


def timed(fn, runs):
    """fn's last result, and (wall-clock ms, CPU ms) of each run."""
    times = []
    result = None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        times.append(((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000))
    return result, times


def report(label, times):
    """Wall-clock figures, and the median CPU time (less moved by a busy machine)."""
    wall = [w for w, _ in times]
    cpu = statistics.median(c for _, c in times)
    print(f"{label:52s} median {statistics.median(wall):7.2f} ms  min {min(wall):7.2f}  "
          f"max {max(wall):7.2f}  cpu median {cpu:7.2f}  (n={len(times)})")


def run(args):
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(folder)
        t = time.perf_counter()
        token = build(app, args.events, args.recurring)
        print(f"built {args.events} events ({args.recurring} recurring) "
              f"in {time.perf_counter() - t:.1f} s")

        tm, conn = open_site(app)
        with tm:
            calendar = appmaker(conn.root())["groups"]["bench"]["calendar"]
            found, cold = timed(lambda: calendar.occurrences(*YEAR, timezone.utc), 1)
            found, warm = timed(lambda: calendar.occurrences(*YEAR, timezone.utc), args.runs)
        conn.close()
        print(f"one year expands to {len(found)} occurrences")
        report("content: expand one year, first call (cold cache)", cold)
        report("content: expand one year (warm object cache)", warm)

        api = TestApp(app, extra_environ={"HTTP_AUTHORIZATION": f"Bearer {token}"})
        query = {"start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"}
        api.get("/api/groups/bench/calendar", query)
        response, times = timed(lambda: api.get("/api/groups/bench/calendar", query),
                                args.runs)
        report("API: GET one year of occurrences (JSON)", times)
        month = {"date": "2026-06-01"}
        response, times = timed(lambda: api.get("/groups/bench/calendar/", month), args.runs)
        report("HTML: month page", times)
        response, times = timed(lambda: api.get("/api/groups/bench/calendar.ics"),
                                max(3, args.runs // 5))
        report(f"API: calendar.ics export ({len(response.body) // 1024} KB)", times)
        print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        for db in app.registry._zodb_databases.values():
            db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--recurring", type=int, default=100)
    parser.add_argument("--runs", type=int, default=30)
    run(parser.parse_args())
