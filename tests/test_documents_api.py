"""The JSON API rows for documents, files and their versions, with a permission matrix."""
from html.parser import HTMLParser
import json

import pytest

BASE = "/api/groups/secret/documents"


def create(cast, who="member", **fields):
    body = {"title": "Ministry plan", "body": "# Plan\n\nIntro.\n", "comment": "first"}
    body.update(fields)
    return cast.api[who].post_json(BASE, body, status=201).json


def put(cast, doc_id, who="member", status=200, headers=None, **fields):
    return cast.api[who].put_json(f"{BASE}/{doc_id}", fields, status=status,
                                  headers=headers or {})


LINES = "".join(f"Line {n}.\n" for n in range(1, 21))


def test_member_creates_and_reads_a_document(cast):
    answer = create(cast)
    assert answer == {"id": "ministry-plan", "version": 1}
    response = cast.api["observer"].get(f"{BASE}/ministry-plan")
    assert response.headers["ETag"] == '"1"'
    doc = response.json
    assert doc["title"] == "Ministry plan"
    assert doc["body"] == "# Plan\n\nIntro.\n"
    assert "<h1>Plan</h1>" in doc["html"]
    assert doc["version"] == 1 and doc["modified_by"] == "member"
    assert doc["modified"].endswith("+00:00")


def test_given_id_is_kept_invalid_is_400_taken_is_409(cast):
    assert create(cast, id="plan-2027")["id"] == "plan-2027"
    bad = cast.api["member"].post_json(BASE, {"id": "Bad Id!", "title": "x", "body": ""},
                                       status=400).json
    assert "id" in bad["fields"]
    taken = cast.api["member"].post_json(BASE, {"id": "plan-2027", "title": "x", "body": ""},
                                         status=409).json
    assert taken["error"] == "taken"


def test_unknown_fields_and_wrong_media_type_are_refused(cast):
    cast.api["member"].post_json(BASE, {"title": "x", "body": "", "colour": "red"}, status=400)
    cast.api["member"].post(BASE, "title=x", status=415)


def test_save_with_current_base_adds_a_version(cast):
    create(cast, body=LINES)
    answer = put(cast, "ministry-plan", body=LINES + "Line 21.\n", base_version=1,
                 comment="added a line").json
    assert answer == {"version": 2, "merged": False}
    doc = cast.api["member"].get(f"{BASE}/ministry-plan").json
    assert doc["body"].endswith("Line 21.\n") and doc["version"] == 2


def test_save_without_base_version_is_refused(cast):
    create(cast)
    response = put(cast, "ministry-plan", status=400, body="new")
    assert "base_version" in response.json["fields"]


def test_if_match_header_names_the_base_version(cast):
    create(cast, body=LINES)
    answer = put(cast, "ministry-plan", body=LINES.replace("Line 1.", "Line one."),
                 headers={"If-Match": '"1"'}).json
    assert answer["version"] == 2
    response = put(cast, "ministry-plan", status=200, headers={"If-Match": '"1"'},
                   body=LINES.replace("Line 20.", "Line twenty."))
    assert response.json == {"version": 3, "merged": True}
    assert response.headers["ETag"] == '"3"'


def test_concurrent_non_overlapping_saves_merge(cast):
    create(cast, body=LINES)
    put(cast, "ministry-plan", who="manager", base_version=1,
        body=LINES.replace("Line 2.", "Line two, by the manager."))
    answer = put(cast, "ministry-plan", who="member", base_version=1,
                 body=LINES.replace("Line 18.", "Line eighteen, by the member.")).json
    assert answer == {"version": 3, "merged": True}
    body = cast.api["member"].get(f"{BASE}/ministry-plan").json["body"]
    assert "Line two, by the manager." in body and "Line eighteen, by the member." in body


def test_overlapping_saves_conflict_and_keep_both_texts(cast):
    create(cast, body=LINES)
    put(cast, "ministry-plan", who="manager", base_version=1,
        body=LINES.replace("Line 5.", "Line five (manager)."))
    mine = LINES.replace("Line 5.", "Line 5, as the member sees it.")
    conflict = put(cast, "ministry-plan", who="member", base_version=1, body=mine,
                   status=409).json
    assert conflict["error"] == "conflict"
    assert conflict["current_version"] == 2
    assert "Line five (manager)." in conflict["current_body"]
    assert conflict["your_body"] == mine
    assert "<<<<<<<" in conflict["marked"] and "Line five (manager)." in conflict["marked"]
    assert cast.api["member"].get(f"{BASE}/ministry-plan").json["version"] == 2


