"""The search index is a cache that heals itself: deleted or damaged while serving, it is
rebuilt without a restart (search says 503 meanwhile, pages still render); a killed
rebuild leaves nothing behind; a long drain lets a backup or reindex in between batches."""
import os
import shutil
import threading
import time

import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from workspace.content.site import appmaker
from workspace.search.indexer import BATCH, Indexer
from workspace.search.queue import enqueue
from workspace.search.store import IndexStore


def wait_for(condition, seconds=30, every=0.2):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(every)


def test_an_index_deleted_while_serving_answers_503_then_heals(cast, settings):
    member = cast.api["member"]
    member.post_json("/api/groups/secret/documents",
                     {"title": "Induction", "body": "mentoring pathways"}, status=201)
    assert member.get("/api/search", params={"q": "pathways"}).json["total"] == 1
    shutil.rmtree(settings["workspace.index_dir"])
    broken = member.get("/api/search", params={"q": "pathways"}, expect_errors=True)
    assert broken.status_int == 503 and broken.json["error"] == "unavailable"
    assert cast.html("member").get("/groups/secret/").status_int == 200
    wait_for(lambda: member.get("/api/search", params={"q": "pathways"},
                                expect_errors=True).status_int == 200)
    assert member.get("/api/search", params={"q": "pathways"}).json["total"] == 1


def make_indexer(tmp_path):
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs")))
    conn = db.open()
    with transaction.manager:
        appmaker(conn.root())
    conn.close()
    store = IndexStore(str(tmp_path / "index"))
    return db, store, Indexer(db, store, synchronous=True)


def test_a_killed_rebuild_leaves_no_half_built_index_behind(tmp_path):
    db, store, indexer = make_indexer(tmp_path)
    indexer.prepare()
    in_use = store.current_name()
    half_built, _ = store.new_generation()  # what a killed `workspace reindex` leaves
    assert half_built in os.listdir(store.directory)
    indexer.prepare()
    assert half_built not in os.listdir(store.directory)
    assert store.current_name() == in_use
    db.close()


def test_a_long_drain_lets_a_waiting_backup_in_between_batches(tmp_path):
    db, store, indexer = make_indexer(tmp_path)
    indexer.prepare()
    conn = db.open()
    with transaction.manager:
        site = appmaker(conn.root())
        for n in range(BATCH * 20):
            enqueue(site, "one", f"/groups/none-{n}")
    conn.close()
    draining = threading.Thread(target=indexer.drain)
    draining.start()
    # Started once the queue is shorter. (Not by trying the lock: a try holds it for a
    # moment, and a drain that finds it held leaves the work to its holder and returns,
    # which under load happened before this test ever saw the drain.)
    wait_for(lambda: indexer.queue_length() < BATCH * 20, seconds=30, every=0.005)
    with store.writer_lock():
        left = indexer.queue_length()  # what the drain had not applied when it let us in
    draining.join()
    assert left > 0
    indexer.drain()
    assert indexer.queue_length() == 0
    db.close()
