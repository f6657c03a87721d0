"""A group's only manager cannot demote or remove themselves (issue 16, bug 3): the group
would be left with nobody to manage it, and the page said both "grace is now observer."
and "Not allowed"."""
from helpers import csrf_of

MEMBERS = "/groups/secret/@@members"


def test_the_only_manager_cannot_demote_themselves_on_the_members_page(cast):
    browser = cast.html("manager")
    page = browser.get(MEMBERS)
    response = browser.post(MEMBERS, {"csrf_token": csrf_of(page), "login": "manager",
                                      "role": "observer", "change": "role"})
    page = response.follow()
    assert "You are the only manager of Secret" in page.text
    assert "Not allowed" not in page.text and "is now observer" not in page.text
    assert cast.api["manager"].get("/api/groups/secret/members/manager").json["role"] == \
        "manager"


def test_the_only_manager_cannot_remove_themselves_on_the_members_page(cast):
    browser = cast.html("manager")
    page = browser.get(MEMBERS)
    page = browser.post(MEMBERS, {"csrf_token": csrf_of(page), "login": "manager",
                                  "change": "remove"}).follow()
    assert "You are the only manager of Secret" in page.text
    assert cast.api["manager"].get("/api/groups/secret/members/manager").json["role"] == \
        "manager"


def test_the_api_answers_409_and_changes_nothing(cast):
    api = cast.api["manager"]
    refused = api.put_json("/api/groups/secret/members/manager", {"role": "member"},
                           status=409)
    assert refused.json["error"] == "last_manager"
    assert "only manager" in refused.json["message"]
    assert api.delete("/api/groups/secret/members/manager", status=409).json["error"] == \
        "last_manager"
    assert api.get("/api/groups/secret/members/manager").json["role"] == "manager"
    entries = cast.api["admin"].get("/api/audit").json["entries"]
    assert not any(e["action"] == "role_changed" for e in entries)


def test_with_another_manager_one_may_step_down(cast):
    cast.api["manager"].put_json("/api/groups/secret/members/member", {"role": "manager"})
    cast.api["manager"].put_json("/api/groups/secret/members/manager", {"role": "member"},
                                 status=200)
    cast.api["member"].delete("/api/groups/secret/members/member", status=409)


def test_an_admin_may_still_change_the_only_manager(cast):
    cast.api["admin"].put_json("/api/groups/secret/members/manager", {"role": "member"},
                               status=200)
