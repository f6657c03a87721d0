"""What a published Summary or Resource shows beyond its managers (issue 13's security
review, F2-F4): a summary's newer draft stays the managers' own (readers, search, the
library and the public web get the published version); a public item's visitors read its
current version only (no history, old versions, diffs or old files); and the public web
names no member who edited an item."""
import pytest

from workspace.content.events import ObjectModified, notify
from workspace.content.library import list_published_versions, note_public_change

COLL = "/api/groups/secret/collection"
BOARDS = "/api/groups/secret/boards"
TOPIC = f"{BOARDS}/general/topics/reading"
SUMMARY = f"{TOPIC}/summary"
SUMMARY_PAGE = "/groups/secret/boards/general/reading/summary/"
DRAFT = "zorbdraftsecret"


@pytest.fixture
def drafted(cast):
    """A summary published to the public web at version 2 ("zorbpublic"), then a newer
    draft (version 3) that cites a reply."""
    manager, member = cast.api["manager"], cast.api["member"]
    manager.post_json(BOARDS, {"id": "general", "title": "General"}, status=201)
    member.post_json(f"{BOARDS}/general/consultations", {
        "id": "reading", "title": "How do you teach reading?", "body": "Tell us."},
        status=201)
    member.post_json(f"{TOPIC}/replies", {"body": "Phonics first."}, status=201)
    manager.put_json(SUMMARY, {"body": "Published text zorbpublic.\n", "base_version": 1})
    manager.post_json(f"{SUMMARY}/publish", {"public": True})
    manager.put_json(SUMMARY, {"body": f"Draft text {DRAFT} [[reply:1]].\n",
                               "base_version": 2})
    return cast


def test_manager_reads_the_draft_with_a_notice(drafted):
    answer = drafted.api["manager"].get(SUMMARY).json
    assert DRAFT in answer["body"] and answer["version"] == 3
    assert answer["published_version"] == 2 and answer["cites"] == ["000001"]
    page = drafted.html("manager").get(SUMMARY_PAGE)
    assert DRAFT in page.text
    assert "draft, not yet published (version 3; published: 2)" in page.text
    assert len(drafted.api["manager"].get(f"{SUMMARY}/history").json) == 3
    assert DRAFT in drafted.api["manager"].get(f"{SUMMARY}/versions/3").json["body"]
    assert DRAFT in drafted.html("manager").get(SUMMARY_PAGE + "@@versions/3").text
    assert drafted.html("manager").get(SUMMARY_PAGE + "@@history").status_int == 200


@pytest.mark.parametrize("who", ["anonymous", "observer", "member"])
def test_others_read_only_the_published_version(drafted, who):
    answer = drafted.api[who].get(SUMMARY).json
    assert "zorbpublic" in answer["body"] and DRAFT not in answer["body"]
    assert DRAFT not in answer["html"] and answer["version"] == 2
    assert answer["cites"] == []
    page = drafted.html(who).get(SUMMARY_PAGE)
    assert "zorbpublic" in page.text and DRAFT not in page.text
    assert "not yet published" not in page.text


@pytest.mark.parametrize("who", ["anonymous", "observer", "member", "manager"])
def test_the_draft_is_found_by_nobody(drafted, who):
    """The search index and the library hold the published text only."""
    client = drafted.api[who]
    assert client.get("/api/search", {"q": DRAFT}).json["total"] == 0
    assert client.get("/api/library", {"q": DRAFT}).json["total"] == 0
    assert client.get("/api/search", {"q": "zorbpublic"}).json["total"] == 1
    assert client.get("/api/library", {"q": "zorbpublic"}).json["total"] == 1


def test_the_draft_is_not_harvested(drafted):
    oai = drafted.api["anonymous"].get("/oai", {"verb": "ListRecords",
                                                "metadataPrefix": "oai_dc"})
    assert "Discussion Summary" in oai.text and DRAFT not in oai.text


@pytest.mark.parametrize("who", ["observer", "member"])
def test_readers_history_ends_at_the_published_version(drafted, who):
    client = drafted.api[who]
    assert [r["version"] for r in client.get(f"{SUMMARY}/history").json] == [2, 1]
    assert client.get(f"{SUMMARY}/versions/2").json["version"] == 2
    client.get(f"{SUMMARY}/versions/3", status=404)
    assert client.get(f"{SUMMARY}/diff").json["to"] == 2
    client.get(f"{SUMMARY}/diff", {"from": 2, "to": 3}, status=404)
    page = drafted.html(who)
    for name in ("@@history", "@@versions/3", "@@diff"):
        assert DRAFT not in page.get(SUMMARY_PAGE + name, expect_errors=True).text


def test_anonymous_get_no_summary_history(drafted):
    anon = drafted.api["anonymous"]
    for path in ("history", "versions/1", "versions/2", "diff"):
        anon.get(f"{SUMMARY}/{path}", status=401)
    outsider = drafted.api["outsider"]
    for path in ("history", "versions/2", "diff"):
        outsider.get(f"{SUMMARY}/{path}", status=404)


