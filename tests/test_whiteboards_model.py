"""Unit tests of the whiteboard model: elements, the op log, reconciliation and versions
(no web; the formats are in test_whiteboards_format.py)."""
from datetime import datetime, timedelta, timezone

import pytest

from workspace.content.whiteboard import MAX_ELEMENTS, TooManyElements, Whiteboard

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def rect(eid, x=0, **extra):
    return dict({"id": eid, "type": "rectangle", "x": x, "y": 0, "width": 10, "height": 10},
                **extra)


def put(element):
    return {"op": "put", "element": element}


def test_put_adds_elements_and_the_server_numbers_their_versions():
    board = Whiteboard("Plan", "amara", now=T0)
    assert board.apply([put(rect("a")), put(rect("b"))], "amara", now=T0) == 2
    board.apply([put(rect("a", x=5))], "rohan", now=T0)
    assert board.element("a")["x"] == 5
    assert board.element("a")["version"] == 2
    assert board.element("b")["version"] == 1
    assert len(board) == 2 and board.seq == 3


def test_concurrent_writes_to_different_elements_both_survive():
    board = Whiteboard("Plan", "amara", now=T0)
    board.apply([put(rect("a")), put(rect("b"))], "amara", now=T0)
    # two clients, both based on seq 2, each move a different element
    board.apply([put(rect("a", x=100))], "amara", now=T0)
    board.apply([put(rect("b", x=200))], "rohan", now=T0)
    assert board.element("a")["x"] == 100 and board.element("b")["x"] == 200


def test_for_one_element_the_write_received_last_wins():
    board = Whiteboard("Plan", "amara", now=T0)
    board.apply([put(rect("a", strokeColor="#ff0000"))], "amara", now=T0)
    board.apply([put(rect("a", strokeColor="#00ff00"))], "rohan", now=T0)
    assert board.element("a")["strokeColor"] == "#00ff00"
    assert board.element("a")["version"] == 2


def test_delete_hides_the_element_and_put_brings_it_back():
    board = Whiteboard("Plan", "amara", now=T0)
    board.apply([put(rect("a"))], "amara", now=T0)
    board.apply([{"op": "delete", "id": "a"}], "amara", now=T0)
    assert board.element("a") is None and len(board) == 0
    assert [e["isDeleted"] for e in board.elements(include_deleted=True)] == [True]
    board.apply([put(rect("a"))], "amara", now=T0)  # an undo of the delete
    assert board.element("a")["version"] == 3 and len(board) == 1


def test_deleting_an_absent_id_logs_nothing():
    board = Whiteboard("Plan", "amara", now=T0)
    assert board.apply([{"op": "delete", "id": "ghost"}], "amara", now=T0) == 0
    assert board.ops_since(0) == []


def test_ops_since_returns_only_newer_operations_in_order():
    board = Whiteboard("Plan", "amara", now=T0)
    for i in range(30):
        board.apply([put(rect(f"e{i}"))], "amara", now=T0)
    ops = board.ops_since(25)
    assert [op["seq"] for op in ops] == [26, 27, 28, 29, 30]
    assert ops[0]["op"] == "put" and ops[0]["element"]["id"] == "e25"
    assert ops[0]["by"] == "amara"


def test_a_batch_that_would_exceed_the_element_limit_changes_nothing(monkeypatch):
    monkeypatch.setattr("workspace.content.whiteboard.MAX_ELEMENTS", 3)
    board = Whiteboard("Plan", "amara", now=T0)
    board.apply([put(rect("a")), put(rect("b"))], "amara", now=T0)
    with pytest.raises(TooManyElements):
        board.apply([put(rect("c")), put(rect("d"))], "amara", now=T0)
    assert board.seq == 2 and len(board) == 2
    # replacing and deleting within the limit is fine
    board.apply([{"op": "delete", "id": "a"}, put(rect("c")), put(rect("d"))], "amara", now=T0)
    assert len(board) == 3
    assert MAX_ELEMENTS == 20_000


def test_search_data_holds_the_text_of_texts_and_stickies():
    board = Whiteboard("Theory of change", "amara", now=T0)
    board.apply([put({"id": "s", "type": "sticky", "x": 0, "y": 0, "text": "Teachers trained"}),
                 put({"id": "t", "type": "text", "x": 0, "y": 0, "text": "Outcomes"}),
                 put(rect("r"))], "amara", now=T0)
    data = board.search_data()
    assert data["type"] == "whiteboard" and data["title"] == "Theory of change"
    assert "Teachers trained" in data["text"] and "Outcomes" in data["text"]
    assert data["author"] == "amara" and data["modified"] == T0


