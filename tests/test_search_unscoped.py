"""A word in many scopes read from its postings without a scope (matchers.unscoped_read)
finds, scores and counts exactly what looking it up in each scope does: the route is
a matter of cost, never of results."""
from whoosh.query import Or, Phrase, Prefix, Wildcard
import pytest

from workspace.search import matchers
from workspace.search.matchers import remembered, sampling_phrases
from workspace.search.query import Permitted, cannot_match, parse, run
from workspace.search.schema import make_schema
from workspace.search.scopes import in_scope, scope_words, within
from workspace.search.store import IndexStore

GROUPS = [f"g{k}" for k in range(12)]
READ = GROUPS[:8] + ["g-none"]  # the caller's groups: four others, and one with no entries
WORDS = ["teacher", "learning", "pathways", "budget", "notes", "school"]


def entry(n):
    if n % 50 == 7:  # a site-wide entry, seen by every member
        return dict(path=f"/people/p{n}", group="", allowed="system.Authenticated",
                    type="person", title=f"Person {n}", text="teacher notes school")
    group = GROUPS[n % 12]
    words = [WORDS[(n * k) % 6] for k in range(1, 2 + n % 9)]
    if group == "g11":
        words.append("zebra")  # a word held only outside the caller's groups
    return dict(path=f"/groups/{group}/documents/{n}", group=group, type="document",
                title=f"Note {n % 9} {WORDS[n % 6]}", text=" ".join(words) + " x" * (n % 13),
                modified=None)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Three segments (one with deletions) of twelve groups and site-wide entries."""
    store = IndexStore(str(tmp_path_factory.mktemp("unscoped")))
    name, ix = store.new_generation()
    for part in range(3):
        writer = ix.writer()
        for n in range(part * 400, part * 400 + 400):
            doc = {k: v for k, v in entry(n).items() if v is not None}
            writer.add_document(**scope_words(doc))
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, 400, 7):
        writer.delete_by_term("path", entry(n)["path"])
    writer.commit(merge=False)
    store.publish(name)
    return store


def read_both_ways(monkeypatch, read):
    """`read()` with every word looked up per scope, then with every word read without
    its scope; and the fields whose postings each way read."""
    fields = []
    real = matchers.postings

    def noted(reader, terms, fieldname, text, format_):
        fields.append(fieldname)
        return real(reader, terms, fieldname, text, format_)
    monkeypatch.setattr(matchers, "postings", noted)
    matchers._postings.clear()
    results = []
    for per_lookup in (0, 10 ** 9):
        monkeypatch.setattr(matchers, "POSTINGS_PER_LOOKUP", per_lookup)
        fields.clear()
        with remembered():
            results.append(read())
        results.append(set(fields))
    scoped, scoped_fields, unscoped, unscoped_fields = results
    return scoped, unscoped, scoped_fields, unscoped_fields


QUERIES = ["teacher", "teacher pathways", "teacher OR budget", '"learning pathways"',
           '"pathways learning"~2', '"teacher teacher"', "title:note", "teacher NOT budget",
           "school notes teacher", 'title:"note teacher"', "teach*", "te?cher", "pat* notes",
           "title:no*"]


@pytest.mark.parametrize("text", QUERIES)
def test_words_read_without_their_scope_score_exactly_as_per_scope(store, monkeypatch, text):
    searcher = store.searcher()
    query = within(parse(make_schema(), text), READ + ["~"])

    def read():
        return {h["path"]: h.score for h in searcher.search(query, limit=None)}
    scoped, unscoped, scoped_fields, unscoped_fields = read_both_ways(monkeypatch, read)
    assert scoped and unscoped == scoped  # the same floats, not just close ones
    assert {"title_all", "text_all"} & unscoped_fields
    assert not {"title_all", "text_all"} & scoped_fields
    assert all(path.split("/")[2] in READ for path in scoped if path.startswith("/groups/"))


@pytest.mark.parametrize("text", ['"learning pathways"', '"teacher notes"~3',
                                  '"school teacher learning"', "teach*", "sc?ool", "le*n"])
def test_phrases_and_patterns_of_many_scopes_match_as_whooshs_own_or_of_them(store, text):
    """The positions of phrases in several scopes are read once from the words without
    a scope, and the words a prefix stands for are found there; Whoosh's own Or of the
    scoped phrases or patterns is the reference."""
    searcher = store.searcher()
    leaf = parse(make_schema(), f"text:{text}")
    assert type(leaf) in (Phrase, Prefix, Wildcard)
    scoped = [in_scope(leaf, scope) for scope in READ]
    theirs = {h["path"]: round(h.score, 9) for h in searcher.search(Or(scoped), limit=None)}
    ours = {h["path"]: round(h.score, 9)
            for h in searcher.search(within(leaf, READ), limit=None)}
    assert theirs and ours == theirs


@pytest.mark.parametrize("text,sort,relaxed", [
    ('"teacher learning"', "relevance", False), ('"notes school"', "date", False),
    ("what did the school say about zebra", "relevance", False),
    ("what did the school say about zebra pathways", "relevance", True),
    ("budget pathways", "relevance", False)])
def test_pages_totals_and_facets_are_the_same_either_way(store, monkeypatch, text, sort,
                                                         relaxed):
    allowed = Permitted(READ, ["system.Authenticated"])
    searcher = store.searcher()

    def read():
        return run(searcher, parse(make_schema(), text, relaxed), allowed, sort, 1, 20)
    scoped, unscoped, _, unscoped_fields = read_both_ways(monkeypatch, read)
    assert unscoped == scoped
    assert {"title_all", "text_all"} & unscoped_fields


def test_a_word_held_only_outside_the_callers_groups_cannot_match(store, monkeypatch):
    searcher = store.searcher()
    for text, expected in (("zebra teacher", True), ("budget teacher", False),
                           ("unheard teacher", True)):
        query = within(parse(make_schema(), text), READ)
        scoped, unscoped, _, _ = read_both_ways(
            monkeypatch, lambda: cannot_match(searcher, query))
        assert scoped is unscoped is expected, text
    assert not cannot_match(searcher, within(parse(make_schema(), "zebra"), ["g11"]))


def test_sampled_phrases_check_the_same_entries_either_way(store, monkeypatch):
    monkeypatch.setattr(matchers, "PHRASE_CHECKS", 20)
    monkeypatch.setattr(matchers, "PHRASE_LEAST", 2)
    allowed = Permitted(READ, [])
    searcher = store.searcher()

    def read():  # run() samples the phrase, and says so
        return run(searcher, parse(make_schema(), '"teacher learning"'), allowed,
                   "relevance", 1, 20)
    scoped, unscoped, _, _ = read_both_ways(monkeypatch, read)
    assert unscoped == scoped and not scoped["exact"]


def test_a_phrase_whose_words_meet_apart_in_some_scopes(tmp_path):
    """Scopes holding both words in no one entry, beside scopes holding the phrase."""
    store = IndexStore(str(tmp_path))
    name, ix = store.new_generation()
    writer = ix.writer()
    for n in range(40):
        group = f"g{n % 4}"
        text = "quiet garden" if group in ("g0", "g2") and n % 3 else \
            ("quiet" if n % 2 else "garden")
        writer.add_document(**scope_words(dict(path=f"/groups/{group}/d/{n}", group=group,
                                               title=f"Note {n}", text=text)))
    writer.commit()
    store.publish(name)
    phrase = parse(make_schema(), 'text:"quiet garden"')
    scopes = ["g0", "g1", "g2", "g3"]
    searcher = store.searcher()
    theirs = {h["path"] for h in searcher.search(Or([in_scope(phrase, s) for s in scopes]),
                                                 limit=None)}
    ours = {h["path"] for h in searcher.search(within(phrase, scopes), limit=None)}
    assert theirs and ours == theirs and {p.split("/")[2] for p in ours} == {"g0", "g2"}


def test_a_phrase_in_many_scopes_compares_its_best_candidates_per_segment(store, monkeypatch):
    """Once a query's checks are spent, a segment compares its `least` best candidates
    of all the caller's scopes together, not so many per scope."""
    monkeypatch.setattr(matchers, "PHRASE_CHECKS", 20)
    monkeypatch.setattr(matchers, "PHRASE_LEAST", 5)
    searcher = store.searcher()
    query = within(parse(make_schema(), 'text:"teacher learning"'), READ)
    with sampling_phrases() as sample:
        found = searcher.search(query, limit=None)
    segments = len(searcher.reader().leaf_readers())
    assert sample["candidates"] > sample["checked"] >= len(found) > 0
    assert sample["checked"] <= 20 + 5 * segments
    with sampling_phrases(least=1000) as deep:  # a page that deep compares them all
        assert len(searcher.search(query, limit=None)) > len(found)
    assert deep["checked"] == 0


