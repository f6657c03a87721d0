"""Search's public scope (issue 13): an anonymous caller finds what is on the public web
and nothing else, whatever the query; leak probes for words of private, unpublished and
trashed items; taking an item off the public web counts from the next request."""
import pytest

COLLECTION = "/api/groups/secret/collection"
PROBES = ("wombatprivate", "wombatdraft", "wombatdocument", "wombattrashed", "wombat*",
          "title:wombatprivate", "type:resource", "group:secret")


def resource(rid, title, abstract):
    return {"id": rid, "title": title, "abstract": abstract, "type": "guide",
            "countries": ["ke"], "languages": ["en"], "year": 2024}


@pytest.fixture
def public_web(cast):
    member, manager = cast.api["member"], cast.api["manager"]
    member.post_json(COLLECTION, resource("out", "Open report", "Wombatpublic findings"))
    member.post_json(COLLECTION, resource("in", "Inner guide", "Wombatprivate findings"))
    member.post_json(COLLECTION, resource("draft", "Draft guide", "Wombatdraft notes"))
    member.post_json(COLLECTION, resource("gone", "Gone guide", "Wombattrashed notes"))
    member.post_json("/api/groups/secret/documents",
                     {"title": "Minutes", "body": "Wombatdocument of the meeting"})
    for rid in ("out", "gone"):
        manager.post_json(f"{COLLECTION}/{rid}/publish", {"public": True})
    manager.delete(f"{COLLECTION}/gone", status=204)
    return cast


def anonymous_search(cast, **params):
    return cast.api["anonymous"].get("/api/search", params=params).json


def test_anonymous_search_finds_what_is_on_the_public_web(public_web):
    found = anonymous_search(public_web, q="wombatpublic")
    assert [hit["path"] for hit in found["results"]] == ["/groups/secret/collection/out"]
    assert found["total"] == 1
    # who wrote it and in which (private) group are not shown to the public web
    assert found["results"][0]["author"] is None and found["results"][0]["group"] is None
    assert found["facets"]["author"] == {} and found["facets"]["group"] == {}


@pytest.mark.parametrize("q", PROBES)
def test_leak_probe_anonymous_search_never_reaches_anything_else(public_web, q):
    found = anonymous_search(public_web, q=q)
    paths = [hit["path"] for hit in found["results"]]
    assert all(path == "/groups/secret/collection/out" for path in paths), (q, paths)
    assert found["total"] == len(paths)
    assert found["suggestion"] is None
    # a member of the group finds them: the probe words are really there
    if q.startswith("wombat") and q != "wombat*" and q != "wombattrashed":
        assert public_web.api["member"].get("/api/search", params={"q": q}).json["total"]


def test_anonymous_browsing_and_filters_stay_in_the_public_scope(public_web):
    assert anonymous_search(public_web, group="secret")["total"] == 1
    assert anonymous_search(public_web, type="document", q="wombatdocument")["total"] == 0
    assert anonymous_search(public_web, q="kangaroo OR wombatprivate OR wombatpublic")[
        "total"] == 1


def test_anonymous_search_cannot_ask_who_wrote_a_public_item(public_web):
    """Results hide the author on the public web, so neither may a filter or a field
    term tell it: the author filter is not applied and `author:` is a clear 400."""
    for login in ("member", "manager"):
        assert anonymous_search(public_web, author=login)["total"] == 1
    answer = public_web.api["anonymous"].get("/api/search", params={"q": "author:member"},
                                             status=400).json
    assert "author" in answer["error"] or "author" in str(answer)
    # members still filter by author
    assert public_web.api["member"].get(
        "/api/search", params={"q": "author:member wombatpublic"}).json["total"] == 1


def test_taking_an_item_off_the_public_web_counts_from_the_next_request(public_web):
    public_web.api["manager"].post_json(f"{COLLECTION}/out/publish", {"public": False})
    assert anonymous_search(public_web, q="wombatpublic")["total"] == 0
    public_web.api["manager"].post_json(f"{COLLECTION}/out/publish", {"public": True})
    assert anonymous_search(public_web, q="wombatpublic")["total"] == 1


def test_profiles_and_groups_are_not_on_the_public_web(public_web, site):
    with site.open() as root:
        root["people"]["member"].update(organisation="Ministry of Kangaroovale")
    assert anonymous_search(public_web, q="kangaroovale")["total"] == 0
    assert anonymous_search(public_web, q="secret")["total"] == 0


def test_the_search_page_serves_anonymous_visitors_the_public_web(public_web):
    page = public_web.api["anonymous"].get("/search", params={"q": "wombat*"})
    assert "Open report" in page.text
    for title in ("Inner guide", "Draft guide", "Gone guide", "Minutes"):
        assert title not in page.text
