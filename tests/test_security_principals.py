"""The caller's principals: a frozenset, computed once per request however many
permissions the request checks."""
from pyramid.authorization import Authenticated, Everyone

from workspace import security
from workspace.content.people import Profile
from workspace.security import principals_for


def test_principals_are_a_frozenset_of_roles_groups_and_identity():
    profile = Profile("amara", "Amara", "a@example.org", admin=True)
    profile.groups.update({"g1": "member", "g2": "manager"})
    found = principals_for(profile)
    assert isinstance(found, frozenset)
    assert found == {Everyone, Authenticated, "user:amara", "role:admin", "g:g1:member",
                     "g:g2:manager"}
    assert principals_for(None) == frozenset([Everyone])


def test_principals_are_computed_once_for_a_request_that_checks_many_groups(
        site, app, monkeypatch):
    site.add_user("sam")
    for n in range(30):
        site.add_group(f"g{n}", "listed" if n % 2 else "private", {"sam": "member"})
    from helpers import browser_login
    browser = browser_login(app, "sam")
    calls = []
    original = security.principals_for

    def counting(profile):
        calls.append(profile.login if profile is not None else None)
        return original(profile)

    monkeypatch.setattr(security, "principals_for", counting)
    page = browser.get("/groups/")
    assert "G29" in page.text
    assert calls == ["sam"]
    calls.clear()
    browser.get("/api/groups")  # the session cookie works in the API too
    assert calls == ["sam"]


def test_a_role_granted_by_an_admin_counts_from_the_next_request(cast, site):
    cast.api["outsider"].get("/api/groups/secret/documents", status=404)
    cast.api["admin"].put_json("/api/groups/secret/members/outsider", {"role": "observer"})
    cast.api["outsider"].get("/api/groups/secret/documents", status=200)
