"""Unit tests of the revision store and the merge, on a real FileStorage, no web."""
import io
import os

import pytest
import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from workspace.content.document import (
    Document, EditConflict, File, TooLarge, UnknownVersion, merge_texts, split_chunks)
from workspace.content.group import Group

PARAGRAPH = ("Ministries compare routes into teaching, induction and mentoring for new "
             "teachers across the region.\n")


def big_text(paragraphs=1200):
    return "".join(f"{n}. {PARAGRAPH}" + ("\n" if n % 4 == 0 else "")
                   for n in range(paragraphs))


@pytest.fixture
def db(tmp_path):
    database = ZODB.DB(FileStorage(str(tmp_path / "Data.fs"),
                                   blob_dir=str(tmp_path / "blobs")))
    yield database
    database.close()


@pytest.fixture
def conn(db):
    tm = transaction.TransactionManager(explicit=True)
    connection = db.open(transaction_manager=tm)
    with tm:
        connection.root()["group"] = Group("Pathways")
    yield connection
    connection.close()


def add_document(conn, name="plan", body="Hello\n"):
    with conn.transaction_manager:
        doc = Document("Plan", body, "amara", "first")
        conn.root()["group"]["documents"].add(name, doc, send_events=False)
    return doc


def test_chunks_concatenate_to_the_text_and_depend_on_content():
    text = big_text()
    chunks = split_chunks(text)
    assert "".join(chunks) == text
    assert len(chunks) > 10
    edited = text.replace("600. Ministries", "600. Most ministries")
    new_chunks = split_chunks(edited)
    assert len(set(new_chunks) - set(chunks)) <= 2


def test_a_line_longer_than_a_chunk_is_kept_whole():
    text = "x" * 10_000 + "\nend\n"
    assert "".join(split_chunks(text)) == text


def test_every_version_reads_back_exactly(conn):
    doc = add_document(conn, body=big_text(200))
    bodies = [doc.body]
    for n in range(1, 30):
        body = bodies[-1].replace(f"\n{n * 5}. Ministries", f"\n{n * 5}. Edited ministries")
        with conn.transaction_manager:
            doc.save(None, body, "rohan", doc.version, f"edit {n}")
        bodies.append(body)
    with conn.transaction_manager:  # read what the storage holds, not what is cached
        conn.cacheMinimize()
        for version, body in enumerate(bodies, start=1):
            assert doc.revision(version).body == body
        assert doc.version == 30 and doc.history()[0].comment == "edit 29"


def test_a_one_line_edit_shares_almost_every_chunk_with_the_version_before(conn):
    doc = add_document(conn, body=big_text())
    before = doc.current()
    body = before.body.replace("700. Ministries", "700. Most ministries")
    with conn.transaction_manager:
        doc.save(None, body, "rohan", 1)
    after = doc.current()
    old_chunks = {id(c) for page in before.pages for c in page.chunks}
    new_chunks = [c for page in after.pages for c in page.chunks]
    assert sum(id(c) not in old_chunks for c in new_chunks) <= 2
    assert sum(p not in before.pages for p in after.pages) <= 2


def test_a_one_line_edit_of_a_100kb_document_adds_at_most_4kb(conn, tmp_path):
    text = big_text()
    assert len(text) > 100_000
    doc = add_document(conn, body=text)
    path = os.path.join(tmp_path, "Data.fs")
    growth = []
    for n in range(1, 21):
        text = text.replace(f"\n{n * 50}. Ministries", f"\n{n * 50}. The ministries")
        size = os.path.getsize(path)
        with conn.transaction_manager:
            doc.save(None, text, "rohan", doc.version, "one line")
        growth.append(os.path.getsize(path) - size)
    assert max(growth) <= 4096, growth


def test_saving_never_writes_the_group_or_the_documents_folder(conn):
    doc = add_document(conn)
    group = conn.root()["group"]
    tm = conn.transaction_manager
    tm.begin()
    doc.save(None, "Changed\n", "rohan", 1)
    written = list(conn._registered_objects)
    tm.commit()
    assert group not in written and group["documents"] not in written
    assert group["documents"]._items not in written
    assert doc not in written  # the document object itself is not rewritten either


def test_two_people_saving_different_documents_never_conflict(db, conn):
    add_document(conn, "one")
    add_document(conn, "two")
    tm1, tm2 = transaction.TransactionManager(True), transaction.TransactionManager(True)
    c1, c2 = db.open(transaction_manager=tm1), db.open(transaction_manager=tm2)
    try:
        tm1.begin()
        tm2.begin()
        d1 = c1.root()["group"]["documents"]["one"]
        d2 = c2.root()["group"]["documents"]["two"]
        d1.save(None, "By amara\n", "amara", 1)
        d2.save(None, "By rohan\n", "rohan", 1)
        tm1.commit()
        tm2.commit()  # a ConflictError here would fail the test
    finally:
        c1.close()
        c2.close()
    conn.sync()
    docs = conn.root()["group"]["documents"]
    assert docs["one"].body == "By amara\n" and docs["two"].body == "By rohan\n"


def test_merge_of_non_overlapping_changes_keeps_both():
    base = "a\nb\nc\nd\ne\n"
    merged, clean = merge_texts(base, "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n")
    assert clean and merged == "A\nb\nc\nd\nE\n"


def test_merge_of_overlapping_changes_marks_both_sides():
    merged, clean = merge_texts("a\nb\nc\n", "a\nmine\nc\n", "a\ntheirs\nc\n")
    assert not clean
    assert merged == ("a\n<<<<<<< your version\nmine\n=======\ntheirs\n"
                      ">>>>>>> saved meanwhile\nc\n")


