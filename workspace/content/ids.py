"""Item ids: slugs of 1 to 64 characters (a-z, 0-9, `-`), given or derived from a title.

A title in any script gives a readable address: anyascii transliterates it (Arabic, Cyrillic,
Greek, Chinese, Devanagari...), so `خطة الوزارة` becomes `khth-lwzrh`, not `item`.
"""
import re

from anyascii import anyascii

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_LEN = 64


class IdTaken(KeyError):
    """Something already has this id in that container."""


# The one reserved list: the names of pages and API views on containers (and a few
# path segments). Pages are linked as `@@name`, so no id can hide a link; reserving the
# names too keeps typed addresses and the API paths of DESIGN.md unambiguous.
# tests/test_ids.py checks that every view registered on a container is here.
RESERVED = frozenset({
    "account", "add", "api", "audit", "calendar-feed", "calendar.ics", "delete", "diff",
    "download", "edit", "held", "invitations", "mail", "password-reset", "subscription",
    "unsubscribe", "excalidraw", "history", "import", "join", "join-requests", "lock",
    "login", "logout", "me", "members", "moderate", "new", "new-topic", "open", "ops",
    "pin", "presence", "preview", "purge", "read", "replies", "restore", "revert",
    "search", "static", "svg", "tokens", "topics", "unlock", "unpin", "upload", "users",
    "versions",
    # the expert roster and referrals (issue 14)
    "answers", "ask", "overview", "reminders",
    # consultations, the collection, the library, joining (issue 13)
    "applications", "apply", "citation", "close", "collection", "consultation", "dashboard",
    "consultations",
    "library", "new-consultation", "new-resource", "oai", "publish", "reopen", "summary",
    "vocabulary"})


def is_slug(value):
    return isinstance(value, str) and bool(SLUG_RE.fullmatch(value))


def is_reserved(value):
    return value in RESERVED


def transliterate(title):
    """`title` in ASCII letters. Scripts without case (Chinese, Japanese, Korean...) are
    transliterated a syllable per character, so each syllable stays a word of its own."""
    parts = []
    for char in title:
        latin = anyascii(char)
        uncased = char.upper() == char.lower()
        parts.append(f" {latin} " if latin[:1].isupper() and uncased and not char.isascii()
                     else latin)
    return "".join(parts)


def slugify(title):
    """A slug from any title, in any script; "item" when no letter or digit is left."""
    text = re.sub(r"[^a-z0-9]+", "-", transliterate(title or "").lower()).strip("-")
    return text[:48].strip("-") or "item"


def unique_id(container, title, *also_taken):
    """A slug derived from `title` that is free in `container` (and in `also_taken`)."""
    base = slugify(title)
    candidate, n = base, 1
    while (candidate in container or candidate in RESERVED
           or any(candidate in c for c in also_taken)):
        n += 1
        candidate = f"{base}-{n}"
    return candidate
