"""Search at Egypt's scale: facets list their most frequent values only, open groups are
found among the public ones, and the permission filter keeps nothing per caller."""
from workspace.content.document import Document
from workspace.search import query


def test_facets_list_the_20_most_frequent_authors_only(cast, site):
    with site.open() as s:
        documents = s["groups"]["secret"]["documents"]
        for n in range(25):
            for copy in range(1 + (n == 7) * 3):  # author7 wrote four
                documents.add(f"d{n}-{copy}", Document(f"Plan {n}", "heliotrope plan",
                                                       f"author{n}"))
    found = cast.api["member"].get("/api/search", params={"q": "heliotrope"}).json
    assert found["total"] == 28
    authors = found["facets"]["author"]
    assert len(authors) == 20 and list(authors)[0] == "author7" and authors["author7"] == 4
    assert found["facets"]["group"] == {"secret": 28}


def test_open_groups_are_read_from_the_public_list_and_follow_visibility(cast, site):
    site.add_group("commons", "open")
    site.add_group("club", "listed")
    with site.open() as s:
        outsider = s["people"]["outsider"]
        assert query.readable_groups(s, outsider, lambda obj, perm: True) == ["commons"]
        s["groups"]["club"].update(visibility="open")
        s["groups"]["commons"].update(visibility="private")
        assert query.readable_groups(s, outsider, lambda obj, perm: True) == ["club"]


def test_the_permission_filter_keeps_nothing_per_caller(cast, site):
    """Searches by many different people leave no per-caller entry in any cache: what is
    kept is per segment and per principal (one a group's entry, one every profile)."""
    for n in range(5):
        site.add_user(f"reader{n}")
        site.add_group(f"g{n}", "private", {f"reader{n}": "member"})
    for n in range(5):
        client = cast.api["admin"].__class__(cast.api["admin"].app, extra_environ={
            "HTTP_AUTHORIZATION": f"Bearer {site.token_for(f'reader{n}')}"})
        client.get("/api/search", params={"q": "reader"})
    kept = [key for key in query._by_principal._values]
    assert all(len(key) == 2 and isinstance(key[1], str) for key in kept)
    assert not hasattr(query, "_permitted") and not hasattr(query, "_admitted")


def test_did_you_mean_keeps_the_first_letter(cast):
    """A query that finds nothing looked at every word of the caller's scopes for a
    suggestion (7 to 18 s at 100,000 entries); now the first letter must be right (and
    the look stops after helpful.SUGGEST_SECONDS)."""
    cast.api["member"].post_json("/api/groups/secret/documents",
                                 {"title": "Island pilot", "body": "Zanzibar schools"})
    assert cast.api["member"].get("/api/search?q=zanzibr").json["suggestion"] == "Zanzibar"
    assert cast.api["member"].get("/api/search?q=xanzibar").json["suggestion"] is None
