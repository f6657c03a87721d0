"""The best matches of a search are taken from a segment's scored matches in one step
(query.Tally.take_preloaded): the pages, totals and facets are exactly those of Whoosh's
own collector, ties going to the earlier entry."""
import pytest

from workspace.search import query


def pages(client, q, limit=3, count=4):
    answers = [client.get("/api/search", params={"q": q, "limit": limit, "page": n}).json
               for n in range(1, count + 1)]
    return ([hit["path"] for answer in answers for hit in answer["results"]],
            answers[0]["total"], answers[0]["facets"])


@pytest.mark.parametrize("q", ["quokka", "quokka wallaby", "quokka OR wallaby", "quok*"])
def test_the_one_step_top_matches_are_whoosh_collectors_own(cast, monkeypatch, q):
    member = cast.api["member"]
    for n in range(11):  # equal texts tie; others score higher or lower
        body = ("quokka " * (1 + n % 3)) + ("wallaby" if n % 2 else "kangaroo")
        member.post_json("/api/groups/secret/documents", {"title": f"Note {n}", "body": body})
    taken, real = [], query.Tally.take_preloaded
    monkeypatch.setattr(query.Tally, "take_preloaded",
                        staticmethod(lambda child, ids: taken.append(real(child, ids))
                                     or taken[-1]))
    fast = pages(member, q)
    assert any(taken)  # the one-step path ran
    assert fast[1] >= 5 and len(fast[0]) == min(12, fast[1])
    monkeypatch.setattr(query.Tally, "take_preloaded", staticmethod(lambda child, ids: False))
    assert pages(member, q) == fast


def test_facets_of_many_matches_are_counted_over_a_spread_sample_and_say_so(cast,
                                                                            monkeypatch):
    member = cast.api["member"]
    for n in range(12):
        member.post_json("/api/groups/secret/documents", {"title": f"Wombat {n}",
                                                          "body": "wombat burrows"})
    exact = member.get("/api/search", params={"q": "wombat"}).json
    assert exact["facets_exact"] is True and exact["facets"]["type"] == {"document": 12}
    monkeypatch.setattr(query, "FACET_EXACT", 4)
    sampled = member.get("/api/search", params={"q": "wombat"}).json
    assert sampled["total"] == 12 and sampled["facets_exact"] is False
    assert sampled["facets"]["type"] == {"document": 12}  # 4 counted, scaled to 12
    assert len(sampled["results"]) == 12
