"""Unit tests of content and security logic, with no web at all."""
from pyramid.authorization import ACLHelper, Authenticated, Everyone
import pytest

from workspace.content.audit import AuditLog
from pyramid.traversal import find_interface

from workspace.content.folder import Folder
from workspace.content.group import Group, grant_role, revoke_role
from workspace.content.ids import is_slug, slugify, unique_id
from workspace.content.people import add_person, token_digest, verify_login
from workspace.content.site import Site
from workspace.content.throttle import (MAX_ADDRESS_FAILURES, MAX_FAILURES, WINDOW_SECONDS,
                                        FailedLogins)
from workspace.security import principals_for

PASSWORD = "a long enough pass"


@pytest.fixture
def site():
    return Site()


def add(site, login, admin=False):
    return add_person(site["people"], login, login.title(), f"{login}@example.org",
                      PASSWORD, admin=admin)


def permits(obj, profile, permission):
    return bool(ACLHelper().permits(obj, principals_for(profile), permission))


def test_folder_keeps_parent_name_and_count():
    folder = Folder()
    child = Folder()
    folder.add("a", child)
    assert child.__parent__ is folder and child.__name__ == "a"
    assert len(folder) == 1 and list(folder) == ["a"]
    assert find_interface(child, Folder) is child
    with pytest.raises(KeyError):
        folder.add("a", Folder())
    assert folder.remove("a") is child and len(folder) == 0


@pytest.mark.parametrize("value,ok", [("a", True), ("ab-12", True), ("x" * 64, True),
                                      ("x" * 65, False), ("", False), ("A", False),
                                      ("-a", False), ("a b", False), ("é", False),
                                      ("a\n", False)])
def test_slug_rules(value, ok):
    assert is_slug(value) is ok


def test_ids_derive_from_titles_and_stay_unique():
    folder = Folder()
    assert slugify("Teacher Pathways: Año 2026!") == "teacher-pathways-ano-2026"
    assert slugify("日本語") == "ri-ben-yu"  # transliterated (issue 16, bug 10)
    assert slugify("!!!") == "item"
    folder.add(unique_id(folder, "Plan"), Folder())
    assert unique_id(folder, "Plan") == "plan-2"


def test_passwords_are_argon2id_hashes_and_verify(site):
    profile = add(site, "amara")
    assert profile.password_hash.startswith("$argon2id$")
    assert PASSWORD not in profile.password_hash
    assert verify_login(site["people"], "amara", PASSWORD) is profile
    assert verify_login(site["people"], "amara", "wrong password") is None
    assert verify_login(site["people"], "nobody", PASSWORD) is None


@pytest.mark.parametrize("password", ["short", "x" * 1025])
def test_password_length_rules(site, password):
    with pytest.raises(ValueError):
        add(site, "x").set_password(password)


def test_unicode_passwords_of_any_script_work(site):
    profile = add(site, "mele")
    profile.set_password("Пароль-密码-كلمة")
    assert profile.check_password("Пароль-密码-كلمة")


def test_deactivated_people_cannot_log_in_and_lose_tokens_and_sessions(site):
    people = site["people"]
    profile = add(site, "rohan")
    _, secret = profile.new_token(people)
    profile.start_session(3600)
    profile.deactivate(people)
    assert verify_login(people, "rohan", PASSWORD) is None
    assert people.by_token(secret) is None and not len(profile.sessions)
    profile.reactivate()
    assert verify_login(people, "rohan", PASSWORD) is profile


def test_tokens_are_stored_only_as_sha256(site):
    people = site["people"]
    profile = add(site, "claire")
    token_id, secret = profile.new_token(people, "laptop")
    assert secret not in repr(dict(people.tokens)) + repr(dict(profile.api_tokens))
    assert people.tokens[token_digest(secret)] == "claire"
    assert people.by_token(secret) is profile
    profile.revoke_token(people, token_id)
    assert people.by_token(secret) is None


def test_roles_are_mirrored_on_the_profile(site):
    group = site["groups"].add("g", Group("G"))
    profile = add(site, "amara")
    assert grant_role(group, profile, "member") is None
    assert grant_role(group, profile, "manager") == "member"
    assert group.role_of("amara") == "manager" and profile.groups["g"] == "manager"
    assert revoke_role(group, profile) == "manager"
    assert "g" not in profile.groups and group.role_of("amara") is None
    with pytest.raises(ValueError):
        grant_role(group, profile, "owner")


def test_private_group_acl_by_role(site):
    group = site["groups"].add("g", Group("G"))
    docs = group["documents"]
    people = {who: add(site, who) for who in ("manager", "member", "observer", "outsider")}
    admin = add(site, "admin", admin=True)
    for role in ("manager", "member", "observer"):
        grant_role(group, people[role], role)
    assert permits(docs, people["observer"], "view")
    assert not permits(docs, people["observer"], "edit")
    assert permits(docs, people["member"], "edit")
    assert not permits(docs, people["member"], "manage_group")
    assert permits(group, people["manager"], "manage_group")
    assert not permits(group, people["outsider"], "see")
    assert not permits(docs, people["outsider"], "view")
    # Admins see and manage a private group but read nothing until they hold a role.
    assert permits(group, admin, "see") and permits(group, admin, "manage_group")
    assert not permits(docs, admin, "view")
    assert not permits(docs, None, "view")


