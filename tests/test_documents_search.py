"""Documents and files reach search through `search_data`: saving reindexes, the trash
drops, a restore brings back; a file's current version is searched by its content."""
from search_helpers import pdf_bytes

DOCS = "/api/groups/secret/documents"


def hits(cast, words, who="member"):
    return [r["path"] for r in cast.api[who].get("/api/search", {"q": words}).json["results"]]


def test_saved_text_is_found_and_old_text_no_longer(cast):
    cast.api["member"].post_json(DOCS, {"title": "Plan", "body": "Mentoring zanzibarite\n"})
    assert any(p.endswith("/documents/plan") for p in hits(cast, "zanzibarite"))
    cast.api["member"].put_json(f"{DOCS}/plan", {"body": "Mentoring quoxolite\n",
                                                 "base_version": 1})
    assert hits(cast, "zanzibarite") == []
    assert any(p.endswith("/documents/plan") for p in hits(cast, "quoxolite"))
    assert hits(cast, "quoxolite", who="outsider") == []


def test_trash_hides_from_search_and_restore_brings_back(cast):
    cast.api["member"].post_json(DOCS, {"title": "Plan", "body": "Mentoring zanzibarite\n"})
    cast.api["member"].delete(f"{DOCS}/plan", status=204)
    assert hits(cast, "zanzibarite") == []
    cast.api["member"].post("/api/groups/secret/trash/plan/restore")
    assert any(p.endswith("/documents/plan") for p in hits(cast, "zanzibarite"))


def test_current_file_version_is_searched_by_content(cast):
    fid = cast.api["member"].post(DOCS, upload_files=[
        ("file", "report.pdf", pdf_bytes("florbinate figures"))]).json["id"]
    assert any(p.endswith(f"/documents/{fid}") for p in hits(cast, "florbinate"))
    cast.api["member"].put(f"{DOCS}/{fid}", {"base_version": "1"}, upload_files=[
        ("file", "report.pdf", pdf_bytes("glimmerock figures"))])
    assert any(p.endswith(f"/documents/{fid}") for p in hits(cast, "glimmerock"))
    assert hits(cast, "florbinate") == []
