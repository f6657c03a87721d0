"""The JSON API of discussion boards: boards, topics, replies, editing with history,
deleting to the trash, moderation, paging and unread marks, with a permission matrix."""
import pytest

from helpers import api_client
from workspace.content.group import grant_role
from workspace.content.trash import restore_from_trash

BOARDS = "/api/groups/secret/boards"
WHOS = ("anonymous", "outsider", "observer", "member", "manager", "admin")


@pytest.fixture
def board(cast):
    """A board `general` with a topic `welcome` by member and one reply by manager."""
    cast.api["manager"].post_json(BOARDS, {"id": "general", "title": "General"}, status=201)
    cast.api["member"].post_json(f"{BOARDS}/general/topics",
                                 {"id": "welcome", "title": "Welcome", "body": "Hello *all*"},
                                 status=201)
    cast.api["manager"].post_json(f"{BOARDS}/general/topics/welcome/replies",
                                  {"body": "Glad you are here"}, status=201)
    return f"{BOARDS}/general"


TOPIC = f"{BOARDS}/general/topics/welcome"


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 403, 201, 404))))
def test_only_managers_create_boards(cast, who, status):
    cast.api[who].post_json(BOARDS, {"title": "Ideas"}, status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 200, 200, 200, 404))))
def test_reading_boards_topics_and_replies_matrix(cast, board, who, status):
    client = cast.api[who]
    for path in (BOARDS, board, f"{board}/topics", TOPIC, f"{TOPIC}/replies",
                 f"{TOPIC}/replies/000001", f"{TOPIC}/history"):
        client.get(path, status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 201, 201, 404))))
def test_posting_topics_matrix(cast, board, who, status):
    cast.api[who].post_json(f"{board}/topics", {"title": "Question", "body": "Why?"},
                            status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 201, 201, 404))))
def test_posting_replies_matrix(cast, board, who, status):
    cast.api[who].post_json(f"{TOPIC}/replies", {"body": "Me too"}, status=status)


def test_topic_answer_has_the_design_shape_and_safe_html(cast, board):
    cast.api["member"].post_json(f"{TOPIC}/replies",
                                 {"body": "<script>alert(1)</script> [x](javascript:alert(1))"})
    topic = cast.api["observer"].get(TOPIC).json
    assert {"id", "title", "body", "author", "replies"} <= set(topic)
    assert (topic["id"], topic["title"], topic["author"]) == ("welcome", "Welcome", "member")
    assert topic["html"] == "<p>Hello <em>all</em></p>\n"
    first, second = topic["replies"]
    assert set(first) >= {"id", "author", "body", "html", "created"}
    assert (first["id"], first["author"], first["body"]) == ("000001", "manager",
                                                               "Glad you are here")
    assert "<script" not in second["html"] and "href" not in second["html"]
    assert first["created"].endswith("+00:00")


def test_ids_are_derived_given_or_refused(cast, board):
    member = cast.api["member"]
    assert member.post_json(f"{board}/topics", {"title": "Teacher pay!", "body": "x"}
                            ).json == {"id": "teacher-pay"}
    assert member.post_json(f"{board}/topics", {"title": "Teacher pay", "body": "x"}
                            ).json == {"id": "teacher-pay-2"}
    assert member.post_json(f"{board}/topics", {"title": "Topics", "body": "x"}
                            ).json == {"id": "topics-2"}
    member.post_json(f"{board}/topics", {"id": "welcome", "title": "T", "body": "x"},
                     status=409)
    member.post_json(f"{board}/topics", {"id": "Bad Id", "title": "T", "body": "x"},
                     status=400)
    for view_name in ("delete", "moderate", "history", "replies"):
        member.post_json(f"{board}/topics", {"id": view_name, "title": "T", "body": "x"},
                         status=400)
    assert member.post_json(f"{board}/topics", {"title": "Delete", "body": "x"}
                            ).json == {"id": "delete-2"}
    cast.api["manager"].post_json(BOARDS, {"id": "general", "title": "Again"}, status=409)


@pytest.mark.parametrize("body", [{"title": "T", "body": ""}, {"title": "T", "body": "   "},
                                  {"title": "", "body": "x"}, {"title": "T"},
                                  {"title": "T", "body": "x", "extra": 1},
                                  {"title": "T", "body": 5}])
def test_bad_topics_are_400_and_change_nothing(cast, board, body):
    answer = cast.api["member"].post_json(f"{board}/topics", body, status=400).json
    assert answer["error"] == "invalid" and answer["fields"]
    assert cast.api["member"].get(board).json["topic_count"] == 1


def test_empty_reply_is_400_and_changes_nothing(cast, board):
    cast.api["member"].post_json(f"{TOPIC}/replies", {"body": " \n "}, status=400)
    cast.api["member"].post(f"{TOPIC}/replies", "body=x", status=415)
    assert cast.api["member"].get(TOPIC).json["reply_count"] == 1


