"""A group's whole archive: written in open formats, read by ordinary programs (mbox by
Python's mailbox, the calendar by icalendar, CSV, Markdown, Excalidraw JSON, SVG), and
restored whole into a fresh site: export, import, export again gives the same files. A bad
archive is refused and changes nothing; the managers' download is a zip."""
from email.header import decode_header, make_header
import io
import json
import mailbox
import pathlib
import re
import zipfile
import xml.etree.ElementTree as ET

import icalendar
import pytest
import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from workspace.archive import ArchiveInvalid, export_group, import_group
from workspace.archive.store import FolderOut, ZipOut
from datetime import date, datetime, timezone

from workspace.content.board import Board, start_topic
from workspace.content.collection import (Resource, clean_fields, publish_resource,
                                          resource_file)
from workspace.content.document import Document, File
from workspace.content.ics import import_ics
from workspace.content.mail import change_mail_settings, set_delivery
from workspace.content.site import appmaker
from workspace.content.summary import publish_summary, save_summary, start_consultation
from workspace.content.trash import move_to_trash
from workspace.content.vocabulary import replace_terms, themes_of
from workspace.content.whiteboard_format import import_whiteboard

from test_foundation_cli import copy_ini, run

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def fill(group):
    """A group with something of every kind, edited the ways people edit."""
    docs = group["documents"]
    doc = docs.add("terms-of-reference", Document("Terms of reference", "# Aims\n\nOne.\n",
                                                  "manager", "First draft"))
    doc.save("Terms of reference", "# Aims\n\nOne.\n\nTwo: teachers' voice.\n", "member", 1,
             "Adds the second aim")
    doc.save("Terms of reference (agreed)", "# Aims\n\nOne.\n\nTwo: teachers' voice. ✓\n",
             "manager", 2, "")
    report = docs.add("census", File("Census 2026", io.BytesIO(b"%PDF-1.4 first"),
                                     "census.pdf", "application/pdf", "member"))
    report.upload(io.BytesIO(b"%PDF-1.4 second, corrected"), "census v2.pdf",
                  "application/pdf", "manager", 1, "Corrected table 3")
    board = group["boards"].add("general", Board("General", "Anything", "manager"))
    topic = start_topic(board, "induction", "Induction of new teachers",
                        "How long is **induction** where you are?", "member")
    topic.post_reply("Two terms, then a review.", "manager")
    topic.post_reply("From Apia: one year.\n\nFrom the start.", "observer")
    topic.edit("Induction of new teachers (2026)", "How long is **induction**?", "member")
    board.set_pinned(topic, True)
    calendar = group["calendar"]
    for name in ("apple.ics", "outlook.ics"):
        import_ics(calendar, (FIXTURES / "calendars" / name).read_bytes(), "member")
    scene = json.loads((FIXTURES / "excalidraw" / "workshop.excalidraw").read_text())
    wb = import_whiteboard(group["whiteboards"], scene, "member", "Workshop")
    wb.apply([{"op": "delete", "id": "box-3"}], "manager")
    wb.keep_version("manager", "Without the purple box")
    fill_library(group)


RESOURCE = {"type": "good-practice", "abstract": "Mentors for the first year.",
            "countries": ("ws", "fj"), "levels": ("primary",),
            "themes": ("teacher-voice", "curriculum"), "languages": ("en",), "year": 2025,
            "authors": ("L. Tuilagi", "A. Rao"), "publisher": "Ministry of Education",
            "url": "https://example.org/mentoring", "licence": "CC-BY-4.0",
            "review_by": date(2027, 6, 30)}


