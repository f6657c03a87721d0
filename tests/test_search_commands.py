"""`workspace check`, `reindex`, `backup`, `restore`, and the index's start-up repair.

The site here is a copied testing.ini (synchronous indexing) in a temp folder; commands
run as real subprocesses while the app holds the database open, as when serving.
"""
import os
import shutil
import subprocess
import sys

import pytest
import transaction
from whoosh import index as whoosh_index
from webtest import TestApp

from helpers import Site, copy_ini
from workspace import main
from workspace.content.document import Document
from workspace.search.queue import state_of
from workspace.search.schema import make_schema, text_analyzer

WORKSPACE = os.path.join(os.path.dirname(sys.executable), "workspace")


@pytest.fixture
def ini(tmp_path):
    return copy_ini("testing.ini", str(tmp_path))


def start(ini):
    from plaster import get_settings
    return main({"__file__": ini, "here": os.path.dirname(ini)},
                **get_settings(ini, "app:main"))


def stop(app):
    for db in app.registry._zodb_databases.values():
        db.close()


def run(ini, *args):
    return subprocess.run([WORKSPACE, "-c", ini, *args], capture_output=True, text=True,
                          timeout=300)


def populate(app, count=3):
    site = Site(app)
    site.add_user("member")
    site.add_group("g", "private", {"member": "member"})
    with site.open() as root:
        for n in range(count):
            root["groups"]["g"]["documents"].add(f"d{n}", Document(
                f"Doc {n}", f"heronword number{n}", "member"))
    return site


def found(app, site, q):
    client = TestApp(app, extra_environ={"HTTP_AUTHORIZATION":
                                         f"Bearer {site.token_for('member')}"})
    return client.get("/api/search", params={"q": q}).json["total"]


def current_index(tmp_path):
    directory = tmp_path / "var-test" / "index"
    return whoosh_index.open_dir(str(directory / (directory / "CURRENT").read_text()))


def drop_from_index(tmp_path, path):
    writer = current_index(tmp_path).writer()
    writer.delete_by_term("path", path)
    writer.commit()


def test_check_passes_then_lists_drift_and_reindex_repairs_it_while_serving(ini, tmp_path):
    app = start(ini)
    try:
        site = populate(app)
        assert run(ini, "check").returncode == 0
        drop_from_index(tmp_path, "/groups/g/documents/d1")
        result = run(ini, "check")
        assert result.returncode == 1
        assert "missing from the index: /groups/g/documents/d1" in result.stdout
        result = run(ini, "reindex")
        assert result.returncode == 0, result.stderr
        assert "Indexed 5 items" in result.stdout  # 3 documents, 1 group, 1 profile
        assert "indexing" in result.stderr  # the progress bar
        assert run(ini, "check").returncode == 0
        assert found(app, site, "number1") == 1  # the site reads the new generation
        with site.open() as root:  # and its indexer writes to it
            root["groups"]["g"]["documents"].add("late", Document("Late", "latebird", "member"))
        assert found(app, site, "latebird") == 1
        assert run(ini, "check").returncode == 0
    finally:
        stop(app)


def test_check_reports_stale_and_extra_entries(ini, tmp_path):
    app = start(ini)
    try:
        populate(app)
        writer = current_index(tmp_path).writer()
        writer.update_document(path="/groups/g/documents/d0", fingerprint="old", group="g",
                               type="document", title="Doc 0", text="x")
        writer.update_document(path="/groups/g/documents/ghost", fingerprint="x", group="g",
                               type="document", title="Ghost", text="boo")
        writer.commit()
        result = run(ini, "check")
        assert result.returncode == 1
        assert "stale in the index: /groups/g/documents/d0" in result.stdout
        assert "in the index but not in the database: /groups/g/documents/ghost" in result.stdout
    finally:
        stop(app)


def test_start_up_reconciles_an_index_that_missed_changes(ini, tmp_path):
    app = start(ini)
    populate(app)
    stop(app)
    drop_from_index(tmp_path, "/groups/g/documents/d2")
    app = start(ini)
    try:
        assert found(app, Site(app), "number2") == 1
        assert run(ini, "check").returncode == 0
    finally:
        stop(app)


