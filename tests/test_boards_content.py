"""Boards without the web: counts, ordering, history, mentions, search data, and the
promise that replies to different topics never conflict in ZODB."""
from datetime import datetime, timedelta, timezone

import pytest
import transaction
from ZODB.POSException import ConflictError

from workspace.content.board import Board, LatestActivity, mentioned_logins, start_topic
from workspace.content.group import Group
from workspace.content.notifications import KEEP, Inbox
from workspace.content.site import appmaker


def make_board(topics=0):
    board = Board("General", "", "amy")
    for n in range(topics):
        start_topic(board, f"t{n}", f"Topic {n}", "body", "amy")
    return board


@pytest.mark.parametrize("body,logins", [
    ("Hi @amy and @bob-2!", {"amy", "bob-2"}),
    ("(@amy) @amy, again", {"amy"}),
    ("mail amy@example.org or @Amy", set()),
    ("`@amy` ```\n@bob\n``` @carl", {"carl"}),
    ("", set()), (None, set()),
])
def test_mentions_are_logins_after_an_at_sign_outside_code(body, logins):
    assert mentioned_logins(body) == logins


def test_board_counts_topics_and_replies_and_keeps_last_activity():
    board = make_board(2)
    board["t0"].post_reply("one", "bob")
    board["t1"].post_reply("two", "carl")
    board["t0"].post_reply("three", "dina")
    assert (len(board), board.reply_count) == (2, 3)
    assert board.last_activity.who == "dina"
    assert board.topic_ids() == ["t0", "t1"]
    assert list(board["t0"].keys()) == ["000001", "000002"]


def test_reply_ids_keep_posting_order_beyond_nine():
    topic = make_board(1)["t0"]
    for n in range(12):
        topic.post_reply(f"reply {n}", "bob")
    assert [r.body for r in topic.replies_page(9, 3)] == ["reply 9", "reply 10", "reply 11"]
    assert [r.body for r in topic.replies_after("000010", 5)] == ["reply 10", "reply 11"]
    assert topic.replies_since(10) == 2 and topic.replies_since(-1) == 12


def test_edits_keep_every_earlier_text():
    topic = make_board(1)["t0"]
    topic.edit("Topic zero", "better body", "amy")
    topic.edit("Topic 0", "best body", "mod")
    assert [(v["version"], v["title"], v["body"], v["author"]) for v in topic.history()] == [
        (1, "Topic 0", "body", "amy"), (2, "Topic zero", "better body", "amy"),
        (3, "Topic 0", "best body", "mod")]
    reply = topic.post_reply("first", "bob")
    reply.edit("second", "bob")
    assert [v["body"] for v in reply.history()] == ["first", "second"]


def test_search_data_of_topics_and_replies():
    topic = make_board(1)["t0"]
    topic.edit("Induction", "**New** teachers & <b>mentors</b>", "amy")
    reply = topic.post_reply("See [the report](https://example.org)", "bob")
    data = topic.search_data()
    assert data["type"] == "topic" and data["title"] == "Induction"
    assert data["text"] == "New teachers & <b>mentors</b>" and data["author"] == "amy"
    assert data["modified"].tzinfo is not None
    assert reply.search_data() == {"type": "reply", "title": "Re: Induction",
                                   "text": "See the report", "author": "bob",
                                   "modified": reply.modified}


def test_latest_activity_resolves_conflicts_to_the_later_time():
    early = datetime(2026, 1, 1, tzinfo=timezone.utc)
    late = early + timedelta(seconds=1)
    activity = LatestActivity()
    assert activity._p_resolveConflict({}, {"when": early, "who": "a"},
                                       {"when": late, "who": "b"}) == {"when": late, "who": "b"}
    assert activity._p_resolveConflict({}, {"when": late, "who": "a"},
                                       {"when": early, "who": "b"}) == {"when": late, "who": "a"}


def test_an_inbox_keeps_the_newest_notifications_and_a_true_unread_count():
    inbox = Inbox("amy")
    keys = [inbox.add("mention", "bob", "g", ("groups", "g"), f"n{n}") for n in range(KEEP + 5)]
    assert inbox.unread_count() == KEEP
    assert inbox.newest(1)[0]["title"] == f"n{KEEP + 4}"
    assert inbox.mark_read(keys[-3:] + [12345]) == 3
    assert inbox.unread_count() == KEEP - 3
    inbox.drop_group("g")
    assert inbox.unread_count() == 0 and inbox.newest() == []


def reply_at_once(site, topics, first, second):
    """In a board of `topics` topics, two connections reply to topics `first` and
    `second` at the same moment and commit one after the other; returns the second
    commit's error, or None."""
    with site.open() as s:
        group = s["groups"].add("g", Group("G"))
        group["boards"].add("b", make_board(topics))
    managers = [transaction.TransactionManager(explicit=True) for _ in range(2)]
    conns = [site.db.open(transaction_manager=tm) for tm in managers]
    try:
        for tm in managers:
            tm.begin()
        boards = [appmaker(c.root())["groups"]["g"]["boards"]["b"] for c in conns]
        boards[0][first].post_reply("from one", "amy")
        boards[1][second].post_reply("from two", "bob")
        managers[0].commit()
        try:
            managers[1].commit()
        except ConflictError as exc:
            managers[1].abort()
            return exc
        return None
    finally:
        for conn in conns:
            conn.close()


@pytest.mark.parametrize("first,second", [("t0", "t1"), ("t3", "t97"), ("t50", "t51")])
def test_replies_to_different_topics_at_once_never_conflict(site, first, second):
    assert reply_at_once(site, 100, first, second) is None
    with site.open() as s:
        board = s["groups"]["g"]["boards"]["b"]
        assert board.reply_count == 2
        assert set(board.topic_ids()[:2]) == {first, second}
        assert board.last_activity.who in ("amy", "bob")


def test_replies_to_the_same_topic_at_once_conflict_and_are_retried(site):
    """The same topic is one object: the second writer gets a ConflictError, which
    pyramid_retry turns into a retry of the whole request."""
    assert isinstance(reply_at_once(site, 1, "t0", "t0"), ConflictError)


def test_a_reply_does_not_rewrite_the_board_object(site):
    with site.open() as s:
        group = s["groups"].add("g", Group("G"))
        group["boards"].add("b", make_board(3))
    with site.open() as s:
        board = s["groups"]["g"]["boards"]["b"]
        board._p_activate()  # a ghost has no serial yet
        serial = board._p_serial
    with site.open() as s:
        board = s["groups"]["g"]["boards"]["b"]
        board["t1"].post_reply("a reply", "bob")
    with site.open() as s:
        board = s["groups"]["g"]["boards"]["b"]
        board._p_activate()
        assert board._p_serial == serial != b"\0" * 8
        assert board.reply_count == 1 and board.topic_ids()[0] == "t1"