def fill_library(group):
    """A consultation with its summary (revised, citing replies, published to the web),
    Resources (one revised and public), mail settings and something in the trash."""
    site = group.__parent__.__parent__
    themes = themes_of(site)
    replace_terms(themes, list(themes) + [("teacher-voice", "Teacher voice")], "admin")
    board = group["boards"]["general"]
    consultation = start_consultation(
        board, "pay-scales", "Pay scales for new teachers — 2027", "What do new teachers earn?",
        "manager", reply_by=datetime(2026, 12, 20, 17, tzinfo=timezone.utc))
    consultation.post_reply("A starting scale, reviewed each year.", "member")
    consultation.post_reply("In Apia and Ōtautahi: the same as civil servants ✓\n\n"
                            "From the first day.", "observer")
    consultation.post_reply("Late: allowances for remote schools.", "member")
    summary = consultation.summary
    save_summary(summary, "Two answers: [[reply:1]] and [[reply:000002]].\n", "manager", 1,
                 "First draft")
    save_summary(summary, "Two answers: [[reply:1]] and [[reply:000002]]; remote schools "
                 "get more ([[reply:3]]).\n", "manager", 2, "Adds the late reply")
    publish_summary(summary, "manager", True, public=True)
    collection = group["collection"]
    mentoring = collection.add("mentoring", Resource(
        "Mentoring new teachers", "# Mentoring\n\nA year with a mentor.\n",
        clean_fields(RESOURCE), "member", "First record",
        resource_file(io.BytesIO(b"%PDF-1.4 mentoring"), "mentoring.pdf", "application/pdf")))
    mentoring.update("Mentoring new teachers (Samoa, Fiji)", "# Mentoring\n\nA year with "
                     "a mentor, then a review.\n", clean_fields(dict(RESOURCE, year=2026)),
                     "manager", 1, "Second edition")
    publish_resource(mentoring, "manager", True)
    mentoring.update(mentoring.title, mentoring.body, mentoring.fields, "manager", 2,
                     "The 2026 edition", resource_file(io.BytesIO(b"%PDF-1.4 mentoring 2026"),
                                                       "mentoring 2026.pdf", "application/pdf"))
    collection.add("induction-guide", Resource("Induction guide", "Steps.\n", clean_fields(
        {"type": "guide", "review_by": None}), "manager"))
    mail = group["mail"]
    change_mail_settings(mail, "manager", enabled=True, moderation="all", board="general")
    set_delivery(mail, "member", "daily")
    draft = group["documents"].add("old-notes", Document("Old notes", "x\n", "member"))
    move_to_trash(draft, "manager")


def export_to(group, folder):
    export_group(group, FolderOut(folder))
    return folder


def tree(folder):
    """{relative path: bytes} of every file under `folder`."""
    root = pathlib.Path(folder)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def restored_part(files):
    """An archive's files less the list of what its group had in the trash (an import
    lists it, not brings it back)."""
    return {name: data for name, data in files.items() if name != "trash.json"}


@pytest.fixture
def filled(site, cast):
    with site.open() as root:
        fill(root["groups"]["secret"])
    return site


@pytest.fixture
def fresh(tmp_path):
    """Another site, in a database of its own: the site an archive moves to."""
    storage = FileStorage(str(tmp_path / "fresh.fs"), blob_dir=str(tmp_path / "fresh-blobs"))
    db = ZODB.DB(storage)
    connection = db.open()
    yield appmaker(connection.root())
    transaction.abort()
    connection.close()
    db.close()


def test_export_import_export_gives_the_same_files(filled, fresh, tmp_path):
    with filled.open() as root:
        first = tree(export_to(root["groups"]["secret"], tmp_path / "first"))
    group = import_group(fresh, tmp_path / "first", "admin")
    transaction.commit()
    again = tree(export_to(group, tmp_path / "again"))
    assert sorted(first) == sorted(again)
    # The trash is listed, not brought back: the new site's trash starts empty.
    assert json.loads(first.pop("trash.json"))[0]["id"] == "old-notes"
    assert json.loads(again.pop("trash.json")) == []
    assert [name for name in first if first[name] != again[name]] == []
    assert len(first) > 20
    for part in ("collection/mentoring/v0002.md", "collection/mentoring/dublin-core.json",
                 "collection/mentoring/files/v0001-mentoring.pdf",
                 "collection/mentoring/files/v0003-mentoring 2026.pdf",
                 "summaries/general/pay-scales/v0003.md", "mail.json"):
        assert part in first


