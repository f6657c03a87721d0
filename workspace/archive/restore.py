"""Reading a group's archive back into a site (the layout is in the package's docstring).

The whole group is built apart from the site first, every file read through bounded,
checked readers (`store.py`) and every field checked for its kind and size; only when all
of it is sound is the group added to the site (one event: the search index takes it as a
tree), its members' missing accounts made (without passwords: they choose one by a reset
or an invitation) and their roles granted. So a bad archive raises `ArchiveInvalid` and
changes nothing, with or without a transaction to abort.
"""
import csv
from datetime import datetime
import io
import json
import re

from ..content.board import MAX_BODY, MAX_REPLIES, MAX_TITLE, Board, Reply, Topic, reply_id
from ..content.document import Document, File, TooLarge, clean_filename, normalise_text
from ..content.events import notify
from ..content.group import ROLES, VISIBILITIES, Group, GroupCreated, grant_role
from ..content.ics import ICSInvalid, parse_ics
from ..content.ids import is_slug
from ..content.people import AccountCreated, Profile
from ..content.whiteboard import BadFile, TooManyElements, load_whiteboard
from ..content.whiteboard_format import WhiteboardFormatError, from_excalidraw
from . import FORMAT, FORMAT_VERSION, ArchiveInvalid, GroupImported
from .export import MEMBER_COLUMNS
from .store import open_archive

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


def import_group(site, source, actor, gid=None, file_limit=MAX_FILE):
    """Restore the archive at `source` (a folder or a .zip) into `site` as group `gid`
    (the archive's own id if None); returns the group. ArchiveInvalid, changing nothing,
    for an archive that is not whole and sound or a group id that is taken."""
    read = Checked(open_archive(source), file_limit)
    meta = read.json("group.json")
    if need(meta, "format", str, "group.json") != FORMAT or \
            need(meta, "format_version", int, "group.json") > FORMAT_VERSION:
        raise ArchiveInvalid("Not a group archive this version reads.", "group.json")
    gid = slug(gid or need(meta, "id", str, "group.json"), "group.json")
    if gid in site["groups"]:
        raise ArchiveInvalid(f"The site has a group {gid} already.", "group.json")
    visibility = need(meta, "visibility", str, "group.json")
    if visibility not in VISIBILITIES:
        raise ArchiveInvalid("Unknown visibility.", "group.json")
    group = Group(need(meta, "title", str, "group.json", limit=MAX_TITLE),
                  need(meta, "description", str, "group.json"), visibility)
    members = read_members(read)
    counts = {"documents": import_documents(read, group["documents"]),
              "topics": import_discussions(read, group["boards"]),
              "events": import_calendar(read, group["calendar"]),
              "whiteboards": import_whiteboards(read, group["whiteboards"])}
    site["groups"].add(gid, group)
    notify(GroupCreated(actor, group, visibility))
    people = site["people"]
    for row in members:
        profile = people.get(row["login"])
        if profile is None:
            profile = people.add(row["login"], Profile(row["login"], row["name"], row["email"]))
            profile.country, profile.organisation = row["country"], row["organisation"]
            notify(AccountCreated(actor, profile, "imported with a group"))
        grant_role(group, profile, row["role"], actor)
    counts["members"] = len(members)
    notify(GroupImported(actor, group, ", ".join(f"{n} {k}" for k, n in counts.items())))
    return group


def read_members(read):
    rows = list(csv.DictReader(io.StringIO(read.text("members.csv"))))
    if len(rows) > MAX_ITEMS:
        raise ArchiveInvalid("Too many members.", "members.csv")
    seen = set()
    for n, row in enumerate(rows, 2):
        where = f"members.csv line {n}"
        if set(row) != set(MEMBER_COLUMNS) or None in row.values():
            raise ArchiveInvalid(f"The columns are {', '.join(MEMBER_COLUMNS)}.", where)
        if not is_slug(row["login"]) or row["login"] in seen:
            raise ArchiveInvalid("Not a login, or a login twice.", where)
        if row["role"] not in ROLES or any(len(v) > 320 for v in row.values()):
            raise ArchiveInvalid("Unknown role, or a field too long.", where)
        seen.add(row["login"])
    return rows