def test_history_newest_first_with_comments(cast):
    create(cast, body=LINES)
    put(cast, "ministry-plan", base_version=1, body=LINES + "x\n", comment="added x")
    history = cast.api["observer"].get(f"{BASE}/ministry-plan/history").json
    assert [h["version"] for h in history] == [2, 1]
    assert history[0]["comment"] == "added x" and history[0]["author"] == "member"
    assert history[1]["comment"] == "first"
    assert history[0]["date"].endswith("+00:00")


def test_any_old_version_can_be_read(cast):
    create(cast, body="one\n")
    put(cast, "ministry-plan", base_version=1, body="two\n", title="Renamed plan")
    old = cast.api["observer"].get(f"{BASE}/ministry-plan/versions/1").json
    assert old["version"] == 1 and old["body"] == "one\n" and old["title"] == "Ministry plan"
    assert cast.api["observer"].get(f"{BASE}/ministry-plan/versions/2").json["title"] == \
        "Renamed plan"
    cast.api["observer"].get(f"{BASE}/ministry-plan/versions/9", status=404)
    cast.api["observer"].get(f"{BASE}/ministry-plan/versions/abc", status=404)


def test_diff_is_a_unified_diff(cast):
    create(cast, body=LINES)
    put(cast, "ministry-plan", base_version=1, body=LINES.replace("Line 3.", "Line III."))
    answer = cast.api["observer"].get(f"{BASE}/ministry-plan/diff?from=1&to=2").json
    assert answer["from"] == 1 and answer["to"] == 2
    assert "-Line 3.\n" in answer["diff"] and "+Line III.\n" in answer["diff"]
    assert answer["diff"].startswith("--- ministry-plan version 1")
    cast.api["observer"].get(f"{BASE}/ministry-plan/diff?from=1&to=7", status=404)


def test_revert_adds_a_version_and_rewrites_nothing(cast):
    create(cast, body="original\n")
    put(cast, "ministry-plan", base_version=1, body="changed\n")
    answer = cast.api["member"].post_json(f"{BASE}/ministry-plan/revert",
                                          {"version": 1, "comment": "back"}).json
    assert answer == {"version": 3}
    doc = cast.api["member"].get(f"{BASE}/ministry-plan").json
    assert doc["body"] == "original\n" and doc["version"] == 3
    history = cast.api["member"].get(f"{BASE}/ministry-plan/history").json
    assert [h["version"] for h in history] == [3, 2, 1]
    assert cast.api["member"].get(f"{BASE}/ministry-plan/versions/2").json["body"] == \
        "changed\n"
    cast.api["member"].post_json(f"{BASE}/ministry-plan/revert", {"version": 8}, status=404)


def test_rendered_html_is_sanitised_whatever_the_author_typed(cast):
    evil = ("<script>alert(1)</script>\n\n[click](javascript:alert(1))\n\n"
            '<img src=x onerror="alert(1)">\n\n![i](javascript:alert(2))\n')
    create(cast, body=evil)
    html = cast.api["member"].get(f"{BASE}/ministry-plan").json["html"]
    preview = cast.api["member"].post_json(f"{BASE}/@@preview", {"body": evil}).json["html"]
    for rendered in (html, preview):
        tags = dangerous_markup(rendered)
        assert tags == [], tags
    assert "&lt;script&gt;" in html  # shown as text, not run


def dangerous_markup(html):
    """Script elements, on* attributes and javascript: URLs in `html`, as parsed."""
    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("script", "iframe", "object", "embed", "style"):
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on") or "javascript:" in (value or "").lower():
                    found.append(f"{tag}[{name}={value}]")

    Parser().feed(html)
    return found


