"""Moderation sticks: what a manager removed from the group, only a manager restores."""
import pytest

from workspace.content.board import Board, Topic
from workspace.content.trash import move_to_trash

TRASH = "/api/groups/secret/trash"


def test_members_cannot_undo_a_managers_removal_but_managers_can(cast, site):
    with site.open() as s:
        board = s["groups"]["secret"]["boards"].add("ideas", Board("Ideas", "", "manager"))
        move_to_trash(board.add("rant", Topic("A rant", "Off topic", "member")), "manager")
    cast.api["member"].post(f"{TRASH}/rant/restore", status=403)
    assert [e["id"] for e in cast.api["member"].get(TRASH).json] == ["rant"]
    cast.api["manager"].post(f"{TRASH}/rant/restore", status=200)
    assert cast.api["member"].get(TRASH).json == []


def test_members_restore_what_members_deleted(cast):
    docs = "/api/groups/secret/documents"
    cast.api["member"].post_json(docs, {"id": "plan", "title": "Plan", "body": "x\n"},
                                 status=201)
    cast.api["observer"].delete(f"{docs}/plan", status=403)
    cast.api["member"].delete(f"{docs}/plan", status=204)
    cast.api["manager"].put_json("/api/groups/secret/members/outsider", {"role": "member"})
    cast.api["outsider"].post(f"{TRASH}/plan/restore", status=200)


def test_a_trashed_whiteboard_cannot_be_changed_or_deleted_again(cast):
    boards = "/api/groups/secret/whiteboards"
    cast.api["member"].post_json(boards, {"id": "wb", "title": "Plan"}, status=201)
    cast.api["manager"].delete(f"{boards}/wb", status=204)
    member = cast.api["member"]
    assert member.get(f"{TRASH}/wb").json["title"] == "Plan"  # readable, as it was
    for write in (member.post_json(f"{TRASH}/wb/ops", {"ops": []}, status=409),
                  member.put_json(f"{TRASH}/wb", {"title": "Renamed"}, status=409),
                  member.post_json(f"{TRASH}/wb/versions", {"comment": "x"}, status=409),
                  member.delete(f"{TRASH}/wb", status=409)):
        assert write.json["error"] == "in_trash"
    entry = member.get(TRASH).json[0]
    assert (entry["id"], entry["deleted_by"]) == ("wb", "manager")
    cast.api["manager"].post(f"{TRASH}/wb/restore", status=200)


def test_move_to_trash_refuses_what_is_already_there(cast, site):
    with site.open() as s:
        board = s["groups"]["secret"]["boards"].add("b", Board("B", "", "manager"))
        move_to_trash(board, "manager")
        with pytest.raises(ValueError):
            move_to_trash(board, "member")


def test_audit_names_trashed_items_by_path_not_title(cast):
    docs = "/api/groups/secret/documents"
    cast.api["member"].post_json(docs, {"id": "plan", "title": "Layoff list 2027",
                                        "body": "x\n"}, status=201)
    cast.api["member"].delete(f"{docs}/plan", status=204)
    cast.api["member"].post(f"{TRASH}/plan/restore", status=200)
    entries = cast.api["admin"].get("/api/audit").json["entries"]
    assert "Layoff" not in str(entries)
    assert {"trashed", "restored"} <= {e["action"] for e in entries}
