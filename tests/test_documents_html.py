"""The HTML pages for documents and files: editor, conflict, history, diff, revert,
uploads, and who may open which page."""
import pytest
from webtest import Upload

from workspace.content.document import Document

BASE = "/groups/secret/documents"
LINES = "".join(f"Line {n}.\n" for n in range(1, 21))


def api_create(cast, body=LINES, title="Ministry plan"):
    return cast.api["manager"].post_json(f"/api{BASE}", {"title": title, "body": body},
                                         status=201).json["id"]


def api_upload(cast, name="notes.txt", data=b"v1"):
    return cast.api["manager"].post(f"/api{BASE}", upload_files=[("file", name, data)],
                                    status=201).json["id"]


def test_group_documents_tab_lists_items_and_offers_new_and_upload(cast):
    api_create(cast)
    page = cast.html("member").get(BASE)
    assert "Ministry plan" in page.text
    assert f'href="http://localhost{BASE}/@@new"' in page.text
    assert f'href="http://localhost{BASE}/@@upload"' in page.text
    observer_page = cast.html("observer").get(BASE)
    assert "Ministry plan" in observer_page.text and "@@new" not in observer_page.text


def test_member_creates_a_document_through_the_editor(cast):
    browser = cast.html("member")
    form = browser.get(f"{BASE}/@@new").forms["form"]
    assert "markdown-source" in form.html.decode() if isinstance(form.html, bytes) else True
    form["title"] = "Teacher induction plan"
    form["body"] = "# Induction\n\nTwo years of mentoring.\n"
    form["comment"] = "first draft"
    response = form.submit("create").follow()
    assert "<h1>Induction</h1>" in response.text
    assert "first draft" in response.text
    doc = cast.api["member"].get(f"/api{BASE}/teacher-induction-plan").json
    assert doc["version"] == 1 and doc["modified_by"] == "member"


def test_edit_page_has_toolbar_script_preview_and_presence(cast):
    doc_id = api_create(cast)
    cast.api["manager"].post_json(f"/api{BASE}/{doc_id}/presence", {})
    page = cast.html("member").get(f"{BASE}/{doc_id}/edit")
    assert "/static/editor.js" in page.text
    assert 'class="form-control markdown-source"' in page.text or "markdown-source" in page.text
    assert f'data-preview-url="http://localhost/api{BASE}/{doc_id}/preview"' in page.text
    assert "Also editing now: manager" in page.text
    assert page.forms["form"]["base_version"].value == "1"


def test_saving_in_the_editor_adds_a_version_with_its_note(cast):
    doc_id = api_create(cast)
    browser = cast.html("member")
    form = browser.get(f"{BASE}/{doc_id}/edit").forms["form"]
    form["body"] = LINES + "Line 21.\n"
    form["comment"] = "one more line"
    page = form.submit("save").follow()
    assert "Saved as version 2." in page.text
    history = browser.get(f"{BASE}/{doc_id}/history")
    assert "one more line" in history.text and "Read version 1" in history.text


def stale_edit_form(cast, manager_body):
    """The member's editor form on version 1, after the manager saved `manager_body`."""
    doc_id = api_create(cast)
    form = cast.html("member").get(f"{BASE}/{doc_id}/edit").forms["form"]
    cast.api["manager"].put_json(f"/api{BASE}/{doc_id}", {"body": manager_body,
                                                          "base_version": 1})
    return doc_id, form


def test_editor_merges_non_overlapping_concurrent_saves(cast):
    doc_id, form = stale_edit_form(cast, LINES.replace("Line 1.", "Line one."))
    form["body"] = LINES.replace("Line 20.", "Line twenty.")
    page = form.submit("save").follow()
    assert "merged with changes others saved meanwhile" in page.text
    body = cast.api["member"].get(f"/api{BASE}/{doc_id}").json["body"]
    assert "Line one." in body and "Line twenty." in body