def test_documents_list_shows_documents_and_files(cast):
    create(cast)
    cast.api["member"].post(BASE, {"title": "Budget"},
                            upload_files=[("file", "budget.pdf", b"%PDF-1.4 budget")],
                            status=201)
    items = cast.api["observer"].get(BASE).json
    assert {(i["id"], i["type"]) for i in items} == {("ministry-plan", "document"),
                                                     ("budget", "file")}
    assert all(i["version"] == 1 and i["modified_by"] == "member" for i in items)


def test_upload_new_version_and_download_any(cast):
    answer = cast.api["member"].post(BASE, upload_files=[("file", "notes.txt", b"v1 text")],
                                     status=201).json
    fid = answer["id"]
    assert answer["version"] == 1
    second = cast.api["manager"].put(f"{BASE}/{fid}", {"base_version": "1", "comment": "v2"},
                                     upload_files=[("file", "notes.txt", b"v2 text")]).json
    assert second == {"version": 2}
    latest = cast.api["observer"].get(f"{BASE}/{fid}/download")
    assert latest.body == b"v2 text"
    first = cast.api["observer"].get(f"{BASE}/{fid}/download?version=1")
    assert first.body == b"v1 text"
    assert first.headers["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    meta = cast.api["observer"].get(f"{BASE}/{fid}").json
    assert meta["version"] == 2 and meta["size"] == 7 and meta["filename"] == "notes.txt"
    history = cast.api["observer"].get(f"{BASE}/{fid}/history").json
    assert [h["version"] for h in history] == [2, 1] and history[0]["author"] == "manager"
    cast.api["observer"].get(f"{BASE}/{fid}/download?version=5", status=404)


def test_stale_upload_is_a_conflict(cast):
    fid = cast.api["member"].post(BASE, upload_files=[("file", "a.txt", b"1")]).json["id"]
    cast.api["member"].put(f"{BASE}/{fid}", {"base_version": "1"},
                           upload_files=[("file", "a.txt", b"2")])
    conflict = cast.api["manager"].put(f"{BASE}/{fid}", {"base_version": "1"},
                                       upload_files=[("file", "a.txt", b"3")], status=409)
    assert conflict.json["current_version"] == 2
    cast.api["manager"].put(f"{BASE}/{fid}", upload_files=[("file", "a.txt", b"3")],
                            status=400)


@pytest.mark.parametrize("filename,data", [
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
])
def test_html_and_svg_uploads_are_never_served_inline(cast, filename, data):
    fid = cast.api["member"].post(BASE, upload_files=[("file", filename, data)]).json["id"]
    response = cast.api["member"].get(f"{BASE}/{fid}/download")
    assert response.headers["Content-Type"].startswith("application/octet-stream")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.body == data


def test_server_cleans_the_download_name(cast):
    """The uploader's name is kept (issue 16), without its path; what could break the
    header is replaced in the plain name, and the exact name travels as RFC 5987 UTF-8."""
    fid = cast.api["member"].post(
        BASE, upload_files=[("file", '../../etc/Évil "name";.PDF', b"%PDF")]).json["id"]
    response = cast.api["member"].get(f"{BASE}/{fid}/download")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Evil _name_.PDF"; '
        "filename*=UTF-8''%C3%89vil%20%22name%22%3B.PDF")
    assert response.headers["Content-Type"] == "application/pdf"


def test_upload_over_the_limit_is_413(site, app, cast):
    app.registry.settings["workspace.max_upload_bytes"] = "1000"
    response = cast.api["member"].post(BASE, upload_files=[("file", "big.bin", b"x" * 1001)],
                                       status=413)
    assert response.json["error"] == "too_large"
    assert cast.api["member"].get(BASE).json == []


def test_delete_moves_to_trash_and_restore_brings_it_back(cast):
    create(cast, body="keep me\n")
    cast.api["member"].delete(f"{BASE}/ministry-plan", status=204)
    cast.api["member"].get(f"{BASE}/ministry-plan", status=404)
    trash = cast.api["observer"].get("/api/groups/secret/trash").json
    assert len(trash) == 1
    entry = trash[0]
    assert entry["id"] == "ministry-plan" and entry["type"] == "document"
    assert entry["title"] == "Ministry plan" and entry["deleted_by"] == "member"
    assert entry["deleted"].endswith("+00:00")
    cast.api["member"].post("/api/groups/secret/trash/ministry-plan/restore", status=200)
    doc = cast.api["member"].get(f"{BASE}/ministry-plan").json
    assert doc["body"] == "keep me\n" and doc["version"] == 1
    assert cast.api["member"].get("/api/groups/secret/trash").json == []


