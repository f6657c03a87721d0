"""Consultations and their Discussion Summaries through the JSON API: asking, closing and
reopening, the summary as a versioned text with checked citations, publishing (to the
group, to the public web), search, and a permission matrix for every view."""
from datetime import datetime, timedelta, timezone

import pytest

from helpers import WHOS

BOARDS = "/api/groups/secret/boards"
BOARD = f"{BOARDS}/general"
TOPIC = f"{BOARD}/topics/reading"
SUMMARY = f"{TOPIC}/summary"


@pytest.fixture
def consultation(cast):
    """A consultation `reading` asked by member, with a reply by member (000001) and one
    by manager (000002)."""
    cast.api["manager"].post_json(BOARDS, {"id": "general", "title": "General"}, status=201)
    cast.api["member"].post_json(f"{BOARD}/consultations", {
        "id": "reading", "title": "How do you teach reading?", "body": "Tell us."},
        status=201)
    cast.api["member"].post_json(f"{TOPIC}/replies", {"body": "Phonics first."}, status=201)
    cast.api["manager"].post_json(f"{TOPIC}/replies", {"body": "Stories."}, status=201)
    return TOPIC


def save(cast, body, base=None, who="manager", status=200):
    base = base or cast.api[who].get(SUMMARY).json["version"]
    return cast.api[who].put_json(SUMMARY, {"body": body, "base_version": base},
                                  status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 201, 201, 404))))
def test_asking_a_consultation_matrix(cast, who, status):
    cast.api["manager"].post_json(BOARDS, {"id": "general", "title": "General"})
    cast.api[who].post_json(f"{BOARD}/consultations", {"title": "Q?", "body": "Why?"},
                            status=status)


def test_a_consultation_is_a_topic_with_a_kind_a_state_and_a_reply_by(cast, consultation):
    when = (datetime.now(timezone.utc) + timedelta(days=7)).replace(microsecond=0)
    cast.api["member"].post_json(f"{BOARD}/consultations", {
        "id": "later", "title": "Later?", "body": "Ask.", "reply_by": when.isoformat()})
    info = cast.api["observer"].get(f"{BOARD}/topics/later/consultation").json
    assert (info["kind"], info["state"], info["reply_by"]) == (
        "consultation", "open", when.isoformat())
    assert cast.api["observer"].get(f"{BOARD}/topics/later").json["title"] == "Later?"


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 403, 200, 404))))
def test_only_managers_close_and_reopen_matrix(cast, consultation, who, status):
    cast.api[who].post(f"{TOPIC}/close", status=status)
    cast.api[who].post(f"{TOPIC}/reopen", status=status)


def test_closing_stops_replies_and_reopening_lets_them_come_again(cast, consultation):
    assert cast.api["manager"].post(f"{TOPIC}/close").json["state"] == "closed"
    cast.api["member"].post_json(f"{TOPIC}/replies", {"body": "Late"}, status=403)
    assert cast.api["manager"].post(f"{TOPIC}/reopen").json["state"] == "open"
    cast.api["member"].post_json(f"{TOPIC}/replies", {"body": "Back"}, status=201)


def test_replies_stop_when_reply_by_passes(cast, consultation):
    past = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    cast.api["member"].post_json(f"{BOARD}/consultations", {
        "id": "past", "title": "Past?", "body": "Ask.", "reply_by": past})
    assert cast.api["member"].get(f"{BOARD}/topics/past/consultation").json["state"] == \
        "closed"
    cast.api["member"].post_json(f"{BOARD}/topics/past/replies", {"body": "x"}, status=403)


def test_closing_a_plain_topic_is_a_409(cast, consultation):
    cast.api["member"].post_json(f"{BOARD}/topics", {"id": "plain", "title": "P", "body": "b"})
    cast.api["manager"].post(f"{BOARD}/topics/plain/close", status=409)
    cast.api["manager"].get(f"{BOARD}/topics/plain/summary", status=404)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 404, 404, 200, 404))))
def test_a_draft_summary_is_for_managers_only(cast, consultation, who, status):
    cast.api[who].get(SUMMARY, status=status)
    cast.api[who].get(f"{SUMMARY}/history", status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 404, 404, 200, 404))))
