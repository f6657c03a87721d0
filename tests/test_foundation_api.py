"""The JSON API rows for tokens, me, users, people, groups and members, with a
permission matrix and the bad-input cases of DESIGN.md."""
import pytest
from webtest import TestApp

from helpers import PASSWORD, api_client

WHOS = ("anonymous", "outsider", "observer", "member", "manager", "admin")


def test_token_for_right_password_and_me(app, site):
    site.add_user("amara")
    anon = api_client(app)
    response = anon.post_json("/api/tokens", {"login": "amara", "password": PASSWORD},
                              status=201)
    token = response.json["token"]
    me = api_client(app, token).get("/api/me").json
    assert me == {"login": "amara", "name": "Amara", "email": "amara@example.org",
                  "admin": False, "groups": []}


def test_bad_credentials_are_401_and_audited(app, site):
    site.add_user("amara")
    anon = api_client(app)
    response = anon.post_json("/api/tokens", {"login": "amara", "password": "wrong-one!"},
                              status=401)
    assert response.json["error"] == "unauthorized"
    api_client(app, "not-a-token").get("/api/me", status=401)
    anon.get("/api/me", status=401)
    with site.open() as s:
        assert s.audit.newest(1)[0]["action"] == "login_failed"


def test_eleventh_failure_is_429_for_known_and_unknown_logins(app, site):
    site.add_user("amara")
    anon = api_client(app)
    for login in ("amara", "ghost"):
        for _ in range(10):
            anon.post_json("/api/tokens", {"login": login, "password": "wrong-one!"},
                           status=401)
        known = anon.post_json("/api/tokens", {"login": login, "password": PASSWORD},
                               status=429)
        assert known.json["error"] == "too_many_attempts"


def test_people_list_and_revoke_their_own_tokens(app, site):
    site.add_user("amara")
    anon = api_client(app)
    first = anon.post_json("/api/tokens", {"login": "amara", "password": PASSWORD,
                                           "label": "laptop"}).json
    second = anon.post_json("/api/tokens", {"login": "amara", "password": PASSWORD}).json
    client = api_client(app, second["token"])
    listed = client.get("/api/tokens").json
    assert {t["id"] for t in listed} == {first["id"], second["id"]}
    assert all("token" not in t and "digest" not in t for t in listed)
    client.delete(f"/api/tokens/{first['id']}", status=204)
    api_client(app, first["token"]).get("/api/me", status=401)
    client.delete("/api/tokens/nope", status=404)


@pytest.mark.parametrize("who,status", [("anonymous", 401), ("member", 403),
                                        ("admin", 201)])
def test_only_admins_create_users(cast, who, status):
    body = {"login": "newbie", "name": "New Bie", "email": "n@example.org",
            "password": "long enough"}
    cast.api[who].post_json("/api/users", body, status=status)


@pytest.mark.parametrize("body,field", [
    ({"login": "Bad Login", "name": "N", "email": "n@example.org", "password": "long enough"}, "login"),
    ({"login": "ok", "name": "N", "email": "not-an-email", "password": "long enough"}, "email"),
    ({"login": "ok", "name": "N", "email": "n@example.org", "password": "short"}, "password"),
    ({"login": "ok", "name": "N", "email": "n@example.org", "password": "long enough", "x": 1}, "_body"),
    ({"login": "x" * 65, "name": "N", "email": "n@example.org", "password": "long enough"}, "login"),
])
def test_bad_user_bodies_are_400_with_fields_and_change_nothing(cast, site, body, field):
    response = cast.api["admin"].post_json("/api/users", body, status=400)
    assert response.json["error"] == "invalid" and field in response.json["fields"]
    with site.open() as s:
        assert "ok" not in s["people"] and "x" * 65 not in s["people"]


def test_duplicate_login_is_409(cast):
    body = {"login": "member", "name": "N", "email": "n@example.org", "password": "long enough"}
    assert cast.api["admin"].post_json("/api/users", body, status=409).json["error"] == "taken"


def test_malformed_json_and_wrong_media_type(cast):
    admin = cast.api["admin"]
    response = admin.post("/api/groups", "{not json", content_type="application/json",
                          status=400)
    assert response.json["error"] == "bad_json"
    admin.post("/api/groups", "title=x", content_type="application/x-www-form-urlencoded",
               status=415)
    admin.post_json("/api/groups", [1, 2], status=400)