def test_named_versions_are_snapshots_and_restore_adds_a_version():
    board = Whiteboard("Plan", "amara", now=T0)
    board.apply([put(rect("a"))], "amara", now=T0)
    v1 = board.keep_version("amara", "first draft", now=T0)
    board.apply([put(rect("b")), {"op": "delete", "id": "a"}], "rohan", now=T0)
    assert [e["id"] for e in v1.elements] == ["a"]
    v3 = board.restore(1, "rohan", now=T0)
    assert v3.number == 2 and v3.comment == "Restored version 1"
    assert [e["id"] for e in board.elements()] == ["a"]
    assert [v.number for v in board.versions.newest_first()] == [2, 1]
    assert [e["id"] for e in board.versions[1].elements] == ["a"]  # the past is unchanged
    # the restore went through the op log, so polling clients see it
    assert {op["op"] for op in board.ops_since(3)} == {"put", "delete"}


def test_a_version_is_kept_automatically_after_a_period_of_editing():
    board = Whiteboard("Plan", "amara", now=T0)
    board.apply([put(rect("a"))], "amara", now=T0)
    board.apply([put(rect("b"))], "amara", now=T0 + timedelta(minutes=5))
    assert len(board.versions) == 0
    board.apply([put(rect("c"))], "amara", now=T0 + timedelta(minutes=11))
    assert len(board.versions) == 1
    auto = board.versions[1]
    assert auto.automatic and [e["id"] for e in auto.elements] == ["a", "b"]
    board.apply([put(rect("d"))], "amara", now=T0 + timedelta(minutes=12))
    assert len(board.versions) == 1


def test_writes_to_a_board_and_its_versions_share_one_lock_key():
    from types import SimpleNamespace as Request
    from workspace.tweens import write_key
    key = "groups/secret/whiteboards"
    for path in ("/api/groups/secret/whiteboards/plan/ops",
                 "/api/groups/secret/whiteboards/plan/versions/2/restore",
                 "/groups/secret/whiteboards/plan/versions/2/restore",
                 "/api/groups/secret/whiteboards/plan"):
        assert write_key(Request(method="POST", path=path)) == key
    assert write_key(Request(method="GET", path="/api/groups/secret/whiteboards/plan/ops")
                     ) is None
    assert write_key(Request(method="POST", path="/api/groups/secret/documents")) == \
        "groups/secret/documents"
    assert write_key(Request(method="PUT", path="/api/people/amara")) is None


def test_elements_keep_the_drawing_order_they_were_first_put_in():
    board = Whiteboard("Plan", "amara", now=T0)
    board.apply([put(rect("z")), put(rect("a")), put(rect("m"))], "amara", now=T0)
    assert [e["id"] for e in board.elements()] == ["z", "a", "m"]
    board.apply([put(rect("z", x=50)), {"op": "delete", "id": "a"}], "amara", now=T0)
    board.apply([put(rect("a"))], "amara", now=T0)  # back where it was, not on top
    assert [e["id"] for e in board.elements()] == ["z", "a", "m"]
    assert [e["order"] for e in board.elements()] == [1, 2, 3]


def test_catching_up_gives_the_newest_state_once_and_nothing_of_the_deleted():
    board = Whiteboard("Plan", "amara", now=T0)
    board.apply([put(rect("a")), put(rect("b")), put(rect("gone"))], "amara", now=T0)
    board.apply([put(rect("a", x=10)), put(rect("a", x=20)), {"op": "delete", "id": "gone"}],
                "rohan", now=T0)
    changes = board.ops_since(0)
    assert [(c["seq"], c["op"], c["id"]) for c in changes] == \
        [(2, "put", "b"), (5, "put", "a"), (6, "delete", "gone")]
    assert changes[1]["element"]["x"] == 20 and changes[1]["by"] == "rohan"
    # replaying them on an empty board gives the board as it is
    replayed = {}
    for c in changes:
        if c["op"] == "put":
            replayed[c["id"]] = c["element"]
        else:
            replayed.pop(c["id"], None)
    assert sorted(replayed) == ["a", "b"] and replayed["a"]["x"] == 20
    # the log itself keeps only what changed, not the elements
    assert all("element" not in entry for entry in board.log_since(0))