def postings_by_word(reader, fieldname):
    """{(document, word without its scope): (weight, positions)} of one field."""
    found = {}
    for field, word in reader.all_terms():
        if field != fieldname:
            continue
        m = reader.postings(fieldname, word)
        plain = word.decode("utf-8").rpartition("\x1f")[2]
        while m.is_active():
            found[(m.id(), plain)] = (m.weight(), tuple(m.value_as("positions")))
            m.next()
    return found


def test_a_text_analysed_once_is_indexed_alike_in_its_scope_and_without(tmp_path):
    """The words of a title or text are analysed once and written twice (schema.py):
    both fields hold the same words, weights and positions, document by document, the
    title (boosted) apart from the text even where they read the same."""
    store = IndexStore(str(tmp_path))
    name, ix = store.new_generation()
    writer = ix.writer()
    texts = ["Teacher pathways and teacher notes", "Budget notes", "pathways pathways",
             "Résumé of the école's **bold** notes", "a typed \x1f separator, teacher"]
    for n in range(30):
        text = texts[n % 5]
        writer.add_document(**scope_words(dict(
            path=f"/groups/g{n % 3}/d/{n}", group=f"g{n % 3}",
            title=text if n % 2 else texts[(n + 1) % 5], text=text)))
    writer.commit()
    store.publish(name)
    reader = store.searcher().reader()
    for scoped, unscoped in (("text", "text_all"), ("title", "title_all")):
        ours = postings_by_word(reader, scoped)
        assert ours and postings_by_word(reader, unscoped) == ours
    assert postings_by_word(reader, "title") != postings_by_word(reader, "text")
    typed = within(parse(make_schema(), "separator"), ["g0", "g1", "g2"])  # a typed \x1f
    assert sorted(int(h["path"].rsplit("/", 1)[1]) for h in store.searcher().search(
        typed, limit=None)) == [4, 8, 9, 14, 18, 19, 24, 28, 29]