def test_json_bodies_over_the_limit_are_413(cast):
    big = '{"title": "' + "x" * (10 * 1024 * 1024 + 10) + '"}'
    response = cast.api["admin"].post("/api/groups", big, content_type="application/json",
                                      status=413)
    assert response.json["error"] == "too_large"


def test_profile_get_and_put_by_self_only(cast):
    me = cast.api["member"].put_json("/api/people/member",
                                     {"organisation": "Ministry", "timezone": "Africa/Lagos",
                                      "languages": "en, fr"}).json
    assert me["organisation"] == "Ministry" and me["timezone"] == "Africa/Lagos"
    assert cast.api["outsider"].get("/api/people/member").json["organisation"] == "Ministry"
    cast.api["outsider"].put_json("/api/people/member", {"bio": "hacked"}, status=403)
    cast.api["member"].put_json("/api/people/member", {"timezone": "Mars/Base"}, status=400)
    cast.api["member"].put_json("/api/people/member", {"admin": True}, status=400)
    cast.api["anonymous"].get("/api/people/member", status=401)


def test_admin_deactivates_and_reactivates_accounts(cast, app, site):
    member_api = cast.api["member"]
    cast.api["admin"].put_json("/api/people/member/account", {"active": False})
    member_api.get("/api/me", status=401)
    anon = api_client(app)
    anon.post_json("/api/tokens", {"login": "member", "password": PASSWORD}, status=401)
    cast.api["admin"].put_json("/api/people/member/account", {"active": True})
    token = anon.post_json("/api/tokens", {"login": "member", "password": PASSWORD},
                           status=201).json["token"]
    # Deactivation ended the old token; memberships stayed.
    member_api.get("/api/me", status=401)
    assert cast.api["manager"].get("/api/groups/secret/members/member").json["role"] == "member"
    api_client(app, token).put_json("/api/people/member/account", {"active": False},
                                    status=403)
    cast.api["admin"].put_json("/api/people/admin/account", {"active": False}, status=400)


def test_admin_resets_a_password(cast, app):
    cast.api["admin"].put_json("/api/people/member/account", {"password": "a brand new one"})
    anon = api_client(app)
    anon.post_json("/api/tokens", {"login": "member", "password": PASSWORD}, status=401)
    anon.post_json("/api/tokens", {"login": "member", "password": "a brand new one"},
                   status=201)


# Groups -------------------------------------------------------------------------------

@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 200, 200, 200, 200))))
def test_private_group_is_404_to_outsiders(cast, who, status):
    response = cast.api[who].get("/api/groups/secret", status=status)
    if status == 404:
        assert "Secret" not in response.text and "secret" not in response.json["message"]


@pytest.mark.parametrize("who", WHOS[1:])
def test_group_list_shows_only_visible_groups(cast, who):
    ids = {g["id"] for g in cast.api[who].get("/api/groups").json}
    assert ("secret" in ids) == (who != "outsider")


def test_admin_creates_groups_with_given_or_derived_ids(cast):
    admin = cast.api["admin"]
    assert admin.post_json("/api/groups", {"title": "Teacher Pathways"}, status=201
                           ).json == {"id": "teacher-pathways"}
    assert admin.post_json("/api/groups", {"title": "Teacher Pathways"}, status=201
                           ).json == {"id": "teacher-pathways-2"}
    assert admin.post_json("/api/groups", {"id": "tp", "title": "T", "visibility": "listed"},
                           status=201).json == {"id": "tp"}
    assert admin.post_json("/api/groups", {"id": "tp", "title": "T"}, status=409
                           ).json["fields"] == {"id": "taken"}
    admin.post_json("/api/groups", {"id": "Not A Slug", "title": "T"}, status=400)
    admin.post_json("/api/groups", {"title": "T", "visibility": "secret"}, status=400)
    admin.post_json("/api/groups", {"title": ""}, status=400)
    group = admin.get("/api/groups/tp").json
    assert group["visibility"] == "listed" and group["role"] is None
    cast.api["manager"].post_json("/api/groups", {"title": "Mine"}, status=403)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 403, 200, 200))))
