"""Form errors speak to people (issue 16, friction: they opened with deform's "There was a
problem with your submission" and said "Shorter than minimum length 8")."""
from workspace.views.widgets import wording


def test_a_missing_title_is_asked_for_in_plain_words(cast):
    form = cast.html("member").get("/groups/secret/documents/@@new").forms["form"]
    page = form.submit("create")
    assert "Some answers need another look." in page.text
    assert "Please fill this in." in page.text
    assert "There was a problem with your submission" not in page.text
    assert "Required" not in page.text


def test_a_bad_address_and_a_too_long_title_say_what_to_change(cast):
    form = cast.html("admin").get("/people/@@add").forms["form"]
    form["login"], form["name"], form["email"] = "grace", "x" * 201, "not an address"
    form["password"] = "a long enough passphrase for grace"
    page = form.submit("create")
    assert "This does not look like an e-mail address" in page.text
    assert "Use at most 200 characters." in page.text


def test_wording_fills_in_values_and_keeps_what_it_does_not_know():
    import colander
    assert wording(colander._("Shorter than minimum length ${min}", mapping={"min": 8})) == \
        "Use at least 8 characters."
    assert wording("That id is taken; choose another.") == "That id is taken; choose another."
