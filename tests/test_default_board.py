"""A new group has a discussion board (issue 16, friction: members could not start a
discussion until a manager made one); groups made before get one by an evolve step."""
from workspace.content.board import DEFAULT_BOARD, Board, add_default_boards
from workspace.content.evolve import STEPS


def test_a_new_group_starts_with_a_board_members_can_post_to(cast):
    cast.api["admin"].post_json("/api/groups", {"id": "network", "title": "Network"},
                                status=201)
    cast.api["admin"].put_json("/api/groups/network/members/member", {"role": "member"})
    boards = cast.api["member"].get("/api/groups/network/boards").json
    assert [(b["id"], b["title"]) for b in boards] == [(DEFAULT_BOARD, "General discussion")]
    cast.api["member"].post_json(f"/api/groups/network/boards/{DEFAULT_BOARD}/topics",
                                 {"title": "Hello", "body": "First question"}, status=201)
    page = cast.html("member").get("/groups/network/boards/discussion/")
    assert "New topic" in page.text


def test_existing_groups_without_a_board_get_one(site):
    site.add_group("bare")
    site.add_group("busy")
    with site.open() as root:
        root["groups"]["busy"]["boards"].add("ours", Board("Ours"))
        add_default_boards(root)
    with site.open() as root:
        assert list(root["groups"]["bare"]["boards"].keys()) == [DEFAULT_BOARD]
        assert list(root["groups"]["busy"]["boards"].keys()) == ["ours"]
    assert add_default_boards in STEPS