def test_public_summary_names_no_login(drafted):
    answer = drafted.api["anonymous"].get(SUMMARY).json
    assert "modified_by" not in answer and "manager" not in str(answer).lower()
    page = drafted.html("anonymous").get(SUMMARY_PAGE)
    assert "the facilitation team" in page.text and "Manager" not in page.text
    assert drafted.api["member"].get(SUMMARY).json["modified_by"] == "manager"


@pytest.fixture
def cleaned(cast):
    """A Resource whose first version had a confidential file, removed before a manager
    published the record."""
    member = cast.api["member"]
    member.post(COLL, [("id", "rep"), ("title", "Report"), ("abstract", "qwumpublic"),
                       ("authors", "Ada Lovelace")],
                upload_files=[("file", "salaries.txt", b"salary list secret")], status=201)
    member.put_json(f"{COLL}/rep", {"base_version": 1, "remove_file": True,
                                    "abstract": "qwumpublic clean"})
    member.put_json(f"{COLL}/rep", {"base_version": 2, "title": "Report, final"})
    cast.api["member"].put(f"{COLL}/rep", [("base_version", "3")],
                           upload_files=[("file", "report.txt", b"the public report")])
    cast.api["manager"].post_json(f"{COLL}/rep/publish", {"public": True})
    return cast


@pytest.mark.parametrize("who,status", [("anonymous", 401), ("outsider", 404)])
def test_public_resource_shows_only_its_current_version(cleaned, who, status):
    client = cleaned.api[who]
    record = client.get(f"{COLL}/rep").json
    assert record["title"] == "Report, final" and record["version"] == 4
    assert client.get(f"{COLL}/rep/download").body == b"the public report"
    client.get(f"{COLL}/rep/download", {"version": 4})
    for version in (1, 2, 3):
        client.get(f"{COLL}/rep/download", {"version": version}, status=status)
        client.get(f"{COLL}/rep/versions/{version}", status=status)
    for path in ("history", "diff", "versions/4"):
        client.get(f"{COLL}/rep/{path}", status=status)
    page = cleaned.html(who)
    page.get("/groups/secret/collection/rep/")
    for name in ("@@history", "@@versions/1", "@@diff"):
        assert page.get(f"/groups/secret/collection/rep/{name}",
                        expect_errors=True).status_int in (302, 404)
    assert b"salary" not in page.get("/groups/secret/collection/rep/@@download",
                                     {"version": 1}, expect_errors=True).body


@pytest.mark.parametrize("who", ["observer", "member", "manager"])
def test_group_readers_keep_a_public_resources_history(cleaned, who):
    client = cleaned.api[who]
    assert len(client.get(f"{COLL}/rep/history").json) == 4
    assert client.get(f"{COLL}/rep/download", {"version": 1}).body == b"salary list secret"
    assert client.get(f"{COLL}/rep/versions/1").json["version"] == 1
    assert client.get(f"{COLL}/rep/diff").json["to"] == 4
    assert cleaned.html(who).get("/groups/secret/collection/rep/@@history").status_int == 200


def test_public_resource_names_its_authors_not_its_editor(cleaned):
    record = cleaned.api["anonymous"].get(f"{COLL}/rep").json
    assert record["authors"] == ["Ada Lovelace"] and "modified_by" not in record
    page = cleaned.html("anonymous").get("/groups/secret/collection/rep/")
    assert "Ada Lovelace" in page.text and "Member" not in page.text
    assert cleaned.api["member"].get(f"{COLL}/rep").json["modified_by"] == "member"


def test_evolve_step_lists_and_indexes_the_published_version(drafted, site, app):
    """A site from before: its public library and index hold the newer draft (as the old
    code listed and indexed it), until the step lists and indexes the published text."""
    with site.open() as root:  # the old state, written the way the old code wrote it
        summary = root["groups"]["secret"]["boards"]["general"]["reading"].summary
        summary.published_version = 3
        note_public_change(summary)
        notify(ObjectModified(summary))
    app.registry.workspace_indexer.drain()  # what a request's commit starts at once
    with site.open() as root:
        summary = root["groups"]["secret"]["boards"]["general"]["reading"].summary
        summary.published_version = 2
    anon = drafted.api["anonymous"]
    assert anon.get("/api/search", {"q": DRAFT}).json["total"] == 1
    assert anon.get("/api/library", {"q": DRAFT}).json["total"] == 1
    with site.open() as root:
        list_published_versions(root)
    app.registry.workspace_indexer.drain()
    assert anon.get("/api/search", {"q": DRAFT}).json["total"] == 0
    assert anon.get("/api/library", {"q": DRAFT}).json["total"] == 0
    assert anon.get("/api/library", {"q": "zorbpublic"}).json["total"] == 1


def test_an_unpublished_summary_says_it_is_a_draft(cast):
    cast.api["manager"].post_json(BOARDS, {"id": "general", "title": "General"}, status=201)
    cast.api["member"].post_json(f"{BOARDS}/general/consultations", {
        "id": "reading", "title": "Q?", "body": "Tell us."}, status=201)
    cast.api["manager"].put_json(SUMMARY, {"body": "First go.\n", "base_version": 1})
    page = cast.html("manager").get(SUMMARY_PAGE)
    assert "draft, not yet published (version 2)" in page.text
    cast.html("member").get(SUMMARY_PAGE, status=404)