@pytest.mark.parametrize("damage", ["delete_generation", "garbage_toc", "older_layout"])
def test_start_up_rebuilds_an_index_that_cannot_be_opened(ini, tmp_path, damage):
    """...or was built by older code (here: words not yet indexed per group)."""
    app = start(ini)
    populate(app)
    stop(app)
    directory = tmp_path / "var-test" / "index"
    generation = directory / (directory / "CURRENT").read_text()
    if damage == "delete_generation":
        shutil.rmtree(generation)
    elif damage == "older_layout":
        shutil.rmtree(generation)
        generation.mkdir()
        schema = make_schema()
        for name in ("title", "text"):
            schema[name].analyzer = text_analyzer()
        whoosh_index.create_in(str(generation), schema)
    else:
        for toc in generation.glob("_MAIN_*.toc"):
            toc.write_bytes(b"not a whoosh table of contents")
    app = start(ini)
    try:
        assert found(app, Site(app), "heronword") == 3
    finally:
        stop(app)


def test_index_task_is_queued_in_the_same_transaction_as_the_change(ini):
    app = start(ini)
    try:
        site = populate(app, count=0)
        db = app.registry._zodb_databases[""]
        tm = transaction.TransactionManager(explicit=True)
        conn = db.open(transaction_manager=tm)
        from pyramid.threadlocal import manager
        manager.push({"registry": app.registry, "request": None})
        try:
            tm.begin()
            root = conn.root()
            docs = root["workspace"]["groups"]["g"]["documents"]
            docs.add("draft", Document("Draft", "abortedword", "member"))
            tasks = list(state_of(root).tasks.values())
            assert ("tree", "/groups/g/documents/draft") in tasks
            tm.abort()
            assert ("tree", "/groups/g/documents/draft") not in list(
                state_of(conn.root()).tasks.values())
        finally:
            manager.pop()
            conn.close()
        assert found(app, site, "abortedword") == 0
    finally:
        stop(app)


def test_backup_while_serving_and_restore_bring_back_database_blobs_and_index(ini, tmp_path):
    import io
    from workspace.content.document import File
    app = start(ini)
    try:
        site = populate(app)
        with site.open() as root:
            root["groups"]["g"]["documents"].add("f", File(
                "Upload", io.BytesIO(b"blobword inside a text file"), "note.txt",
                "text/plain", "member"))
        result = run(ini, "backup", str(tmp_path / "backup"))
        assert result.returncode == 0, result.stderr
        with site.open() as root:
            root["groups"]["g"]["documents"].add("after", Document("After", "afterword",
                                                                   "member"))
        assert run(ini, "restore", str(tmp_path / "backup")).returncode == 1  # serving
    finally:
        stop(app)
    result = run(ini, "restore", str(tmp_path / "backup"))
    assert result.returncode == 0, result.stderr
    assert run(ini, "check").returncode == 0
    app = start(ini)
    try:
        site = Site(app)
        assert found(app, site, "afterword") == 0
        assert found(app, site, "blobword") == 1
        assert found(app, site, "heronword") == 3
        with site.open() as root:
            revision = root["groups"]["g"]["documents"]["f"].current()
            with revision.blob.open("r") as f:
                assert f.read() == b"blobword inside a text file"
    finally:
        stop(app)
    assert list((tmp_path / "var-test").glob("Data.fs.before-restore-*"))


def test_backup_refuses_a_folder_that_is_not_empty(ini, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    assert run(ini, "backup", str(tmp_path / "full")).returncode == 1
    assert run(ini, "restore", str(tmp_path)).returncode == 1


class Broken:
    """A kind whose search_data fails, as a bug in a new kind would."""

    def search_data(self):
        raise RuntimeError("broken kind")


def test_a_failing_kind_does_not_stop_the_queue_behind_it(ini):
    from persistent import Persistent

    class BrokenItem(Broken, Persistent):
        pass
    globals()["BrokenItem"] = BrokenItem  # picklable by name within this test run
    BrokenItem.__module__, BrokenItem.__qualname__ = __name__, "BrokenItem"
    app = start(ini)
    try:
        site = populate(app, count=0)
        with site.open() as root:
            docs = root["groups"]["g"]["documents"]
            docs.add("bad", BrokenItem())
            docs.add("good", Document("Good", "afterbroken", "member"))
        assert found(app, site, "afterbroken") == 1
        from workspace.search import indexer_of
        assert indexer_of(app.registry).queue_length() == 0
    finally:
        stop(app)


def test_check_agrees_on_uploaded_files_whether_or_not_their_blobs_are_loaded(ini):
    import io
    from workspace.content.document import File
    app = start(ini)
    try:
        site = populate(app, count=0)
        with site.open() as root:
            root["groups"]["g"]["documents"].add("csv", File(
                "Figures", io.BytesIO(b"country,hours\nGuyana,3\n"), "hours.csv", "text/csv",
                "member"))
        assert found(app, site, "guyana") == 1
        result = run(ini, "check")
        assert result.returncode == 0, result.stdout
    finally:
        stop(app)
