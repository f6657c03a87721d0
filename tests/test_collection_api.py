"""The Collection's JSON API: Resources with every field, versioned like documents,
codes shown as names, publishing, the trash, and a permission matrix."""
import pytest

from helpers import WHOS

COLLECTION = "/api/groups/secret/collection"
ITEM = f"{COLLECTION}/reading-guide"
RECORD = {"id": "reading-guide", "title": "Reading guide", "type": "guide",
          "abstract": "How to teach reading", "body": "one\ntwo\n",
          "countries": ["ke", "gh"], "levels": ["primary"], "themes": ["literacy-numeracy"],
          "languages": ["en", "sw"], "year": 2024, "authors": ["A. Okafor"],
          "publisher": "Hub", "url": "https://example.org/guide", "licence": "CC-BY-4.0",
          "review_by": "2027-01-31", "superseded_by": ""}


@pytest.fixture
def resource(cast):
    cast.api["member"].post_json(COLLECTION, RECORD, status=201)
    return ITEM


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 201, 201, 404))))
def test_adding_a_resource_matrix(cast, who, status):
    cast.api[who].post_json(COLLECTION, RECORD, status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 200, 200, 200, 404))))
def test_reading_the_collection_matrix(cast, resource, who, status):
    for path in (COLLECTION, ITEM, f"{ITEM}/history", f"{ITEM}/versions/1",
                 f"{ITEM}/diff?from=1&to=1"):
        cast.api[who].get(path, status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 200, 200, 404))))
def test_editing_a_resource_matrix(cast, resource, who, status):
    cast.api[who].put_json(ITEM, {"year": 2025, "base_version": 1}, status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 403, 200, 404))))
def test_only_managers_publish_matrix(cast, resource, who, status):
    cast.api[who].post_json(f"{ITEM}/publish", {"public": True}, status=status)


def test_a_resource_has_every_field_and_codes_as_names(cast, resource):
    record = cast.api["observer"].get(ITEM).json
    for key, value in RECORD.items():
        if key not in ("id",):
            assert record[key] == (sorted(value) if key in ("countries", "languages")
                                   else value), key
    assert {"code": "ke", "name": "Kenya"} in record["country_names"]
    assert {"code": "sw", "name": "Swahili (macrolanguage)"} in record["language_names"] \
        or {"code": "sw", "name": "Swahili"} in record["language_names"]
    assert record["theme_names"] == [{"code": "literacy-numeracy",
                                      "name": "Literacy and numeracy"}]
    assert record["html"] == "<p>one\ntwo</p>\n"


@pytest.mark.parametrize("bad", [{"type": "poem"}, {"countries": ["xx"]},
                                 {"languages": ["english"]}, {"themes": ["gardening"]},
                                 {"levels": ["phd"]}, {"year": 99999},
                                 {"url": "javascript:alert(1)"}, {"colour": "red"}])
def test_bad_fields_are_a_400(cast, bad):
    cast.api["member"].post_json(COLLECTION, dict(RECORD, **bad), status=400)


def test_every_edit_is_a_revision_with_history_diff_and_revert(cast, resource):
    client = cast.api["member"]
    assert client.put_json(ITEM, {"year": 2025, "base_version": 1}).json["version"] == 2
    assert client.put_json(ITEM, {"body": "one\nthree\n", "base_version": 2}).json[
        "version"] == 3
    assert [h["version"] for h in client.get(f"{ITEM}/history").json] == [3, 2, 1]
    diff = client.get(f"{ITEM}/diff?from=1&to=3").json
    assert diff["fields"] == ["year"] and "+three" in diff["diff"]
    assert client.get(f"{ITEM}/versions/1").json["fields"]["year"] == 2024
    client.post_json(f"{ITEM}/revert", {"version": 1})
    assert client.get(ITEM).json["year"] == 2024


def test_concurrent_edits_merge_and_overlaps_conflict(cast, resource):
    cast.api["member"].put_json(ITEM, {"year": 2025, "base_version": 1})
    merged = cast.api["manager"].put_json(ITEM, {"publisher": "UNESCO", "base_version": 1})
    assert merged.json["merged"]
    record = cast.api["member"].get(ITEM).json
    assert (record["year"], record["publisher"]) == (2025, "UNESCO")
    cast.api["manager"].put_json(ITEM, {"year": 1999, "base_version": 1}, status=409)


def test_deleting_moves_it_to_the_trash(cast, resource):
    cast.api["member"].delete(ITEM, status=204)
    cast.api["member"].get(ITEM, status=404)
    trash = cast.api["member"].get("/api/groups/secret/trash").json
    assert any(entry["id"] == "reading-guide" for entry in trash)


def test_a_public_resource_lets_everyone_view_it_and_nothing_else(cast, resource):
    cast.api["manager"].post_json(f"{ITEM}/publish", {"public": True})
    assert cast.api["anonymous"].get(ITEM).json["title"] == "Reading guide"
    cast.api["anonymous"].put_json(ITEM, {"year": 1, "base_version": 1}, status=401)
    cast.api["outsider"].put_json(ITEM, {"year": 1, "base_version": 1}, status=404)
    cast.api["anonymous"].get(COLLECTION, status=401)
    cast.api["manager"].post_json(f"{ITEM}/publish", {"public": False})
    cast.api["anonymous"].get(ITEM, status=401)