@pytest.fixture
def moved(filled, fresh, tmp_path):
    """The filled group, exported and imported into the fresh site."""
    with filled.open() as root:
        export_to(root["groups"]["secret"], tmp_path / "out")
    return import_group(fresh, tmp_path / "out", "admin")


def history_of(item):
    return [(r.version, r.author, r.comment) for r in reversed(item.history())]


def test_the_restored_group_is_whole(moved, fresh):
    group = moved
    doc = group["documents"]["terms-of-reference"]
    assert history_of(doc) == [
        (1, "manager", "First draft"), (2, "member", "Adds the second aim"), (3, "manager", "")]
    assert doc.body.endswith("voice. ✓\n") and doc.revision(1).body == "# Aims\n\nOne.\n"
    census = group["documents"]["census"]
    with census.current().open() as stream:
        assert stream.read() == b"%PDF-1.4 second, corrected"
    topic = group["boards"]["general"]["induction"]
    assert topic.pinned and len(topic) == 2 and topic.edited
    assert topic.history()[0]["title"] == "Induction of new teachers"
    assert len(group["calendar"]) == 3
    board = group["whiteboards"]["workshop"]
    assert len(board) == 17 and len(board.versions) == 2 and board.file("c0ffee0123456789abcdef")
    assert sorted(group.roles.items()) == [("manager", "manager"), ("member", "member"),
                                           ("observer", "observer")]
    assert fresh["people"]["member"].password_hash is None  # a reset sets one


def test_the_collection_summaries_and_mail_settings_are_restored(moved, fresh):
    group = moved
    mentoring = group["collection"]["mentoring"]
    assert history_of(mentoring) == [
        (1, "member", "First record"), (2, "manager", "Second edition"),
        (3, "manager", "The 2026 edition")]
    first, second, third = (mentoring.revision(n).file for n in (1, 2, 3))
    assert first is second and third is not first  # a kept file is one file, as before
    with first.open() as stream:
        assert stream.read() == b"%PDF-1.4 mentoring"
    with third.open() as stream:
        assert (third.filename, third.content_type, stream.read()) == (
            "mentoring 2026.pdf", "application/pdf", b"%PDF-1.4 mentoring 2026")
    assert group["collection"]["induction-guide"].file is None
    assert mentoring.revision(1).fields == clean_fields(RESOURCE)
    assert mentoring.fields["year"] == 2026 and mentoring.fields["review_by"] == \
        date(2027, 6, 30)
    assert mentoring.title == "Mentoring new teachers (Samoa, Fiji)" and mentoring.public
    assert "/groups/secret/collection/mentoring" in fresh["library"].public
    assert themes_of(fresh).label("teacher-voice") == "Teacher voice"
    assert group["collection"]["induction-guide"].fields["type"] == "guide"
    topic = group["boards"]["general"]["pay-scales"]
    assert topic.topic_kind == "consultation" and topic.reply_by == datetime(
        2026, 12, 20, 17, tzinfo=timezone.utc)
    summary = topic.summary
    assert summary.version == 3 and summary.published and summary.public
    assert summary.revision(2).body == "Two answers: [[reply:1]] and [[reply:000002]].\n"
    # every citation names the same reply, by its id, in the new site
    assert summary.cites() == ["000001", "000002", "000003"]
    assert [topic[r].body for r in summary.cites()][2] == "Late: allowances for remote schools."
    assert summary.stale() == [] and summary.new_since() == []
    assert "general/pay-scales" in group["collection"].summaries
    assert "/groups/secret/boards/general/pay-scales/summary" in fresh["library"].public
    mail = group["mail"]
    assert (mail.enabled, mail.moderation, mail.board) == (True, "all", "general")
    assert mail.delivery_of("member") == "daily" and mail.delivery_of("observer") == "each"
    assert len(group["trash"]) == 0 and "old-notes" not in group["documents"]


