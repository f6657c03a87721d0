"""Documents and files of a group, each versioned: every save adds an immutable revision.

Storage grows with the size of a change, not the size of the document. A document's text
is cut into small persistent `Chunk`s at content-defined line boundaries, and a revision
holds a tuple of references to them: a save creates chunks only for the paragraphs that
changed and shares every other chunk with the revision before it. A save writes the new
chunks, one small `Revision` and one bucket of the document's revision BTree; it never
writes the `Document` itself, its folder or its group, so saves of different documents
never conflict. Concurrent saves of one document merge three-way with `merge3`.

Files keep each uploaded version as a ZODB blob in a `FileRevision`.
"""
from datetime import datetime, timedelta, timezone
import mimetypes
import os
import re
import zlib

from BTrees.IOBTree import IOBTree
import merge3
from persistent import Persistent
from ZODB.blob import Blob

from .events import ObjectModified, notify
from .folder import Folder
from .text import render_markdown

# A chunk ends after a line with a probability of len(line) / CHUNK_TARGET, decided by the
# line's own hash: boundaries depend only on the lines at them, never on where the chunk
# started, so an edit changes one chunk (or two) and never shifts the boundaries after it.
# Chunks are grouped into pages the same way, so a revision refers to a few pages and an
# edit writes one new chunk, one new page and a small revision.
CHUNK_TARGET = 768
MAX_CHUNK = 2048
PAGE_MASK = 7
MAX_PAGE = 32  # rare (1 page in 70): a forced cut disturbs only the next page or two


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)


def now():
    return datetime.now(timezone.utc)