def test_unknown_boards_topics_and_replies_are_404(cast, board):
    member = cast.api["member"]
    member.get(f"{BOARDS}/nope", status=404)
    member.post_json(f"{BOARDS}/nope/topics", {"title": "T", "body": "x"}, status=404)
    member.get(f"{board}/topics/nope", status=404)
    member.post_json(f"{board}/topics/nope/replies", {"body": "x"}, status=404)
    member.get(f"{TOPIC}/replies/000099", status=404)
    member.put_json(f"{TOPIC}/replies/000099", {"body": "x"}, status=404)
    assert member.get(board).json["reply_count"] == 1


def test_authors_edit_their_posts_and_earlier_text_is_kept(cast, board):
    member = cast.api["member"]
    member.put_json(TOPIC, {"title": "Welcome all", "body": "Hello everyone"})
    history = member.get(f"{TOPIC}/history").json
    assert [(v["version"], v["title"], v["body"]) for v in history] == [
        (2, "Welcome all", "Hello everyone"), (1, "Welcome", "Hello *all*")]
    topic = member.get(TOPIC).json
    assert topic["edited"] and topic["modified_by"] == "member"
    cast.api["manager"].put_json(f"{TOPIC}/replies/000001", {"body": "Glad, really"})
    reply = member.get(f"{TOPIC}/replies/000001/history").json
    assert [v["body"] for v in reply] == ["Glad, really", "Glad you are here"]


def test_others_cannot_edit_or_delete_a_post_but_managers_can(cast, board, site):
    member, observer, manager = (cast.api[w] for w in ("member", "observer", "manager"))
    site.add_user("member2")
    with site.open() as s:
        grant_role(s["groups"]["secret"], s["people"]["member2"], "member")
    member2 = api_client(cast.api["member"].app, site.token_for("member2"))
    member2.put_json(TOPIC, {"title": "Mine", "body": "now"}, status=403)
    member2.delete(TOPIC, status=403)
    member.put_json(f"{TOPIC}/replies/000001", {"body": "hijack"}, status=403)
    observer.put_json(TOPIC, {"title": "x", "body": "y"}, status=403)
    manager.put_json(TOPIC, {"title": "Welcome (moderated)", "body": "Hello"})
    assert member.get(TOPIC).json["modified_by"] == "manager"


def test_deleting_moves_posts_to_the_group_trash_and_restore_brings_them_back(cast, board,
                                                                             site):
    member, manager = cast.api["member"], cast.api["manager"]
    member.post_json(f"{TOPIC}/replies", {"body": "second"})
    member.delete(f"{TOPIC}/replies/000002", status=204)
    member.get(f"{TOPIC}/replies/000002", status=404)
    assert member.get(board).json["reply_count"] == 1
    member.delete(TOPIC, status=204)
    member.get(TOPIC, status=404)
    assert member.get(board).json["topic_count"] == 0
    assert member.get(board).json["reply_count"] == 0
    with site.open() as s:
        trash = s["groups"]["secret"]["trash"]
        assert trash["welcome"].trash_record.deleted_by == "member"
        assert trash["000002"].trash_record.place == "boards/general/welcome"
        restore_from_trash(trash, "welcome", "manager")
        restore_from_trash(trash, "000002", "manager")
    topic = manager.get(TOPIC).json
    assert [r["body"] for r in topic["replies"]] == ["Glad you are here", "second"]
    assert manager.get(board).json["reply_count"] == 2
    with site.open() as s:
        trashed = [(e["object"], e["detail"]) for e in s.audit.newest(10)
                   if e["action"] == "trashed"]
    assert trashed == [("/groups/secret/boards/general/welcome", "topic"),
                       ("/groups/secret/boards/general/welcome/000002", "reply")]


def test_trashed_topics_read_as_they_were_and_take_no_replies(cast, board):
    cast.api["member"].delete(TOPIC, status=204)
    in_trash = "/api/groups/secret/trash/welcome"
    topic = cast.api["observer"].get(in_trash).json
    assert (topic["title"], [r["body"] for r in topic["replies"]]) == (
        "Welcome", ["Glad you are here"])
    cast.api["observer"].get(f"{in_trash}/replies/000001", status=200)
    for who in ("member", "manager"):
        answer = cast.api[who].post_json(f"{in_trash}/replies", {"body": "x"}, status=409)
        assert answer.json["error"] == "in_trash"
        cast.api[who].put_json(in_trash, {"title": "T", "body": "x"}, status=409)
        cast.api[who].put_json(f"{in_trash}/replies/000001", {"body": "x"}, status=409)
        cast.api[who].delete(f"{in_trash}/replies/000001", status=409)
        cast.api[who].delete(in_trash, status=409)
    cast.api["manager"].post(f"{in_trash}/lock", status=409)
    cast.api["observer"].post_json(f"{in_trash}/replies", {"body": "x"}, status=409)
    cast.api["outsider"].get(in_trash, status=404)
    assert cast.api["member"].get(in_trash).json["reply_count"] == 1


