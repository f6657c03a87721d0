"""The whiteboard HTML pages through WebTest: who may see and do what, and the forms."""
import json

import pytest

from workspace.content.whiteboard import Whiteboard

PAGE = "/groups/secret/whiteboards"
WHOS = ("anonymous", "outsider", "observer", "member", "manager")
READ = {"anonymous": 302, "outsider": 404, "observer": 200, "member": 200, "manager": 200}
WRITE = dict(READ, observer=403)


@pytest.fixture
def board(cast, site):
    with site.open() as s:
        plan = s["groups"]["secret"]["whiteboards"].add("plan", Whiteboard("Plan", "member"))
        plan.apply([{"op": "put", "element": {"id": "s1", "type": "sticky", "x": 0, "y": 0,
                                              "width": 100, "height": 80, "text": "Goal"}}],
                   "member")
        plan.keep_version("member", "first")
    return f"{PAGE}/plan"


@pytest.mark.parametrize("who", WHOS)
def test_pages_follow_the_permission_matrix(cast, board, who):
    browser = cast.html(who)
    for path in (f"{PAGE}/", f"{board}/", f"{board}/versions/", f"{board}/versions/1/"):
        assert browser.get(path, expect_errors=True).status_int == READ[who], path
    for path in (f"{PAGE}/add", f"{PAGE}/import"):
        assert browser.get(path, expect_errors=True).status_int == WRITE[who], path


def test_the_board_page_carries_the_app_and_no_inline_script(cast, board):
    page = cast.html("member").get(f"{board}/")
    assert 'data-api="/api/groups/secret/whiteboards/plan"' in page.text
    assert 'type="module"' in page.text and "<script>" not in page.text
    assert "Drawing tools" in page.text
    observer_page = cast.html("observer").get(f"{board}/")
    assert "Drawing tools" not in observer_page.text
    assert "Move this whiteboard to the trash" not in observer_page.text


def test_a_member_creates_a_board_with_the_form(cast):
    browser = cast.html("member")
    form = browser.get(f"{PAGE}/add").forms["form"]
    form["title"] = "Agenda for March"
    response = form.submit("create")
    assert response.status_int == 302 and response.location.endswith("/agenda-for-march/")
    assert "Agenda for March" in browser.get(f"{PAGE}/").text


def test_a_member_imports_an_excalidraw_file_with_the_form(cast):
    browser = cast.html("member")
    scene = {"type": "excalidraw", "elements": [
        {"id": "t1", "type": "text", "x": 1, "y": 2, "text": "Imported words"}],
        "appState": {"name": "Mind map"}}
    form = browser.get(f"{PAGE}/import").forms["form"]
    form["upload"] = ("map.excalidraw", json.dumps(scene).encode(), "application/json")
    response = form.submit("import")
    assert response.status_int == 302 and response.location.endswith("/mind-map/")
    data = cast.api["member"].get("/api/groups/secret/whiteboards/mind-map").json
    assert [e["text"] for e in data["elements"]] == ["Imported words"]


def test_a_broken_file_shows_an_error_and_makes_nothing(cast):
    browser = cast.html("member")
    form = browser.get(f"{PAGE}/import").forms["form"]
    form["upload"] = ("x.excalidraw", b"{not json", "application/json")
    response = form.submit("import")
    assert response.status_int == 200 and "not valid JSON" in response.text
    assert cast.api["member"].get("/api/groups/secret/whiteboards").json == []


def test_keep_view_and_restore_a_version_in_html(cast, board):
    browser = cast.html("member")
    cast.api["member"].post_json(f"/api{board}/ops", {"ops": [{"op": "delete", "id": "s1"}]})
    form = browser.get(f"{board}/versions/").forms["form"]
    form["comment"] = "empty again"
    assert form.submit("keep").status_int == 302
    history = browser.get(f"{board}/versions/")
    assert "empty again" in history.text and "Version 2" in history.text
    version = browser.get(f"{board}/versions/1/")
    assert f"/api{board}/versions/1/@@svg" in version.text
    browser.post(f"{board}/versions/1/restore", {"csrf_token": browser.csrf}, status=302)
    data = cast.api["member"].get(f"/api{board}").json
    assert [e["id"] for e in data["elements"]] == ["s1"]


def test_restore_and_delete_need_the_csrf_token(cast, board):
    browser = cast.html("member")
    browser.post(f"{board}/versions/1/restore", {}, status=400)
    browser.post(f"{board}/delete", {}, status=400)
    cast.html("observer").post(f"{board}/delete", {"csrf_token": "x"}, expect_errors=True)
    assert cast.api["member"].get(f"/api{board}").status_int == 200


def test_a_member_moves_a_board_to_the_trash(cast, board):
    browser = cast.html("member")
    response = browser.post(f"{board}/delete", {"csrf_token": browser.csrf}, status=302)
    assert response.location.endswith(f"{PAGE}/")
    browser.get(f"{board}/", status=404)


def test_a_trashed_board_shows_a_notice_and_no_controls(cast, board):
    browser = cast.html("member")
    browser.post(f"{board}/delete", {"csrf_token": browser.csrf}, status=302)
    trashed = "/groups/secret/trash/plan"
    for path in (f"{trashed}/", f"{trashed}/versions/", f"{trashed}/versions/1/"):
        page = browser.get(path, status=200)
        assert "in the group's trash" in page.text, path
    page = browser.get(f"{trashed}/")
    assert 'data-api="/api/groups/secret/trash/plan"' in page.text
    assert "Drawing tools" not in page.text and "Move this whiteboard" not in page.text
    assert "Rename" not in page.text
    assert "Restore this version" not in browser.get(f"{trashed}/versions/1/").text
    assert 'name="comment"' not in browser.get(f"{trashed}/versions/").text
    for action in (f"{trashed}/delete", f"{trashed}/versions/1/restore"):
        browser.post(action, {"csrf_token": browser.csrf}, status=409)
    browser.get(f"{trashed}/edit", status=409)


def test_pages_are_linked_by_view_name(cast, board):
    browser = cast.html("member")
    listing = browser.get(f"{PAGE}/").text
    assert f'{PAGE}/@@add"' in listing and f'{PAGE}/@@import"' in listing
    page = browser.get(f"{board}/").text
    for link in (f"{board}/@@edit", f"{board}/@@delete", f"/api{board}/@@svg",
                 f"/api{board}/@@excalidraw", f"{board}/versions/"):
        assert f'{link}"' in page, link
    assert f'{board}/versions/1/@@restore"' in browser.get(f"{board}/versions/1/").text


def test_the_demo_step_makes_one_theory_of_change_board(site):
    from workspace.scripts.demo import people_and_groups, whiteboard_demo
    for _ in range(2):
        with site.open() as s:
            people_and_groups(s, "demo password 1")
            whiteboard_demo(s, "demo password 1")
    with site.open() as s:
        boards = s["groups"]["teacher-pathways"]["whiteboards"]
        assert list(boards) == ["theory-of-change"]
        board = boards["theory-of-change"]
        assert "mentor" in board.search_data()["text"] and len(board.versions) == 1


def test_a_member_renames_a_board_and_an_observer_may_not(cast, board):
    cast.html("observer").get(f"{board}/edit", status=403)
    browser = cast.html("member")
    form = browser.get(f"{board}/edit").forms["form"]
    assert form["title"].value == "Plan"
    form["title"] = "Plan for 2027"
    assert form.submit("save").status_int == 302
    assert "Plan for 2027" in browser.get(f"{board}/").text
