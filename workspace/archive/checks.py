"""Reading an archive as untrusted input: every value handed out is checked for its kind
and size, and every error names the file at fault (`ArchiveInvalid`)."""
from datetime import datetime
import json
import re

from ..content.ids import is_slug
from . import ArchiveInvalid

MAX_JSON = 20 * 1024 * 1024  # one metadata file, thread, scene or calendar
MAX_FILE = 50 * 1024 * 1024  # one uploaded file's version (the upload limit's default)
MAX_ITEMS = 100_000  # documents, revisions, topics, events, boards, members: each
MAX_TEXT = 1_000_000  # one title, comment or field of text
CONTENT_TYPE_RE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}"
                             r"(;[ -~]{0,200})?\Z", re.I)


class Checked:
    """Reads one archive, checking each value it hands out; errors name the file."""

    def __init__(self, archive, file_limit):
        self.archive, self.file_limit = archive, file_limit

    def json(self, name):
        try:
            return json.loads(self.archive.read(name, MAX_JSON).decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ArchiveInvalid(f"Not valid JSON ({str(exc)[:100]}).", name)

    def text(self, name, limit=MAX_JSON):
        try:
            return self.archive.read(name, limit).decode("utf-8")
        except UnicodeDecodeError:
            raise ArchiveInvalid("Not UTF-8 text.", name)


def need(record, key, kind, where, optional=False, limit=MAX_TEXT):
    """`record[key]`, of type `kind` (and at most `limit` long); ArchiveInvalid if not."""
    if not isinstance(record, dict):
        raise ArchiveInvalid("Not an object.", where)
    if key not in record or record[key] is None:
        if optional:
            return None
        raise ArchiveInvalid(f"No {key}.", where)
    value = record[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ArchiveInvalid(f"{key} is of the wrong kind.", where)
    if isinstance(value, (str, list)) and len(value) > limit:
        raise ArchiveInvalid(f"{key} is too long.", where)
    return value


def moment(record, key, where, optional=False):
    """An ISO 8601 time with its offset."""
    text = need(record, key, str, where, optional, limit=40)
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ArchiveInvalid(f"{key} is not an ISO 8601 time.", where)
    if value.tzinfo is None:
        raise ArchiveInvalid(f"{key} has no offset.", where)
    return value


def login_of(record, key, where, optional=True):
    value = need(record, key, str, where, optional, limit=64)
    if value is not None and not is_slug(value) and value != "command-line":
        raise ArchiveInvalid(f"{key} is not a login.", where)
    return value


def slug(value, where):
    if not is_slug(value):
        raise ArchiveInvalid("Not an id (1 to 64 of a-z, 0-9, '-').", where)
    return value
