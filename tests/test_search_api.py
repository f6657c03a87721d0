"""GET /api/search and /search: secret content never leaks; what members may see is found."""
import io

import pytest

from workspace.content.board import Board, start_topic
from workspace.content.calendar import Event
from workspace.content.document import Document, File
from workspace.content.group import grant_role, revoke_role
from workspace.content.trash import move_to_trash, restore_from_trash
from workspace.content.whiteboard import Whiteboard
from search_helpers import docx_bytes, html_bytes, odt_bytes, pdf_bytes

# One invented word per place a secret can hide.
SECRET_WORDS = {
    "title": "zanzibarite",
    "body": "quillowmere",
    "pdf": "pdfmarrowlark",
    "docx": "docxfennelwick",
    "odt": "odtbramblecove",
    "html": "htmlthistledown",
    "whiteboard": "stickywombatnote",
    "topic": "topicemberglade",
    "reply": "replycindermoss",
    "event": "eventhollowmarsh",
}


def add_secret_content(site, group_id="secret"):
    with site.open() as root:
        group = root["groups"][group_id]
        docs = group["documents"]
        docs.add("pathways", Document(f"Teacher pathways {SECRET_WORDS['title']}",
                                      f"Induction for new teachers. {SECRET_WORDS['body']} "
                                      "Évaluation of mentoring programmes.", "member"))
        for key, name, ctype, data in (
                ("pdf", "report.pdf", "application/pdf", pdf_bytes),
                ("docx", "notes.docx", None, docx_bytes),
                ("odt", "minutes.odt", None, odt_bytes),
                ("html", "page.html", "text/html", html_bytes)):
            docs.add(f"file-{key}", File(f"Upload {key}", io.BytesIO(data(SECRET_WORDS[key])),
                                         name, ctype, "member"))
        board_folder = group["whiteboards"]
        wb = board_folder.add("sketch", Whiteboard("Sketch", "member"))
        wb.apply([{"op": "put", "element": {"id": "n1", "type": "sticky", "x": 0, "y": 0,
                                            "width": 100, "height": 80,
                                            "text": SECRET_WORDS["whiteboard"]}}], "member")
        board = group["boards"].add("talk", Board("Talk", ""))
        topic = start_topic(board, "first", "First topic", SECRET_WORDS["topic"], "member")
        topic.post_reply(SECRET_WORDS["reply"], "manager")
        from datetime import datetime
        group["calendar"].add("meet", Event(f"Meeting {SECRET_WORDS['event']}",
                                            datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 10),
                                            author="member"))


def search(client, status=200, **params):
    return client.get("/api/search", params=params, status=status).json


@pytest.fixture
def secret(site, cast):
    add_secret_content(site)
    return cast


@pytest.mark.parametrize("where", sorted(SECRET_WORDS))
def test_member_finds_secret_words_everywhere_they_hide(secret, where):
    found = search(secret.api["member"], q=SECRET_WORDS[where])
    assert found["total"] >= 1, where
    assert all(hit["group"] == "secret" for hit in found["results"])


@pytest.mark.parametrize("who", ["outsider", "admin"])
@pytest.mark.parametrize("where", sorted(SECRET_WORDS))
def test_outsiders_and_roleless_admins_never_see_secret_words(secret, who, where):
    word = SECRET_WORDS[where]
    for q in (word, word[:6] + "*", word[:4] + "?" + word[5:], f"title:{word}",
              f"text:{word}", f'"{word}"', f"{word} OR teacher", "group:secret"):
        found = search(secret.api[who], q=q)
        assert found["total"] == 0, (who, q, found)
        assert found["results"] == []
        assert "secret" not in found["facets"]["group"]
        assert sum(found["facets"]["type"].values()) == 0


def test_outsider_sees_nothing_even_when_filtering_by_the_secret_group(secret):
    found = search(secret.api["outsider"], group="secret")
    assert found == {**found, "total": 0, "results": []}
    html = secret.html("outsider").get("/search", params={"q": "zanzibarite"})
    assert "zanzibarite" not in html.text.replace('value="zanzibarite"', "")
    assert "0 results" in html.text


def test_prefix_wildcard_phrase_and_field_queries_work_for_members(secret):
    member = secret.api["member"]
    assert search(member, q="zanzib*")["total"] == 1
    assert search(member, q="zanz?barite")["total"] == 1
    assert search(member, q='"new teachers"')["total"] == 1
    assert search(member, q='"teachers new"')["total"] == 0
    assert search(member, q="title:pathways")["total"] == 1
    assert search(member, q="title:quillowmere")["total"] == 0
    assert search(member, q="author:member type:document")["total"] == 1


