"""Moderation sticks: what a manager removed from the group, only a manager restores."""
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
