"""Trimming on a corpus of replies as real clients write them (tests/fixtures/mail)."""
import pytest

from mail_corpus import cases, normal, score, trimmed
from workspace.mail.trim import nearly_all_removed, trim


def test_the_corpus_covers_the_clients_and_languages_the_community_uses():
    found = cases()
    assert len(found) >= 63
    assert {c[2] for c in found} >= {"en", "fr", "de", "es", "pt", "ar", "zh"}
    clients = " ".join(c[1] for c in found)
    for client in ("Gmail", "Outlook", "Apple Mail", "Thunderbird", "Android", "iOS"):
        assert client in clients


def test_trimming_gets_at_least_85_percent_of_the_corpus_right():
    right, total, wrong = score()
    assert right / total >= 0.85, wrong


@pytest.mark.parametrize("name", ["interleaved", "interleaved-gmail", "bottom-post",
                                  "code-block", "forward-gmail", "forward-outlook"])
def test_what_people_wrote_is_never_lost(name):
    (case,) = [c for c in cases() if c[0] == name]
    kept, _ = trimmed(case[5], case[3], case[4])
    assert normal(kept) == normal(case[6])


def test_the_removed_part_is_kept_for_moderators():
    kept, removed = trim("Yes.\n\nOn Mon, 5 Jan 2026, Ana wrote:\n> Shall we?\n")
    assert kept == "Yes."
    assert "Ana wrote" in removed and "> Shall we?" in removed


def test_a_reply_that_is_only_a_quote_counts_as_nearly_empty():
    kept, removed = trim("On Mon, 5 Jan 2026, Ana wrote:\n> " + "Long text. " * 30)
    assert nearly_all_removed(kept, removed)
