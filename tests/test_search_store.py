"""The store's per-thread searcher across commits: unchanged segments keep their readers,
and deleted or replaced entries never come back (whoosh's own `refresh()` brings them back)."""
from whoosh.query import And, Term

from workspace.search.query import parse, permission_filter
from workspace.search.scopes import scope_words, within
from workspace.search.store import IndexStore


def add(writer, n, word, group="a"):
    writer.update_document(**scope_words(dict(
        path=f"/groups/{group}/documents/{n}", group=group, title=f"Doc {n}", text=word,
        type="document", author="amara", fingerprint="x")))


def found(store, word, groups=("a",)):
    searcher = store.searcher()
    query = And([within(parse(searcher.schema, word), groups), permission_filter(groups, [])])
    return sorted(hit["path"] for hit in searcher.search(query, limit=None))


def make_store(tmp_path, count=20):
    store = IndexStore(str(tmp_path / "index"))
    name, ix = store.new_generation()
    writer = ix.writer()
    for n in range(count):
        add(writer, n, "teacher")
    writer.commit()
    store.publish(name)
    return store, ix


def leaves(searcher):
    return {reader.segment().segment_id(): reader
            for reader, _ in searcher.reader().leaf_readers()}


def test_an_added_segment_keeps_the_readers_of_the_others(tmp_path):
    store, ix = make_store(tmp_path)
    assert len(found(store, "teacher")) == 20
    before = leaves(store.searcher())
    writer = ix.writer()
    add(writer, 100, "pathway")
    writer.commit(merge=False)
    assert found(store, "pathway") == ["/groups/a/documents/100"]
    after = leaves(store.searcher())
    assert len(after) == 2
    for segid, reader in before.items():
        assert after[segid] is reader
    assert store.searcher().up_to_date()


def test_deleted_and_replaced_entries_never_come_back(tmp_path):
    store, ix = make_store(tmp_path)
    assert len(found(store, "teacher")) == 20
    for n in range(5):  # one commit per change, each searched in between
        writer = ix.writer()
        if n % 2:
            writer.delete_by_term("path", f"/groups/a/documents/{n}")
        else:
            add(writer, n, f"mentor{n}")  # replaces the entry: its old words are gone
        writer.commit(merge=False)
        gone = {f"/groups/a/documents/{m}" for m in range(n + 1)}
        assert set(found(store, "teacher")) == {
            f"/groups/a/documents/{m}" for m in range(20)} - gone
        for m in range(0, n + 1, 2):
            assert found(store, f"mentor{m}") == [f"/groups/a/documents/{m}"]
        searcher = store.searcher()
        assert searcher.doc_count() == 20 - (n + 1) // 2
        if n >= 1:
            assert searcher.search(Term("path", "/groups/a/documents/1"),
                                   limit=None).is_empty()


def test_merged_segments_are_dropped_and_their_deletions_stay(tmp_path):
    store, ix = make_store(tmp_path)
    for n in range(3):
        writer = ix.writer()
        add(writer, 50 + n, "pathway")
        writer.delete_by_term("path", f"/groups/a/documents/{n}")
        writer.commit(merge=False)
        assert len(found(store, "teacher")) == 20 - (n + 1)
    ix.optimize()
    assert len(found(store, "teacher")) == 17
    assert len(found(store, "pathway")) == 3
    assert len(leaves(store.searcher())) == 1
    assert store.searcher().up_to_date()
    writer = ix.writer()
    writer.delete_by_term("path", "/groups/a/documents/50")
    writer.commit(merge=False)
    assert len(found(store, "pathway")) == 2
    assert store.searcher().up_to_date()


def test_a_new_generation_gets_a_new_searcher(tmp_path):
    store, _ = make_store(tmp_path)
    assert len(found(store, "teacher")) == 20
    name, ix = store.new_generation()
    writer = ix.writer()
    add(writer, 1, "pathway")
    writer.commit()
    store.publish(name)
    assert found(store, "teacher") == []
    assert found(store, "pathway") == ["/groups/a/documents/1"]
