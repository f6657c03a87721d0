"""A Resource's optional file: uploaded with the record (multipart API or the form) or
later, a new file a new revision, every version's file downloadable by whoever may read
the resource (anonymously once it is on the public web), its text found by search, the
upload limit kept, and bad multipart bodies refused with nothing stored."""
import json
import re

import pytest
from webtest import Upload

from helpers import WHOS
from search_helpers import pdf_bytes
from workspace.content.collection import EMPTY, ResourceRevision

COLLECTION = "/api/groups/secret/collection"
ITEM = f"{COLLECTION}/toolkit"


def add(cast, data=b"first file", filename="toolkit.txt", **fields):
    params = {"id": "toolkit", "title": "Teacher toolkit", "type": "tool",
              "countries": ["ke", "gh"], "year": "2024", **fields}
    return cast.api["member"].post(COLLECTION, list(flatten(params)),
                                   upload_files=[("file", filename, data)], status=201)


def flatten(params):
    for key, value in params.items():
        for one in value if isinstance(value, list) else [value]:
            yield key, one


@pytest.fixture
def toolkit(cast):
    add(cast)
    return ITEM


def test_a_resource_is_added_with_its_fields_and_file_in_one_multipart_body(cast):
    assert add(cast).json == {"id": "toolkit", "version": 1}
    record = cast.api["observer"].get(ITEM).json
    assert (record["type"], record["countries"], record["year"]) == ("tool", ["gh", "ke"],
                                                                     2024)
    assert record["file"]["filename"] == "toolkit.txt" and record["file"]["size"] == 10
    download = cast.api["observer"].get(f"{ITEM}/download")
    assert download.body == b"first file"
    assert download.headers["Content-Disposition"] == 'attachment; filename="toolkit.txt"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_new_file_is_a_new_revision_and_every_version_keeps_its_own(cast, toolkit):
    member = cast.api["member"]
    answer = member.put(ITEM, {"base_version": "1", "comment": "2025 edition"},
                        upload_files=[("file", "toolkit-2025.txt", b"second file")]).json
    assert answer["version"] == 2
    member.put_json(ITEM, {"abstract": "For new teachers", "base_version": 2})
    assert member.get(ITEM).json["file"]["filename"] == "toolkit-2025.txt"  # text saves keep it
    assert member.get(f"{ITEM}/download").body == b"second file"
    assert member.get(f"{ITEM}/download?version=1").body == b"first file"
    assert member.get(f"{ITEM}/versions/1").json["file"]["filename"] == "toolkit.txt"
    assert "file" in member.get(f"{ITEM}/diff?from=1&to=2").json["fields"]
    assert [h["comment"] for h in member.get(f"{ITEM}/history").json][1] == "2025 edition"
    member.post_json(f"{ITEM}/revert", {"version": 1})
    assert member.get(f"{ITEM}/download").body == b"first file"


def test_removing_the_file_keeps_it_in_older_versions(cast, toolkit):
    member = cast.api["member"]
    member.put_json(ITEM, {"remove_file": True, "base_version": 1})
    assert member.get(ITEM).json["file"] is None
    member.get(f"{ITEM}/download", status=404)
    assert member.get(f"{ITEM}/download?version=1").body == b"first file"


def test_two_people_changing_the_file_at_once_conflict(cast, toolkit):
    cast.api["member"].put(ITEM, {"base_version": "1"},
                           upload_files=[("file", "a.txt", b"mine")])
    cast.api["manager"].put(ITEM, {"base_version": "1"},
                            upload_files=[("file", "b.txt", b"theirs")], status=409)
    assert cast.api["member"].get(f"{ITEM}/download").body == b"mine"


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 200, 200, 200, 404))))
def test_downloading_the_file_matrix(cast, toolkit, who, status):
    cast.api[who].get(f"{ITEM}/download", status=status)
    page = "/groups/secret/collection/toolkit/@@download"
    cast.html(who).get(page, status=302 if who == "anonymous" else status)


@pytest.mark.parametrize("who", WHOS)
def test_a_public_resource_s_file_is_downloadable_by_anyone(cast, toolkit, who):
    cast.api["manager"].post_json(f"{ITEM}/publish", {"public": True})
    assert cast.api[who].get(f"{ITEM}/download").body == b"first file"
    assert cast.html(who).get("/groups/secret/collection/toolkit/@@download").body == \
        b"first file"
    cast.api["manager"].post_json(f"{ITEM}/publish", {"public": False})
    if who == "anonymous":
        cast.api[who].get(f"{ITEM}/download", status=401)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 200, 200, 404))))
def test_uploading_a_new_file_matrix(cast, toolkit, who, status):
    cast.api[who].put(ITEM, {"base_version": "1"}, upload_files=[("file", "x.txt", b"x")],
                      status=status)


def hits(cast, words, who="member"):
    return [r["path"] for r in cast.api[who].get("/api/search", {"q": words}).json["results"]]


