"""Resources without a web: fields checked, every edit a revision, concurrent edits merged
field by field and line by line, overlaps refused."""
from datetime import date

import pytest

from workspace.content.collection import Resource, clean_fields
from workspace.content.document import EditConflict


def resource():
    fields = clean_fields({"type": "guide", "countries": ["ke", "gh"], "year": 2024,
                           "abstract": "How to teach reading"})
    return Resource("Reading guide", "one\ntwo\n", fields, "amara")


def test_fields_are_checked_and_lists_kept_sorted():
    fields = clean_fields({"countries": ["ke", "gh", "ke"], "levels": ["primary"]})
    assert fields["countries"] == ("gh", "ke") and fields["type"] == "publication"
    for bad in ({"type": "poem"}, {"countries": ["xx"]}, {"languages": ["english"]},
                {"levels": ["phd"]}, {"colour": "red"}, {"review_by": "soon"}):
        with pytest.raises(ValueError):
            clean_fields(bad)
    with pytest.raises(ValueError, match="themes"):
        clean_fields({"themes": ["gardening"]}, themes={"curriculum"})


def test_every_edit_is_a_revision_with_its_fields():
    item = resource()
    fields = dict(item.fields, year=2025)
    item.update("Reading guide", "one\ntwo\n", fields, "kofi", 1, "year")
    assert item.version == 2 and item.revision(1).fields["year"] == 2024
    assert item.facets["year"] == 2025 and "reading" in item.words
    item.revert(1, "amara")
    assert item.fields["year"] == 2024 and item.version == 3


def test_concurrent_edits_merge_by_field_and_line_or_conflict():
    item = resource()
    item.update("Reading guide", "ONE\ntwo\n", dict(item.fields, year=2025), "kofi", 1)
    _, merged = item.update("Reading guide", "one\ntwo\n",
                            dict(item.revision(1).fields, publisher="UNESCO"), "amara", 1)
    assert merged and item.fields["year"] == 2025 and item.fields["publisher"] == "UNESCO"
    assert item.body == "ONE\ntwo\n"
    with pytest.raises(EditConflict):
        item.update("Reading guide", "one\ntwo\n",
                    dict(item.revision(1).fields, year=1999), "amara", 1)


def test_review_dates():
    item = resource()
    item.update(item.title, item.body, dict(item.fields, review_by=date(2020, 1, 1)), "a", 1)
    assert item.due_for_review(date.today())
