"""The library: what each reader's library holds (their groups', the open ones', the
public web's), facets with counts, words, sorting, the due-for-review list, a country's
page, and leak probes for words of private and unpublished records."""
import pytest

from helpers import WHOS

LIBRARY = "/api/library"
SECRET = "/api/groups/secret/collection"
OPEN = "/api/groups/commons/collection"


def record(rid, title, **fields):
    return dict({"id": rid, "title": title, "type": "guide", "countries": ["ke"],
                 "languages": ["en"], "year": 2024}, **fields)


@pytest.fixture
def library(cast, site):
    site.add_group("commons", "open", {"manager": "manager", "member": "member"})
    member, manager = cast.api["member"], cast.api["manager"]
    member.post_json(SECRET, record("secret-guide", "Xylophonic secret guide",
                                    abstract="Zebrine words", review_by="2020-01-01"))
    member.post_json(SECRET, record("ghana-study", "Ghana case", type="case-study",
                                    countries=["gh"], year=2023, levels=["primary"]))
    manager.post_json(OPEN, record("open-tool", "Open tool", type="tool",
                                   themes=["assessment"]))
    manager.post_json(OPEN, record("public-report", "Public report card",
                                   type="country-report-card", countries=["ke", "gh"]))
    manager.post_json(f"{OPEN}/public-report/publish", {"public": True})
    return LIBRARY


def titles(answer):
    return sorted(r["title"] for r in answer["results"])


def test_each_reader_sees_what_they_may_read(cast, library):
    everything = ["Ghana case", "Open tool", "Public report card", "Xylophonic secret guide"]
    assert titles(cast.api["member"].get(LIBRARY).json) == everything
    assert titles(cast.api["observer"].get(LIBRARY).json) == everything
    assert titles(cast.api["outsider"].get(LIBRARY).json) == ["Open tool",
                                                               "Public report card"]
    assert titles(cast.api["admin"].get(LIBRARY).json) == ["Open tool", "Public report card"]
    assert titles(cast.api["anonymous"].get(LIBRARY).json) == ["Public report card"]


def test_facets_count_what_the_reader_may_read_and_drill_down(cast, library):
    answer = cast.api["member"].get(LIBRARY + "?country=gh").json
    assert titles(answer) == ["Ghana case", "Public report card"]
    countries = {f["value"]: f["count"] for f in answer["facets"]["country"]}
    assert countries == {"ke": 3, "gh": 2}  # other countries' counts ignore the country
    types = {f["value"]: f["count"] for f in answer["facets"]["type"]}
    assert types == {"case-study": 1, "country-report-card": 1}
    names = {f["value"]: f["label"] for f in answer["facets"]["country"]}
    assert names["gh"] == "Ghana"
    outsider = cast.api["outsider"].get(LIBRARY).json["facets"]
    assert {f["value"]: f["count"] for f in outsider["type"]} == {
        "tool": 1, "country-report-card": 1}


def test_words_and_sorting(cast, library):
    assert titles(cast.api["member"].get(LIBRARY + "?q=ghan").json) == ["Ghana case"]
    by_title = cast.api["member"].get(LIBRARY + "?sort=title").json["results"]
    assert [r["title"] for r in by_title] == sorted(r["title"] for r in by_title)
    by_year = cast.api["member"].get(LIBRARY + "?sort=year").json["results"]
    assert by_year[-1]["title"] == "Ghana case"
    cast.api["member"].get(LIBRARY + "?sort=sideways", status=400)
    cast.api["member"].get(LIBRARY + "?page=0", status=400)
    paged = cast.api["member"].get(LIBRARY + "?limit=1&page=2").json
    assert paged["total"] == 4 and len(paged["results"]) == 1 and paged["pages"] == 4


def test_due_for_review_is_for_the_managers_of_the_group(cast, library):
    assert titles(cast.api["manager"].get(LIBRARY + "?due=true").json) == [
        "Xylophonic secret guide"]
    assert cast.api["member"].get(LIBRARY + "?due=true").json["total"] == 0


def test_a_country_page_gathers_one_country(cast, library):
    answer = cast.api["member"].get(f"{LIBRARY}/country/gh").json
    assert answer["country"]["name"] == "Ghana"
    assert titles(answer) == ["Ghana case", "Public report card"]
    cast.api["member"].get(f"{LIBRARY}/country/zz", status=404)


@pytest.mark.parametrize("who", ["anonymous", "outsider", "admin"])
def test_leak_probe_private_words_never_reach_outsiders(cast, library, who):
    for q in ("xylophonic", "zebrine", "ghana"):
        answer = cast.api[who].get(f"{LIBRARY}?q={q}").json
        assert all("secret" not in r["path"] for r in answer["results"]), q
        assert "case-study" not in {f["value"] for f in answer["facets"]["type"]}
    assert cast.api[who].get(f"{LIBRARY}?q=xylophonic").json["total"] == 0


def test_leak_probe_unpublished_summary_words_stay_out(cast, library):
    boards = "/api/groups/commons/boards"
    cast.api["manager"].post_json(boards, {"id": "b", "title": "B"})
    cast.api["member"].post_json(f"{boards}/b/consultations",
                                 {"id": "q", "title": "Question", "body": "Ask"})
    summary = f"{boards}/b/topics/q/summary"
    cast.api["manager"].put_json(summary, {"body": "Quokkaesque draft\n", "base_version": 1})
    for who in WHOS:
        assert cast.api[who].get(f"{LIBRARY}?q=quokkaesque").json["total"] == 0, who
    cast.api["manager"].post_json(f"{summary}/publish", {})
    assert cast.api["member"].get(f"{LIBRARY}?q=quokkaesque").json["results"][0][
        "type"] == "discussion-summary"
    assert cast.api["anonymous"].get(f"{LIBRARY}?q=quokkaesque").json["total"] == 0
    cast.api["manager"].post_json(f"{summary}/publish", {"public": True})
    assert cast.api["anonymous"].get(f"{LIBRARY}?q=quokkaesque").json["total"] == 1


def test_taking_a_record_off_the_public_web_takes_effect_at_once(cast, library):
    cast.api["manager"].post_json(f"{OPEN}/public-report/publish", {"public": False})
    assert cast.api["anonymous"].get(LIBRARY).json["total"] == 0


def test_a_public_record_moved_to_the_trash_leaves_the_public_library(cast, library):
    cast.api["manager"].delete(f"{OPEN}/public-report", status=204)
    assert cast.api["anonymous"].get(LIBRARY).json["total"] == 0
    trash = cast.api["manager"].get("/api/groups/commons/trash").json
    (entry,) = [e for e in trash if e["id"] == "public-report"]
    cast.api["manager"].post(f"/api/groups/commons/trash/{entry['id']}/restore")
    assert titles(cast.api["anonymous"].get(LIBRARY).json) == ["Public report card"]


def test_editing_a_public_record_updates_the_public_library(cast, library):
    cast.api["manager"].put_json(f"{OPEN}/public-report", {"title": "Renamed card",
                                                          "base_version": 1})
    assert titles(cast.api["anonymous"].get(LIBRARY).json) == ["Renamed card"]