def test_trashed_document_cannot_be_edited(cast):
    create(cast)
    cast.api["member"].delete(f"{BASE}/ministry-plan", status=204)
    cast.api["member"].put_json("/api/groups/secret/trash/ministry-plan",
                                {"body": "x", "base_version": 1}, status=409)


def test_a_trashed_document_and_file_read_as_before_and_refuse_every_write(cast):
    create(cast)
    fid = cast.api["member"].post(BASE, upload_files=[("file", "a.txt", b"1")]).json["id"]
    cast.api["member"].delete(f"{BASE}/ministry-plan", status=204)
    cast.api["member"].delete(f"{BASE}/{fid}", status=204)
    trashed, member = "/api/groups/secret/trash/ministry-plan", cast.api["member"]
    assert member.get(trashed).json["version"] == 1
    assert [h["version"] for h in member.get(f"{trashed}/history").json] == [1]
    assert member.get(f"/api/groups/secret/trash/{fid}/download").body == b"1"
    for response in (
            member.delete(trashed, status=409),
            member.post_json(f"{trashed}/revert", {"version": 1}, status=409),
            member.post_json(f"{trashed}/presence", {}, status=409),
            member.put(f"/api/groups/secret/trash/{fid}", {"base_version": "1"},
                       upload_files=[("file", "a.txt", b"2")], status=409)):
        assert response.json["error"] == "in_trash"
    assert {e["id"] for e in member.get("/api/groups/secret/trash").json} == \
        {"ministry-plan", fid}


def test_bad_query_parameters_are_400_not_ignored(cast):
    create(cast)
    fid = cast.api["member"].post(BASE, upload_files=[("file", "a.txt", b"1")]).json["id"]
    for url in ("ministry-plan/history?limit=abc", "ministry-plan/history?before=0",
                "ministry-plan/history?before=99999999999", "ministry-plan/diff?from=one",
                f"{fid}/download?version=abc"):
        answer = cast.api["member"].get(f"{BASE}/{url}", status=400).json
        assert answer["error"] == "invalid" and answer["fields"], url


def test_presence_lists_other_editors(cast):
    create(cast)
    url = f"{BASE}/ministry-plan/presence"
    assert cast.api["member"].post_json(url, {}).json["editors"] == []
    assert cast.api["manager"].post_json(url, {}).json["editors"] == ["member"]
    assert cast.api["member"].post_json(url, {}).json["editors"] == ["manager"]
    cast.api["manager"].post_json(url, {"leaving": True})
    assert cast.api["member"].post_json(url, {}).json["editors"] == []


# Permission matrix ---------------------------------------------------------------------

WHO_STATUS_READ = {"anonymous": 401, "outsider": 404, "observer": 200, "member": 200,
                   "manager": 200, "admin": 404}
WHO_STATUS_WRITE = {"anonymous": 401, "outsider": 404, "observer": 403, "member": 200,
                    "manager": 200, "admin": 404}


@pytest.fixture
def doc_and_file(cast):
    create(cast, who="manager", body=LINES)
    put(cast, "ministry-plan", who="manager", base_version=1, body=LINES + "more\n")
    fid = cast.api["manager"].post(BASE, upload_files=[("file", "a.pdf", b"%PDF")]).json["id"]
    return "ministry-plan", fid


READ_URLS = ["{base}", "{base}/{d}", "{base}/{d}/history", "{base}/{d}/versions/1",
             "{base}/{d}/diff?from=1&to=2", "{base}/{f}", "{base}/{f}/history",
             "{base}/{f}/download", "{base}/{f}/download?version=1",
             "/api/groups/secret/trash"]


@pytest.mark.parametrize("who", list(WHO_STATUS_READ))
def test_read_matrix(cast, doc_and_file, who):
    d, f = doc_and_file
    for template in READ_URLS:
        url = template.format(base=BASE, d=d, f=f)
        response = cast.api[who].get(url, expect_errors=True)
        assert response.status_int == WHO_STATUS_READ[who], (who, url, response.status)


