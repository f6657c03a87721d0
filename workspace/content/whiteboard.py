"""Whiteboards: a group's shared drawing boards, kept as elements, an op log and versions.

A board's state is a set of elements (Excalidraw's field names) in an OOBTree keyed by
element id. Clients change it with operations (`put` an element, `delete` an id); every
applied operation is appended to an LOBTree log keyed by sequence number, so that a
client can fetch what happened since the last number it saw, and appending costs the same
at the 50,000th operation as at the first. For one element the write the server receives
last wins; writes to different elements never disturb each other.

Versions are immutable snapshots of the live elements, named by a person or kept
automatically after a period of editing; restoring one writes new operations and a new
version, never rewrites the past.

Elements are stored as plain dicts that are never mutated once stored: a change replaces
the whole dict, which is what lets the BTree notice it. The server sets two fields on each:
`version` (how many times it was written) and `order` (the sequence number of the op that
first put it), which is the drawing order, bottom to top, as an Excalidraw file's array is.

The pictures image elements show (Excalidraw's `files`) are blobs kept by the board under
their file id, checked to be images of a kind browsers draw and bounded in size and number;
they are never removed, as old versions may still show them.
"""
import base64
import binascii
from datetime import datetime, timedelta, timezone
from operator import itemgetter

from BTrees.IOBTree import IOBTree
from BTrees.Length import Length
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from ZODB.blob import Blob

from .events import ObjectModified, notify
from .folder import Folder
from .ids import unique_id

ELEMENT_TYPES = ("rectangle", "ellipse", "diamond", "line", "arrow", "freedraw", "text",
                 "sticky", "frame", "magicframe", "image", "embeddable", "iframe")
TEXT_TYPES = ("text", "sticky")
MAX_FILES = 200
MAX_FILE_BYTES = 5 * 1024 * 1024
# What each picture type's bytes begin with (SVG: its text starts with markup).
IMAGE_MAGIC = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",),
               "image/gif": (b"GIF87a", b"GIF89a"), "image/webp": (b"RIFF",),
               "image/bmp": (b"BM",), "image/avif": (b"\x00\x00\x00",),
               "image/svg+xml": (b"<",)}
MAX_ELEMENTS = 20_000
MAX_OPS_PER_BATCH = 500
MAX_TEXT = 10_000
MAX_TITLE = 200
# Keep a version by itself when the board changed and its newest version is this old.
AUTO_VERSION_AFTER = timedelta(minutes=10)


class TooManyElements(ValueError):
    """The batch would leave more than MAX_ELEMENTS live elements on the board."""


class BadFile(ValueError):
    """A picture that is not one of IMAGE_MAGIC's kinds, too big, or one too many."""


