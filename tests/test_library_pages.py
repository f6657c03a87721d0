"""The library's and the Collection's pages: who sees which page, adding and editing a
Resource through the forms, the public library for anonymous visitors, schema.org
JSON-LD and citation export."""
import pytest

from helpers import WHOS

SECRET = "/api/groups/secret/collection"
RECORD = {"id": "guide", "title": "Reading guide", "type": "guide", "countries": ["ke"],
          "authors": ["A. Okafor"], "year": 2024, "abstract": "How to teach reading"}


@pytest.fixture
def resource(cast):
    cast.api["member"].post_json(SECRET, RECORD)
    return "/groups/secret/collection/guide"


@pytest.mark.parametrize("who,status", list(zip(WHOS, (302, 404, 200, 200, 200, 404))))
def test_collection_and_resource_pages_matrix(cast, resource, who, status):
    browser = cast.html(who)
    browser.get("/groups/secret/collection", status=status)
    browser.get(resource, status=status)
    browser.get(f"{resource}/@@cite?format=ris", status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (302, 404, 403, 200, 200, 404))))
def test_resource_forms_matrix(cast, resource, who, status):
    cast.html(who).get("/groups/secret/collection/@@new-resource", status=status)
    cast.html(who).get(f"{resource}/@@edit", status=status)


@pytest.mark.parametrize("who", WHOS)
def test_everyone_has_a_library_page(cast, resource, who):
    page = cast.html(who).get("/library")
    if who in ("observer", "member", "manager"):
        assert "Reading guide" in page.text and "Kenya" in page.text
    else:
        assert "Reading guide" not in page.text


def test_adding_and_editing_a_resource_by_form(cast):
    browser = cast.html("member")
    form = browser.get("/groups/secret/collection/@@new-resource").forms["form"]
    form["title"], form["type"], form["countries"] = "Numeracy kit", "tool", "gh, ke"
    form["authors"] = "B. Mensah\nC. Achieng"
    assert form.submit("create").status_int == 302
    record = cast.api["member"].get(f"{SECRET}/numeracy-kit").json
    assert record["countries"] == ["gh", "ke"] and record["authors"] == [
        "B. Mensah", "C. Achieng"]
    form = browser.get("/groups/secret/collection/numeracy-kit/@@edit").forms["form"]
    form["year"] = "2023"
    assert form.submit("save").status_int == 302
    assert cast.api["member"].get(f"{SECRET}/numeracy-kit").json["version"] == 2
    form = browser.get("/groups/secret/collection/@@new-resource").forms["form"]
    form["title"], form["countries"] = "Bad", "atlantis"
    assert "unknown" in form.submit("create").text


def test_a_public_resource_is_read_and_found_by_anonymous_visitors(cast, resource):
    anonymous = cast.html("anonymous")
    anonymous.get(resource, status=302)
    cast.api["manager"].post_json(f"{SECRET}/guide/publish", {"public": True})
    page = anonymous.get(resource)
    assert "Reading guide" in page.text and '"@type": "HowTo"' in page.text
    assert "Edit" not in page.text
    assert "Reading guide" in anonymous.get("/library?q=reading").text
    assert "Reading guide" in anonymous.get("/library/@@country/ke").text
    bib = anonymous.get(f"{resource}/@@cite?format=bibtex")
    assert bib.content_type == "application/x-bibtex" and "author = {A. Okafor}" in bib.text
    anonymous.get(f"{resource}/@@cite?format=doc", status=400)