def test_a_trashed_board_reads_as_it_was_and_takes_no_topics(cast, board):
    cast.api["manager"].delete(board, status=204)
    in_trash = "/api/groups/secret/trash/general"
    assert cast.api["member"].get(in_trash).json["topics"][0]["id"] == "welcome"
    cast.api["member"].get(f"{in_trash}/topics/welcome", status=200)
    cast.api["member"].post_json(f"{in_trash}/topics", {"title": "T", "body": "x"},
                                 status=409)
    cast.api["manager"].put_json(in_trash, {"title": "T", "description": ""}, status=409)
    cast.api["manager"].delete(in_trash, status=409)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 403, 200, 404))))
def test_only_managers_lock_and_pin(cast, board, who, status):
    cast.api[who].post(f"{TOPIC}/lock", status=status)
    cast.api[who].post(f"{TOPIC}/pin", status=status)


def test_locked_topic_takes_replies_only_from_managers(cast, board):
    manager, member = cast.api["manager"], cast.api["member"]
    assert manager.post(f"{TOPIC}/lock").json == {"id": "welcome", "locked": True,
                                                   "pinned": False}
    answer = member.post_json(f"{TOPIC}/replies", {"body": "late"}, status=403).json
    assert answer["error"] == "locked"
    member.put_json(TOPIC, {"title": "T", "body": "edit"}, status=403)
    manager.post_json(f"{TOPIC}/replies", {"body": "Closing this."}, status=201)
    manager.post(f"{TOPIC}/unlock")
    member.post_json(f"{TOPIC}/replies", {"body": "open again"}, status=201)


def test_pinned_topics_come_first_then_latest_activity(cast, board):
    member, manager = cast.api["member"], cast.api["manager"]
    for title in ("Alpha", "Beta", "Gamma"):
        member.post_json(f"{board}/topics", {"title": title, "body": "x"})
    member.post_json(f"{board}/topics/alpha/replies", {"body": "bump"})
    order = [t["id"] for t in member.get(board).json["topics"]]
    assert order == ["alpha", "gamma", "beta", "welcome"]
    manager.post(f"{board}/topics/welcome/pin")
    listed = member.get(board).json["topics"]
    assert [t["id"] for t in listed] == ["welcome", "alpha", "gamma", "beta"]
    assert listed[0]["pinned"] and listed[1]["reply_count"] == 1


def test_topics_and_replies_page(cast, board):
    member = cast.api["member"]
    for n in range(7):
        member.post_json(f"{TOPIC}/replies", {"body": f"reply {n}"})
        member.post_json(f"{board}/topics", {"title": f"Topic {n}", "body": "x"})
    page = member.get(f"{board}/topics?offset=2&limit=3").json
    assert page["total"] == 8 and [t["id"] for t in page["topics"]] == [
        "topic-5", "topic-4", "topic-3"]  # topic-6, then welcome (its last reply)
    first = member.get(f"{TOPIC}?limit=5").json
    assert [r["id"] for r in first["replies"]] == ["000001", "000002", "000003", "000004",
                                                   "000005"]
    rest = member.get(f"{TOPIC}?after={first['next_after']}&limit=5").json
    assert [r["body"] for r in rest["replies"]] == ["reply 4", "reply 5", "reply 6"]
    assert rest["next_after"] is None
    member.get(f"{board}/topics?limit=0", status=400)
    member.get(f"{board}/topics?offset=x", status=400)


def test_members_see_which_topics_have_replies_they_have_not_read(cast, board):
    member, observer, manager = (cast.api[w] for w in ("member", "observer", "manager"))
    summary = {t["id"]: t for t in observer.get(board).json["topics"]}
    assert summary["welcome"]["unread"] and summary["welcome"]["new_replies"] == 1
    observer.get(TOPIC)
    assert not observer.get(board).json["topics"][0]["unread"]
    # the member started the topic but has not read the manager's reply yet
    assert member.get(board).json["topics"][0]["new_replies"] == 1
    member.get(TOPIC)
    assert not member.get(board).json["topics"][0]["unread"]
    manager.post_json(f"{TOPIC}/replies", {"body": "one more"})
    manager.post_json(f"{TOPIC}/replies", {"body": "and another"})
    summary = member.get(board).json["topics"][0]
    assert summary["unread"] and summary["new_replies"] == 2
    assert not manager.get(board).json["topics"][0]["unread"]  # their own replies


def test_board_list_counts_and_last_activity(cast, board):
    boards = cast.api["observer"].get(BOARDS).json
    assert boards == [{"id": "general", "title": "General", "description": "",
                       "topic_count": 1, "reply_count": 1, "last_activity": boards[0]["last_activity"],
                       "last_author": "manager", "created": boards[0]["created"]}]


def test_boards_settings_and_deletion_are_for_managers(cast, board):
    cast.api["member"].put_json(board, {"title": "Mine", "description": ""}, status=403)
    cast.api["manager"].put_json(board, {"title": "General chat", "description": "All"})
    assert cast.api["member"].get(board).json["title"] == "General chat"
    cast.api["member"].delete(board, status=403)
    cast.api["manager"].delete(board, status=204)
    cast.api["member"].get(TOPIC, status=404)