def read_data_url(data_url):
    """(media type, bytes) of a `data:image/...;base64,...` URL; BadFile otherwise."""
    if not isinstance(data_url, str) or not data_url.startswith("data:"):
        raise BadFile("A picture comes as a data: URL.")
    head, _, payload = data_url[5:].partition(",")
    mime, _, encoding = head.partition(";")
    if encoding != "base64" or mime not in IMAGE_MAGIC:
        raise BadFile("Pictures are PNG, JPEG, GIF, WebP, BMP, AVIF or SVG, in base64.")
    if len(payload) > MAX_FILE_BYTES * 4 // 3 + 4:
        raise BadFile(f"A picture is at most {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise BadFile("This picture's base64 is not valid.")
    check_picture(mime, data)
    return mime, data


def check_picture(mime, data):
    """BadFile unless `data` is at most MAX_FILE_BYTES and begins as a `mime` picture."""
    if len(data) > MAX_FILE_BYTES:
        raise BadFile(f"A picture is at most {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    head = data.lstrip()[:1] if mime == "image/svg+xml" else data
    if mime not in IMAGE_MAGIC or not head.startswith(IMAGE_MAGIC[mime]):
        raise BadFile(f"This file is not a {mime} picture.")


class BoardFile(Persistent):
    """One picture of a board: its media type, when Excalidraw made it, its bytes."""

    def __init__(self, file_id, mime_type, data, created=None):
        self.file_id, self.mime_type, self.size = file_id, mime_type, len(data)
        self.created = created
        self.blob = Blob()
        with self.blob.open("w") as stream:
            stream.write(data)

    def data(self):
        with self.blob.open("r") as stream:
            return stream.read()


def now_utc():
    return datetime.now(timezone.utc)


class Whiteboards(Folder):
    """A group's whiteboards."""


def add_whiteboard(whiteboards, title, actor, wid=None, elements=(), files=None):
    """A new board in `whiteboards`, under `wid` or an id made from `title` (free there and
    in the group's trash, so that a trashed board can come back); IdTaken if `wid` is
    taken. Given `elements` (valid ones) and the pictures they show (`files`: id ->
    (media type, bytes, created), checked), it starts with them, kept as version 1
    "Imported"."""
    wid = wid or unique_id(whiteboards, title, whiteboards.__parent__["trash"])
    board = Whiteboard(title, actor)
    for file_id, (mime, data, created) in (files or {}).items():
        board.add_file(file_id, mime, data, created)
    board = whiteboards.add(wid, board)
    if elements:
        board.apply([{"op": "put", "element": e} for e in elements], actor)
        board.keep_version(actor, "Imported")
    return board


def load_whiteboard(whiteboards, wid, record, elements, files=None, versions=()):
    """A board restored as an archive kept it, under `wid` (IdTaken if taken), with no
    events (the caller adds the whole group at once): `record` gives its title, creator,
    created, modified and modified_by; `elements` (valid, in drawing order) keep the
    `version` each had; `versions` are (author, created, comment, automatic, seq, title,
    elements) oldest first; `files` as `add_whiteboard` takes them."""
    board = Whiteboard(record["title"], record["creator"], now=record["created"])
    for file_id, (mime, data, created) in (files or {}).items():
        board.add_file(file_id, mime, data, created)
    if elements:
        board.apply([{"op": "put", "element": {k: v for k, v in e.items() if k != "version"}}
                     for e in elements], record["creator"], now=record["created"])
        for e in elements:
            stored = board._elements[e["id"]]
            board._elements[e["id"]] = dict(stored, version=e.get("version", 1))
    for author, created, comment, automatic, seq, title, snapshot in versions:
        board.versions.append(Version(author, created, comment, automatic, seq,
                                      tuple(snapshot), title))
    board.editing_since = None
    board.modified, board.modified_by = record["modified"], record["modified_by"]
    return whiteboards.add(wid, board, send_events=False)


class Whiteboard(Persistent):
    """One board: a title, its live elements, the op log and its versions."""

    __parent__ = None
    __name__ = None
    _files = None  # file id -> BoardFile, made with the first picture

    def __init__(self, title, creator, now=None):
        now = now or now_utc()
        self.title = title
        self.creator = creator
        self.created = self.modified = now
        self.modified_by = creator
        self._elements = OOBTree()      # id -> element dict (deleted ones flagged isDeleted)
        self._live = Length()           # how many are not deleted
        self._ops = LOBTree()           # seq -> {"seq", "op", "id", "version"?, "by", "at"}
        self._seq = Length()            # the last sequence number given out
        self.versions = Versions()
        self.versions.__parent__ = self
        self.editing_since = None       # first change not yet kept in a version

    def __getitem__(self, name):
        if name == "versions":
            return self.versions
        raise KeyError(name)

    # -- reading -------------------------------------------------------------------------

    @property
    def seq(self):
        return self._seq()

    def __len__(self):
        return self._live()

    def element(self, element_id):
        """The live element with this id, or None."""
        element = self._elements.get(element_id)
        return None if element is None or element.get("isDeleted") else element

    def elements(self, include_deleted=False):
        """Elements bottom to top (by `order`); deleted ones (flagged `isDeleted`) if asked."""
        found = [e for e in self._elements.values() if include_deleted or not e.get("isDeleted")]
        found.sort(key=itemgetter("order"))
        return found

    def log_since(self, since, limit=None):
        """Log entries with a sequence number above `since`, oldest first (at most `limit`).

        An entry is `{"seq", "op", "id", "by", "at"}` (a put also has the `version` it
        wrote): the log names what changed, the elements hold what it is now, so that a
        write costs the log a few bytes whatever the element's size.
        """
        out = []
        for entry in self._ops.values(min=since, excludemin=True):
            out.append(entry)
            if limit is not None and len(out) >= limit:
                break
        return out

    def changes(self, entries):
        """The ops a client applies to catch up over `entries` (from `log_since`), in order.

        A put carries the element as it is now; so a put that a later entry of the page
        supersedes, or of an element deleted since (a later delete is in the log), is left
        out: applying what remains gives the board as it is.
        """
        last_put = {e["id"]: e["seq"] for e in entries if e["op"] == "put"}
        out = []
        for entry in entries:
            if entry["op"] == "put":
                element = self._elements[entry["id"]]
                if element.get("isDeleted") or last_put[entry["id"]] != entry["seq"]:
                    continue
                entry = dict(entry, element=element)
            out.append(entry)
        return out

    def ops_since(self, since, limit=None):
        """`changes(log_since(since, limit))`."""
        return self.changes(self.log_since(since, limit))

    def file(self, file_id):
        """The BoardFile with this id, or None."""
        return self._files.get(file_id) if self._files is not None else None

    def files(self):
        """Every picture of the board, by file id."""
        return dict(self._files.items()) if self._files is not None else {}

    def add_file(self, file_id, mime_type, data, created=None):
        """Keep a picture under `file_id` (a picture already kept stays as it is: ids are
        content hashes in Excalidraw); BadFile for a wrong or excess one."""
        if self.file(file_id) is not None:
            return self.file(file_id)
        check_picture(mime_type, data)
        if self._files is None:
            self._files = OOBTree()
        if len(self._files) >= MAX_FILES:
            raise BadFile(f"A board holds at most {MAX_FILES} pictures.")
        self._files[file_id] = BoardFile(file_id, mime_type, data, created)
        return self._files[file_id]

    def texts(self):
        return [e["text"] for e in self.elements() if e["type"] in TEXT_TYPES and e.get("text")]

    def search_data(self):
        return {"type": "whiteboard", "title": self.title, "text": "\n".join(self.texts()),
                "author": self.creator, "modified": self.modified}

    # -- changing ------------------------------------------------------------------------

    def rename(self, title):
        self.title = title
        notify(ObjectModified(self))

    def apply(self, ops, actor, now=None):
        """Apply a batch of validated ops, all or nothing; returns the new sequence number.

        Each op is `{"op": "put", "element": {...}}` or `{"op": "delete", "id": ...}`.
        The server gives each put element its `version` (the stored one plus one). Deleting
        an id that is not live changes nothing and logs nothing. Raises TooManyElements
        (changing nothing) if the batch would leave more than MAX_ELEMENTS live elements.
        """
        now = now or now_utc()
        self._check_size(ops)
        self._maybe_keep_version(actor, now)
        text_changed = False
        stamp = now.isoformat(timespec="milliseconds")
        for op in ops:
            if op["op"] == "delete" and self.element(op["id"]) is None:
                continue
            self._seq.change(1)
            seq = self._seq()
            if op["op"] == "put":
                element = op["element"]
                old = self._elements.get(element["id"])
                text_changed |= self._put(element, old, seq)
                logged = {"op": "put", "id": element["id"],
                          "version": self._elements[element["id"]]["version"]}
            else:
                old = self._elements[op["id"]]
                self._elements[op["id"]] = dict(old, isDeleted=True,
                                                version=old.get("version", 0) + 1)
                self._live.change(-1)
                text_changed |= old["type"] in TEXT_TYPES
                logged = {"op": "delete", "id": op["id"]}
            self._ops[seq] = dict(logged, seq=seq, by=actor, at=stamp)
        self.modified, self.modified_by = now, actor
        if self.editing_since is None:
            self.editing_since = now
        if text_changed:
            notify(ObjectModified(self))
        return self.seq

    def _put(self, element, old, seq):
        """Store `element` over `old` (put by op `seq`); True if searchable text changed.

        An element keeps the `order` it was first put with (the op's sequence number),
        through moves, deletion and coming back: elements draw in that order, newest on top.
        """
        version = (old or {}).get("version", 0) + 1
        stored = dict(element, version=version, order=old["order"] if old else seq)
        stored.pop("isDeleted", None)
        self._elements[element["id"]] = stored
        if old is None or old.get("isDeleted"):
            self._live.change(1)
        if stored["type"] in TEXT_TYPES or (old and old["type"] in TEXT_TYPES):
            return old is None or old.get("text") != stored.get("text") or \
                old.get("isDeleted") or old["type"] != stored["type"]
        return False

    def _check_size(self, ops):
        live = {}
        for op in ops:
            key = op["element"]["id"] if op["op"] == "put" else op["id"]
            live[key] = op["op"] == "put"
        change = sum((1 if now else -1) for key, now in live.items()
                     if now != (self.element(key) is not None))
        if self._live() + change > MAX_ELEMENTS:
            raise TooManyElements(f"A board holds at most {MAX_ELEMENTS} elements.")

    def replace_all(self, elements, actor, now=None):
        """Make the live elements exactly `elements`, through logged ops; returns seq."""
        wanted = {e["id"] for e in elements}
        ops = [{"op": "delete", "id": e["id"]} for e in self.elements() if e["id"] not in wanted]
        ops += [{"op": "put", "element": e} for e in elements]
        return self.apply(ops, actor, now)

    # -- versions ------------------------------------------------------------------------

    def keep_version(self, actor, comment="", automatic=False, now=None):
        """Snapshot the live elements as a new version; returns it."""
        now = now or now_utc()
        version = self.versions.append(Version(
            author=actor, created=now, comment=comment, automatic=automatic, seq=self.seq,
            elements=tuple(self.elements()), title=self.title))
        self.editing_since = None
        return version

    def _maybe_keep_version(self, actor, now):
        """Before a change: if unversioned changes have gone on for AUTO_VERSION_AFTER,
        keep them as an automatic version."""
        if self.editing_since is not None and now - self.editing_since >= AUTO_VERSION_AFTER:
            self.keep_version(actor, "Kept automatically after a period of editing",
                              automatic=True, now=now)

    def restore(self, number, actor, now=None):
        """Bring back version `number` as the live board, then keep that as a new version."""
        old = self.versions[number]
        self.replace_all(list(old.elements), actor, now)
        return self.keep_version(actor, f"Restored version {old.number}", now=now)


class Versions(Persistent):
    """A board's versions, numbered from 1, oldest first; traversable as `versions/<n>`."""

    __name__ = "versions"
    __parent__ = None

    def __init__(self):
        self._versions = IOBTree()

    def append(self, version):
        number = (self._versions.maxKey() if self._versions else 0) + 1
        version.number = number
        version.__name__ = str(number)
        version.__parent__ = self
        self._versions[number] = version
        return version

    def __getitem__(self, name):
        try:
            return self._versions[int(name)]
        except (TypeError, ValueError, OverflowError):
            raise KeyError(name)

    def get(self, number, default=None):
        try:
            return self[number]
        except KeyError:
            return default

    def __len__(self):
        return len(self._versions)

    def newest_first(self):
        return list(reversed(self._versions.values()))

    def newest(self):
        return self._versions[self._versions.maxKey()] if self._versions else None


class Version(Persistent):
    """An immutable snapshot: number, author, time, comment and the live elements then.

    The elements sit in their own persistent record so that listing the history does not
    load every snapshot.
    """

    def __init__(self, author, created, comment, automatic, seq, elements, title):
        self.number = None
        self.author = author
        self.created = created
        self.comment = comment
        self.automatic = automatic
        self.seq = seq
        self.title = title
        self.count = len(elements)
        self._snapshot = Snapshot(elements)

    @property
    def elements(self):
        return self._snapshot.elements


class Snapshot(Persistent):
    def __init__(self, elements):
        self.elements = elements