def test_editor_conflict_shows_both_texts_and_resolving_saves(cast):
    doc_id, form = stale_edit_form(cast, LINES.replace("Line 7.", "Line seven (manager)."))
    form["body"] = LINES.replace("Line 7.", "Line 7 (member).")
    page = form.submit("save")
    assert page.status_int == 200
    assert "Someone changed the same lines meanwhile" in page.text
    assert "Nothing was saved" in page.text
    resolved_form = page.forms["form"]
    marked = resolved_form["body"].value
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" not in marked
    assert "<<<<<<< your version" in marked and "Line seven (manager)." in marked
    assert "Line 7 (member)." in marked
    assert resolved_form["base_version"].value == "2"
    still_marked = resolved_form.submit("save")
    assert "still has conflict markers" in still_marked.text
    resolved_form = still_marked.forms["form"]
    resolved_form["body"] = LINES.replace("Line 7.", "Line 7 (member and manager).")
    done = resolved_form.submit("save").follow()
    assert "Saved as version 3." in done.text
    assert cast.api["member"].get(f"/api{BASE}/{doc_id}").json["body"] == \
        LINES.replace("Line 7.", "Line 7 (member and manager).")


def test_old_version_page_and_revert_from_it(cast):
    doc_id = api_create(cast, body="First words.\n")
    cast.api["manager"].put_json(f"/api{BASE}/{doc_id}", {"body": "Second words.\n",
                                                          "base_version": 1})
    browser = cast.html("member")
    old = browser.get(f"{BASE}/{doc_id}/versions/1")
    assert "First words." in old.text and "You are reading version 1 of 2" in old.text
    revert = [f for f in old.forms.values() if f.action.endswith("/@@revert")][0]
    page = revert.submit().follow()
    assert "Version 1 restored as version 3." in page.text
    assert cast.api["member"].get(f"/api{BASE}/{doc_id}").json["body"] == "First words.\n"
    browser.get(f"{BASE}/{doc_id}/versions/99", status=404)


def test_diff_page_marks_removed_and_added_lines(cast):
    doc_id = api_create(cast)
    cast.api["manager"].put_json(f"/api{BASE}/{doc_id}", {
        "body": LINES.replace("Line 9.", "Line <nine>."), "base_version": 1})
    page = cast.html("observer").get(f"{BASE}/{doc_id}/diff?from=1&to=2")
    assert "<del>Line 9.</del>" in page.text
    assert "<ins>Line &lt;nine&gt;.</ins>" in page.text
    assert "Line 1." not in page.text  # far from the change: left out
    history = cast.html("observer").get(f"{BASE}/{doc_id}/history")
    assert any(f.action == f"http://localhost{BASE}/{doc_id}/@@diff"
               for f in history.forms.values())


def test_delete_restore_and_purge_through_the_pages(cast, site):
    doc_id = api_create(cast)
    member = cast.html("member")
    doc_page = member.get(f"{BASE}/{doc_id}")
    delete = [f for f in doc_page.forms.values() if f.action.endswith("/@@delete")][0]
    listing = delete.submit().follow()
    assert "moved to the trash" in listing.text
    trash = member.get("/groups/secret/trash")
    assert "Ministry plan" in trash.text and "Delete Ministry plan for good" not in trash.text
    restore = [f for f in trash.forms.values() if f.action.endswith("/@@restore")][0]
    restore.submit().follow()
    assert cast.api["member"].get(f"/api{BASE}/{doc_id}").json["version"] == 1
    cast.api["member"].delete(f"/api{BASE}/{doc_id}", status=204)
    manager = cast.html("manager")
    trash = manager.get("/groups/secret/trash")
    purge = [f for f in trash.forms.values() if f.action.endswith("/@@purge")][0]
    assert "was deleted for good" in purge.submit().follow().text
    assert cast.api["member"].get("/api/groups/secret/trash").json == []
    with site.open() as s:
        entries = [(e["action"], e["object"], e["detail"]) for e in s.audit.newest(20)]
    path = f"{BASE}/{doc_id}"
    for action in ("trashed", "restored", "purged"):
        assert (action, path, "document") in entries, entries


