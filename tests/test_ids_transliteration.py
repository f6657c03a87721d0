"""Titles in any script give a readable address (issue 16, bug 10): an Arabic title once
became `.../documents/item/`."""
import pytest

from workspace.content.ids import slugify


@pytest.mark.parametrize("title, slug", [
    ("خطة الوزارة", "khth-lwzrh"),
    ("Учебный план", "uchebnyy-plan"),
    ("教育政策", "jiao-yu-zheng-ce"),
    ("Ελληνικά σχέδια", "ellinika-schedia"),
    ("Plan für Schüler", "plan-fur-schuler"),
    ("!!!", "item"),
])
def test_titles_in_any_script_are_transliterated(title, slug):
    assert slugify(title) == slug


def test_an_arabic_title_gives_a_document_a_readable_address(cast):
    made = cast.api["member"].post_json("/api/groups/secret/documents",
                                        {"title": "خطة الوزارة", "body": "نص"}, status=201)
    assert made.json["id"] == "khth-lwzrh"
    again = cast.api["member"].post_json("/api/groups/secret/documents",
                                         {"title": "خطة الوزارة", "body": "نص"}, status=201)
    assert again.json["id"] == "khth-lwzrh-2"