def test_visibility_listed_and_open(site):
    outsider = add(site, "outsider")
    listed = site["groups"].add("l", Group("L", visibility="listed"))
    opened = site["groups"].add("o", Group("O", visibility="open"))
    assert permits(listed, outsider, "see") and not permits(listed["documents"], outsider, "view")
    assert permits(opened["documents"], outsider, "view")
    assert not permits(opened["documents"], outsider, "edit")
    assert not permits(opened, None, "see")


def test_principals():
    assert principals_for(None) == frozenset([Everyone])
    site = Site()
    profile = add(site, "amara", admin=True)
    profile.groups["g"] = "member"
    assert set(principals_for(profile)) == {Everyone, Authenticated, "user:amara",
                                            "role:admin", "g:g:member"}


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def test_throttle_blocks_a_login_from_one_address_after_ten_failures_in_the_window():
    clock = Clock()
    throttle = FailedLogins(clock)
    for i in range(MAX_FAILURES):
        assert not throttle.blocked("Amara", "10.0.0.9")
        throttle.failed("amara", "10.0.0.9")
        clock.now += 1
    assert throttle.blocked("AMARA", "10.0.0.9")
    assert not throttle.blocked("amara", "10.0.0.1")  # the real person, elsewhere
    clock.now += WINDOW_SECONDS + 1
    assert not throttle.blocked("amara", "10.0.0.9")


def test_throttle_blocks_an_address_that_sprays_many_logins():
    throttle = FailedLogins(Clock())
    for n in range(MAX_ADDRESS_FAILURES):
        assert not throttle.blocked(f"login{n}", "10.6.6.6")
        throttle.failed(f"login{n}", "10.6.6.6")
    assert throttle.blocked("anyone", "10.6.6.6")
    assert not throttle.blocked("anyone", "10.0.0.1")


def test_audit_entries_are_single_lines_newest_first():
    log = AuditLog()
    log.record("admin", "role_granted", "g/amara\r\nFAKE admin login", "member")
    log.record("admin", "role_revoked", "g/amara", "member")
    entries = log.newest()
    assert [e["action"] for e in entries] == ["role_revoked", "role_granted"]
    assert "\n" not in entries[1]["object"] and "\r" not in entries[1]["object"]
    assert entries[0]["time"].endswith("+00:00")
    assert log.newest(1, before=entries[0]["id"])[0]["action"] == "role_granted"


def test_new_site_is_born_at_the_latest_evolve_generation():
    from workspace.content.evolve import evolve, latest_generation
    site = Site()
    assert site.evolve_generation == latest_generation()
    assert evolve(site) == 0


def test_evolve_runs_each_pending_step_once_and_records_it(monkeypatch):
    from workspace.content import evolve as evolve_module
    site = Site()
    ran = []
    monkeypatch.setattr(evolve_module, "STEPS", [lambda s: ran.append(1), lambda s: ran.append(2)])
    site.evolve_generation = 1
    assert evolve_module.evolve(site) == 1 and ran == [2]
    assert site.evolve_generation == 2 and evolve_module.evolve(site) == 0


def test_a_success_clears_that_address_only():
    throttle = FailedLogins(Clock())
    for _ in range(MAX_FAILURES - 1):
        throttle.failed("amara", "10.0.0.9")
        throttle.failed("amara", "10.0.0.8")
    throttle.succeeded("amara", "10.0.0.9")
    throttle.failed("amara", "10.0.0.9")
    throttle.failed("amara", "10.0.0.8")
    assert not throttle.blocked("amara", "10.0.0.9")
    assert throttle.blocked("amara", "10.0.0.8")


def test_audit_strips_unicode_line_breaks_and_bidi_controls():
    log = AuditLog()
    log.record("a\u2028b\u0085c\u202ed", "x", "y")
    assert log.newest()[0]["actor"] == "a b c d"


def test_old_sessions_are_forgotten_when_a_new_one_starts(site, monkeypatch):
    import workspace.content.people as people_module
    profile = add(site, "amara")
    monkeypatch.setattr(people_module.time, "time", lambda: 1000.0)
    first = profile.start_session(3600)
    monkeypatch.setattr(people_module.time, "time", lambda: 1000.0 + 3601)
    second = profile.start_session(3600)
    assert list(profile.sessions.keys()) == [second] and first != second


def test_passwords_are_compared_in_nfc(site):
    profile = add(site, "mele")
    profile.set_password("caf\u00e9 au lait")
    assert profile.check_password("cafe\u0301 au lait")