def test_upload_through_the_form_and_new_version_on_the_file_page(cast):
    browser = cast.html("member")
    form = browser.get(f"{BASE}/@@upload").forms["form"]
    form["upload"] = Upload("budget.csv", b"year,amount\n2027,10\n", "text/csv")
    form["title"] = "Budget"
    page = form.submit("submit").follow()
    assert "budget.csv" in page.text and "Version 1" in page.text
    form = page.forms["form"]
    form["upload"] = Upload("budget.csv", b"year,amount\n2027,12\n", "text/csv")
    form["comment"] = "revised"
    page = form.submit("submit").follow()
    assert "Version 2 uploaded." in page.text
    download = browser.get(f"{BASE}/budget/download?version=1")
    assert download.body == b"year,amount\n2027,10\n"
    assert download.headers["Content-Disposition"] == 'attachment; filename="budget.csv"'
    history = browser.get(f"{BASE}/budget/history")
    assert "revised" in history.text and "Download version 1" in history.text


def test_observer_sees_no_upload_form_and_cannot_post_one(cast):
    fid = api_upload(cast)
    browser = cast.html("observer")
    page = browser.get(f"{BASE}/{fid}")
    assert "Upload a new version" not in page.text
    browser.post(f"{BASE}/{fid}", {"csrf_token": browser.csrf, "__formid__": "form"},
                 status=403)


# Who may open which page ---------------------------------------------------------------

READ_PAGES = ["{base}", "{base}/{d}", "{base}/{d}/history", "{base}/{d}/versions/1",
              "{base}/{d}/diff?from=1&to=2", "{base}/{f}", "{base}/{f}/history",
              "{base}/{f}/download", "/groups/secret/trash"]
EDIT_PAGES = ["{base}/@@new", "{base}/@@upload", "{base}/{d}/edit"]
EXPECTED = {"anonymous": (302, 302), "outsider": (404, 404), "observer": (200, 403),
            "member": (200, 200), "manager": (200, 200), "admin": (404, 404)}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_page_matrix(cast, who):
    d = api_create(cast)
    cast.api["manager"].put_json(f"/api{BASE}/{d}", {"body": "x\n", "base_version": 1})
    f = api_upload(cast)
    browser = cast.html(who)
    read, edit = EXPECTED[who]
    for pages, status in ((READ_PAGES, read), (EDIT_PAGES, edit)):
        for template in pages:
            url = template.format(base=BASE, d=d, f=f)
            response = browser.get(url, expect_errors=True)
            assert response.status_int == status, (who, url, response.status)
            if status == 404:
                assert "Ministry plan" not in response.text


@pytest.mark.parametrize("who,status", [("observer", 403), ("outsider", 404),
                                        ("admin", 404)])
def test_write_actions_refused_to_non_members(cast, who, status):
    d = api_create(cast)
    browser = cast.html(who)
    for action, data in (("revert", {"version": "1"}), ("delete", {})):
        browser.post(f"{BASE}/{d}/{action}", dict(data, csrf_token=browser.csrf),
                     status=status)
    assert cast.api["manager"].get(f"/api{BASE}/{d}").json["version"] == 1


def test_times_show_in_the_viewers_time_zone(cast, site):
    doc_id = api_create(cast)
    with site.open() as s:
        s["people"]["member"].update(timezone="Pacific/Tongatapu")
    page = cast.html("member").get(f"{BASE}/{doc_id}/history")
    assert "+13" in page.text  # Tonga's zone abbreviation is its offset
    assert " UTC</time>" in cast.html("observer").get(f"{BASE}/{doc_id}/history").text


def test_long_history_pages_by_a_hundred(cast, site):
    doc_id = api_create(cast, body="v1\n")
    with site.open() as s:
        doc = s["groups"]["secret"]["documents"][doc_id]
        for n in range(2, 131):
            doc.save(None, f"v{n}\n", "member", n - 1)
    browser = cast.html("member")
    first = browser.get(f"{BASE}/{doc_id}/history")
    assert "Read version 130" in first.text and "Read version 31<" in first.text
    assert "Read version 30<" not in first.text
    older = first.click("Older versions")
    assert "Read version 30<" in older.text and "Read version 1<" in older.text
    assert "Older versions" not in older.text


