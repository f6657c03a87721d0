"""Creation forms start with the title (issue 16, friction: they opened with "Id
(optional)", focused, above the Title); the id waits under "Advanced" and is still
honoured, and a refused one opens "Advanced" with its message."""
import re

import pytest

G = "/groups/secret"


@pytest.fixture
def board(cast):
    cast.api["manager"].post_json(f"/api{G}/boards", {"id": "talk", "title": "Talk"})


@pytest.mark.parametrize("path", [f"{G}/documents/@@new", f"{G}/boards/@@add",
                                  f"{G}/boards/talk/@@new-topic", f"{G}/whiteboards/@@add"])
def test_the_title_comes_first_and_the_id_is_under_advanced(cast, board, path):
    page = cast.html("manager").get(path)
    form = page.text[page.text.index('id="form"'):]
    fields = re.findall(r'<(?:input|textarea|select)[^>]*name="([a-z_]+)"', form)
    visible = [name for name in fields if name not in ("_charset_", "__formid__",
                                                       "csrf_token")]
    assert visible[0] == "title"
    advanced = re.search(r"<details class=\"advanced\"[^>]*>(.*?)</details>", page.text, re.S)
    assert advanced and 'name="id"' in advanced.group(1)
    assert "<summary>Advanced</summary>" in advanced.group(0)
    assert "Id (optional)" not in page.text


def test_an_id_given_under_advanced_is_used_and_a_bad_one_opens_it(cast):
    browser = cast.html("member")
    form = browser.get(f"{G}/documents/@@new").forms["form"]
    form["title"], form["id"] = "Plan", "edit"
    page = form.submit("create")
    assert re.search(r'<details class="advanced" open="open"', page.text)
    assert "reserved" in page.text
    form = page.forms["form"]
    form["id"] = "the-plan"
    form.submit("create").follow()
    cast.api["member"].get(f"/api{G}/documents/the-plan", status=200)