def test_only_managers_write_and_publish_the_summary(cast, consultation, who, status):
    cast.api[who].put_json(SUMMARY, {"body": "Hello", "base_version": 1}, status=status)
    cast.api[who].post_json(f"{SUMMARY}/publish", {}, status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 403, 200, 404))))
def test_only_managers_change_a_published_summary(cast, consultation, who, status):
    cast.api["manager"].post_json(f"{SUMMARY}/publish", {})
    cast.api[who].put_json(SUMMARY, {"body": "Hello", "base_version": 1}, status=status)
    cast.api[who].post_json(f"{SUMMARY}/revert", {"version": 1}, status=status)


def test_citations_render_with_name_and_country_and_are_listed(cast, consultation):
    cast.api["member"].put_json("/api/people/member", {"name": "Amara Okafor",
                                                       "country": "KE"})
    answer = save(cast, "Most start with phonics [[reply:000001]] and [[reply:2]].\n").json
    assert answer["cites"] == ["000001", "000002"]
    assert "Amara Okafor, Kenya" in answer["html"]
    assert "#r000001" in answer["html"]
    cast.api["member"].put_json("/api/people/member/citation", {"named": False})
    html = cast.api["manager"].get(SUMMARY).json["html"]
    assert "a member from Kenya" in html and "Amara" not in html


@pytest.mark.parametrize("citation", ["[[reply:000009]]", "[[reply:999999]]"])
def test_a_citation_of_anything_but_a_reply_of_the_topic_is_a_400(cast, consultation,
                                                                  citation):
    response = save(cast, f"See {citation}\n", status=400)
    assert response.json["error"] == "bad_citation"
    assert cast.api["manager"].get(SUMMARY).json["version"] == 1


def test_a_reply_of_another_topic_cannot_be_cited(cast, consultation):
    cast.api["member"].post_json(f"{BOARD}/consultations",
                                 {"id": "other", "title": "O", "body": "b"})
    other = f"{BOARD}/topics/other/summary"
    response = cast.api["manager"].put_json(other, {"body": "[[reply:000001]]",
                                                    "base_version": 1}, status=400)
    assert response.json["fields"]["body"]


def test_summary_has_history_versions_diff_and_revert(cast, consultation):
    save(cast, "one\n")
    save(cast, "one\ntwo\n")
    history = cast.api["manager"].get(f"{SUMMARY}/history").json
    assert [h["version"] for h in history] == [3, 2, 1]
    assert cast.api["manager"].get(f"{SUMMARY}/versions/2").json["body"] == "one\n"
    assert "+two" in cast.api["manager"].get(f"{SUMMARY}/diff?from=2&to=3").json["diff"]
    cast.api["manager"].post_json(f"{SUMMARY}/revert", {"version": 2})
    assert cast.api["manager"].get(SUMMARY).json["body"] == "one\n"
    cast.api["manager"].get(f"{SUMMARY}/versions/99", status=404)


def test_concurrent_summary_saves_merge_or_conflict_and_keep_both(cast, consultation):
    save(cast, "a\nb\nc\nd\ne\n")
    save(cast, "A\nb\nc\nd\ne\n", base=2)
    merged = save(cast, "a\nb\nc\nd\nE\n", base=2).json
    assert merged["merged"] and merged["body"] == "A\nb\nc\nd\nE\n"
    clash = save(cast, "a2\nb\nc\nd\ne\n", base=2, status=409).json
    assert clash["your_body"] == "a2\nb\nc\nd\ne\n" and clash["current_version"] == 4


def test_new_since_and_stale_follow_the_replies(cast, consultation):
    save(cast, "Phonics [[reply:000001]]\n")
    summary = cast.api["manager"].get(SUMMARY).json
    assert summary["new_since"] == [] and summary["stale"] == []
    cast.api["member"].post_json(f"{TOPIC}/replies", {"body": "More"})
    cast.api["member"].put_json(f"{TOPIC}/replies/000001", {"body": "Phonics, then books."})
    summary = cast.api["manager"].get(SUMMARY).json
    assert summary["new_since"] == ["000003"] and summary["stale"] == ["000001"]