def test_upload_form_refuses_a_file_over_the_limit(cast, app):
    app.registry.settings["workspace.max_upload_bytes"] = "2048"
    browser = cast.html("member")
    form = browser.get(f"{BASE}/@@upload").forms["form"]
    form["upload"] = Upload("big.bin", b"x" * 3000, "application/octet-stream")
    page = form.submit("submit")
    assert "over the upload limit of 2 KB" in page.text
    assert cast.api["member"].get(f"/api{BASE}").json == []


def test_an_item_id_never_hides_a_page(cast, site):
    """New ids never take a page's name (tests/test_ids.py); items a site stored under
    one before that rule still hide no page, since pages are linked as @@name."""
    with site.open() as root:
        documents = root["groups"]["secret"]["documents"]
        for doc_id in ("new", "upload", "edit", "history"):
            documents.add(doc_id, Document(f"Doc {doc_id}", "x\n", "member"))
    browser = cast.html("member")
    assert "Doc new" in browser.get(f"{BASE}/new").text
    assert browser.get(f"{BASE}/@@new").forms["form"]["title"].value == ""
    assert "Upload a file" in browser.get(f"{BASE}/@@upload").text
    listing = browser.get(BASE).text
    assert f'href="http://localhost{BASE}/@@new"' in listing
    page = browser.get(f"{BASE}/edit")
    assert f'href="http://localhost{BASE}/edit/@@edit"' in page.text
    assert f'href="http://localhost{BASE}/edit/@@history"' in page.text
    assert "History of Doc history" in browser.get(f"{BASE}/history/@@history").text


def test_a_trashed_document_reads_without_edit_controls_and_refuses_writes(cast):
    doc_id = api_create(cast)
    cast.api["manager"].put_json(f"/api{BASE}/{doc_id}", {"body": "x\n", "base_version": 1})
    cast.api["member"].delete(f"/api{BASE}/{doc_id}", status=204)
    trashed = f"/groups/secret/trash/{doc_id}"
    browser = cast.html("member")
    page = browser.get(trashed)
    assert "This document is in the trash." in page.text
    assert "@@edit" not in page.text and "@@delete" not in page.text
    old = browser.get(f"{trashed}/@@versions/1")
    assert "@@revert" not in old.text
    assert "Revert to" not in browser.get(f"{trashed}/@@history").text
    browser.get(f"{trashed}/@@edit", status=409)
    for action, data in (("revert", {"version": "1"}), ("delete", {})):
        answer = browser.post(f"{trashed}/@@{action}", dict(data, csrf_token=browser.csrf),
                              status=409)
        assert "restore it first" in answer.text
    assert cast.api["member"].get(f"/api{trashed}").json["version"] == 2


def test_a_trashed_file_reads_without_the_upload_form_and_refuses_one(cast):
    fid = api_upload(cast)
    cast.api["member"].delete(f"/api{BASE}/{fid}", status=204)
    browser = cast.html("member")
    page = browser.get(f"/groups/secret/trash/{fid}")
    assert "This file is in the trash." in page.text
    assert "Upload a new version" not in page.text
    assert browser.get(f"/groups/secret/trash/{fid}/@@download").body == b"v1"
    browser.post(f"/groups/secret/trash/{fid}", {"csrf_token": browser.csrf,
                                                "__formid__": "form"}, status=409)


def test_bad_history_and_diff_parameters_are_400(cast):
    doc_id = api_create(cast)
    browser = cast.html("member")
    for query in ("@@history?limit=abc", "@@history?before=0", "@@diff?from=x",
                  "@@diff?to=99999999999"):
        browser.get(f"{BASE}/{doc_id}/{query}", status=400)
