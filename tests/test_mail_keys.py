"""Signed reply keys: each names what it was made for and nothing else; a key of one kind
(a post's, a held-mail notice's, a referral's) never passes for another, and a changed
login, group, message or referral names nothing."""
from workspace.mail.keys import (held_key, read_held_key, read_referral_key, read_reply_key,
                                 referral_key, reply_key)

SECRET = b"k" * 32
UID = "0123456789abcdef"


def test_each_key_reads_back_what_it_names():
    assert read_reply_key(SECRET, "hub", reply_key(SECRET, "hub", UID, 3, "ana")) == (
        UID, 3, "ana")
    assert read_held_key(SECRET, "hub", held_key(SECRET, "hub", "1733050000123456", "ana")) \
        == ("1733050000123456", "ana")
    assert read_referral_key(SECRET, referral_key(SECRET, "000042", "ana")) == ("000042", "ana")


def test_no_key_passes_for_another_kind():
    keys = [reply_key(SECRET, "hub", UID, 0, "ana"),
            held_key(SECRET, "hub", "1733050000123456", "ana"),
            referral_key(SECRET, "000042", "ana")]
    readers = [lambda k: read_reply_key(SECRET, "hub", k),
               lambda k: read_held_key(SECRET, "hub", k),
               lambda k: read_referral_key(SECRET, k)]
    for i, key in enumerate(keys):
        for j, read in enumerate(readers):
            assert (read(key) is not None) == (i == j), (i, j)


def test_a_changed_part_or_another_secret_names_nothing():
    held = held_key(SECRET, "hub", "1733050000123456", "ana")
    assert read_held_key(SECRET, "other", held) is None
    assert read_held_key(SECRET, "hub", held[:-3] + "bob") is None
    assert read_held_key(b"x" * 32, "hub", held) is None
    referral = referral_key(SECRET, "000042", "ana")
    assert read_referral_key(SECRET, referral.replace("000042", "000043")) is None
    assert read_referral_key(SECRET, referral[:-3] + "bob") is None
    assert read_referral_key(SECRET, referral.upper()) is None