def test_accents_case_and_english_stemming_are_folded(secret):
    member = secret.api["member"]
    for q in ("evaluation", "EVALUATIONS", "Évaluation", "mentor", "pathway", "Teacher"):
        assert search(member, q=q)["total"] >= 1, q


def test_snippets_highlight_matches_and_escape_html(secret, site):
    with site.open() as root:
        root["groups"]["secret"]["documents"].add("xss", Document(
            "Markup", "<script>alert(1)</script> about cassowaryplan here", "member"))
    hit = search(secret.api["member"], q="cassowaryplan")["results"][0]
    assert '<mark class="hit">cassowaryplan</mark>' in hit["snippet"]
    assert "<script>" not in hit["snippet"]
    assert hit["path"] == "/groups/secret/documents/xss"
    assert hit["type"] == "document"


def test_facets_count_kinds_groups_and_authors(secret):
    found = search(secret.api["member"], q="", group="secret", limit=2)
    assert found["total"] == sum(found["facets"]["type"].values())
    assert found["facets"]["group"] == {"secret": found["total"]}
    assert found["facets"]["type"]["file"] == 4
    assert found["pages"] == -(-found["total"] // 2)
    narrowed = search(secret.api["member"], group="secret", type="file")
    assert narrowed["total"] == 4


def test_revoked_member_stops_finding_on_the_next_request(secret, site):
    member = secret.api["member"]
    assert search(member, q="zanzibarite")["total"] == 1
    with site.open() as root:
        revoke_role(root["groups"]["secret"], root["people"]["member"])
    assert search(member, q="zanzibarite")["total"] == 0
    with site.open() as root:
        grant_role(root["groups"]["secret"], root["people"]["member"], "observer")
    assert search(member, q="zanzibarite")["total"] == 1


def test_trashed_item_disappears_and_comes_back_on_restore(secret, site):
    member = secret.api["member"]
    with site.open() as root:
        move_to_trash(root["groups"]["secret"]["documents"]["pathways"], "member")
    assert search(member, q="zanzibarite")["total"] == 0
    with site.open() as root:
        restore_from_trash(root["groups"]["secret"]["trash"], "pathways", "member")
    assert search(member, q="zanzibarite")["total"] == 1


def test_changed_document_is_found_by_its_new_words_only(secret, site):
    assert search(secret.api["member"], q="quillowmere")["total"] == 1  # searcher opened
    with site.open() as root:
        doc = root["groups"]["secret"]["documents"]["pathways"]
        doc.save(None, "Completely rewritten: archipelagofund", "member", doc.version)
    member = secret.api["member"]
    assert search(member, q="archipelagofund")["total"] == 1
    assert search(member, q="quillowmere")["total"] == 0


def test_group_names_are_found_only_where_visible(site, cast):
    site.add_group("hidden-one", "private", {"member": "member"}, title="Hidden ocelotgroup")
    site.add_group("listed-one", "listed", {}, title="Listed margaygroup")
    outsider, member = cast.api["outsider"], cast.api["member"]
    assert search(outsider, q="ocelotgroup")["total"] == 0
    assert search(member, q="ocelotgroup")["results"][0]["type"] == "group"
    assert search(outsider, q="margaygroup")["results"][0]["path"] == "/groups/listed-one"
    with site.open() as root:
        root["groups"]["hidden-one"].update(visibility="listed")
    assert search(outsider, q="ocelotgroup")["total"] == 1


def test_open_group_content_is_found_by_every_member_of_the_site(site, cast):
    site.add_group("commons", "open", {"member": "member"})
    with site.open() as root:
        root["groups"]["commons"]["documents"].add("hello", Document(
            "Hello", "opengroupword for everyone", "member"))
    assert search(cast.api["outsider"], q="opengroupword")["total"] == 1
    with site.open() as root:
        root["groups"]["commons"].update(visibility="private")
    assert search(cast.api["outsider"], q="opengroupword")["total"] == 0


def test_profiles_are_found_by_logged_in_people_only(site, cast):
    with site.open() as root:
        root["people"]["member"].update(organisation="Ministry of Kangaroovale",
                                        expertise="teacher induction")
    found = search(cast.api["outsider"], q="kangaroovale")
    assert found["results"][0]["path"] == "/people/member"
    assert found["results"][0]["type"] == "person"
    # anonymous callers search the public web only (see test_search_public_scope.py)
    assert cast.api["anonymous"].get("/api/search", params={"q": "kangaroovale"}).json[
        "total"] == 0


@pytest.mark.parametrize("q", ['"unclosed', "(pathways", "pathways)", "colour:red", "*",
                               "a*", "pathways AND", "modified:[nonsense to 2020]"])
def test_query_syntax_errors_are_400_with_a_message_never_500(cast, q):
    body = cast.api["member"].get("/api/search", params={"q": q}, status=400).json
    assert body["error"] == "bad_query" and body["message"]
    page = cast.html("member").get("/search", params={"q": q}, status=400)
    assert body["message"].split(":")[0].replace('"', "&#34;")[:10] in page.text or \
        body["message"][:10] in page.text


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "x"}, {"page": "0"},
                                    {"sort": "random"}, {"from": "yesterday"}])
