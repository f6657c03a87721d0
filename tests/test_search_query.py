"""Unit tests of the query builder and the permission filter: no web, a real Whoosh index."""
from datetime import datetime, timezone

import pytest
from pyramid.authorization import Authenticated
from whoosh.filedb.filestore import RamStorage
from whoosh.query import And, NullQuery

from workspace.content.group import Group
from workspace.content.people import Profile
from workspace.content.site import Site
from workspace.search.query import (Permitted, QueryError, check_syntax, parse,
                                    permission_filter, readable_groups)
from workspace.search.records import allowed_principals, describe
from workspace.search.schema import make_schema, text_analyzer
from workspace.search.scopes import SITE, scope_words, within


@pytest.fixture
def index():
    ix = RamStorage().create_index(make_schema())
    writer = ix.writer()
    entries = [
        ("/groups/a/documents/1", "a", "", "Teacher pathways", "induction of new teachers"),
        ("/groups/b/documents/2", "b", "", "Secret budget", "teacher salaries"),
        ("/people/p", "", Authenticated, "Pat", "teacher educator"),
        ("/groups/b", "", "g:b:manager g:b:member g:b:observer role:admin", "B", "teacher"),
    ]
    for path, group, allowed, title, text in entries:
        writer.add_document(**scope_words(dict(
            path=path, group=group, allowed=allowed, title=title, text=text, type="document",
            author="amara", fingerprint="x", modified=datetime(2026, 1, 1))))
    writer.commit()
    return ix


def paths(ix, query):
    """Paths matching `query`, its words looked up in the scopes of its permission filter."""
    allowed = [q for q in query.leaves() if isinstance(q, Permitted)] \
        if isinstance(query, And) else []
    if allowed:
        query = within(query, allowed[0].scopes())
    with ix.searcher() as searcher:
        return sorted(hit["path"] for hit in searcher.search(query, limit=None))


def test_filter_admits_only_readable_groups_and_allowed_site_wide_entries(index):
    q = parse(index.schema, "teacher")
    only_a = And([q, permission_filter(["a"], [Authenticated])])
    assert paths(index, only_a) == ["/groups/a/documents/1", "/people/p"]
    as_member_of_b = And([q, permission_filter(["a", "b"], [Authenticated, "g:b:member"])])
    assert len(paths(index, as_member_of_b)) == 4


def test_filter_with_nothing_allowed_matches_nothing(index):
    assert permission_filter([], []) is NullQuery
    assert paths(index, And([parse(index.schema, "teacher"), permission_filter([], [])])) == []


def test_filter_does_not_change_ranking(index):
    q = within(parse(index.schema, "teacher"), ["a", "b", SITE])
    with index.searcher() as searcher:
        plain = {hit["path"]: hit.score for hit in searcher.search(q)}
        filtered = {hit["path"]: hit.score for hit in searcher.search(
            And([q, permission_filter(["a", "b"], [Authenticated])]))}
    shifts = {round(score - plain[path], 9) for path, score in filtered.items()}
    assert len(shifts) == 1  # the same for every hit: ranking is unchanged


def test_filter_with_a_date_range_keeps_only_dated_entries_inside_it(index):
    jan = datetime(2026, 1, 1, tzinfo=timezone.utc)
    inside = permission_filter(["a", "b"], [Authenticated], start=jan, end=jan)
    assert paths(index, inside) == ["/groups/a/documents/1", "/groups/b/documents/2",
                                    "/people/p"]
    after = permission_filter(["a", "b"], [Authenticated], start=datetime(2026, 2, 1))
    assert paths(index, after) == []


def test_filter_skips_deleted_entries_and_sees_new_segments(index):
    writer = index.writer()
    writer.delete_by_term("path", "/groups/a/documents/1")
    writer.add_document(**scope_words(dict(path="/groups/a/documents/3", group="a", title="New",
                                           text="teacher", type="document", author="amara",
                                           fingerprint="x")))
    writer.commit(merge=False)
    only_a = permission_filter(["a"], [])
    assert paths(index, only_a) == ["/groups/a/documents/3"]


def test_narrowing_by_kind_and_author_only_removes_entries(index):
    teacher = parse(index.schema, "teacher")
    everything = permission_filter(["a"], [Authenticated])
    assert paths(index, And([teacher, everything])) == ["/groups/a/documents/1", "/people/p"]
    documents = permission_filter(["a"], [Authenticated], types=["document"],
                                  authors=["amara"])
    assert paths(index, And([teacher, documents])) == ["/groups/a/documents/1", "/people/p"]
    for narrowed in (permission_filter(["a"], [Authenticated], types=["topic"]),
                     permission_filter(["a"], [Authenticated], authors=["someone"])):
        assert paths(index, And([teacher, narrowed])) == []