def test_group_settings_by_managers_and_admins(cast, who, status):
    cast.api[who].put_json("/api/groups/secret",
                           {"title": "Renamed", "description": "d", "visibility": "private"},
                           status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 200, 200, 200, 200))))
def test_member_list_matrix(cast, who, status):
    response = cast.api[who].get("/api/groups/secret/members", status=status)
    if status == 200:
        assert {m["login"]: m["role"] for m in response.json} == {
            "manager": "manager", "member": "member", "observer": "observer"}


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 403, 200, 200))))
def test_granting_roles_matrix(cast, who, status):
    response = cast.api[who].put_json("/api/groups/secret/members/outsider",
                                      {"role": "observer"}, status=status)
    if status == 200:
        assert response.json == {"login": "outsider", "role": "observer"}
        assert cast.api["outsider"].get("/api/groups/secret").json["role"] == "observer"


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 403, 403, 204, 204))))
def test_revoking_roles_matrix(cast, who, status):
    cast.api[who].delete("/api/groups/secret/members/member", status=status)
    if status == 204:
        # The revoked member loses access on their very next request.
        cast.api["member"].get("/api/groups/secret", status=404)


def test_role_changes_and_bad_roles(cast, site):
    manager = cast.api["manager"]
    manager.put_json("/api/groups/secret/members/observer", {"role": "member"})
    assert manager.get("/api/groups/secret/members/observer").json["role"] == "member"
    manager.put_json("/api/groups/secret/members/observer", {"role": "owner"}, status=400)
    manager.put_json("/api/groups/secret/members/ghost", {"role": "member"}, status=404)
    manager.delete("/api/groups/secret/members/outsider", status=404)
    manager.put_json("/api/groups/secret/members/observer", {"role": "member", "x": 1},
                     status=400)
    with site.open() as s:
        actions = [(e["action"], e["object"]) for e in s.audit.newest(20)]
    assert ("role_changed", "/groups/secret/members/observer") in actions


def test_admin_reads_private_content_only_after_granting_themselves_a_role(cast, site):
    admin = cast.api["admin"]
    assert admin.get("/api/groups/secret").json["readable"] is False
    admin.put_json("/api/groups/secret/members/admin", {"role": "observer"})
    assert admin.get("/api/groups/secret").json["readable"] is True
    with site.open() as s:
        entry = s.audit.newest(1)[0]
    assert (entry["actor"], entry["action"], entry["object"]) == (
        "admin", "role_granted", "/groups/secret/members/admin")


def test_listed_and_open_groups(cast, site):
    site.add_group("listed", "listed")
    site.add_group("open", "open")
    outsider = cast.api["outsider"]
    assert outsider.get("/api/groups/listed").json["readable"] is False
    outsider.get("/api/groups/listed/trash", status=404)
    outsider.get("/api/groups/listed/members", status=403)  # the group is seen, not its members
    assert outsider.get("/api/groups/open").json["readable"] is True
    outsider.get("/api/groups/open/members", status=200)


def test_audit_log_is_for_admins(cast):
    cast.api["manager"].delete("/api/groups/secret/members/member", status=204)
    entries = cast.api["admin"].get("/api/audit").json["entries"]
    assert entries[0]["action"] == "role_revoked"
    assert set(entries[0]) == {"id", "time", "actor", "action", "object", "detail"}
    cast.api["member"].get("/api/audit", status=403)
    cast.api["admin"].get("/api/audit?before=abc", status=400)


def test_unknown_api_paths_are_json_404(cast):
    response = cast.api["member"].get("/api/nothing/here", status=404)
    assert response.content_type == "application/json"


def test_people_ask_to_join_listed_groups_and_managers_answer(cast, site):
    site.add_group("listed", "listed", {"manager": "manager"})
    outsider = cast.api["outsider"]
    assert outsider.post_json("/api/groups/listed/join", {"message": "Guyana here"},
                              status=201).json == {"status": "pending"}
    cast.api["member"].post_json("/api/groups/listed/join", {}, status=201)
    requests = cast.api["manager"].get("/api/groups/listed/join-requests").json
    assert {r["login"]: r["message"] for r in requests} == {"outsider": "Guyana here",
                                                            "member": ""}
    cast.api["outsider"].get("/api/groups/listed/join-requests", status=403)
    cast.api["manager"].put_json("/api/groups/listed/members/outsider", {"role": "member"})
    cast.api["manager"].delete("/api/groups/listed/join-requests/member", status=204)
    assert cast.api["manager"].get("/api/groups/listed/join-requests").json == []
    assert outsider.get("/api/groups/listed").json["readable"] is True
    outsider.post_json("/api/groups/listed/join", {}, status=409)


