"""HTML pages: login and sessions, CSRF, security headers, forms, and the page matrix."""
import pytest
from webtest import TestApp

from helpers import PASSWORD, browser_login, csrf_of
from workspace.content.people import token_digest

WHOS = ("anonymous", "outsider", "observer", "member", "manager", "admin")


def login_form(app, login, password, came_from=None):
    browser = TestApp(app)
    url = "/login" + (f"?came_from={came_from}" if came_from else "")
    form = browser.get(url).forms["form"]
    form["login"], form["password"] = login, password
    return browser, form.submit("submit", status="*")


def test_login_redirects_to_same_site_came_from_only(app, site):
    site.add_user("amara")
    _, response = login_form(app, "amara", PASSWORD, "/groups/")
    assert response.status_int == 302 and response.location.endswith("/groups/")
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        _, response = login_form(app, "amara", PASSWORD, evil)
        assert response.location in ("http://localhost/", "/"), response.location


def test_wrong_password_shows_a_form_message_and_no_session(app, site):
    site.add_user("amara")
    browser, response = login_form(app, "amara", "wrong password")
    assert response.status_int == 200 and "Login or password is wrong" in response.text
    assert browser.get("/", status=302).location.startswith("http://localhost/login")


def test_throttled_login_says_so_in_the_form(app, site):
    site.add_user("amara")
    for _ in range(10):
        login_form(app, "amara", "wrong password")
    _, response = login_form(app, "amara", PASSWORD)
    assert response.status_int == 429 and "Too many failed attempts" in response.text


def test_login_starts_a_new_session_and_logout_kills_copied_cookies(app, site):
    site.add_user("amara")
    browser = TestApp(app)
    browser.get("/login")
    before = browser.cookies.get("workspace_session")
    form = browser.get("/login").forms["form"]
    form["login"], form["password"] = "amara", PASSWORD
    form.submit("submit", status=302)
    after = browser.cookies["workspace_session"]
    assert after != before
    stolen = TestApp(app)
    stolen.set_cookie("workspace_session", after)
    stolen.get("/", status=200)
    browser.post("/logout", {"csrf_token": csrf_of(browser.get("/"))}, status=302)
    stolen.get("/", status=302)


def test_session_cookie_flags(app, site):
    site.add_user("amara")
    browser = TestApp(app)
    form = browser.get("/login").forms["form"]
    form["login"], form["password"] = "amara", PASSWORD
    header = form.submit("submit").headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_deactivation_ends_browser_sessions(cast):
    member = cast.html("member")
    member.get("/", status=200)
    cast.api["admin"].put_json("/api/people/member/account", {"active": False})
    member.get("/", status=302)


def test_posts_without_csrf_token_are_refused(cast):
    manager = cast.html("manager")
    manager.post("/groups/secret/members", {"login": "member", "change": "remove"},
                 status=400)
    assert cast.api["manager"].get("/api/groups/secret/members/member").json["role"] == "member"
    # A browser calling the API with its cookie needs the token too.
    manager.delete("/api/groups/secret/members/member", status=400)
    manager.delete("/api/groups/secret/members/member",
                   headers={"X-CSRF-Token": manager.csrf}, status=204)


def test_security_headers_on_pages(cast):
    response = cast.html("member").get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.text


@pytest.mark.parametrize("path,allowed", [
    ("/", ("outsider", "observer", "member", "manager", "admin")),
    ("/groups/", ("outsider", "observer", "member", "manager", "admin")),
    ("/groups/secret/", ("observer", "member", "manager", "admin")),
    ("/groups/secret/members", ("manager", "admin")),
    ("/groups/secret/edit", ("manager", "admin")),
    ("/groups/add", ("admin",)),
    ("/people/", ("outsider", "observer", "member", "manager", "admin")),
    ("/people/member/", ("outsider", "observer", "member", "manager", "admin")),
    ("/people/member/edit", ("member", "admin")),
    ("/people/member/tokens", ("member",)),
    ("/people/member/account", ("admin",)),
    ("/people/add", ("admin",)),
    ("/audit", ("admin",)),
])
def test_page_matrix(cast, path, allowed):
    for who in WHOS:
        response = cast.html(who).get(path, status="*")
        if who in allowed:
            assert response.status_int == 200, (who, path, response.status)
        elif who == "anonymous":
            assert response.status_int == 302 and "/login?came_from=" in response.location
        elif path.startswith("/groups/secret") and who == "outsider":
            assert response.status_int == 404 and "Secret" not in response.text
        else:
            assert response.status_int == 403, (who, path, response.status)


