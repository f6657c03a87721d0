"""The best matches of a search are taken from a segment's preloaded matches in one
step (search/tally.py): the pages, totals and facets are exactly those of Whoosh's own
collectors, ties going to the earlier entry; facets are counted over every match."""
import numpy as np
import pytest

from workspace.search import tally
from workspace.search.columns import Coded


def pages(client, q, limit=3, count=4, sort="relevance"):
    answers = [client.get("/api/search", params={"q": q, "limit": limit, "page": n,
                                                 "sort": sort}).json
               for n in range(1, count + 1)]
    return ([hit["path"] for answer in answers for hit in answer["results"]],
            answers[0]["total"], answers[0]["facets"])


def recorded(monkeypatch, name):
    """Calls of tally.<name>, recorded; returns the list of what each returned."""
    taken, real = [], getattr(tally, name)
    monkeypatch.setattr(tally, name, lambda child, m: taken.append(real(child, m))
                        or taken[-1])
    return taken


@pytest.mark.parametrize("q, sort", [("quokka", "relevance"), ("quokka wallaby", "relevance"),
                                     ("quokka OR wallaby", "relevance"),
                                     ("quok*", "relevance"), ("quokka", "date")])
def test_the_one_step_top_matches_are_whoosh_collectors_own(cast, monkeypatch, q, sort):
    member = cast.api["member"]
    for n in range(11):  # equal texts tie; others score higher or lower
        body = ("quokka " * (1 + n % 3)) + ("wallaby" if n % 2 else "kangaroo")
        member.post_json("/api/groups/secret/documents", {"title": f"Note {n}", "body": body})
    name = "take_best" if sort == "relevance" else "take_newest"
    taken = recorded(monkeypatch, name)
    fast = pages(member, q, sort=sort)
    assert any(taken)  # the one-step path ran
    assert fast[1] >= 5 and len(fast[0]) == min(12, fast[1])
    monkeypatch.setattr(tally, name, lambda child, m: False)
    assert pages(member, q, sort=sort) == fast


def test_facets_count_every_match(cast):
    member = cast.api["member"]
    for n in range(30):
        member.post_json("/api/groups/secret/documents", {"title": f"Wombat {n}",
                                                          "body": "wombat burrows"})
    found = member.get("/api/search", params={"q": "wombat", "limit": 5}).json
    assert found["total"] == 30 and len(found["results"]) == 5
    assert found["facets"]["type"] == {"document": 30}
    assert found["facets"]["group"] == {"secret": 30}


def test_a_facet_lists_the_most_frequent_values_equals_by_their_text(monkeypatch):
    monkeypatch.setattr(tally, "FACET_VALUES", 3)
    column = Coded("test-facet", ["", "kiwi", "apple", "fig", "date", "kiwi", "", "fig"])
    numbered = column.overall[column.codes]
    assert tally.top_values("test-facet", numbered) == {"fig": 2, "kiwi": 2, "apple": 1}
    assert list(tally.top_values("test-facet", numbered)) == ["fig", "kiwi", "apple"]
    assert tally.top_values("test-facet", column.overall[column.codes[[0, 6]]]) == {}
    assert tally.top_values("test-facet", np.zeros(0, np.int64)) == {}


def test_a_sampled_phrase_says_about_on_the_page_and_in_the_api(cast, monkeypatch):
    from workspace.search import matchers
    member = cast.api["member"]
    for n in range(8):
        words = "quokka burrows" if n % 2 else "burrows of a quokka"
        member.post_json("/api/groups/secret/documents", {"title": f"Note {n}",
                                                          "body": words})
    exact = member.get("/api/search", params={"q": '"quokka burrows"'}).json
    assert exact["total_exact"] is True and exact["total"] == 4
    monkeypatch.setattr(matchers, "PHRASE_CHECKS", 1)  # one candidate per segment...
    monkeypatch.setattr(matchers, "PHRASE_LEAST", 1)
    one = {"q": '"quokka burrows"', "limit": 1}  # ...as a page of one needs no more
    sampled = member.get("/api/search", params=one).json
    assert sampled["total_exact"] is False and len(sampled["results"]) == 1
    assert 1 <= sampled["pages"] < 4  # pages count what can be listed
    assert member.get("/api/search", params={"q": one["q"]}).json["total_exact"] is True
    page = cast.html("member").get("/search", params=one)
    assert "About " in page.text