def test_ordinary_programs_read_the_archive(filled, tmp_path):
    with filled.open() as root:
        out = export_to(root["groups"]["secret"], tmp_path / "out")
    box = mailbox.mbox(str(out / "discussions" / "discussions.mbox"))
    messages = list(box)[:3]  # the induction thread (then the consultation's)
    assert [m["Subject"] for m in messages] == ["Induction of new teachers (2026)",
                                                "Re: Induction of new teachers (2026)"] + [
        "Re: Induction of new teachers (2026)"]
    assert messages[1]["In-Reply-To"] == messages[0]["Message-ID"]
    assert messages[2].get_payload(decode=True).decode() == \
        "From Apia: one year.\n\nFrom the start.\n"  # exactly, no ">From" quoting
    assert b"\n\nFrom manager@archive.invalid " in (
        out / "discussions" / "discussions.mbox").read_bytes()  # a blank line before each
    consultation = [m for m in box if m["Message-ID"].startswith("<" + uid_of(filled))]
    subject = str(make_header(decode_header(consultation[2]["Subject"])))
    assert subject == "Re: Pay scales for new teachers — 2027"
    text = consultation[2].get_payload(decode=True).decode(consultation[2].get_content_charset())
    assert text == "In Apia and Ōtautahi: the same as civil servants ✓\n\nFrom the first day.\n"
    assert consultation[2]["In-Reply-To"] == consultation[0]["Message-ID"]
    cal = icalendar.Calendar.from_ical((out / "calendar" / "calendar.ics").read_bytes())
    assert len({str(e["UID"]) for e in cal.walk("VEVENT")}) == 3
    assert (out / "members.csv").read_text().splitlines()[0] == \
        "login,name,email,country,organisation,role"
    assert "Two: teachers' voice." in (out / "documents" / "terms-of-reference" /
                                      "v0002.md").read_text()
    ET.parse(out / "whiteboards" / "workshop.svg")
    scene = json.loads((out / "whiteboards" / "workshop.excalidraw").read_text())
    assert scene["type"] == "excalidraw" and scene["files"]
    readme = (out / "README.html").read_text()
    for link in ("members.csv", "calendar/calendar.ics", "discussions/general/induction.md",
                 "documents/terms-of-reference/v0003.md", "whiteboards/workshop.svg"):
        assert f'href="{link}"' in readme
    for link in ("collection/mentoring/v0003.md", "collection/mentoring/dublin-core.json",
                 "collection/mentoring/files/v0003-mentoring%202026.pdf", "mail.json",
                 "summaries/general/pay-scales/summary.md", "collection/index.md",
                 "trash.json"):
        assert f'href="{link}"' in readme
    record = json.loads((out / "collection" / "mentoring" / "dublin-core.json").read_text())
    assert record["dc:title"] == "Mentoring new teachers (Samoa, Fiji)"
    assert record["dc:creator"] == ["L. Tuilagi", "A. Rao"]
    assert record["dc:coverage"] == ["Fiji", "Samoa"] and record["dc:date"] == "2026"
    assert record["dc:subject"] == ["Curriculum", "Teacher voice"]
    assert record["dc:identifier"] == ["collection/mentoring/", "https://example.org/mentoring"]
    read = (out / "summaries" / "general" / "pay-scales" / "summary.md").read_text()
    cited = re.findall(r"\]\((\.\./\.\./\.\./discussions/general/pay-scales\.md)#([a-z0-9-]+)\)",
                       read)
    thread = (out / "discussions" / "general" / "pay-scales.md").read_text()
    assert len(cited) == 3 and all(f'<a id="{anchor}"></a>' in thread for _, anchor in cited)
    assert (out / "summaries" / "general" / "pay-scales" / cited[0][0]).resolve() == \
        (out / "discussions" / "general" / "pay-scales.md").resolve()
    catalogue = json.loads((out / "catalogue.json").read_text())
    assert {r["dc:type"] for r in catalogue["records"]} >= {"Text", "Dataset", "Image",
                                                            "Event"}