def test_admin_creates_a_group_and_grants_a_member_in_html(cast):
    admin = cast.html("admin")
    form = admin.get("/groups/add").forms["form"]
    form["title"] = "Caribbean pathways"
    response = form.submit("create").follow()
    assert "Members of Caribbean pathways" in response.text
    form = response.forms["form"]
    form["login"], form["role"] = "member", "manager"
    response = form.submit("grant").follow()
    assert "member is now manager" in response.text
    cast.html("member").get("/groups/caribbean-pathways/", status=200)
    cast.html("outsider").get("/groups/caribbean-pathways/", status=404)
    # An unknown login is a form message, not an error page.
    form = response.forms["form"]
    form["login"] = "ghost"
    assert "no account with this login" in form.submit("grant").text


def test_manager_changes_and_removes_roles_in_html(cast):
    manager = cast.html("manager")
    manager.post("/groups/secret/members", {"csrf_token": manager.csrf, "login": "observer",
                                           "role": "member", "change": "role"}, status=302)
    assert cast.api["observer"].get("/api/groups/secret").json["role"] == "member"
    manager.post("/groups/secret/members", {"csrf_token": manager.csrf, "login": "observer",
                                           "change": "remove"}, status=302)
    cast.api["observer"].get("/api/groups/secret", status=404)


def test_duplicate_group_id_is_a_form_message(cast):
    admin = cast.html("admin")
    form = admin.get("/groups/add").forms["form"]
    form["id"], form["title"] = "secret", "Again"
    response = form.submit("create")
    assert response.status_int == 200 and "That id is taken" in response.text


def test_people_edit_their_profile(cast):
    member = cast.html("member")
    form = member.get("/people/member/edit").forms["form"]
    form["organisation"] = "Ministry of Education"
    form["bio"] = "<script>alert(1)</script> Teacher educator"
    form["timezone"] = "America/Guyana"
    page = form.submit("save").follow()
    assert "Ministry of Education" in page.text and "America/Guyana" in page.text
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text


def test_admin_creates_and_deactivates_an_account_in_html(cast, app):
    admin = cast.html("admin")
    form = admin.get("/people/add").forms["form"]
    form["login"], form["name"], form["email"] = "newbie", "New Bie", "nb@example.org"
    form["password"] = "long enough pass"
    admin_page = form.submit("create").follow()
    assert "New Bie" in admin_page.text
    newbie = browser_login(app, "newbie", "long enough pass")
    form = admin.get("/people/newbie/account").forms["form"]
    form["active"] = False
    form.submit("save", status=302)
    newbie.get("/", status=302)


def test_tokens_page_creates_shows_once_and_revokes(cast, app):
    member = cast.html("member")
    page = member.post("/people/member/tokens", {"csrf_token": member.csrf, "label": "cli"})
    secret = page.html.select_one("code.secret").text
    TestApp(app, extra_environ={"HTTP_AUTHORIZATION": f"Bearer {secret}"}).get("/api/me")
    assert secret not in member.get("/people/member/tokens").text
    token_id = token_digest(secret)[:12]
    assert page.html.select_one(f"button[value='{token_id}']") is not None
    member.post("/people/member/tokens", {"csrf_token": member.csrf, "revoke": token_id})
    TestApp(app, extra_environ={"HTTP_AUTHORIZATION": f"Bearer {secret}"}).get(
        "/api/me", status=401)


def test_profile_page_hides_private_groups_from_outsiders(cast):
    assert "Secret" in cast.html("observer").get("/people/member/").text
    assert "Secret" not in cast.html("outsider").get("/people/member/").text


