"""What one search may cost is bounded: oversized queries are refused before any work,
with a 400 that says why; no parameter makes a search answer 500."""
import pytest


def search(cast, status, **params):
    return cast.api["member"].get("/api/search", params=params, status=status)


def test_four_thousand_prefix_terms_are_refused_before_searching(cast):
    q = " ".join(f"te{n}*" for n in range(4000))
    response = search(cast, 400, q=q)
    assert "at most" in response.json["message"]


@pytest.mark.parametrize("q, words", [
    (" ".join(f"ab{n}*" for n in range(9)), "* or ?"),
    (" ".join(f"word{n}" for n in range(60)), "words"),
    ("x" * 1001, "characters"),
])
def test_too_many_wildcards_words_or_characters_are_a_400_that_says_so(cast, q, words):
    assert words in search(cast, 400, q=q).json["message"]


def test_a_search_within_the_limits_still_runs(cast):
    q = " ".join(f"ab{n}*" for n in range(8))
    assert search(cast, 200, q=q).json["total"] == 0


@pytest.mark.parametrize("params", [{"to": "9999-12-31"}, {"from": "0001-01-01"},
                                    {"to": "9999-12-31", "from": "9999-12-31"}])
def test_dates_at_the_ends_of_the_calendar_are_answered(cast, params):
    assert search(cast, 200, q="teacher", **params).json["total"] == 0


def test_pages_beyond_ten_thousand_results_are_a_400(cast):
    assert "first 10,000" in search(cast, 400, q="teacher", page=5000,
                                    limit=100).json["message"]
