"""Item ids: slugs of 1 to 64 characters (a-z, 0-9, `-`), given or derived from a title."""
import re
import unicodedata

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
    "download", "edit", "excalidraw", "history", "import", "join", "join-requests", "lock",
    "login", "logout", "me", "members", "moderate", "new", "new-topic", "open", "ops",
    "pin", "presence", "preview", "purge", "read", "replies", "restore", "revert",
    "search", "static", "svg", "tokens", "topics", "unlock", "unpin", "upload", "users",
    "versions"})


def is_slug(value):
    return isinstance(value, str) and bool(SLUG_RE.fullmatch(value))


def is_reserved(value):
    return value in RESERVED


def slugify(title):
    """A slug from any title; falls back to "item" when nothing latin is left."""
    text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
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