def test_nobody_can_ask_to_join_a_private_group(cast):
    cast.api["outsider"].post_json("/api/groups/secret/join", {}, status=404)
    cast.api["admin"].post_json("/api/groups/secret/join", {}, status=403)


def test_people_directory_hides_deactivated_accounts_from_non_admins(cast):
    cast.api["admin"].put_json("/api/people/observer/account", {"active": False})
    assert "observer" not in {p["login"] for p in cast.api["member"].get("/api/people").json}
    assert "observer" in {p["login"] for p in cast.api["admin"].get("/api/people").json}
    cast.api["anonymous"].get("/api/people", status=401)


@pytest.mark.parametrize("body", ['{"login": "\\ud800x", "password": "xxxxxxxxxx"}',
                                  "[" * 100000])
def test_unstorable_or_absurd_json_is_400(app, body):
    response = api_client(app).post("/api/tokens", body, content_type="application/json",
                                    status=400)
    assert response.json["error"] == "bad_json"


def test_booleans_must_be_booleans(cast, site):
    body = {"login": "sneaky", "name": "S", "email": "s@example.org",
            "password": "long enough", "admin": "no"}
    cast.api["admin"].post_json("/api/users", body, status=400)
    cast.api["admin"].put_json("/api/people/member/account", {"active": "off"}, status=400)
    with site.open() as s:
        assert "sneaky" not in s["people"]


def test_password_reset_also_revokes_api_tokens(cast):
    cast.api["admin"].put_json("/api/people/member/account", {"password": "a brand new one"})
    cast.api["member"].get("/api/me", status=401)


def test_partial_group_put_keeps_other_fields_and_audits_visibility(cast, site):
    site.add_group("opengroup", "open", {"manager": "manager"})
    cast.api["manager"].put_json("/api/groups/opengroup", {"title": "Renamed"})
    group = cast.api["manager"].get("/api/groups/opengroup").json
    assert group["visibility"] == "open" and group["description"] == "About opengroup"
    cast.api["manager"].put_json("/api/groups/opengroup", {"visibility": "private"})
    entry = cast.api["admin"].get("/api/audit").json["entries"][0]
    assert entry["detail"] == "visibility open -> private"


@pytest.mark.parametrize("path,body", [
    ("/api/groups", {"id": "add", "title": "T"}),
    ("/api/users", {"login": "add", "name": "N", "email": "n@example.org",
                    "password": "long enough"}),
])
def test_ids_that_name_pages_are_refused(cast, path, body):
    cast.api["admin"].post_json(path, body, status=400)


def test_derived_ids_skip_page_names(cast):
    assert cast.api["admin"].post_json("/api/groups", {"title": "Add"}, status=201
                                       ).json["id"] == "add-2"


def test_unknown_logins_and_typed_secrets_stay_out_of_the_audit_log(app, cast):
    anon = api_client(app)
    anon.post_json("/api/tokens", {"login": "My Secret Pass!", "password": "xxxxxxxxxx"},
                   status=401)
    anon.post_json("/api/tokens", {"login": "nobody", "password": "xxxxxxxxxx"}, status=401)
    entries = cast.api["admin"].get("/api/audit").json["entries"]
    text = str(entries)
    assert "My Secret Pass" not in text and "nobody" not in text
    # No account to name: the entry names the people folder and an unknown actor.
    assert (entries[0]["actor"], entries[0]["object"]) == ("(unknown login)", "/people")


def feed_path(cast):
    url = cast.api["member"].post("/api/people/member/calendar-feed", status=201).json["url"]
    return url[url.index("/calendar-feed/"):]


@pytest.mark.parametrize("changes", [[{"active": False}, {"active": True}],
                                     [{"password": "a brand new one"}]])
def test_deactivation_and_password_reset_end_the_calendar_feed(cast, app, changes):
    feed = feed_path(cast)
    api_client(app).get(feed, status=200)
    for change in changes:
        cast.api["admin"].put_json("/api/people/member/account", change)
    api_client(app).get(feed, status=404)