def import_documents(read, documents):
    names = read.archive.names("documents")
    if len(names) > MAX_ITEMS:
        raise ArchiveInvalid("Too many documents.", "documents")
    for doc_id in names:
        where = f"documents/{slug(doc_id, f'documents/{doc_id}')}/history.json"
        history = read.json(where)
        kind = need(history, "kind", str, where)
        entries = need(history, "revisions", list, where, limit=MAX_ITEMS)
        if not entries or [need(e, "version", int, where) for e in entries] != \
                list(range(1, len(entries) + 1)):
            raise ArchiveInvalid("Revisions are numbered from 1, each once.", where)
        if kind == "document":
            item = restore_document(read, doc_id, entries, where)
        elif kind == "file":
            item = restore_file(read, doc_id, history, entries, where)
        else:
            raise ArchiveInvalid("Unknown kind.", where)
        item.created = moment(history, "created", where)
        documents.add(doc_id, item, send_events=False)
    return len(names)


def revision_fields(entry, where):
    return (login_of(entry, "author", where), need(entry, "comment", str, where),
            moment(entry, "date", where))


def restore_document(read, doc_id, entries, where):
    document = None
    for entry in entries:
        name = f"v{entry['version']:04d}.md"
        if need(entry, "file", str, where) != name:
            raise ArchiveInvalid(f"Revision {entry['version']} is in {name}.", where)
        body = normalise_text(read.text(f"documents/{doc_id}/{name}"))
        title = need(entry, "title", str, where, limit=MAX_TITLE)
        author, comment, date = revision_fields(entry, where)
        if document is None:
            document = Document(title, body, author, comment)
            revision = document.current()
        else:
            revision = document._append(title, body, author, comment,
                                        bool(need(entry, "merged", bool, where)))
        revision.comment, revision.date = comment, date
    return document


def restore_file(read, doc_id, history, entries, where):
    item = None
    for entry in entries:
        filename = clean_filename(need(entry, "filename", str, where, limit=255))
        name = f"v{entry['version']:04d}-{filename}"
        if need(entry, "file", str, where) != name:
            raise ArchiveInvalid(f"Version {entry['version']} is in {name}.", where)
        content_type = need(entry, "content_type", str, where, limit=300)
        if not CONTENT_TYPE_RE.match(content_type):
            raise ArchiveInvalid("Not a media type.", where)
        stream = io.BytesIO(read.archive.read(f"documents/{doc_id}/{name}", read.file_limit))
        author, comment, date = revision_fields(entry, where)
        try:
            if item is None:
                item = File(need(history, "title", str, where, limit=MAX_TITLE), stream,
                            filename, content_type, author, comment, read.file_limit)
                revision = item.current()
            else:
                revision = item.upload(stream, filename, content_type, author, item.version,
                                       comment, read.file_limit)
        except TooLarge:
            raise ArchiveInvalid("A version is larger than the limit.", where)
        revision.comment, revision.date, revision.content_type = comment, date, content_type
    return item


def post_fields(post, record, where):
    """Give a topic or reply the times, editor and earlier texts its record has."""
    post.created = moment(record, "created", where)
    post.modified = moment(record, "modified", where)
    post.modified_by = login_of(record, "modified_by", where)
    versions = []
    for version in need(record, "versions", list, where, limit=10_000):
        versions.append({"title": need(version, "title", str, where, True, MAX_TITLE),
                         "body": need(version, "body", str, where, limit=MAX_BODY),
                         "author": login_of(version, "author", where),
                         "date": moment(version, "date", where)})
    post.versions = tuple(versions)


def import_discussions(read, boards):
    count = 0
    for board_id in read.archive.names("discussions"):
        if board_id == "discussions.mbox":
            continue  # for mail programs: the threads are read from their JSON
        where = f"discussions/{slug(board_id, f'discussions/{board_id}')}/board.json"
        record = read.json(where)
        board = Board(need(record, "title", str, where, limit=MAX_TITLE),
                      need(record, "description", str, where),
                      login_of(record, "creator", where))
        board.created = moment(record, "created", where)
        topics = need(record, "topics", list, where, limit=MAX_ITEMS)
        for topic_id in topics:
            topic_where = f"discussions/{board_id}/{slug(topic_id, where)}.json"
            board.add(topic_id, restore_topic(read.json(topic_where), topic_where),
                      send_events=False)
        boards.add(board_id, board, send_events=False)
        count += len(topics)
    return count