@pytest.mark.parametrize("who", list(WHO_STATUS_WRITE))
def test_write_matrix(cast, doc_and_file, who):
    d, f = doc_and_file
    client = cast.api[who]
    expected = WHO_STATUS_WRITE[who]

    def check(response, ok):
        wanted = ok if expected == 200 else expected
        assert response.status_int == wanted, (who, response.request.url, response.status,
                                               response.text[:200])

    check(client.post_json(BASE, {"title": f"By {who}", "body": "x"}, expect_errors=True),
          201)
    check(client.put_json(f"{BASE}/{d}", {"body": LINES + f"{who}\n", "base_version": 2},
                          expect_errors=True), 200)
    check(client.post_json(f"{BASE}/{d}/revert", {"version": 1}, expect_errors=True), 200)
    check(client.post_json(f"{BASE}/@@preview", {"body": "x"}, expect_errors=True), 200)
    check(client.post_json(f"{BASE}/{d}/presence", {}, expect_errors=True), 200)
    check(client.post(BASE, upload_files=[("file", "b.txt", b"b")], expect_errors=True), 201)
    check(client.put(f"{BASE}/{f}", {"base_version": "1"},
                     upload_files=[("file", "a.pdf", b"%PDF2")], expect_errors=True), 200)
    check(client.delete(f"{BASE}/{f}", expect_errors=True), 204)
    check(client.delete(f"{BASE}/{d}", expect_errors=True), 204)


def test_outsider_gets_404_not_403_for_every_document_url(cast, doc_and_file):
    d, f = doc_and_file
    for method, url in [("get", f"{BASE}/{d}"), ("delete", f"{BASE}/{d}"),
                        ("get", f"{BASE}/{d}/versions/2"), ("get", f"{BASE}/{f}/download"),
                        ("get", f"{BASE}/{d}/diff"), ("get", f"{BASE}/nothing-here")]:
        response = getattr(cast.api["outsider"], method)(url, expect_errors=True)
        assert response.status_int == 404, (method, url)
        assert "Ministry" not in response.text


def test_observer_cannot_edit_document(cast, doc_and_file):
    d, _ = doc_and_file
    response = cast.api["observer"].put_json(f"{BASE}/{d}", {"body": "x", "base_version": 2},
                                             status=403)
    assert response.json["error"] == "forbidden"
    assert cast.api["observer"].get(f"{BASE}/{d}").json["version"] == 2


def test_browser_api_calls_need_the_csrf_token(cast):
    create(cast)
    browser = cast.html("member")
    browser.post_json(f"{BASE}/@@preview", {"body": "x"}, status=400)
    answer = browser.post_json(f"{BASE}/@@preview", {"body": "*x*"},
                               headers={"X-CSRF-Token": browser.csrf}).json
    assert answer["html"] == "<p><em>x</em></p>\n"
    assert json.loads(browser.get(f"{BASE}/ministry-plan").text)["version"] == 1


def test_reading_pages_and_api_writes_nothing_to_the_database(cast, site):
    create(cast, body=LINES)
    put(cast, "ministry-plan", base_version=1, body=LINES + "x\n")
    browser = cast.html("member")
    before = site.db.lastTransaction()
    for url in (f"{BASE}/ministry-plan", f"{BASE}/ministry-plan/history",
                f"{BASE}/ministry-plan/diff?from=1&to=2", f"{BASE}/ministry-plan/versions/1",
                BASE):
        cast.api["observer"].get(url)
        browser.get(url[4:])
    browser.get("/groups/secret/documents/ministry-plan/edit")
    assert site.db.lastTransaction() == before


def test_history_pages_with_limit_and_before(cast):
    create(cast, body="v1\n")
    for n in range(2, 6):
        put(cast, "ministry-plan", base_version=n - 1, body=f"v{n}\n")
    url = f"{BASE}/ministry-plan/history"
    assert [h["version"] for h in cast.api["member"].get(url + "?limit=2").json] == [5, 4]
    assert [h["version"] for h in cast.api["member"].get(url + "?limit=2&before=4").json] \
        == [3, 2]
    assert [h["version"] for h in cast.api["member"].get(url + "?before=2").json] == [1]