def test_the_file_s_text_is_found_by_search_and_only_the_current_one(cast):
    add(cast, pdf_bytes("florbinate figures"), "report.pdf")
    assert hits(cast, "florbinate") == ["/groups/secret/collection/toolkit"]
    assert hits(cast, "florbinate", who="outsider") == []
    cast.api["member"].put(ITEM, {"base_version": "1"}, upload_files=[
        ("file", "report.pdf", pdf_bytes("glimmerock figures"))])
    assert hits(cast, "glimmerock") == ["/groups/secret/collection/toolkit"]
    assert hits(cast, "florbinate") == []


def test_a_file_over_the_upload_limit_is_413_and_nothing_is_stored(app, cast):
    app.registry.settings["workspace.max_upload_bytes"] = "1000"
    response = cast.api["member"].post(COLLECTION, {"title": "Big"}, upload_files=[
        ("file", "big.bin", b"x" * 1001)], status=413)
    assert response.json["error"] == "too_large"
    assert cast.api["member"].get(COLLECTION).json == []


@pytest.mark.parametrize("params,files,field", [
    ({"title": "T", "colour": "red"}, [("file", "a.txt", b"a")], "colour"),
    ({"title": "T", "year": "soon"}, [("file", "a.txt", b"a")], "year"),
    ({"title": "T"}, [("abstract", "a.txt", b"a")], "abstract"),
    ({"type": "tool"}, [("file", "a.txt", b"a")], "title"),
    ({"title": "T", "countries": "xx"}, [("file", "a.txt", b"a")], "countries"),
])
def test_bad_multipart_bodies_are_400_and_store_nothing(cast, params, files, field):
    response = cast.api["member"].post(COLLECTION, params, upload_files=files, status=400)
    assert field in response.json["fields"]
    assert cast.api["member"].get(COLLECTION).json == []


def test_the_forms_upload_replace_and_remove_the_file(cast):
    browser = cast.html("member")
    form = browser.get("/groups/secret/collection/@@new-resource").forms["form"]
    form["title"] = "Teacher toolkit"
    form["upload"] = Upload("toolkit.txt", b"from the form")
    page = form.submit("create").follow()
    assert "toolkit.txt" in page.text
    path = page.request.path
    assert browser.get(path + "@@download").body == b"from the form"
    form = browser.get(path + "@@edit").forms["form"]
    form["upload"] = Upload("toolkit-v2.txt", b"second from the form")
    form.submit("save").follow()
    assert browser.get(path + "@@download").body == b"second from the form"
    form = browser.get(path + "@@edit").forms["form"]
    form["remove_file"] = True
    page = form.submit("save").follow()
    assert "toolkit-v2.txt" not in page.text
    assert browser.get(path + "@@download?version=2").body == b"second from the form"


def test_a_form_upload_over_the_limit_is_said_beside_the_field(app, cast):
    app.registry.settings["workspace.max_upload_bytes"] = "1000"
    browser = cast.html("member")
    form = browser.get("/groups/secret/collection/@@new-resource").forms["form"]
    form["title"] = "Big"
    form["upload"] = Upload("big.bin", b"x" * 1001)
    page = form.submit("create")
    assert "over the upload limit" in page.text
    assert cast.api["member"].get(COLLECTION).json == []


def test_revisions_stored_before_resources_had_files_read_as_without_one():
    revision = ResourceRevision(1, "Old", (), "member", fields=EMPTY)
    old_state = revision.__getstate__()[:-1]  # what was written before: fields last
    loaded = ResourceRevision.__new__(ResourceRevision)
    loaded.__setstate__(old_state)
    assert loaded.file is None and loaded.fields == EMPTY and loaded.title == "Old"


def test_the_page_links_the_file_and_its_json_ld_describes_it(cast, toolkit):
    page = cast.html("observer").get("/groups/secret/collection/toolkit/")
    assert page.click(description="toolkit.txt").body == b"first file"
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                page.text, re.S).group(1))
    assert data["encoding"]["name"] == "toolkit.txt"
    assert data["encoding"]["contentUrl"].endswith("/collection/toolkit/@@download")


def test_leak_probe_a_private_resource_s_file_reaches_no_outsider(cast):
    add(cast, pdf_bytes("quixotrine figures"), "zephyrite-rubric.pdf")
    for who in ("anonymous", "outsider"):
        assert "quixotrine" not in cast.api[who].get(
            "/api/search", {"q": "quixotrine"}, expect_errors=True).text
        for q in ("quixotrine", "zephyrite"):
            assert cast.api[who].get(f"/api/library?q={q}").json["total"] == 0
        harvest = cast.api[who].get("/oai?verb=ListRecords&metadataPrefix=oai_dc").text
        assert "zephyrite" not in harvest and "toolkit" not in harvest
    assert cast.api["member"].get("/api/library?q=zephyrite").json["total"] == 1
