"""The members page (issue 16, friction): adding someone defaults to the "member" role (it
defaulted to "manager"), and people are listed by name."""
import re


def test_the_role_menu_defaults_to_member_and_names_are_shown(cast, site):
    site.add_user("grace", name="Grace Achieng")
    cast.api["manager"].put_json("/api/groups/secret/members/grace", {"role": "observer"})
    page = cast.html("manager").get("/groups/secret/@@members")
    form = page.forms["form"]
    assert form["role"].value == "member"
    assert re.search(r">Grace Achieng</a>", page.text)
