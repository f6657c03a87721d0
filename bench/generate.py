"""Generate a large site for the search benchmark: people, groups, documents, topics.

    .venv/bin/python bench/generate.py DIR [--size 100000] [--groups 1000]

Makes DIR/development.ini (a copy of ours: every path under DIR) and fills its database
with `--size` items across `--groups` groups (75% private, 20% listed, 5% open to every
member): documents (70%), board topics (20%) and
replies (10%) with prose drawn from a Zipf-like vocabulary of policy words and 5,000
made-up ones, dated over two years. Person `bench` is a member of 20 groups. Content is
added without events (nothing is queued): index it with `workspace -c DIR/development.ini
reindex`, which is what bench_search.py times.
"""
import argparse
from datetime import datetime, timedelta, timezone
import os
import random
import shutil
import time

from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
import transaction
from ZODB import DB
from zodburi import resolve_uri

from workspace.content.board import Board, Reply, Topic
from workspace.content.document import Document
from workspace.content.group import Group, grant_role
from workspace.content.people import Profile, use_password_hasher
from workspace.content.site import appmaker
from workspace.scripts.index import site_settings

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICY_WORDS = ("policy teacher school curriculum ministry learning assessment pathway "
                "induction evidence equity rural digital literacy numeracy budget reform "
                "pilot quality inclusion funding data regional national plan caribbean "
                "pacific africa mentoring salary recruitment retention training standards "
                "examination inspection leadership governance finance parents community "
                "early childhood secondary tertiary vocational technology connectivity "
                "devices bandwidth climate resilience disaster recovery language").split()
COMMIT_EVERY = 2000
VISIBILITIES = ("private", "listed", "open")


def vocabulary(rng):
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"]
    made_up = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
               for _ in range(5000)}
    words = POLICY_WORDS + sorted(made_up)
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(words))]
    return words, weights


def prose(rng, words, weights, low, high):
    return " ".join(rng.choices(words, weights, k=rng.randint(low, high)))


def make_ini(folder):
    os.makedirs(folder, exist_ok=True)
    ini = os.path.join(folder, "development.ini")
    shutil.copy(os.path.join(HERE, "development.ini"), ini)
    return ini


def generate(folder, size, group_count, open_share=5, seed=1):
    """Open groups are readable by everyone, so `open_share` (percent) decides how much
    beyond their own 20 groups the benchmark user reads."""
    rng = random.Random(seed)
    visibility_weights = (80 - open_share, 20, open_share)
    words, weights = vocabulary(rng)
    use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
    ini = make_ini(folder)
    factory, dbkw = resolve_uri(site_settings(ini)["zodbconn.uri"])
    os.makedirs(os.path.join(folder, "var", "blobs"), exist_ok=True)
    db = DB(factory(), **dbkw)
    conn = db.open()
    started = time.monotonic()
    try:
        site = appmaker(conn.root())
        people, groups = site["people"], site["groups"]
        logins = [f"person{n}" for n in range(200)] + ["bench"]
        for login in logins:
            if login not in people:
                profile = Profile(login, login.title(), f"{login}@example.org")
                profile.set_password("bench password")
                profile.organisation = prose(rng, words, weights, 2, 5)
                people.add(login, profile, send_events=False)
        bench_groups = set(rng.sample(range(group_count), 20))
        for g in range(group_count):
            gid = f"group-{g}"
            group = groups.add(gid, Group(f"Group {g} {prose(rng, words, weights, 2, 4)}",
                                          prose(rng, words, weights, 10, 30),
                                          rng.choices(VISIBILITIES, visibility_weights)[0]),
                               send_events=False)
            members = rng.sample(logins[:-1], 8)
            for login in members:
                grant_role(group, people[login], rng.choice(("member", "member", "manager")))
            if g in bench_groups:
                grant_role(group, people["bench"], "member")
            group["boards"].add("talk", Board("Talk", ""), send_events=False)
        transaction.commit()
        base = datetime(2025, 1, 1, tzinfo=timezone.utc)
        made = 0
        while made < size:
            g = rng.randrange(group_count)
            group = groups[f"group-{g}"]
            author = rng.choice(list(group.roles.keys()))
            when = base + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            roll = rng.random()
            if roll < 0.7:
                doc = Document(prose(rng, words, weights, 3, 8).capitalize(),
                               prose(rng, words, weights, 80, 600), author)
                doc.current().date = when
                group["documents"].add(f"d{made}", doc, send_events=False)
            else:
                board = group["boards"]["talk"]
                topics = board.topic_ids() if roll >= 0.9 else []
                if topics:
                    topic = board[rng.choice(list(topics)[-20:])]
                    reply = Reply(prose(rng, words, weights, 20, 150), author)
                    reply.modified = when
                    topic.add(f"r{made}", reply, send_events=False)
                else:
                    topic = Topic(prose(rng, words, weights, 3, 8).capitalize(),
                                  prose(rng, words, weights, 40, 300), author)
                    topic.modified = when
                    board.add(f"t{made}", topic, send_events=False)
            made += 1
            if made % COMMIT_EVERY == 0:
                transaction.commit()
                conn.cacheMinimize()
                rate = made / (time.monotonic() - started)
                print(f"\r{made}/{size} items ({rate:.0f}/s)", end="", flush=True)
        transaction.commit()
    finally:
        transaction.abort()
        conn.close()
        db.close()
    print(f"\nGenerated {size} items in {group_count} groups in "
          f"{time.monotonic() - started:.0f} s: {ini}")
    return ini


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--open-share", type=int, default=5,
                        help="percent of groups open to every member (default 5)")
    args = parser.parse_args()
    generate(args.directory, args.size, args.groups, args.open_share)


if __name__ == "__main__":
    main()