@pytest.mark.parametrize("text", ['"open', "(a", "a)", "colour:red", "*", "x*", "?y",
                                  "teacher AND", "OR teacher"])
def test_syntax_errors_are_query_errors_with_a_message(text):
    with pytest.raises(QueryError) as info:
        check_syntax(text)
    assert str(info.value)


@pytest.mark.parametrize("text", ['"a phrase"', "te*", "title:pathways", "author:amara",
                                  "a AND b", "(a OR b) NOT c", "modified:[2026 to 2027]",
                                  "ratio 3:2", '"colour:red"', "kind:document"])
def test_valid_queries_pass_the_syntax_check(text):
    check_syntax(text)


def test_bad_dates_are_query_errors(index):
    with pytest.raises(QueryError):
        parse(index.schema, "modified:[nonsense to 2020]")


def test_parser_builds_phrases_prefixes_and_fields(index):
    schema = index.schema
    assert "Phrase" in repr(parse(schema, '"new teachers"'))
    assert "Prefix" in repr(parse(schema, "teach*"))
    assert repr(parse(schema, "title:pathways")) == "Term('title', 'pathwai')"
    assert repr(parse(schema, "kind:document")) == "Term('type', 'document')"
    assert "Or" in repr(parse(schema, "teacher budget", relaxed=True))


def test_analyzer_folds_case_accents_and_stems():
    tokens = [t.text for t in text_analyzer()("Évaluations des ENSEIGNANTS, pathways")]
    assert tokens == ["evalu", "de", "enseign", "pathwai"]


class Person:
    def __init__(self, groups):
        self.groups = groups


def test_readable_groups_are_own_and_open_groups_that_the_policy_confirms():
    site = Site()
    for gid, visibility in (("mine", "private"), ("open", "open"), ("other", "private"),
                            ("listed", "listed")):
        site["groups"].add(gid, Group(gid, "", visibility), send_events=False)
    user = Person({"mine": "member", "gone": "member"})
    assert readable_groups(site, user, lambda obj, perm: True) == ["mine", "open"]
    assert readable_groups(site, user, lambda obj, perm: obj.__name__ != "mine") == ["open"]
    assert readable_groups(site, None, lambda obj, perm: True) == []
    site["groups"]["other"].update(visibility="open")  # the folder's open list follows
    site["groups"]["open"].update(visibility="listed")
    assert list(site["groups"].open) == ["other"]
    assert readable_groups(site, user, lambda obj, perm: True) == ["mine", "other"]


def test_site_wide_entries_carry_the_principals_their_acl_allows():
    site = Site()
    private = site["groups"].add("p", Group("P", "", "private"), send_events=False)
    listed = site["groups"].add("l", Group("L", "", "listed"), send_events=False)
    assert set(allowed_principals(private, "see")) == {
        "g:p:manager", "g:p:member", "g:p:observer", "role:admin"}
    assert Authenticated in allowed_principals(listed, "see")
    profile = site["people"].add("pat", Profile("pat", "Pat", "p@example.org"),
                                 send_events=False)
    record = describe(profile)
    assert record["allowed"] == sorted(["role:admin", Authenticated])
    assert record["group"] == "" and record["type"] == "person"
    assert "p@example.org" not in record["text"]  # e-mail addresses are not searchable


def test_trashed_items_have_no_record():
    from workspace.content.document import Document
    from workspace.content.trash import move_to_trash
    site = Site()
    group = site["groups"].add("g", Group("G", "", "private"), send_events=False)
    doc = group["documents"].add("d", Document("D", "text", "pat"), send_events=False)
    assert describe(doc)["group"] == "g"
    move_to_trash(doc, "pat")
    assert describe(doc) is None


def test_snippets_mark_stemmed_prefixed_and_wildcard_matches_and_escape_the_rest():
    from workspace.search.query import Marker
    schema = make_schema()
    text = "<b>Intro</b> " + "filler " * 60 + "New Teachers' pathways & Évaluation zanzibar end"
    snippet = Marker(parse(schema, "teacher evalu* zanz?bar")).snippet(text)
    assert '<mark class="hit">Teachers</mark>' in snippet
    assert '<mark class="hit">Évaluation</mark>' in snippet
    assert '<mark class="hit">zanzibar</mark>' in snippet
    assert "&amp;" in snippet and "<b>" not in snippet
    assert snippet.startswith("…") and len(snippet) < 300
    assert Marker(parse(schema, "absent")).snippet("<i>x</i>") == "&lt;i&gt;x&lt;/i&gt;"