def uid_of(site):
    with site.open() as root:
        return root["groups"]["secret"]["boards"]["general"]["pay-scales"].uid


def damage(folder, name, change):
    path = folder / name
    path.write_bytes(change(path.read_bytes()))


BAD = {
    "not json": ("group.json", lambda b: b"{nope"),
    "another format": ("group.json", lambda b: b.replace(b"workspace-group-archive", b"x")),
    "a name leaving the archive": ("documents/census/history.json",
                                   lambda b: b.replace(b'"v0001-census.pdf"', b'"../../x"')),
    "a file the index names missing": ("documents/terms-of-reference/history.json",
                                       lambda b: b.replace(b'"version": 3', b'"version": 4')),
    "a bad role": ("members.csv", lambda b: b.replace(b",observer", b",owner")),
    "a bad login": ("members.csv", lambda b: b.replace(b"observer,", b"Observer X,", 1)),
    "a broken calendar": ("calendar/calendar.ics", lambda b: b[:200]),
    "a bad element": ("whiteboards/workshop.excalidraw",
                      lambda b: re.sub(rb'"x": [-0-9.]+', b'"x": "left"', b, count=1)),
    "deep nesting": ("discussions/general/induction.json", lambda b: b"[" * 100_000),
    "a bad time": ("whiteboards/workshop.json",
                   lambda b: b.replace(b'"created": "', b'"created": "yesterday', 1)),
    "a summary of no consultation": ("discussions/general/pay-scales.json",
                                     lambda b: b.replace(b'"consultation"', b'"discussion"')),
    "an unknown country": ("collection/mentoring/history.json",
                           lambda b: b.replace(b'"ws"', b'"xx"')),
    "an unknown field": ("collection/mentoring/history.json",
                         lambda b: b.replace(b'"abstract":', b'"onload": 1, "abstract":', 1)),
    "a year that is text": ("collection/mentoring/history.json",
                            lambda b: b.replace(b'"year": 2026', b'"year": "2026"')),
    "a file out of its folder": ("collection/mentoring/history.json",
                                 lambda b: b.replace(b'"files/v0001-mentoring.pdf"',
                                                     b'"../../members.csv"')),
    "a missing file": ("collection/mentoring/history.json",
                       lambda b: b.replace(b'"files/v0001-mentoring.pdf"',
                                           b'"files/v0009-mentoring.pdf"')),
    "an unknown moderation": ("mail.json", lambda b: b.replace(b'"all"', b'"everyone"')),
    "a delivery of a stranger": ("mail.json", lambda b: b.replace(b'"member"', b'"zed"')),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_archive_is_refused_and_changes_nothing(filled, fresh, tmp_path, case):
    with filled.open() as root:
        out = export_to(root["groups"]["secret"], tmp_path / "out")
    name, change = BAD[case]
    damage(out, name, change)
    with pytest.raises(ArchiveInvalid):
        import_group(fresh, out, "admin")
    assert len(fresh["groups"]) == 0 and len(fresh["people"]) == 0


def test_a_taken_group_id_is_refused_and_another_may_be_given(filled, tmp_path):
    with filled.open() as root:
        export_to(root["groups"]["secret"], tmp_path / "out")
    with filled.open() as root:
        with pytest.raises(ArchiveInvalid, match="already"):
            import_group(root, tmp_path / "out", "admin")
        copy = import_group(root, tmp_path / "out", "admin", gid="secret-copy")
        assert copy.role_of("member") == "member"
        assert root["people"]["member"].groups["secret-copy"] == "member"


def test_a_zip_archive_imports_like_the_folder(filled, fresh, tmp_path):
    with filled.open() as root:
        first = tree(export_to(root["groups"]["secret"], tmp_path / "first"))
        with open(tmp_path / "secret.zip", "wb") as stream:
            export_group(root["groups"]["secret"], ZipOut(stream, "secret/"))
    group = import_group(fresh, tmp_path / "secret.zip", "admin")
    assert restored_part(tree(export_to(group, tmp_path / "again"))) == restored_part(first)


def test_a_zip_with_a_path_out_of_it_is_refused(fresh, tmp_path):
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as evil:
        evil.writestr("../group.json", "{}")
    with pytest.raises(ArchiveInvalid):
        import_group(fresh, tmp_path / "evil.zip", "admin")


def test_a_summary_citing_a_reply_that_is_gone_imports_as_it_was(filled, fresh, tmp_path):
    with filled.open() as root:
        topic = root["groups"]["secret"]["boards"]["general"]["pay-scales"]
        move_to_trash(topic["000003"], "manager")  # cited in the summary's latest version
        first = tree(export_to(root["groups"]["secret"], tmp_path / "first"))
    group = import_group(fresh, tmp_path / "first", "admin")
    summary = group["boards"]["general"]["pay-scales"].summary
    assert summary.cites() == ["000001", "000002", "000003"]
    assert summary.stale() == ["000003"] and "000003" not in summary.topic
    read = first["summaries/general/pay-scales/summary.md"].decode()
    assert "a reply no longer here" in read
    assert restored_part(tree(export_to(group, tmp_path / "again"))) == restored_part(first)


# --- the managers' download ------------------------------------------------------------

def test_managers_download_the_archive_as_a_zip(filled, cast):
    manager = cast.html("manager")
    settings = manager.get("/groups/secret/@@edit")
    link = settings.html.select_one(".archive-link a")["href"]
    response = manager.get(link)
    assert response.content_type == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="secret-archive.zip"'
    assert int(response.headers["Content-Length"]) == len(response.body)
    names = zipfile.ZipFile(io.BytesIO(response.body)).namelist()
    assert "secret/README.html" in names and "secret/calendar/calendar.ics" in names
    api = cast.api["manager"].get("/api/groups/secret/download")
    assert api.content_type == "application/zip"


@pytest.mark.parametrize("who, status", [("member", 403), ("observer", 403),
                                         ("outsider", 404), ("admin", 403)])
def test_only_managers_who_read_the_group_download_it(cast, who, status):
    cast.api[who].get("/api/groups/secret/download", status=status)
    if who != "outsider":
        page = cast.html(who).get("/groups/secret/@@edit", expect_errors=True)
        assert "archive-link" not in page.text


# --- the command line ------------------------------------------------------------------

def test_the_command_line_moves_a_group_to_a_fresh_site(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first_ini = copy_ini("development.ini", str(tmp_path / "one"))
    second_ini = copy_ini("development.ini", str(tmp_path / "two"))
    assert run(first_ini, "demo").returncode == 0
    done = run(first_ini, "export-group", "teacher-pathways", str(tmp_path / "a"), "-q")
    assert done.returncode == 0, done.stderr
    done = run(second_ini, "import-group", str(tmp_path / "a"))
    assert done.returncode == 0, done.stderr
    done = run(second_ini, "export-group", "teacher-pathways", str(tmp_path / "b.zip"), "-q")
    assert done.returncode == 0, done.stderr
    unpacked = tmp_path / "b"
    zipfile.ZipFile(tmp_path / "b.zip").extractall(unpacked)
    assert restored_part(tree(tmp_path / "a")) == \
        restored_part(tree(unpacked / "teacher-pathways"))
    again = run(second_ini, "import-group", str(tmp_path / "a"))
    assert again.returncode != 0 and "Nothing imported" in again.stderr