def restore_topic(record, where):
    topic = Topic(need(record, "title", str, where, limit=MAX_TITLE),
                  need(record, "body", str, where, limit=MAX_BODY),
                  login_of(record, "author", where))
    post_fields(topic, record, where)
    topic.uid = need(record, "uid", str, where, limit=64)
    topic.locked = need(record, "locked", bool, where)
    topic.pinned = need(record, "pinned", bool, where)
    topic.last_seq = need(record, "last_seq", int, where)
    if not 0 <= topic.last_seq <= MAX_REPLIES:
        raise ArchiveInvalid("last_seq is out of range.", where)
    topic.last_activity, topic.last_author = topic.created, topic.author
    for reply_record in need(record, "replies", list, where, limit=MAX_REPLIES):
        name = need(reply_record, "id", str, where, limit=10)
        if not name.isdigit() or reply_id(int(name)) != name or int(name) > topic.last_seq \
                or name in topic:
            raise ArchiveInvalid(f"Reply {name[:10]} is not numbered as replies are.", where)
        reply = Reply(need(reply_record, "body", str, where, limit=MAX_BODY),
                      login_of(reply_record, "author", where))
        post_fields(reply, reply_record, where)
        topic.add(name, reply, send_events=False)
        if reply.created >= topic.last_activity:
            topic.last_activity, topic.last_author = reply.created, reply.author
    return topic


def import_calendar(read, calendar):
    try:
        events, orphans, withdrawn = parse_ics(read.archive.read("calendar/calendar.ics",
                                                                 MAX_JSON), "UTC")
    except ICSInvalid as exc:
        raise ArchiveInvalid(str(exc), "calendar/calendar.ics")
    if orphans or withdrawn:
        raise ArchiveInvalid("An archive's calendar has only whole events.",
                             "calendar/calendar.ics")
    where = "calendar/events.json"
    records = read.json(where)
    if not isinstance(records, list) or len(records) > MAX_ITEMS:
        raise ArchiveInvalid("Not a list of events.", where)
    if sorted(need(r, "uid", str, where, limit=600) for r in records) != sorted(events):
        raise ArchiveInvalid("The events are not those of calendar.ics.", where)
    for record in records:
        event = events[record["uid"]]
        event.author = login_of(record, "author", where)
        event.modified_by = login_of(record, "modified_by", where)
        event.created = moment(record, "created", where)
        event.modified = moment(record, "modified", where)
        event.sequence = need(record, "sequence", int, where)
        calendar.add(slug(need(record, "id", str, where, limit=64), where), event,
                     send_events=False)
    return len(records)


def read_board_scene(read, name):
    """(elements with the version each had, pictures) of an archive's .excalidraw file."""
    scene = read.json(name)
    try:
        elements, files = from_excalidraw(scene, with_files=True)
    except WhiteboardFormatError as exc:
        raise ArchiveInvalid(f"{exc} {json.dumps(exc.fields)[:300]}", name)
    given = {e.get("id"): e.get("version") for e in scene["elements"] if isinstance(e, dict)}
    for element in elements:
        version = given.get(element["id"])
        if isinstance(version, int) and not isinstance(version, bool) and 0 < version < 2 ** 53:
            element["version"] = version
    return elements, files


def import_whiteboards(read, whiteboards):
    count = 0
    for name in read.archive.names("whiteboards"):
        if not name.endswith(".json"):
            continue  # the .excalidraw, .svg and versions of each board are read by id
        wid = slug(name[:-5], f"whiteboards/{name}")
        where = f"whiteboards/{name}"
        record = read.json(where)
        meta = {"title": need(record, "title", str, where, limit=MAX_TITLE),
                "creator": login_of(record, "creator", where),
                "created": moment(record, "created", where),
                "modified": moment(record, "modified", where),
                "modified_by": login_of(record, "modified_by", where)}
        elements, files = read_board_scene(read, f"whiteboards/{wid}.excalidraw")
        versions = []
        entries = need(record, "versions", list, where, limit=MAX_ITEMS)
        for number, entry in enumerate(entries, 1):
            file_name = f"{wid}.versions/v{number}.excalidraw"
            if need(entry, "number", int, where) != number or \
                    need(entry, "file", str, where) != file_name:
                raise ArchiveInvalid(f"Version {number} is {file_name}.", where)
            snapshot, more = read_board_scene(read, f"whiteboards/{file_name}")
            files.update(more)
            versions.append((login_of(entry, "author", where), moment(entry, "date", where),
                             need(entry, "comment", str, where), need(entry, "automatic",
                                                                      bool, where),
                             need(entry, "seq", int, where),
                             need(entry, "title", str, where, limit=MAX_TITLE),
                             [dict(e, order=i) for i, e in enumerate(snapshot, 1)]))
        try:
            load_whiteboard(whiteboards, wid, meta, elements, files, versions)
        except (BadFile, TooManyElements) as exc:
            raise ArchiveInvalid(str(exc), where)
        count += 1
    return count