def test_totals_and_facets_count_every_match_not_only_the_best_scoring():
    from workspace.search.query import run
    ix = RamStorage().create_index(make_schema())
    writer = ix.writer()
    for n in range(300):
        in_title = n % 3 == 0
        writer.add_document(**scope_words(dict(
            path=f"/groups/a/documents/{n}", group="a", fingerprint="x",
            type="topic" if n % 2 else "document", author=f"p{n % 4}",
            title="Teacher notes" if in_title else f"Note {n}",
            text=("teacher " * (1 + n % 7)) + "filler " * (n % 50))))
    writer.commit()
    with ix.searcher() as searcher:
        q = parse(ix.schema, "teacher")
        found = run(searcher, q, permission_filter(["a"], []), "relevance", 1, 10)
    assert found["total"] == 300
    assert found["facets"]["type"] == {"document": 150, "topic": 150}
    assert sum(found["facets"]["author"].values()) == 300
    assert len(found["hits"]) == 10


def test_words_of_one_group_are_found_only_in_that_groups_scope(index):
    for text in ("teacher", "salaries", '"teacher salaries"', "salar*", "sal?ries",
                 "title:secret", "title:[sa to sf]", "budget OR nothing"):
        query = parse(index.schema, text)
        assert paths(index, within(query, ["b"])) == ["/groups/b/documents/2"], text
        assert "/groups/b/documents/2" not in paths(index, within(query, ["a", SITE])), text


def test_scoped_queries_keep_not_and_or_and_find_site_wide_entries(index):
    def found(text, scopes):
        return paths(index, within(parse(index.schema, text), scopes))
    assert found("teacher NOT salaries", ["a", "b"]) == ["/groups/a/documents/1"]
    assert found("NOT salaries", ["a", "b"]) == ["/groups/a/documents/1", "/groups/b",
                                                 "/people/p"]
    assert found("educator OR induction", ["a", SITE]) == ["/groups/a/documents/1",
                                                            "/people/p"]
    assert found("teacher", []) == []


def test_a_typed_scope_separator_does_not_reach_another_scope(index):
    query = parse(index.schema, "b\x1fsalaries")
    assert paths(index, And([query, permission_filter(["a"], [])])) == []
    assert paths(index, within(query, ["a"])) == []


def test_queries_needing_a_word_found_nowhere_are_known_empty_without_a_search(index):
    from workspace.search.query import cannot_match
    with index.searcher() as searcher:
        for text in ("teacher zzqq", '"new zzqq"', "zzqq OR qqzz", "title:zzqq teacher"):
            query = within(parse(index.schema, text), ["a", "b", SITE])
            assert cannot_match(searcher, query), text
            assert searcher.search(query).is_empty()
        for text in ("teacher", "teacher OR zzqq", "teacher NOT zzqq", '"new teachers"',
                     "teach*", "teacher induction"):
            query = within(parse(index.schema, text), ["a", "b", SITE])
            assert not cannot_match(searcher, query), text


def phrase_index(count):
    """`count` entries of group a holding "teacher" and "pathways", every other one as
    the phrase "teacher pathways"; the more "teacher", the better it scores."""
    ix = RamStorage().create_index(make_schema())
    writer = ix.writer()
    for n in range(count):
        words = "teacher pathways" if n % 2 else "pathways of the teacher"
        writer.add_document(**scope_words(dict(
            path=f"/groups/a/documents/{n}", group="a", fingerprint="x", type="document",
            author="amara", title=f"Note {n}", modified=datetime(2026, 1, 1 + n % 28),
            text=f"{words} " + "teacher " * (n % 9) + "filler " * (n % 13))))
    writer.commit()
    return ix


def test_a_phrase_of_common_words_compares_the_best_candidates_and_estimates_the_rest(
        monkeypatch):
    from workspace.search import matchers
    from workspace.search.query import run
    ix = phrase_index(2000)
    allowed = permission_filter(["a"], [])
    with ix.searcher() as searcher:
        q = parse(ix.schema, '"teacher pathways"')
        monkeypatch.setattr(matchers, "PHRASE_CHECKS", 10_000)
        exact = run(searcher, q, allowed, "relevance", 1, 10)
        monkeypatch.setattr(matchers, "PHRASE_CHECKS", 200)
        sampled = run(searcher, q, allowed, "relevance", 1, 10)
        newest = run(searcher, q, allowed, "date", 1, 10)
        excluding = run(searcher, parse(ix.schema, 'NOT "teacher pathways" teacher'),
                        allowed, "relevance", 1, 10)
    assert exact["exact"] and exact["total"] == exact["listed"] == 1000
    assert not sampled["exact"] and sampled["listed"] <= 200
    assert 700 <= sampled["total"] <= 1300  # about 1,000, from half of 200 matching
    # the best are compared first, and they are the best matches of all
    assert [h["path"] for h in sampled["hits"]] == [h["path"] for h in exact["hits"]]
    assert all(int(h["path"].rsplit("/", 1)[1]) % 2 for h in newest["hits"])
    assert {h["modified"] for h in newest["hits"]} == {datetime(2026, 1, 28)}
    assert excluding["exact"] and excluding["total"] == 1000  # excluded ones: all compared
