"""The HTML pages of boards: who sees what, and the forms that post, edit, delete and
moderate, each with its CSRF token."""
import pytest

WHOS = ("anonymous", "outsider", "observer", "member", "manager", "admin")
BOARDS = "/groups/secret/boards/"


@pytest.fixture
def board(cast):
    api = "/api/groups/secret/boards"
    cast.api["manager"].post_json(api, {"id": "general", "title": "General"}, status=201)
    cast.api["member"].post_json(f"{api}/general/topics",
                                 {"id": "welcome", "title": "Welcome", "body": "Hello **all**"})
    cast.api["manager"].post_json(f"{api}/general/topics/welcome/replies",
                                  {"body": "Glad you are here"})


@pytest.mark.parametrize("who,status", list(zip(WHOS, (302, 404, 200, 200, 200, 404))))
def test_board_pages_matrix(cast, board, who, status):
    browser = cast.html(who)
    for path in (BOARDS, f"{BOARDS}general/", f"{BOARDS}general/welcome/",
                 f"{BOARDS}general/welcome/history"):
        browser.get(path, status=status)


def test_the_group_tab_leads_to_boards_and_topics(cast, board):
    browser = cast.html("observer")
    boards = browser.get("/groups/secret/").click(href=BOARDS + "$")  # the tab, not a recent-activity link
    assert "General" in boards.text
    topic = boards.click("General").click("Welcome")
    assert "<strong>all</strong>" in topic.text and "Glad you are here" in topic.text
    assert "New topic" not in browser.get(f"{BOARDS}general/").text
    assert 'id="deformField' not in topic.text  # observers get no reply form


def test_member_starts_a_topic_and_replies_through_the_forms(cast, board):
    browser = cast.html("member")
    form = browser.get(f"{BOARDS}general/new-topic").forms["form"]
    form["title"], form["body"] = "Induction programmes", "What works, @manager?"
    topic = form.submit("post").follow()
    assert "Induction programmes" in topic.text
    form = topic.forms["form"]
    form["body"] = "Mentoring, mostly."
    landed = form.submit("reply")
    assert landed.location.endswith("/induction-programmes/#r000001")
    assert "Mentoring, mostly." in landed.follow().text
    empty = landed.follow().forms["form"]
    empty["body"] = "   "
    assert "Write something here." in empty.submit("reply").text
    assert cast.api["manager"].get("/api/notifications").json["unread"] == 1


def test_unread_topics_are_marked_on_the_board_page(cast, board):
    browser = cast.html("observer")
    assert "1 new" in browser.get(f"{BOARDS}general/").text
    page = browser.get(f"{BOARDS}general/welcome/")
    assert page.html.find(id="r000001").find(class_="new") is not None
    assert "1 new" not in browser.get(f"{BOARDS}general/").text
    assert browser.get(f"{BOARDS}general/welcome/").html.find(class_="new") is None


def test_author_edits_and_deletes_through_the_forms(cast, board):
    browser = cast.html("member")
    form = browser.get(f"{BOARDS}general/welcome/edit").forms["form"]
    form["body"] = "Hello everyone"
    topic = form.submit("save").follow()
    assert "Hello everyone" in topic.text and "(edited)" in topic.text
    history = topic.click("(edited)")
    assert "Hello <strong>all</strong>" in history.text
    browser.get(f"{BOARDS}general/welcome/000001/edit", status=403)
    deleted = browser.get(f"{BOARDS}general/welcome/delete").forms["form"].submit("delete")
    assert deleted.location.endswith(f"{BOARDS}general/")
    browser.get(f"{BOARDS}general/welcome/", status=404)


def test_managers_lock_and_pin_from_the_topic_page(cast, board):
    browser = cast.html("manager")
    page = browser.get(f"{BOARDS}general/welcome/")
    locked = page.forms["moderation"].submit("action", index=0).follow()
    assert "Topic locked." in locked.text and "Unlock topic" in locked.text
    member_page = cast.html("member").get(f"{BOARDS}general/welcome/")
    assert "This topic is locked" in member_page.text and "Edit topic" not in member_page.text
    browser.post(f"{BOARDS}general/welcome/moderate", {"action": "pin"}, status=400)
    browser.post(f"{BOARDS}general/welcome/moderate",
                 {"action": "pin", "csrf_token": browser.csrf})
    assert cast.api["member"].get("/api/groups/secret/boards/general").json[
        "topics"][0]["pinned"]
    cast.html("member").post(f"{BOARDS}general/welcome/moderate",
                             {"action": "unlock"}, status=403)


def test_managers_create_boards_members_cannot(cast):
    cast.html("member").get(f"{BOARDS}add", status=403)
    browser = cast.html("manager")
    form = browser.get(f"{BOARDS}add").forms["form"]
    form["title"] = "Policy briefs"
    board = form.submit("create").follow()
    assert "<h1>Policy briefs</h1>" in board.text and "No topics yet." in board.text


def test_a_reply_link_lands_on_its_page(cast, board):
    for n in range(55):
        cast.api["member"].post_json(
            "/api/groups/secret/boards/general/topics/welcome/replies", {"body": f"r{n}"})
    browser = cast.html("observer")
    landed = browser.get(f"{BOARDS}general/welcome/000052/")
    assert landed.location.endswith("/welcome/?page=2#r000052")
    page_two = landed.follow()
    assert "Page 2 of 2" in page_two.text and 'id="r000052"' in page_two.text


def test_the_topic_page_does_not_jump_to_the_reply_form(cast, board):
    page = cast.html("member").get(f"{BOARDS}general/welcome/")
    assert page.forms["form"]["body"] is not None and "autofocus" not in page.text


def test_trashed_boards_topics_and_replies_show_with_a_notice_and_no_controls(cast, board):
    api = "/api/groups/secret/boards/general"
    cast.api["member"].post_json(f"{api}/topics/welcome/replies", {"body": "Second thoughts"})
    cast.api["member"].delete(f"{api}/topics/welcome/replies/000002", status=204)
    cast.api["manager"].delete(api, status=204)
    browser = cast.html("manager")
    board_page = browser.get("/groups/secret/trash/general/")
    assert "This board is in the trash" in board_page.text
    assert "New topic" not in board_page.text and "Delete board" not in board_page.text
    topic = board_page.click("Welcome")
    assert "This topic is in the trash" in topic.text and "Glad you are here" in topic.text
    assert "Edit topic" not in topic.text and "moderation" not in topic.text
    assert 'id="deformField' not in topic.text  # no reply form
    reply = browser.get("/groups/secret/trash/000002/")
    assert "This reply is in the trash" in reply.text and "Second thoughts" in reply.text
    browser.get("/groups/secret/trash/general/welcome/@@history", status=200)
    browser.post("/groups/secret/trash/general/welcome/@@moderate",
                 {"action": "lock", "csrf_token": browser.csrf}, status=409)
    browser.get("/groups/secret/trash/general/welcome/@@edit", status=409)
    browser.get("/groups/secret/trash/general/@@new-topic", status=409)
    cast.html("outsider").get("/groups/secret/trash/general/", status=404)


def test_a_page_number_that_is_not_one_is_400(cast, board):
    browser = cast.html("member")
    browser.get(f"{BOARDS}general/?page=2", status=200)  # past the end: the last page
    browser.get(f"{BOARDS}general/?page=x", status=400)
    browser.get(f"{BOARDS}general/welcome/?page=0", status=400)