def test_a_sampled_phrase_counts_only_what_the_caller_may_see(tmp_path, monkeypatch):
    """Site-wide entries allowed to others hold the phrase too: the estimated total
    counts the caller's only."""
    store = IndexStore(str(tmp_path))
    name, ix = store.new_generation()
    writer = ix.writer()
    for n in range(300):
        writer.add_document(**scope_words(dict(
            path=f"/people/p{n}", group="", type="person", title=f"Person {n}",
            allowed="role:mine" if n % 3 == 0 else "role:theirs",
            text="quiet garden " + "x " * (n % 17))))
    writer.commit()
    store.publish(name)
    searcher, query = store.searcher(), parse(make_schema(), '"quiet garden"')
    exact = run(searcher, query, Permitted([], ["role:mine"]), "relevance", 1, 5)
    assert exact["exact"] and exact["total"] == 100
    monkeypatch.setattr(matchers, "PHRASE_CHECKS", 10)
    monkeypatch.setattr(matchers, "PHRASE_LEAST", 5)
    sampled = run(searcher, query, Permitted([], ["role:mine"]), "relevance", 1, 5)
    assert not sampled["exact"] and sampled["total"] == 100  # all its checked ones matched


@pytest.mark.parametrize("most", [0, 200])
def test_a_prefix_of_many_words_is_expanded_in_each_scope(store, monkeypatch, most):
    """Past PATTERN_WORDS words (the whole site's), a prefix is expanded scope by scope,
    as before: the same matches and scores either way."""
    monkeypatch.setattr(matchers, "PATTERN_WORDS", most)
    searcher = store.searcher()
    leaf = parse(make_schema(), "text:sc*")
    theirs = {h["path"]: round(h.score, 9) for h in searcher.search(
        Or([in_scope(leaf, scope) for scope in READ]), limit=None)}
    ours = {h["path"]: round(h.score, 9)
            for h in searcher.search(within(leaf, READ), limit=None)}
    assert theirs and ours == theirs
