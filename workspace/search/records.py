"""What the index holds for each object: index records built from the database.

Every content kind offers `search_data()` (type, title, text, author, modified, and for a
file an `attachment`); profiles and groups are described here. A record also says which
permission a hit needs and carries a fingerprint of its database state, so that `check`
and the start-up reconciliation can tell a stale entry without extracting file text.
"""
from datetime import timezone
import hashlib

from pyramid.authorization import ACLHelper
from pyramid.traversal import find_interface, resource_path

from ..content.board import Topic
from ..content.folder import Folder
from ..content.group import Group
from ..content.people import Profile
from ..content.trash import Trash, is_trashed
from .extract import extract_text
from .schema import STORED_TEXT_CHARS
from .scopes import scope_of, scope_words

PROFILE_TEXT_FIELDS = ("login", "organisation", "country", "languages", "expertise", "bio")
_acl = ACLHelper()


def find_by_path(site, path):
    """The object at `path` under the site, or None when it is not (or no longer) there."""
    obj = site
    for name in path.strip("/").split("/") if path.strip("/") else ():
        getter = getattr(obj, "get", None)
        if not isinstance(obj, Folder) or getter is None:
            return None
        obj = getter(name)
        if obj is None:
            return None
    return obj


def allowed_principals(obj, permission):
    """The principals `obj`'s ACLs grant `permission` to, in a stable order (it is part of
    the record's fingerprint). Used for site-wide entries only; every hit is checked
    against the real policy again."""
    return sorted(_acl.principals_allowed_by_permission(obj, permission))


def is_indexable(obj):
    return isinstance(obj, (Profile, Group)) or callable(getattr(obj, "search_data", None))


def walk(obj):
    """Every indexable object at or under `obj`, skipping group trash folders."""
    stack = [obj]
    while stack:
        node = stack.pop()
        if isinstance(node, Trash):
            continue
        if is_indexable(node):
            yield node
        if isinstance(node, Folder):
            stack.extend(node.values())
        if isinstance(node, Topic) and node.summary is not None:
            stack.append(node.summary)  # a consultation's summary: not one of its replies


def profile_text(value):
    """A profile field as words: lists of codes (languages, expertise) joined."""
    if isinstance(value, (list, tuple)):
        return " ".join(value)
    return str(value or "")


def profile_data(profile):
    return {"type": "person", "title": profile.name or profile.login,
            "text": "\n".join(profile_text(getattr(profile, f, ""))
                               for f in PROFILE_TEXT_FIELDS),
            "author": profile.login, "modified": None}


def group_data(group):
    return {"type": "group", "title": group.title, "text": group.description or "",
            "author": "", "modified": None}


def describe(obj):
    """The index record of `obj` without file text (None if `obj` is not indexable).

    Keys: path, type, title, text, author, modified, group, scope, allowed, permission,
    attachment, fingerprint.
    """
    if is_trashed(obj):
        return None
    owner = None
    if isinstance(obj, Profile):
        data, permission = profile_data(obj), "view"
    elif isinstance(obj, Group):
        data, permission = group_data(obj), "see"
    elif callable(getattr(obj, "search_data", None)):
        data, owner, permission = obj.search_data(), find_interface(obj, Group), "view"
    else:
        return None
    if data is None:  # not searchable in its present state (an unpublished summary)
        return None
    group = owner.__name__ if owner is not None else ""
    record = {"path": resource_path(obj), "type": str(data.get("type") or "item"),
              "title": str(data.get("title") or ""), "text": str(data.get("text") or ""),
              "author": str(data.get("author") or ""), "modified": data.get("modified"),
              "group": group, "scope": scope_of(owner), "permission": permission,
              "allowed": [] if group else allowed_principals(obj, permission),
              "attachment": data.get("attachment")}
    record["fingerprint"] = fingerprint(record)
    return record


def attachment_identity(attachment):
    if not attachment:
        return None
    # The blob's oid, not its serial: a ghost's serial is unknown until it is loaded, and
    # a new upload is a new blob anyway.
    blob, filename, content_type = attachment
    oid = getattr(blob, "_p_oid", None)
    return (oid.hex() if oid else None, filename, content_type)


def fingerprint(record):
    modified = record["modified"]
    state = (record["type"], record["title"], record["text"], record["author"],
             modified.isoformat() if modified else None, record["group"], record["scope"],
             tuple(record["allowed"]), attachment_identity(record["attachment"]))
    return hashlib.sha1(repr(state).encode("utf-8")).hexdigest()


def index_fields(record):
    """The Whoosh document of a record, with the text of its file extracted."""
    text = record["text"]
    if record["attachment"]:
        blob, filename, content_type = record["attachment"]
        names = text if filename in text else f"{text}\n{filename}".strip()
        text = f"{names}\n{extract_text(blob, filename, content_type)}"
    doc = {"path": record["path"], "type": record["type"], "group": record["group"],
           "allowed": " ".join(record["allowed"]), "author": record["author"],
           "title": record["title"], "text": text, "body": text[:STORED_TEXT_CHARS],
           "fingerprint": record["fingerprint"]}
    modified = record["modified"]
    if modified is not None:
        doc["modified"] = as_naive_utc(modified)
    return scope_words(doc, record["scope"])


def as_naive_utc(dt):
    """Whoosh keeps naive datetimes: store UTC."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt


def as_aware_utc(dt):
    return dt.replace(tzinfo=timezone.utc) if dt is not None and dt.tzinfo is None else dt