def test_publishing_lets_the_group_read_and_find_it_and_marks_it_summarised(cast,
                                                                             consultation):
    save(cast, "Zanzibarian phonics wins [[reply:000001]]\n")
    search = "/api/search?q=zanzibarian"
    assert cast.api["manager"].get(search).json["total"] == 0  # drafts are not indexed
    summary = cast.api["manager"].post_json(f"{SUMMARY}/publish", {}).json
    assert summary["published"] and not summary["public"]
    assert summary["state"] == "summarised"
    assert cast.api["observer"].get(SUMMARY).json["body"].startswith("Zanzibarian")
    (hit,) = cast.api["observer"].get(search + "&type=summary").json["results"]
    assert hit["type"] == "summary" and hit["path"].endswith("/reading/summary")
    assert cast.api["outsider"].get(search).json["total"] == 0
    cast.api["anonymous"].get(SUMMARY, status=401)


@pytest.mark.parametrize("who", WHOS)
def test_a_public_summary_lets_everyone_view_it_and_nothing_else(cast, consultation, who):
    save(cast, "Public text\n")
    cast.api["manager"].post_json(f"{SUMMARY}/publish", {"public": True})
    assert cast.api[who].get(SUMMARY).json["public"] is True
    if who not in ("manager",):
        # outsiders and admins without a role may not know the group: 404 to a write
        status = {"anonymous": 401, "outsider": 404, "admin": 404}.get(who, 403)
        cast.api[who].put_json(SUMMARY, {"body": "x", "base_version": 2}, status=status)
        cast.api[who].post_json(f"{SUMMARY}/publish", {}, status=status)
    cast.api["anonymous"].get(TOPIC, status=401)


def test_unpublishing_takes_effect_on_the_next_request(cast, consultation):
    save(cast, "Quixotic summary\n")
    cast.api["manager"].post_json(f"{SUMMARY}/publish", {"public": True})
    cast.api["anonymous"].get(SUMMARY, status=200)
    cast.api["manager"].post_json(f"{SUMMARY}/publish", {"published": False})
    cast.api["anonymous"].get(SUMMARY, status=401)
    cast.api["member"].get(SUMMARY, status=404)
    assert cast.api["manager"].get("/api/search?q=quixotic").json["total"] == 0


def test_publishing_is_audited(cast, consultation):
    cast.api["manager"].post_json(f"{SUMMARY}/publish", {"public": True})
    entries = cast.api["admin"].get("/api/audit").json["entries"]
    (entry,) = [e for e in entries if e["action"] == "summary_published"]
    assert entry["detail"] == "published to the public web"


def test_design_s_topic_post_with_kind_consultation_opens_one(cast, consultation):
    when = "2030-01-31T17:00:00+00:00"
    cast.api["member"].post_json(f"{BOARD}/topics", {
        "id": "design", "title": "Asked the DESIGN way", "body": "Ask.",
        "kind": "consultation", "reply_by": when}, status=201)
    info = cast.api["member"].get(f"{BOARD}/topics/design/consultation").json
    assert (info["kind"], info["state"], info["reply_by"]) == ("consultation", "open", when)
    cast.api["manager"].get(f"{BOARD}/topics/design/summary", status=200)
    cast.api["member"].post_json(f"{BOARD}/topics", {"title": "T", "body": "b",
                                                     "kind": "poll"}, status=400)
    plain = cast.api["member"].post_json(f"{BOARD}/topics", {"title": "Plain", "body": "b"})
    assert cast.api["member"].get(f"{BOARD}/topics/{plain.json['id']}/consultation").json[
        "kind"] == "discussion"


def test_the_topic_page_shows_the_consultation_and_its_published_summary(cast,
                                                                         consultation):
    page = "/groups/secret/boards/general/reading"
    assert "A consultation" in cast.html("member").get(page).text
    assert "Discussion Summary</a>" not in cast.html("member").get(page).text
    cast.api["manager"].post_json(f"{SUMMARY}/publish", {})
    assert "Discussion Summary</a>" in cast.html("member").get(page).text
