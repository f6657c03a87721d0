"""The themes vocabulary admins keep: everyone reads it, only admins replace it, bad terms
are a 400 that changes nothing, and the change is audited."""
import pytest

from helpers import WHOS
from workspace.content.vocabulary import DEFAULT_THEMES, Vocabulary, check_terms

THEMES = "/api/vocabulary/themes"
NEW = [{"id": "curriculum", "label": "Curriculum reform"}, {"id": "gender", "label": "Gender"}]


def test_a_new_site_has_the_default_themes(cast):
    assert cast.api["anonymous"].get(THEMES).json == [
        {"id": tid, "label": label} for tid, label in DEFAULT_THEMES]


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 403, 403, 403, 403, 200))))
def test_only_admins_replace_the_themes(cast, who, status):
    cast.api[who].put_json(THEMES, NEW, status=status)
    expected = NEW if status == 200 else [{"id": t, "label": l} for t, l in DEFAULT_THEMES]
    assert cast.api["member"].get(THEMES).json == expected


@pytest.mark.parametrize("body", [
    [{"id": "Not A Slug", "label": "x"}],
    [{"id": "a", "label": ""}],
    [{"id": "a", "label": "A"}, {"id": "a", "label": "Again"}],
    [{"id": "a", "label": "A", "extra": 1}],
    {"id": "a", "label": "A"},
])
def test_bad_terms_are_refused_and_change_nothing(cast, body):
    cast.api["admin"].put_json(THEMES, body, status=400)
    assert len(cast.api["member"].get(THEMES).json) == len(DEFAULT_THEMES)


def test_replacing_the_themes_is_audited(cast):
    cast.api["admin"].put_json(THEMES, NEW)
    entries = cast.api["admin"].get("/api/audit").json["entries"]
    (entry,) = [e for e in entries if e["action"] == "vocabulary_changed"]
    assert entry["actor"] == "admin" and entry["detail"] == "2 terms"


def test_a_vocabulary_knows_its_labels_without_a_web():
    vocabulary = Vocabulary([("a", "Alpha"), ("b", "Beta")])
    assert vocabulary.label("a") == "Alpha" and vocabulary.label("gone") == "gone"
    assert vocabulary.unknown(["b", "c"]) == ["c"]
    with pytest.raises(ValueError):
        check_terms([("a", "x")] * 2)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (302, 403, 403, 403, 403, 200))))
def test_only_admins_open_the_themes_page(cast, who, status):
    cast.html(who).get("/vocabulary/themes/@@edit", status=status)


def test_admins_edit_the_themes_one_a_line(cast):
    form = cast.html("admin").get("/vocabulary/themes/@@edit").forms["form"]
    form["terms"] = "curriculum | Curriculum reform\nSchool meals\n"
    assert form.submit("save").status_int == 302
    assert cast.api["member"].get(THEMES).json == [
        {"id": "curriculum", "label": "Curriculum reform"},
        {"id": "school-meals", "label": "School meals"}]
    form = cast.html("admin").get("/vocabulary/themes/@@edit").forms["form"]
    form["terms"] = "Bad Id | x\n"
    assert "not a valid id" in form.submit("save").text