def normalise_text(text):
    """One newline convention, and a newline at the end of any text that is not empty,
    so that diffs and merges see lines (browsers and editors disagree on both)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return text if not text or text.endswith("\n") else text + "\n"


def _hash(text):
    return zlib.crc32(text.encode("utf-8"))


def split_chunks(text):
    """The text cut into pieces whose concatenation is the text, at content-defined lines."""
    pieces, current, size = [], [], 0
    for line in text.splitlines(keepends=True):
        while len(line) > MAX_CHUNK:  # a huge line: cut it at fixed widths
            if current:
                pieces.append("".join(current))
                current, size = [], 0
            pieces.append(line[:MAX_CHUNK])
            line = line[MAX_CHUNK:]
        current.append(line)
        size += len(line)
        if size >= MAX_CHUNK or _hash(line) % CHUNK_TARGET < len(line):
            pieces.append("".join(current))
            current, size = [], 0
    if current:
        pieces.append("".join(current))
    return pieces


class Chunk(Persistent):
    """A piece of text, compressed, shared by every revision that contains it; immutable."""

    def __init__(self, text):
        self.data = zlib.compress(text.encode("utf-8"), 6)

    @property
    def text(self):
        return zlib.decompress(self.data).decode("utf-8")


class Page(Persistent):
    """A run of chunks, shared by every revision that contains the same run; immutable."""

    def __init__(self, chunks):
        self.chunks = tuple(chunks)

    def texts(self):
        return [chunk.text for chunk in self.chunks]


def build_pages(texts, previous_pages):
    """Pages holding chunks for `texts`, reusing `previous_pages` and their chunks."""
    old_chunks = {}
    old_pages = {}
    for page in previous_pages:
        old_pages[tuple(id(chunk) for chunk in page.chunks)] = page
        for chunk, text in zip(page.chunks, page.texts()):
            old_chunks[text] = chunk
    pages, run = [], []
    for text in texts:
        chunk = old_chunks.get(text)
        if chunk is None:
            chunk = old_chunks[text] = Chunk(text)
        run.append(chunk)
        if len(run) >= MAX_PAGE or _hash(text) & PAGE_MASK == 0:
            pages.append(run)
            run = []
    if run:
        pages.append(run)
    return tuple(old_pages.get(tuple(id(chunk) for chunk in run)) or Page(run)
                 for run in pages)


class RevisionTree(IOBTree):
    """Revisions by number, in small nodes: adding one rewrites a few hundred bytes, and a
    split rewrites small nodes too (the default inner node holds up to 500 children)."""

    max_leaf_size = 8
    max_internal_size = 16


class Revision(Persistent):
    """One immutable version of a document: title, text (as pages), who, when and why."""

    def __init__(self, version, title, pages, author, comment="", merged=False):
        self.version = version
        self.title = title
        self.pages = tuple(pages)
        self.author = author
        self.date = now()
        self.comment = comment
        self.merged = merged

    # The state is a tuple, time in microseconds: a revision is written once per save, and
    # attribute names and a pickled datetime would be a fifth of its size.
    def __getstate__(self):
        return (self.version, self.title, self.pages, self.author,
                (self.date - EPOCH) // MICROSECOND, self.comment, self.merged)

    def __setstate__(self, state):
        if isinstance(state, dict):  # written before generation 4: attributes by name
            self.__dict__.update(state)
            self._v_stored_by_name = True
            return
        (self.version, self.title, self.pages, self.author, micros, self.comment,
         self.merged) = state
        self.date = EPOCH + micros * MICROSECOND

    @property
    def body(self):
        body = self._v_body
        if body is None:
            body = self._v_body = "".join(text for page in self.pages for text in page.texts())
        return body

    @property
    def html(self):
        """Sanitised HTML of this revision, cached in memory (a revision never changes)."""
        html = self._v_html
        if html is None:
            html = self._v_html = render_markdown(self.body)
        return html

    _v_body = _v_html = None
    _v_stored_by_name = False


class EditConflict(Exception):
    """A save overlaps changes others saved since its base version; nothing was saved.

    Carries the current revision, the refused title and text, and the text with both
    sides of each overlap marked, for the person to reconcile.
    """

    def __init__(self, current, title, body, marked):
        super().__init__(f"conflicts with version {current.version}")
        self.current, self.title, self.body, self.marked = current, title, body, marked


class UnknownVersion(KeyError):
    """A version number that this document or file does not have."""


def merge_texts(base, mine, theirs):
    """Three-way merge of line texts: (merged text, True) or (text with markers, False)."""
    lines = [normalise_text(t).splitlines(keepends=True) for t in (base, mine, theirs)]
    merger = merge3.Merge3(lines[0], lines[1], lines[2])
    clean = all(region[0] != "conflict" for region in merger.merge_regions())
    merged = "".join(merger.merge_lines(name_a="your version", name_b="saved meanwhile",
                                        start_marker="<<<<<<<", mid_marker="=======",
                                        end_marker=">>>>>>>"))
    return merged, clean


class Versioned(Persistent):
    """What documents and files share: revisions by number, newest is current."""

    __parent__ = None
    __name__ = None

    def __init__(self):
        self.revisions = RevisionTree()
        self.created = now()

    @property
    def version(self):
        return self.revisions.maxKey()

    def current(self):
        return self.revisions[self.revisions.maxKey()]

    def revision(self, version):
        try:
            return self.revisions[int(version)]
        except (KeyError, ValueError, TypeError, OverflowError):
            raise UnknownVersion(version)

    def history(self, limit=None, before=None):
        """Revisions newest first: at most `limit` of them, older than version `before`."""
        keys = self.revisions.keys(max=before, excludemax=True) if before else \
            self.revisions.keys()
        count = len(keys) if limit is None else min(limit, len(keys))
        return [self.revisions[keys[len(keys) - 1 - n]] for n in range(count)]

    @property
    def title(self):
        return self.current().title

    @property
    def modified(self):
        return self.current().date

    @property
    def modified_by(self):
        return self.current().author

    @property
    def creator(self):
        return self.revisions[self.revisions.minKey()].author


class Document(Versioned):
    """A Markdown document co-edited by a group."""

    kind = "document"

    def __init__(self, title, body, author, comment=""):
        super().__init__()
        self._append(title, normalise_text(body), author, comment or "Created")

    @property
    def body(self):
        return self.current().body

    def _append(self, title, body, author, comment, merged=False, reuse=()):
        """Add a revision, reusing the chunks the current one (and `reuse`) already has."""
        previous = self.current().pages if len(self.revisions) else ()
        pages = build_pages(split_chunks(body), tuple(reuse) + previous)
        version = (self.version + 1) if len(self.revisions) else 1
        revision = Revision(version, title, pages, author, comment, merged)
        self.revisions[version] = revision
        return revision

    def save(self, title, body, author, base_version, comment=""):
        """Save a new version based on `base_version`; returns (revision, merged).

        When others saved since `base_version`, their changes and these merge three-way;
        overlapping changes raise `EditConflict` and save nothing. A save that changes
        nothing adds no version and returns the current revision.
        """
        body = normalise_text(body)
        current = self.current()
        title = title if title is not None else current.title
        merged = False
        if int(base_version) != current.version:
            base = self.revision(base_version)
            new_body, clean = merge_texts(base.body, body, current.body)
            title_clash = title not in (base.title, current.title) and (
                current.title != base.title)
            if not clean or title_clash:
                raise EditConflict(current, title, body, new_body)
            if title == base.title:
                title = current.title
            body, merged = new_body, True
        if body == current.body and title == current.title:
            return current, False
        revision = self._append(title, body, author, comment, merged)
        notify(ObjectModified(self))
        return revision, merged

    def revert(self, version, author, comment=""):
        """Add a new revision equal to `version`; history is never rewritten."""
        old = self.revision(version)
        revision = self._append(old.title, old.body, author,
                                comment or f"Reverted to version {old.version}",
                                reuse=old.pages)
        notify(ObjectModified(self))
        return revision

    def search_data(self):
        current = self.current()
        return {"type": "document", "title": current.title, "text": current.body,
                "author": current.author, "modified": current.date}


# Uploaded files ------------------------------------------------------------------------

class TooLarge(Exception):
    """An upload over the size limit; nothing was stored."""


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def clean_filename(filename):
    """The base name the uploader's client sent, without paths or control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub(" ", name).strip()[:200]
    return name or "upload"


