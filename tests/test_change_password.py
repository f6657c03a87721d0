"""People change their own password (issue 16, bug 6: /people/<me>/account was "Not
allowed" and nothing else offered it): PUT /api/me/password {current, new} and a page
reachable from one's profile. The current password is checked and throttled like a login;
the new one ends the person's other sessions and tokens."""
from helpers import PASSWORD, api_client, browser_login, csrf_of

NEW = "a fresh kiwi orchard in May"


def test_the_api_changes_the_password_and_ends_other_tokens_and_sessions(cast, app, site):
    other_token = site.token_for("member")
    other_browser = browser_login(app, "member")
    api = cast.api["member"]
    assert api.put_json("/api/me/password", {"current": PASSWORD, "new": NEW}).json == \
        {"status": "changed"}
    api.get("/api/me", status=200)  # the token that asked keeps working
    api_client(app, other_token).get("/api/me", status=401)
    other_browser.get("/", status=302)  # sent to the login page
    api_client(app).post_json("/api/tokens", {"login": "member", "password": PASSWORD},
                              status=401)
    api_client(app).post_json("/api/tokens", {"login": "member", "password": NEW},
                              status=201)
    entries = cast.api["admin"].get("/api/audit").json["entries"]
    assert any(e["action"] == "password_changed" and e["actor"] == "member"
               for e in entries)


def test_a_wrong_current_password_is_refused_and_throttled(cast):
    api = cast.api["member"]
    for _ in range(10):
        refused = api.put_json("/api/me/password", {"current": "wrong guess", "new": NEW},
                               status=400)
        assert refused.json["fields"] == {"current": "That is not your current password."}
    api.put_json("/api/me/password", {"current": PASSWORD, "new": NEW}, status=429)
    api_client(cast.api["member"].app).post_json(
        "/api/tokens", {"login": "member", "password": PASSWORD}, status=429)


def test_a_weak_new_password_is_refused_with_a_reason(cast):
    refused = cast.api["member"].put_json("/api/me/password",
                                          {"current": PASSWORD, "new": "short"}, status=400)
    assert "new" in refused.json["fields"]
    api_client(cast.api["member"].app).post_json(
        "/api/tokens", {"login": "member", "password": PASSWORD}, status=201)


def test_the_profile_links_to_a_page_that_changes_it(cast, app):
    browser = cast.html("member")
    profile = browser.get("/people/member")
    assert "Change password" in profile.text
    form = profile.click("Change password").forms["form"]
    form["current"], form["new"], form["confirm"] = PASSWORD, NEW, NEW
    page = form.submit("save").follow()
    assert "Your password is changed" in page.text
    browser.get("/people/member/@@password", status=200)  # still logged in here
    browser_login(app, "member", NEW)
    assert "Change password" not in cast.html("observer").get(
        "/people/member").text


def test_the_page_marks_a_wrong_current_password_and_differing_new_ones(cast):
    browser = cast.html("member")
    form = browser.get("/people/member/@@password").forms["form"]
    form["current"], form["new"], form["confirm"] = "nope nope", NEW, NEW
    page = form.submit("save", status=400)
    assert "That is not your current password." in page.text
    form = page.forms["form"]
    form["current"], form["new"], form["confirm"] = PASSWORD, NEW, NEW + "!"
    page = form.submit("save")
    assert "This is not the same as the new password above." in page.text


def test_nobody_changes_another_persons_password_there(cast):
    cast.html("admin").get("/people/member/@@password", status=403)
    cast.html("observer").get("/people/member/@@password", status=403)
    cast.api["anonymous"].put_json("/api/me/password", {"current": PASSWORD, "new": NEW},
                                   status=401)
