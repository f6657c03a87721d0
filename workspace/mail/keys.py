"""Signed keys in mail: reply addresses, unsubscribe links, bounce addresses and the
moderation links of held-mail notices.

Every key carries what it names in the clear and an HMAC-SHA256 of it (truncated to 80
bits), made with the site's mail secret; nothing is looked up to trust a key, and a key
whose MAC does not match names nothing. Reply keys sit in an address's local part, so they
use lowercase hex only (some MTAs fold case) and put the person's login last.
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


def read_reply_key(secret, gid, key):
    """(topic uid, seq, login) named by a genuine reply key of group `gid`, else None."""
    found = REPLY_KEY.match(key or "")
    if not found:
        return None
    uid, seq_hex, signature, login = found.groups()
    if not matches(secret, signature, "reply", gid, uid, seq_hex, login):
        return None
    return uid, int(seq_hex, 16), login


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
