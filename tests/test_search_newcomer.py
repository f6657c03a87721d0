"""Search for people (issue 16, friction): snippets in plain text (they showed raw
Markdown), a clean empty state (it read "Kind None / Group None / Author None"), and "did
you mean" for a typo ("zanzibr" found nothing), from what the caller may read only."""

DOCS = "/api/groups/secret/documents"
BODY = ("## Island schools\n\nThe **Zanzibar** teacher [induction pilot](https://example.org)"
        " pairs every _new_ teacher with a mentor.\n\n- one\n- two\n")


def test_snippets_are_plain_text(cast):
    cast.api["member"].post_json(DOCS, {"title": "Island pilot", "body": BODY})
    (hit,) = cast.api["member"].get("/api/search?q=mentor").json["results"]
    snippet = hit["snippet"]
    assert "Zanzibar teacher induction pilot pairs every new teacher with a" in snippet
    for raw in ("**", "##", "](", "_new_", "https://"):
        assert raw not in snippet
    assert '<mark class="hit">mentor</mark>' in snippet


def test_a_typo_gets_did_you_mean(cast):
    cast.api["member"].post_json(DOCS, {"title": "Island pilot", "body": BODY})
    found = cast.api["member"].get("/api/search?q=zanzibr").json
    assert found["total"] == 0 and found["suggestion"] == "Zanzibar"
    page = cast.html("member").get("/search?q=zanzibr")
    assert "Did you mean" in page.text and "q=Zanzibar" in page.text
    assert cast.api["member"].get("/api/search?q=Zanzibar").json["total"] == 1
    assert cast.api["member"].get("/api/search?q=mentor").json["suggestion"] is None


def test_did_you_mean_never_offers_a_word_the_caller_cannot_read(cast):
    cast.api["member"].post_json(DOCS, {"title": "Island pilot", "body": BODY})
    found = cast.api["outsider"].get("/api/search?q=zanzibr").json
    assert found["total"] == 0 and found["suggestion"] is None
    assert "Did you mean" not in cast.html("outsider").get("/search?q=zanzibr").text


def test_nothing_found_is_said_plainly(cast):
    page = cast.html("member").get("/search?q=quokkaville")
    assert "0 results" in page.text and "Nothing you may read matches" in page.text
    assert "None" not in page.text.split('id="none-h"')[1]
    assert "Refine" not in page.text
