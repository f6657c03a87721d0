"""The preloaded union of many small alternatives: same matches and scores as Whoosh's
own Or, skips by binary search; and segment files read in place."""
import os

from whoosh.filedb.filestore import RamStorage
from whoosh.matching import ReadTooFar
from whoosh.query import Or, Phrase, Term
import pytest

from workspace.search.matchers import Preloaded, PreloadedUnion
from workspace.search.schema import make_schema
from workspace.search.scopes import scope_words, within
from workspace.search.speedups import BufferStream
from workspace.search.store import IndexStore


def test_preloaded_skips_to_the_first_id_at_or_after_the_target():
    m = Preloaded([2, 5, 9, 14], [1.0, 2.0, 3.0, 4.0])
    m.skip_to(6)
    assert (m.id(), m.score()) == (9, 3.0)
    m.skip_to(3)  # never backwards
    assert m.id() == 9
    m.skip_to(15)
    assert not m.is_active()
    with pytest.raises(ReadTooFar):
        m.skip_to(20)
    assert Preloaded([1, 2]).score() == 0.0  # a filter: no scores


@pytest.fixture
def index():
    ix = RamStorage().create_index(make_schema())
    writer = ix.writer()
    for n in range(60):
        group = f"g{n % 6}"
        writer.add_document(**scope_words(dict(
            path=f"/groups/{group}/documents/{n}", group=group, type="document",
            title="Teacher notes" if n % 4 == 0 else f"Note {n}",
            text="teacher " * (1 + n % 5) + ("pathways" if n % 3 == 0 else "filler"))))
    writer.commit()
    return ix


def assert_scored_like_whooshs_or(searcher, alternatives, count):
    plain = {h["path"]: round(h.score, 9) for h in searcher.search(Or(alternatives),
                                                                  limit=None)}
    fast = {h["path"]: round(h.score, 9)
            for h in searcher.search(PreloadedUnion(alternatives), limit=None)}
    assert len(plain) == count and fast == plain


def test_union_matches_and_scores_like_whooshs_or(index):
    alternatives = [Term("text", f"g{k}\x1fteacher") for k in range(6)] + [
        Term("title", f"g{k}\x1fteacher") for k in range(0, 6, 2)]
    with index.searcher() as searcher:
        assert_scored_like_whooshs_or(searcher, alternatives, 60)


def two_segments_with_deletions(tmp_path, size, entry):
    """A published index of two segments of `size` entries each (`entry(n)`: the fields
    of entry n, its path unique), then every seventh entry of the first deleted."""
    store = IndexStore(str(tmp_path))
    name, ix = store.new_generation()
    for part in range(2):
        writer = ix.writer()
        for n in range(part * size, part * size + size):
            writer.add_document(**scope_words(entry(n)))
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, size, 7):
        writer.delete_by_term("path", entry(n)["path"])
    writer.commit(merge=False)
    store.publish(name)
    return store


def test_union_reads_long_posting_lists_by_block_and_skips_deleted_entries(tmp_path):
    store = two_segments_with_deletions(tmp_path, 700, lambda n: dict(
        path=f"/groups/g/documents/{n}", group="g", title=f"Note {n % 9}",
        text="teacher " * (1 + n % 6) + "filler " * (n % 40)))
    alternatives = [Term("text", "g\x1fteacher"), Term("title", "g\x1fnote")]
    assert_scored_like_whooshs_or(store.searcher(), alternatives, 1400 - 100)


def test_scoped_query_finds_only_the_scopes_asked_for(index):
    from workspace.search.query import parse
    query = within(parse(index.schema, "teacher pathways"), ["g0", "g3"])
    with index.searcher() as searcher:
        found = sorted(h["path"] for h in searcher.search(query, limit=None))
    assert found == sorted(f"/groups/g{n % 6}/documents/{n}" for n in range(60)
                           if n % 6 in (0, 3) and n % 3 == 0)


def test_readers_open_segments_without_copying_them_and_outlive_a_merge(tmp_path):
    store = IndexStore(str(tmp_path))
    name, ix = store.new_generation()
    for n in range(2):
        writer = ix.writer()
        writer.add_document(**scope_words(dict(path=f"/groups/g/documents/{n}", group="g",
                                               title=f"Doc {n}", text="teacher")))
        writer.commit(merge=False)
    store.publish(name)
    searcher = store.searcher()
    query = within(Term("text", "teacher"), ["g"])
    assert len(searcher.search(query)) == 2
    term_files = [r._terms._dbfile for r, _ in searcher.reader().leaf_readers()]
    assert term_files and all(isinstance(f.file, BufferStream) for f in term_files)
    writer = ix.writer()
    writer.commit(optimize=True)  # merges both segments and deletes their files
    assert len(os.listdir(tmp_path / name)) < 6
    assert sorted(h["path"] for h in searcher.search(query)) == [  # the old view still reads
        "/groups/g/documents/0", "/groups/g/documents/1"]


