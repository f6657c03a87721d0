"""Item ids: slugs of 1 to 64 characters (a-z, 0-9, `-`), given or derived from a title."""
import re
import unicodedata

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_LEN = 64


class IdTaken(KeyError):
    """Something already has this id in that container."""


# Names of views on containers; an item with one of these ids would hide the page.
RESERVED = frozenset({"add", "edit", "members", "join", "join-requests", "account", "tokens",
                      "history", "versions", "diff", "revert", "download", "ops", "svg",
                      "excalidraw", "import", "topics", "replies", "restore", "purge",
                      "login", "logout", "search", "audit", "api", "static", "me", "users"})


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
