"""Evolve steps: a site stored at an earlier generation is brought up to date, and what it
held before reads the same afterwards."""
from datetime import datetime, timezone

from BTrees.LOBTree import LOBTree
from persistent import Persistent
import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from workspace.content.document import Document, Revision
from workspace.content.evolve import evolve, latest_generation
from workspace.content.group import Group
from workspace.content.people import Profile
from workspace.content.site import appmaker
from workspace.content.throttle import LoginThrottle

OLD_GENERATION = 2  # before the trash record, tuple revisions, stored feed digests and
# the sharded audit log, failed logins kept out of the database


def open_db(path):
    return ZODB.DB(FileStorage(str(path / "Data.fs"), blob_dir=str(path / "blobs")))


def build_old_site(path, monkeypatch):
    """A site as generation 2 stored it: revisions pickled by attribute name, a trashed
    item with four loose attributes, a profile without its own feed digest, the audit
    log in one tree."""
    db = open_db(path)
    with monkeypatch.context() as patch:
        patch.setattr(Revision, "__getstate__", Persistent.__getstate__)
        conn = db.open()
        with transaction.manager:
            site = appmaker(conn.root())
            site.evolve_generation = OLD_GENERATION
            group = site["groups"].add("pathways", Group("Pathways"))
            doc = group["documents"].add("plan", Document("Plan", "one\n", "amara"))
            doc.save("Plan", "one\ntwo\n", "amara", 1, "more")
            old = group["documents"].add("old", Document("Old", "gone\n", "amara"))
            group["documents"].remove("old")
            old.trashed_from, old.trashed_id = "documents", "old"
            old.deleted, old.deleted_by = datetime(2026, 1, 2, tzinfo=timezone.utc), "amara"
            group["trash"].add("old", old, send_events=False)
            profile = site["people"].add("amara", Profile("amara", "Amara", "a@example.org"))
            profile.__dict__.pop("calendar_feed_digest", None)
            site.throttle = LoginThrottle()
            site.audit._entries = LOBTree({1_000: {"time": "2026-01-02T00:00:00+00:00",
                                                   "actor": "amara", "action": "login",
                                                   "object": "/people/amara",
                                                   "detail": ""}})
        conn.close()
    db.close()


def test_a_site_at_an_earlier_generation_evolves_and_reads_the_same(tmp_path, monkeypatch):
    build_old_site(tmp_path, monkeypatch)
    db = open_db(tmp_path)
    conn = db.open()
    with transaction.manager:
        site = appmaker(conn.root())
        assert site.evolve_generation == OLD_GENERATION
        assert evolve(site) == latest_generation() - OLD_GENERATION
    conn.close()
    db.close()

    db = open_db(tmp_path)
    conn = db.open()
    site = appmaker(conn.root())
    assert site.evolve_generation == latest_generation()
    doc = site["groups"]["pathways"]["documents"]["plan"]
    first, second = doc.revision(1), doc.revision(2)
    assert (first.body, second.body, second.comment) == ("one\n", "one\ntwo\n", "more")
    assert isinstance(Revision.__getstate__(second), tuple)
    assert not second._v_stored_by_name  # rewritten in the tuple form
    trashed = site["groups"]["pathways"]["trash"]["old"]
    assert trashed.trash_record == ("old", "documents",
                                    datetime(2026, 1, 2, tzinfo=timezone.utc), "amara")
    assert not hasattr(trashed, "trashed_from")
    assert "throttle" not in site.__dict__
    profile = site["people"]["amara"]
    profile._p_activate()
    assert profile.__dict__["calendar_feed_digest"] is None
    site.audit.record("amara", "logout", "/people/amara")
    assert [e["action"] for e in site.audit.newest()] == ["logout", "login"]
    transaction.abort()
    conn.close()
    db.close()


def test_revisions_stored_by_name_still_read_before_evolving(tmp_path, monkeypatch):
    build_old_site(tmp_path, monkeypatch)
    db = open_db(tmp_path)
    conn = db.open()
    revision = appmaker(conn.root())["groups"]["pathways"]["documents"]["plan"].revision(2)
    assert revision.body == "one\ntwo\n" and revision.author == "amara"
    assert revision._v_stored_by_name
    conn.close()
    db.close()