def test_bad_parameters_are_400(cast, params):
    body = cast.api["member"].get("/api/search", params={"q": "x", **params}, status=400).json
    assert body["error"] == "invalid" and set(body["fields"]) == set(params)
    page = cast.html("member").get("/search", params={"q": "x", **params}, status=400)
    assert page.html.select_one("[role=alert]") is not None


def test_repeated_filters_combine(secret):
    found = search(secret.api["member"], group="secret", type=["document", "file"])
    assert found["total"] == 5 and set(found["facets"]["type"]) >= {"document", "file"}
    assert {hit["type"] for hit in found["results"]} == {"document", "file"}


def test_sort_by_date_paging_and_date_range(site, cast):
    from datetime import datetime, timezone
    site.add_group("dated", "private", {"member": "member"})
    with site.open() as root:
        docs = root["groups"]["dated"]["documents"]
        for day in (1, 2, 3):
            doc = docs.add(f"d{day}", Document(f"Note {day}", "budgetword", "member"))
            doc.current().date = datetime(2026, 3, day, 12, tzinfo=timezone.utc)
    with site.open() as root:  # the dates changed behind the events: tell search
        from workspace.content.events import ObjectModified, notify
        for day in (1, 2, 3):
            notify(ObjectModified(root["groups"]["dated"]["documents"][f"d{day}"]))
    member = cast.api["member"]
    found = search(member, q="budgetword", sort="date", limit=2)
    assert [h["path"][-2:] for h in found["results"]] == ["d3", "d2"]
    assert found["results"][0]["modified"] == "2026-03-03T12:00:00+00:00"
    second = search(member, q="budgetword", sort="date", limit=2, page=2)
    assert [h["path"][-2:] for h in second["results"]] == ["d1"]
    ranged = search(member, q="budgetword", **{"from": "2026-03-02", "to": "2026-03-02"})
    assert [h["path"][-2:] for h in ranged["results"]] == ["d2"]


def test_a_question_in_plain_words_still_finds_the_answer(secret):
    found = search(secret.api["member"],
                   q="what did the group say about teacher pathways")
    assert found["relaxed"] is True
    assert found["results"][0]["path"] == "/groups/secret/documents/pathways"


def test_search_page_shows_results_facets_and_links(secret):
    page = secret.html("member").get("/search", params={"q": "teacher"})
    assert "/groups/secret/documents/pathways" in page.text
    assert "Refine" in page.text and "Documents" in page.text
    assert "<mark" in page.text


def test_opening_and_closing_a_group_moves_its_content_in_and_out_of_everyones_reach(secret):
    """Open groups' content shares one scope of words: a change of visibility moves it."""
    member, outsider, manager = (secret.api[who] for who in ("member", "outsider", "manager"))
    assert search(outsider, q="quillowmere")["total"] == 0
    manager.put_json("/api/groups/secret", {"visibility": "open"}, status=200)
    for who in (outsider, member):
        found = search(who, q="quillowmere")
        assert [hit["path"] for hit in found["results"]] == [
            "/groups/secret/documents/pathways"]
    assert search(outsider, q="stickywombatnote", group="secret")["total"] == 1
    manager.put_json("/api/groups/secret", {"visibility": "private"}, status=200)
    assert search(outsider, q="quillowmere")["total"] == 0
    assert search(outsider, q="stickywombatnote")["total"] == 0
    assert search(member, q="quillowmere")["total"] == 1