def extension_of(filename):
    ext = os.path.splitext(filename)[1].lower().lstrip(".")
    return ext if re.fullmatch(r"[a-z0-9]{1,8}", ext) else ""


def guess_content_type(filename, given=None):
    given = (given or "").split(";")[0].strip().lower()
    if given and given != "application/octet-stream" and re.fullmatch(r"[\w.+-]+/[\w.+-]+",
                                                                         given):
        return given
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


class FileRevision(Persistent):
    """One uploaded version of a file: its blob, name, type, size, who, when and why."""

    def __init__(self, version, blob, filename, content_type, size, author, comment=""):
        self.version = version
        self.blob = blob
        self.filename = filename
        self.content_type = content_type
        self.size = size
        self.author = author
        self.date = now()
        self.comment = comment

    def open(self):
        return self.blob.open("r")


def blob_from(stream, limit):
    """A new Blob holding `stream`'s bytes and their count; TooLarge past `limit` bytes."""
    blob = Blob()
    size = 0
    with blob.open("w") as out:
        while True:
            data = stream.read(1 << 20)
            if not data:
                break
            size += len(data)
            if limit is not None and size > limit:
                raise TooLarge(size)
            out.write(data)
    return blob, size


class File(Versioned):
    """An uploaded file (PDF, DOCX, image, anything); uploading again adds a version."""

    kind = "file"

    def __init__(self, title, stream, filename, content_type, author, comment="",
                 limit=None):
        super().__init__()
        self._title = title
        self.upload(stream, filename, content_type, author, None, comment or "Uploaded",
                    limit)

    @property
    def title(self):
        return self._title

    def upload(self, stream, filename, content_type, author, base_version, comment="",
               limit=None):
        """Store a new version from `stream`. `base_version` must be the current version
        (files cannot merge): a stale one raises EditConflict; over `limit` TooLarge."""
        if len(self.revisions) and int(base_version) != self.version:
            raise EditConflict(self.current(), self._title, None, None)
        filename = clean_filename(filename)
        blob, size = blob_from(stream, limit)
        version = (self.version + 1) if len(self.revisions) else 1
        revision = FileRevision(version, blob, filename,
                                guess_content_type(filename, content_type), size, author,
                                comment)
        self.revisions[version] = revision
        if version > 1:
            notify(ObjectModified(self))
        return revision

    def search_data(self):
        current = self.current()
        return {"type": "file", "title": self._title, "text": current.filename,
                "author": current.author, "modified": current.date,
                "attachment": (current.blob, current.filename, current.content_type)}


class Documents(Folder):
    """A group's documents and uploaded files."""

    def documents_and_files(self):
        """Items newest change first."""
        return sorted(self.values(), key=lambda item: item.modified, reverse=True)


def compact_revisions(site):
    """Evolve step: rewrite every document revision stored by name (a dict) in the tuple
    form, a fifth of the size; reading the old form keeps working either way."""
    for group in site["groups"].values():
        for folder in (group["documents"], group["trash"]):
            for item in folder.values():
                if isinstance(item, Document):
                    for revision in item.revisions.values():
                        revision._p_activate()
                        if revision._v_stored_by_name:
                            revision._p_changed = True