def test_save_from_an_old_base_merges_and_says_so(conn):
    doc = add_document(conn, body="one\ntwo\nthree\nfour\nfive\n")
    with conn.transaction_manager:
        doc.save(None, "ONE\ntwo\nthree\nfour\nfive\n", "rohan", 1)
        revision, merged = doc.save(None, "one\ntwo\nthree\nfour\nFIVE\n", "amara", 1)
    assert merged and revision.merged and revision.version == 3
    assert doc.body == "ONE\ntwo\nthree\nfour\nFIVE\n"


def test_overlapping_save_raises_and_saves_nothing(conn):
    doc = add_document(conn, body="one\ntwo\nthree\n")
    with conn.transaction_manager:
        doc.save(None, "one\nTWO\nthree\n", "rohan", 1)
    with pytest.raises(EditConflict) as info:
        doc.save(None, "one\n2\nthree\n", "amara", 1)
    assert info.value.current.version == 2 and info.value.body == "one\n2\nthree\n"
    assert "TWO" in info.value.marked and "2\n" in info.value.marked
    assert doc.version == 2


def test_title_changes_merge_unless_both_renamed_differently(conn):
    doc = add_document(conn, body="x\ny\nz\n")
    with conn.transaction_manager:
        doc.save("Plan 2027", "x\ny\nz\n", "rohan", 1)
        doc.save(None, "x\ny\nZ\n", "amara", 1)
    assert doc.title == "Plan 2027" and doc.body == "x\ny\nZ\n"
    with pytest.raises(EditConflict):
        doc.save("Plan 2028", "x\ny\nZ\n", "amara", 1)


def test_unchanged_save_adds_no_version(conn):
    doc = add_document(conn, body="same\n")
    with conn.transaction_manager:
        revision, merged = doc.save(None, "same", "rohan", 1)
    assert revision.version == 1 and doc.version == 1 and not merged


def test_revert_adds_a_version_equal_to_the_old_one(conn):
    doc = add_document(conn, body="first\n")
    with conn.transaction_manager:
        doc.save("Renamed", "second\n", "rohan", 1)
        revision = doc.revert(1, "amara")
    assert revision.version == 3 and doc.body == "first\n" and doc.title == "Plan"
    assert doc.revision(2).body == "second\n"
    assert revision.comment == "Reverted to version 1"
    with pytest.raises(UnknownVersion):
        doc.revert(9, "amara")


def test_rendered_html_is_cached_per_revision(conn):
    doc = add_document(conn, body="# Title\n")
    revision = doc.current()
    assert revision.html == "<h1>Title</h1>\n"
    assert revision.html is revision.html


def test_search_data_of_a_document(conn):
    doc = add_document(conn, body="Mentoring for new teachers.\n")
    data = doc.search_data()
    assert data["type"] == "document" and data["title"] == "Plan"
    assert data["text"] == "Mentoring for new teachers.\n" and data["author"] == "amara"
    assert data["modified"].tzinfo is not None


def test_file_versions_are_blobs_and_search_sees_the_current_one(conn):
    with conn.transaction_manager:
        item = File("Budget", io.BytesIO(b"first"), "budget.csv", "text/csv", "amara")
        conn.root()["group"]["documents"].add("budget", item, send_events=False)
    with conn.transaction_manager:
        item.upload(io.BytesIO(b"second"), "budget-v2.csv", None, "rohan", 1, "revised")
    with conn.transaction_manager:
        conn.cacheMinimize()
        with item.revision(1).open() as f:
            assert f.read() == b"first"
        with item.current().open() as f:
            assert f.read() == b"second"
        data = item.search_data()
        blob, filename, content_type = data["attachment"]
        assert filename == "budget-v2.csv" and content_type == "text/csv"
        with blob.open("r") as f:
            assert f.read() == b"second"
    with pytest.raises(EditConflict):
        item.upload(io.BytesIO(b"third"), "b.csv", None, "amara", 1)


def test_upload_over_the_limit_stores_nothing(conn):
    with pytest.raises(TooLarge):
        File("Big", io.BytesIO(b"x" * 2000), "big.bin", None, "amara", limit=1000)


def test_revert_reuses_the_old_versions_pages(conn):
    doc = add_document(conn, body=big_text(400))
    with conn.transaction_manager:
        doc.save(None, big_text(400).replace("\n200. Ministries", "\n200. New"), "rohan", 1)
        revision = doc.revert(1, "amara")
    assert revision.pages == doc.revision(1).pages


def test_simultaneous_saves_of_one_document_conflict_so_the_retry_merges(db, conn):
    from ZODB.POSException import ConflictError
    add_document(conn, "one", body="a\nb\nc\nd\ne\n")
    tm1, tm2 = transaction.TransactionManager(True), transaction.TransactionManager(True)
    c1, c2 = db.open(transaction_manager=tm1), db.open(transaction_manager=tm2)
    try:
        tm1.begin()
        tm2.begin()
        c1.root()["group"]["documents"]["one"].save(None, "A\nb\nc\nd\ne\n", "amara", 1)
        c2.root()["group"]["documents"]["one"].save(None, "a\nb\nc\nd\nE\n", "rohan", 1)
        tm1.commit()
        with pytest.raises(ConflictError):  # never a silent lost update
            tm2.commit()
        tm2.abort()
        with tm2:  # what pyramid_retry does: run the request again on fresh state
            doc = c2.root()["group"]["documents"]["one"]
            revision, merged = doc.save(None, "a\nb\nc\nd\nE\n", "rohan", 1)
        assert merged and doc.body == "A\nb\nc\nd\nE\n" and revision.version == 3
    finally:
        c1.close()
        c2.close()