def test_audit_entries_name_their_objects_by_path(cast, app, site):
    admin, manager = cast.api["admin"], cast.api["manager"]
    admin.post_json("/api/groups", {"id": "tp", "title": "T", "visibility": "listed"},
                    status=201)
    admin.put_json("/api/groups/tp/members/manager", {"role": "manager"})
    manager.put_json("/api/groups/tp", {"visibility": "open"})
    manager.put_json("/api/groups/tp/members/member", {"role": "member"})
    manager.put_json("/api/groups/tp/members/member", {"role": "observer"})
    manager.delete("/api/groups/tp/members/member", status=204)
    manager.put_json("/api/groups/tp", {"visibility": "listed"})
    cast.api["outsider"].post_json("/api/groups/tp/join", {"message": "hi"}, status=201)
    manager.delete("/api/groups/tp/join-requests/outsider", status=204)
    admin.post_json("/api/users", {"login": "newbie", "name": "N", "email": "n@example.org",
                                   "password": "long enough"}, status=201)
    cast.api["member"].put_json("/api/people/member", {"bio": "Teacher"})
    admin.put_json("/api/people/member/account", {"admin": True})
    token = api_client(app).post_json("/api/tokens", {"login": "member",
                                                      "password": PASSWORD}).json
    api_client(app, token["token"]).delete(f"/api/tokens/{token['id']}", status=204)
    with site.open() as s:
        entries = [(e["actor"], e["action"], e["object"], e["detail"])
                   for e in reversed(s.audit.newest(15))]
    assert entries == [
        ("admin", "group_created", "/groups/tp", "listed"),
        ("admin", "role_granted", "/groups/tp/members/manager", "manager"),
        ("manager", "group_changed", "/groups/tp", "visibility listed -> open"),
        ("manager", "role_granted", "/groups/tp/members/member", "member"),
        ("manager", "role_changed", "/groups/tp/members/member", "member -> observer"),
        ("manager", "role_revoked", "/groups/tp/members/member", "observer"),
        ("manager", "group_changed", "/groups/tp", "visibility open -> listed"),
        ("outsider", "join_requested", "/groups/tp", ""),
        ("manager", "join_declined", "/groups/tp/join-requests/outsider", ""),
        ("admin", "account_created", "/people/newbie", ""),
        ("member", "profile_changed", "/people/member", "bio"),
        ("admin", "admin_granted", "/people/member", ""),
        ("member", "login", "/people/member", ""),
        ("member", "token_created", "/people/member", token["id"]),
        ("member", "token_revoked", "/people/member", token["id"]),
    ]


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=x", "before=-1"])
def test_audit_paging_out_of_range_is_400(cast, query):
    response = cast.api["admin"].get(f"/api/audit?{query}", status=400)
    assert response.json["error"] == "invalid"


def test_a_stranger_guessing_from_elsewhere_does_not_lock_the_real_person_out(app, site):
    site.add_user("amara")
    stranger = TestApp(app, extra_environ={"REMOTE_ADDR": "203.0.113.9"})
    for _ in range(12):
        stranger.post_json("/api/tokens", {"login": "amara", "password": "wrong-one!"},
                           status=(401, 429))
    stranger.post_json("/api/tokens", {"login": "amara", "password": PASSWORD},
                       status=429)
    amara = TestApp(app, extra_environ={"REMOTE_ADDR": "198.51.100.7"})
    amara.post_json("/api/tokens", {"login": "amara", "password": PASSWORD}, status=201)


def test_spraying_many_logins_from_one_address_is_stopped_before_hashing(app, site):
    from workspace.content.throttle import MAX_ADDRESS_FAILURES
    site.add_user("amara")
    sprayer = TestApp(app, extra_environ={"REMOTE_ADDR": "203.0.113.66"})
    for n in range(MAX_ADDRESS_FAILURES):
        sprayer.post_json("/api/tokens", {"login": f"user{n}", "password": "guess-123!"},
                          status=401)
    sprayer.post_json("/api/tokens", {"login": "amara", "password": PASSWORD}, status=429)


