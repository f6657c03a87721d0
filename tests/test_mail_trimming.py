"""Trimming on a corpus of replies as real clients write them (tests/fixtures/mail), and
its work bounded on what anyone may send."""
import sys

import pytest

from mail_corpus import cases, normal, score, trimmed
from workspace.mail import trim as trim_module
from workspace.mail.trim import LIBRARY_MAX_CHARS, MAX_TRIMMED, nearly_all_removed, trim


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


def calls_to_trim(text):
    """How many built-in calls (str methods, regex matches...) trimming `text` makes: an
    operation count, the same on every machine."""
    count = [0]

    def profile(frame, event, arg):
        if event == "c_call":
            count[0] += 1
    sys.setprofile(profile)
    try:
        trim(text, "Re: plan")
    finally:
        sys.setprofile(None)
    return count[0]


@pytest.mark.parametrize("unit", ["x\n", "> quoted\n", "-- \nname\n", "On x\n",
                                  "On Monday, Bob wrote:\nhello\n"])
def test_trimming_work_grows_with_the_text_not_with_its_square(unit):
    """Reading the lines below each line again was quadratic: 16,000 lines took 4 s, a
    400 KB body ten minutes, stalling inbound mail for everyone."""
    small, large = (calls_to_trim(unit * n + "> last\n") for n in (1000, 4000))
    assert large <= 4.6 * small
    assert large <= 60 * 4000 * unit.count("\n")


def test_a_text_past_the_bound_is_returned_whole_without_reading_it_line_by_line():
    text = "x\n" * (MAX_TRIMMED // 2 + 1)
    assert trim(text) == (text.rstrip("\n"), "")
    assert calls_to_trim(text) < 20


def test_the_library_is_only_asked_about_texts_it_reads_in_bounded_time(monkeypatch):
    """email_reply_parser's multi-quote regex took 53 s on 10 KB of "On x" lines."""
    asked = []
    real = trim_module.EmailReplyParser

    class Spy:
        @staticmethod
        def parse_reply(text):
            asked.append(text)
            return real.parse_reply(text)
    monkeypatch.setattr(trim_module, "EmailReplyParser", Spy)
    trim("On x\n" * 2000 + "hello")
    trim("y" * (LIBRARY_MAX_CHARS + 1))
    assert asked == []
    trim("Thanks!\n\n-- \nAna")
    assert len(asked) == 1
