"""The preloaded union of many small alternatives: same matches and scores as Whoosh's
own Or, skips by binary search; and index writers that keep segment files apart."""
import os

from whoosh.filedb.filestore import RamStorage
from whoosh.matching import ReadTooFar
from whoosh.query import Or, Term
import pytest

from workspace.search.matchers import Preloaded, PreloadedUnion
from workspace.search.schema import make_schema
from workspace.search.scopes import scope_words, within
from workspace.search.store import IndexStore, open_writer


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


def test_union_matches_and_scores_like_whooshs_or(index):
    alternatives = [Term("text", f"g{k}\x1fteacher") for k in range(6)] + [
        Term("title", f"g{k}\x1fteacher") for k in range(0, 6, 2)]
    with index.searcher() as searcher:
        plain = {h["path"]: round(h.score, 9) for h in searcher.search(Or(alternatives),
                                                                      limit=None)}
        fast = {h["path"]: round(h.score, 9)
                for h in searcher.search(PreloadedUnion(alternatives), limit=None)}
    assert len(plain) == 60 and fast == plain


def test_scoped_query_finds_only_the_scopes_asked_for(index):
    from workspace.search.query import parse
    query = within(parse(index.schema, "teacher pathways"), ["g0", "g3"])
    with index.searcher() as searcher:
        found = sorted(h["path"] for h in searcher.search(query, limit=None))
    assert found == sorted(f"/groups/g{n % 6}/documents/{n}" for n in range(60)
                           if n % 6 in (0, 3) and n % 3 == 0)


def test_index_writers_leave_segment_files_apart(tmp_path):
    store = IndexStore(str(tmp_path))
    name, ix = store.new_generation()
    writer = open_writer(ix)
    writer.add_document(**scope_words(dict(path="/people/p", title="Pat", text="teacher")))
    writer.commit()
    files = os.listdir(tmp_path / name)
    assert not [f for f in files if f.endswith(".seg")]  # no compound segment
    assert any(f.endswith(".trm") for f in files)
