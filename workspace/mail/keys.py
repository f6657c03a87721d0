"""Signed keys in mail: reply addresses (of a topic's post, of a held-mail notice, of a
referral), unsubscribe links, bounce addresses and the moderation links of held-mail
notices.

Every key carries what it names in the clear and an HMAC-SHA256 of it (truncated to 80
bits), made with the site's mail secret; nothing is looked up to trust a key, and a key
whose MAC does not match names nothing. Reply keys sit in an address's local part, so they
use lowercase hex only (some MTAs fold case) and put the person's login last. Each kind
of reply key starts differently (a topic's with its hex uid, a notice's with `m`, a
referral's with `r`) and is signed for its purpose, so no key can pass for another kind.
"""
import hashlib
import hmac
import re

MAC_HEX = 20  # 80 bits

REPLY_KEY = re.compile(r"^([0-9a-f]{16})([0-9a-f]{5})([0-9a-f]{20})([a-z0-9][a-z0-9-]{0,63})$")


def mac(secret, *parts):
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:MAC_HEX]


def matches(secret, signature, *parts):
    return hmac.compare_digest(mac(secret, *parts), signature)


def reply_key(secret, gid, topic_uid, seq, login):
    """The key of `login`'s reply address for post `seq` (0: the opening post) of the
    topic with `topic_uid` in group `gid`."""
    seq_hex = f"{seq:05x}"
    return f"{topic_uid}{seq_hex}{mac(secret, 'reply', gid, topic_uid, seq_hex, login)}{login}"


def read_signed(pattern, secret, purpose, key, *context):
    """The parts and the login a genuine key of `pattern` names, else None. The pattern's
    groups are the parts, the signature, then the login; the signature covers `purpose`,
    `context` (what the address names besides the key), the parts and the login."""
    found = pattern.match(key or "")
    if not found:
        return None
    *parts, signature, login = found.groups()
    if not matches(secret, signature, purpose, *context, *parts, login):
        return None
    return (*parts, login)


def read_reply_key(secret, gid, key):
    """(topic uid, seq, login) named by a genuine reply key of group `gid`, else None."""
    found = read_signed(REPLY_KEY, secret, "reply", key, gid)
    return None if found is None else (found[0], int(found[1], 16), found[2])


HELD_KEY = re.compile(r"^m([0-9a-f]{16})([0-9a-f]{20})([a-z0-9][a-z0-9-]{0,63})$")
REFERRAL_KEY = re.compile(r"^r([0-9]{1,12})-([0-9a-f]{20})([a-z0-9][a-z0-9-]{0,63})$")
REFERRAL_LOCAL = "referrals"  # the local part before `+` of every referral's address


def held_key(secret, gid, held_id, login):
    """The key of manager `login`'s reply address for the notice of held message
    `held_id` (an integer's digits) of group `gid`: a reply approves, rejects or
    discards it."""
    held_hex = f"{int(held_id):016x}"
    return f"m{held_hex}{mac(secret, 'held-reply', gid, held_hex, login)}{login}"


def read_held_key(secret, gid, key):
    """(held id, login) named by a genuine held-notice key of group `gid`, else None."""
    found = read_signed(HELD_KEY, secret, "held-reply", key, gid)
    return None if found is None else (str(int(found[0], 16)), found[1])


def referral_key(secret, referral_id, login):
    """The key of `login`'s reply address for the referral `referral_id` (digits)."""
    return f"r{referral_id}-{mac(secret, 'referral-reply', referral_id, login)}{login}"


def read_referral_key(secret, key):
    """(referral id, login) named by a genuine referral key, else None."""
    return read_signed(REFERRAL_KEY, secret, "referral-reply", key)


def token(secret, purpose, *parts):
    """A URL-safe signed token naming `parts` (slugs and digits: no dots)."""
    return ".".join(parts + (mac(secret, purpose, *parts),))


def read_token(secret, purpose, value, count):
    """The `count` parts of a genuine token for `purpose`, else None."""
    pieces = (value or "").split(".")
    if len(pieces) != count + 1 or not all(pieces):
        return None
    if not matches(secret, pieces[-1], purpose, *pieces[:-1]):
        return None
    return pieces[:-1]


def bounce_local(secret, login):
    """The local part of the envelope sender of mail to `login` (VERP)."""
    return f"bounces+{mac(secret, 'bounce', login)}{login}"


def read_bounce_local(secret, local):
    """The login a bounce address was made for, else None."""
    found = re.fullmatch(r"bounces\+([0-9a-f]{20})([a-z0-9][a-z0-9-]{0,63})", local or "")
    if found and matches(secret, found.group(1), "bounce", found.group(2)):
        return found.group(2)
    return None