def test_join_request_in_html_approved_by_the_manager(cast, site, app):
    site.add_group("listed", "listed", {"manager": "manager"})
    outsider = cast.html("outsider")
    form = [f for f in outsider.get("/groups/listed/").forms.values()
            if f.action.endswith("/@@join")][0]
    form["message"] = "Please let me in"
    page = form.submit().follow()
    assert "You have asked to join" in page.text
    manager = cast.html("manager")
    members = manager.get("/groups/listed/members")
    assert "Please let me in" in members.text
    manager.post("/groups/listed/members", {"csrf_token": manager.csrf, "login": "outsider",
                                           "role": "member", "change": "role"}, status=302)
    assert cast.api["outsider"].get("/api/groups/listed").json["role"] == "member"


def test_non_ascii_came_from_falls_back_to_the_start_page(app, site):
    site.add_user("amara")
    _, response = login_form(app, "amara", PASSWORD, "/%E2%82%AC")
    assert response.status_int == 302 and response.location == "http://localhost/"


def test_bad_audit_paging_is_400_not_500(cast):
    admin = cast.html("admin")
    admin.get("/audit?limit=%C2%B2", status=400)
    admin.get("/audit?before=99999999999999999999999", status=400)


def test_group_page_shows_recent_activity_only_to_readers(cast, site):
    site.add_group("listed", "listed", {"member": "member"})
    for gid in ("secret", "listed"):
        cast.api["member"].post_json(f"/api/groups/{gid}/documents",
                                     {"title": f"Induction plan {gid}", "body": "hello\n"},
                                     status=201)
    page = cast.html("member").get("/groups/secret/")
    recent = page.html.select_one("section[aria-labelledby=recent-h]")
    assert recent is not None and "Induction plan secret" in recent.text
    assert "Induction plan listed" not in recent.text
    listed = cast.html("outsider").get("/groups/listed/")
    assert "Induction plan" not in listed.text and "Recent activity" not in listed.text


def test_a_session_ends_a_day_after_its_login_however_active(app, site):
    site.add_user("amara")
    browser = browser_login(app, "amara")
    browser.get("/", status=200)
    with site.open() as s:
        sessions = s["people"]["amara"].sessions
        for sid in list(sessions.keys()):
            sessions[sid] -= 24 * 3600 + 60  # logged in a day and a minute ago
    assert browser.get("/", status=302).location.startswith("http://localhost/login")


def test_a_wrong_password_marks_the_password_field_and_keeps_the_login(app, site):
    site.add_user("amara")
    browser = TestApp(app)
    form = browser.get("/login").forms["form"]
    form["login"], form["password"] = "amara", "not the password"
    page = form.submit("submit")
    assert page.forms["form"]["login"].value == "amara"
    assert page.forms["form"]["password"].value == ""
    field = page.html.find("input", attrs={"name": "password"})
    assert "is-invalid" in field["class"]
    assert "Login or password is wrong" in page.html.find(id=f"error-{field['id']}").text


def test_an_admins_home_offers_the_admin_actions(cast):
    page = cast.html("admin").get("/")
    assert "Site administration" in page.text and "Create a group" in page.text
    assert "You are not in any group yet" not in page.text
    member = cast.html("member").get("/")
    assert "Site administration" not in member.text


def test_the_audit_log_filters_by_actor_action_and_object(cast):
    cast.api["admin"].put_json("/api/groups/secret/members/outsider", {"role": "observer"})
    cast.api["manager"].delete("/api/groups/secret/members/outsider", status=204)
    admin = cast.api["admin"]
    granted = admin.get("/api/audit", params={"action": "role_granted",
                                              "object": "/groups/secret/members/out"}).json
    assert [(e["actor"], e["action"]) for e in granted["entries"]] == [("admin", "role_granted")]
    by_manager = admin.get("/api/audit", params={"actor": "manager"}).json["entries"]
    assert by_manager and all(e["actor"] == "manager" for e in by_manager)
    page = cast.html("admin").get("/@@audit", params={"action": "role_revoked"})
    shown = page.html.find("table").text
    assert "role_revoked" in shown and "role_granted" not in shown
