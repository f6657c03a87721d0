"""The group trash: any kind of item listed with who and when; members restore, managers
purge (audited); everyone else is refused as the permission model says."""
import pytest

from workspace.content.board import Board, Topic
from workspace.content.trash import move_to_trash

TRASH = "/api/groups/secret/trash"
DOCS = "/api/groups/secret/documents"


def trash_a_document(cast, doc_id="plan", who="member"):
    cast.api["manager"].post_json(DOCS, {"id": doc_id, "title": "Plan", "body": "x\n"},
                                  status=201)
    cast.api[who].delete(f"{DOCS}/{doc_id}", status=204)


def test_trash_lists_every_kind_with_title_type_and_who(cast, site):
    trash_a_document(cast)
    fid = cast.api["member"].post(DOCS, upload_files=[("file", "a.pdf", b"%PDF")]).json["id"]
    cast.api["manager"].delete(f"{DOCS}/{fid}", status=204)
    with site.open() as s:
        boards = s["groups"]["secret"]["boards"]
        board = boards.add("ideas", Board("Ideas", "", "manager"))
        topic = board.add("first", Topic("First topic", "Hello", "member"))
        move_to_trash(topic, "member")
        move_to_trash(board, "manager")
    entries = {e["id"]: e for e in cast.api["observer"].get(TRASH).json}
    assert entries["plan"]["type"] == "document" and entries["plan"]["deleted_by"] == "member"
    assert entries[fid]["type"] == "file" and entries[fid]["deleted_by"] == "manager"
    assert entries["first"]["type"] == "topic" and entries["first"]["title"] == "First topic"
    assert entries["ideas"]["type"] == "board" and entries["ideas"]["title"] == "Ideas"
    assert all(e["deleted"].endswith("+00:00") for e in entries.values())


def test_restore_puts_a_board_topic_back_under_its_board(cast, site):
    with site.open() as s:
        board = s["groups"]["secret"]["boards"].add("ideas", Board("Ideas", "", "manager"))
        move_to_trash(board.add("first", Topic("First topic", "Hello", "member")), "member")
    answer = cast.api["member"].post(f"{TRASH}/first/restore").json
    assert answer["path"] == "/api/groups/secret/boards/ideas/first"
    with site.open() as s:
        assert "first" in s["groups"]["secret"]["boards"]["ideas"]


def test_restore_when_the_id_is_taken_again_is_409(cast):
    trash_a_document(cast)
    cast.api["member"].post_json(DOCS, {"id": "plan", "title": "New plan", "body": "y\n"},
                                 status=201)
    response = cast.api["member"].post(f"{TRASH}/plan/restore", status=409)
    assert response.json["error"] == "taken"
    assert [e["id"] for e in cast.api["member"].get(TRASH).json] == ["plan"]


def test_an_id_deleted_twice_keeps_both_in_the_trash(cast):
    trash_a_document(cast)
    trash_a_document(cast)
    ids = sorted(e["id"] for e in cast.api["member"].get(TRASH).json)
    assert ids == ["plan", "plan~2"]
    cast.api["member"].post(f"{TRASH}/plan~2/restore", status=200)
    assert cast.api["member"].get(f"{DOCS}/plan").json["version"] == 1


def test_only_managers_purge_and_it_is_audited(cast, site):
    trash_a_document(cast)
    cast.api["member"].post(f"{TRASH}/plan/purge", status=403)
    cast.api["observer"].post(f"{TRASH}/plan/purge", status=403)
    cast.api["outsider"].post(f"{TRASH}/plan/purge", status=404)
    cast.api["manager"].post(f"{TRASH}/plan/purge", status=204)
    assert cast.api["manager"].get(TRASH).json == []
    cast.api["manager"].post(f"{TRASH}/plan/restore", status=404)
    with site.open() as s:
        entries = s.audit.newest(10)
    purged = [e for e in entries if e["action"] == "purged"]
    assert purged and purged[0]["actor"] == "manager"
    assert (purged[0]["object"], purged[0]["detail"]) == ("/groups/secret/documents/plan",
                                                          "document")
    assert any(e["action"] == "trashed" and e["actor"] == "member"
               and e["detail"] == "document" for e in entries)


@pytest.mark.parametrize("who,status", [("anonymous", 401), ("outsider", 404),
                                        ("admin", 404), ("observer", 403),
                                        ("member", 200)])
def test_restore_matrix(cast, who, status):
    trash_a_document(cast)
    cast.api[who].post(f"{TRASH}/plan/restore", status=status)


@pytest.mark.parametrize("who,status", [("anonymous", 401), ("outsider", 404),
                                        ("admin", 404), ("observer", 200)])
def test_trash_list_matrix(cast, who, status):
    trash_a_document(cast)
    response = cast.api[who].get(TRASH, status=status)
    if status != 200:
        assert "Plan" not in response.text


def test_something_inside_a_trashed_item_is_not_restored_alone(cast, site):
    with site.open() as s:
        board = s["groups"]["secret"]["boards"].add("ideas", Board("Ideas", "", "manager"))
        board.add("first", Topic("First topic", "Hello", "member"))
        move_to_trash(board, "manager")
    cast.api["member"].post(f"{TRASH}/ideas/first/restore", status=404)
    cast.api["manager"].post(f"{TRASH}/ideas/restore", status=200)


def test_trash_page_offers_restore_to_members_and_purge_to_managers(cast):
    trash_a_document(cast)
    observer = cast.html("observer").get("/groups/secret/trash")
    assert "Plan" in observer.text and "Restore Plan" not in observer.text
    member = cast.html("member").get("/groups/secret/trash")
    assert "Restore Plan" in member.text and "Delete Plan for good" not in member.text
    manager = cast.html("manager").get("/groups/secret/trash")
    assert "Restore Plan" in manager.text and "Delete Plan for good" in manager.text
    cast.html("outsider").get("/groups/secret/trash", status=404)
    cast.html("observer").post("/groups/secret/trash/plan/restore", status=403,
                               expect_errors=True)