def test_relaxed_question_finds_any_word_and_ranks_more_words_first():
    from workspace.search.query import parse
    ix = RamStorage().create_index(make_schema())
    writer = ix.writer()
    texts = {"both": "teacher pathways", "teacher": "teacher teacher teacher notes",
             "pathways": "pathways notes", "neither": "budget notes"}
    for name, text in texts.items():
        writer.add_document(**scope_words(dict(path=f"/groups/g/documents/{name}", group="g",
                                               title=name.title(), text=text)))
    writer.commit()
    query = within(parse(ix.schema, "what about teacher pathways", relaxed=True), ["g"])
    assert isinstance(query, PreloadedUnion) and query.words
    with ix.searcher() as searcher:
        ranked = [h["path"].rsplit("/", 1)[1] for h in searcher.search(query, limit=None)]
    assert ranked[0] == "both" and sorted(ranked) == ["both", "pathways", "teacher"]


def test_buffer_stream_reads_like_bytesio():
    import io
    import pickle
    data = b"first line\n" + b"x" * 700 + b"\nlast" + pickle.dumps({"k": [1, 2]})
    ours, theirs = BufferStream(memoryview(data)), io.BytesIO(data)
    for op in [("read", 5), ("readline",), ("readline",), ("tell",), ("seek", 3),
               ("read", 4), ("seek", -4, 2), ("read", -1), ("read", 3), ("seek", 2, 0),
               ("seek", 5, 1), ("readline", 3), ("read", None)]:
        assert getattr(ours, op[0])(*op[1:]) == getattr(theirs, op[0])(*op[1:]), op
    ours.seek(len(data) - len(pickle.dumps({"k": [1, 2]})))
    assert pickle.load(ours) == {"k": [1, 2]}


def test_union_of_prefixes_and_wildcards_matches_and_scores_like_whooshs_or(index):
    from whoosh.query import Prefix, Wildcard
    alternatives = [Prefix("text", f"g{k}\x1fteach") for k in range(6)] + [
        Wildcard("title", f"g{k}\x1fno?e") for k in range(6)]
    with index.searcher() as searcher:
        assert_scored_like_whooshs_or(searcher, alternatives, 60)


@pytest.mark.parametrize("text", ["teacher", "teacher pathways", "teacher NOT pathways",
                                  "teach* note", '"teacher pathways"', "title:note filler",
                                  "(teacher OR filler) pathways", "te?cher",
                                  '"teacher filler"~3', '"teacher filler"~2',
                                  '"teacher teacher pathways"', 'title:"teacher notes"'])
def test_scoped_queries_find_and_score_as_the_same_query_on_unscoped_words(text):
    """One group, indexed twice: with words as they are, and in the group's scope. The
    scoped, preloaded query must find the same entries with the same scores."""
    from workspace.search.query import parse
    from workspace.search.schema import text_analyzer
    plain_schema = make_schema()
    for name in ("title", "text"):
        plain_schema[name].analyzer = text_analyzer()
    plain, scoped = (RamStorage().create_index(s) for s in (plain_schema, make_schema()))
    for ix, scope in ((plain, lambda doc: doc), (scoped, scope_words)):
        writer = ix.writer()
        for n in range(300):
            writer.add_document(**scope(dict(
                path=f"/groups/g/documents/{n}", group="g",
                title="Teacher notes" if n % 4 == 0 else f"Note {n % 7}",
                text="teacher " * (n % 3) + ("teacher pathways " if n % 5 == 0 else "")
                + "filler " * (n % 11))))
        writer.commit()
    with plain.searcher() as a, scoped.searcher() as b:
        expected = {h["path"]: round(h.score, 9)
                    for h in a.search(parse(plain.schema, text), limit=None)}
        found = {h["path"]: round(h.score, 9)
                 for h in b.search(within(parse(scoped.schema, text), ["g"]), limit=None)}
    assert expected and found == expected


@pytest.fixture
def scoped_with_deletions(tmp_path):
    """Two segments of six groups' entries, some of the first deleted."""
    return two_segments_with_deletions(tmp_path, 300, lambda n: dict(
        path=f"/groups/g{n % 6}/documents/{n}", group=f"g{n % 6}", title=f"Note {n % 9}",
        text="teacher " * (1 + n % 5) + ("learning pathways " if n % 3 else
                                          "pathways learning ") + "x " * (n % 30)))


def test_a_word_read_in_many_scopes_at_once_scores_like_whooshs_or(scoped_with_deletions):
    scopes = [f"g{k}" for k in range(6)] + ["g-none"]  # a scope with no entries too
    alternatives = [Term("text", f"{scope}\x1fteacher") for scope in scopes] + [
        Term("title", f"{scope}\x1fnote") for scope in scopes]
    assert_scored_like_whooshs_or(scoped_with_deletions.searcher(), alternatives, 600 - 43)


def test_a_phrase_read_in_many_scopes_at_once_matches_like_whooshs_or(scoped_with_deletions):
    searcher = scoped_with_deletions.searcher()
    alternatives = [Phrase("text", [f"g{k}\x1flearn", f"g{k}\x1fpathwai"]) for k in range(6)]
    live = [n for n in range(600) if n % 3 and not (n < 300 and n % 7 == 0)]
    assert_scored_like_whooshs_or(searcher, alternatives, len(live))