def test_failed_logins_do_not_grow_the_database_per_attempt(app, site, settings):
    import os
    data_fs = settings["zodbconn.uri"][len("file://"):].split("?")[0]
    guesser = TestApp(app, extra_environ={"REMOTE_ADDR": "203.0.113.5"})
    guesser.post_json("/api/tokens", {"login": "ghost", "password": "guess-0000"},
                      status=401)  # the first failure of a window is audited, once
    before = os.path.getsize(data_fs)
    for n in range(1, 9):
        guesser.post_json("/api/tokens", {"login": "ghost", "password": f"guess-{n:04}"},
                          status=401)
    assert os.path.getsize(data_fs) == before
    with site.open() as s:
        failures = [e for e in s.audit.newest(50) if e["action"] == "login_failed"]
    assert len(failures) == 1 and "203.0.113.5" in failures[0]["detail"]


def test_an_admin_without_a_role_cannot_open_a_private_group(cast, site):
    admin = cast.api["admin"]
    refused = admin.put_json("/api/groups/secret", {"visibility": "open"}, status=403)
    assert "manager role first" in refused.json["message"]
    admin.put_json("/api/groups/secret", {"title": "Renamed by an admin"})  # settings: yes
    cast.api["admin"].get("/api/groups/secret/documents", status=404)
    form = cast.html("admin").get("/groups/secret/@@edit").forms["form"]
    radios = next(name for name, fields in form.fields.items()  # deform names radios itself
                  if any(option[0] == "open" for field in fields
                         for option in getattr(field, "options", ())))
    form[radios] = "open"
    page = form.submit("save")
    assert "manager role first" in page.text
    with site.open() as s:
        assert s["groups"]["secret"].visibility == "private"
    admin.put_json("/api/groups/secret/members/admin", {"role": "manager"})
    admin.put_json("/api/groups/secret", {"visibility": "open"})


@pytest.mark.parametrize("weak", ["password", "12345678", "aaaaaaaa", "qwertyuiop"])
def test_common_and_trivial_passwords_are_refused_with_a_reason(cast, weak):
    admin = cast.api["admin"]
    refused = admin.post_json("/api/users", {"login": "newbie", "name": "New Bie",
                                             "email": "n@example.org", "password": weak},
                              status=400)
    assert refused.json["fields"]["password"]
    admin.get("/api/people/newbie", status=404)
    admin.put_json("/api/people/member/account", {"password": weak}, status=400)


def test_a_password_made_of_the_persons_own_login_is_refused(cast):
    refused = cast.api["admin"].post_json("/api/users", {
        "login": "newbie", "name": "New Bie", "email": "n@example.org",
        "password": "newbie2026"}, status=400)
    assert refused.json["fields"]["password"]


def test_a_strong_password_is_accepted(cast):
    cast.api["admin"].post_json("/api/users", {
        "login": "newbie", "name": "New Bie", "email": "n@example.org",
        "password": "mangrove teacher lantern"}, status=201)


def test_email_addresses_and_admin_flags_are_for_the_person_and_admins(cast):
    listed = {p["login"]: p for p in cast.api["member"].get("/api/people").json}
    assert "email" not in listed["observer"] and "admin" not in listed["admin"]
    own = cast.api["member"].get("/api/people/member").json
    assert own["email"] == "member@example.org" and own["admin"] is False
    assert "email" not in cast.api["member"].get("/api/people/observer").json
    assert cast.api["admin"].get("/api/people/observer").json["email"]
    page = cast.html("member").get("/people/observer/")
    assert "observer@example.org" not in page.text
    assert "admin@example.org" in cast.html("admin").get("/people/admin/").text


def test_a_deactivated_account_is_hidden_from_everyone_but_admins(cast, site):
    cast.api["observer"].put_json("/api/people/observer", {"bio": "zanzibarite reader"})
    cast.api["admin"].put_json("/api/people/observer/account", {"active": False})
    member = cast.api["member"]
    member.get("/api/people/observer", status=404)
    cast.html("member").get("/people/observer/", status=404)
    assert "observer" not in {p["login"] for p in member.get("/api/people").json}
    assert member.get("/api/search", params={"q": "zanzibarite"}).json["total"] == 0
    admin = cast.api["admin"]
    assert admin.get("/api/people/observer").json["active"] is False
    assert admin.get("/api/search", params={"q": "zanzibarite"}).json["total"] == 1
