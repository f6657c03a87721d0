"""Joining: anyone applies (202, whatever the address), confirms by the mailed link,
throttled per address and per client, expired after 7 days unconfirmed; admins list,
approve (an account, roles, a mail to choose a password) and decline; nothing tells an
applicant whether an address has an account."""
from datetime import timedelta
import re

import pytest

from helpers import WHOS
from workspace.content.applications import CONFIRM_DAYS
from workspace.mail.state import state_of

APPLY = "/api/applications"
ALICE = {"name": "Alice Mwangi", "email": "alice@example.org", "country": "Kenya",
         "organisation": "Ministry of Education", "sector": "government",
         "reason": "To learn from peers"}


def mails(site):
    """(to, subject, text) of every notice queued so far."""
    with site.open() as root:
        state = state_of(root._p_jar.root(), create=False)
        jobs = list(state.jobs.values()) if state is not None else []
    return [(job[1]["to"], job[2], job[3]) for job in jobs if job[0] == "notice"]


def confirm_link(site, address):
    (text,) = [t for to, s, t in mails(site) if to == address and "confirm" in s.lower()]
    return re.search(r"(/applications/\S+)", text).group(1)


@pytest.fixture
def confirmed(cast, site):
    cast.api["anonymous"].post_json(APPLY, ALICE, status=202)
    cast.html("anonymous").get(confirm_link(site, ALICE["email"]), status=200)
    (entry,) = cast.api["admin"].get(APPLY).json
    return entry["id"]


def test_anyone_applies_and_confirms_by_the_mailed_link(cast, site):
    cast.api["anonymous"].post_json(APPLY, ALICE, status=202)
    (entry,) = cast.api["admin"].get(APPLY).json
    assert entry["confirmed"] is False and entry["email"] == ALICE["email"]
    link = confirm_link(site, ALICE["email"])
    cast.html("anonymous").get(link.split("?")[0] + "?key=wrong", status=404)
    cast.html("anonymous").get(link, status=200)
    assert cast.api["admin"].get(APPLY).json[0]["confirmed"] is True
    cast.html("anonymous").get(link, status=404)  # a link works once


def test_the_answer_never_tells_whether_an_address_has_an_account(cast, site):
    new = cast.api["anonymous"].post_json(APPLY, ALICE, status=202)
    known = cast.api["anonymous"].post_json(APPLY, dict(ALICE, email="member@example.org"),
                                            status=202)
    assert new.json == known.json and new.headers.get("Set-Cookie") is None
    assert len(cast.api["admin"].get(APPLY).json) == 1
    (subject,) = [s for to, s, t in mails(site) if to == "member@example.org"]
    assert "already have an account" in subject


def test_applications_are_throttled_per_address_and_per_client(cast):
    for _ in range(3):
        cast.api["anonymous"].post_json(APPLY, ALICE, status=202)
    cast.api["anonymous"].post_json(APPLY, ALICE, status=429)
    for n in range(7):  # ten from this client within the hour
        cast.api["anonymous"].post_json(APPLY, dict(ALICE, email=f"p{n}@example.org"),
                                        status=202)
    cast.api["anonymous"].post_json(APPLY, dict(ALICE, email="late@example.org"),
                                    status=429)


def test_unconfirmed_applications_expire_after_seven_days(cast, site):
    cast.api["anonymous"].post_json(APPLY, ALICE)
    with site.open() as root:
        (application,) = root["applications"].values()
        application.created -= timedelta(days=CONFIRM_DAYS, minutes=1)
    assert cast.api["admin"].get(APPLY).json == []
    with site.open() as root:
        assert len(root["applications"]) == 0


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 404, 404, 404, 200))))
def test_only_admins_list_applications(cast, who, status):
    cast.api[who].get(APPLY, status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 404, 404, 404, 200))))
def test_only_admins_approve(cast, confirmed, who, status):
    cast.api[who].post_json(f"{APPLY}/{confirmed}/approve",
                            {"login": "alice", "groups": {"secret": "member"}},
                            status=status)


def test_approving_makes_the_account_grants_roles_and_mails_a_password_link(cast, site,
                                                                            confirmed):
    answer = cast.api["admin"].post_json(f"{APPLY}/{confirmed}/approve",
                                         {"login": "alice", "groups": {"secret": "member"}})
    assert answer.json == {"login": "alice"}
    members = cast.api["manager"].get("/api/groups/secret/members").json
    assert {"login": "alice", "role": "member"} in [
        {"login": m["login"], "role": m["role"]} for m in members]
    (text,) = [t for to, s, t in mails(site) if to == ALICE["email"] and "Welcome" in s]
    assert "/password-reset/" in text
    cast.api["admin"].post_json(f"{APPLY}/{confirmed}/approve", {}, status=409)
    entries = cast.api["admin"].get("/api/audit").json["entries"]
    assert any(e["action"] == "application_approved" for e in entries)


def test_declining_sends_a_polite_mail(cast, site, confirmed):
    cast.api["admin"].post_json(f"{APPLY}/{confirmed}/decline", {"reason": "Not yet."})
    (text,) = [t for to, s, t in mails(site) if to == ALICE["email"] and s == "Your application"]
    assert "Not yet." in text and "sorry" in text
    assert cast.api["admin"].get(APPLY).json[0]["state"] == "declined"


def test_an_unconfirmed_application_cannot_be_approved(cast):
    cast.api["anonymous"].post_json(APPLY, ALICE)
    (entry,) = cast.api["admin"].get(APPLY).json
    cast.api["admin"].post_json(f"{APPLY}/{entry['id']}/approve", {}, status=409)


@pytest.mark.parametrize("body", [{"name": "x"}, dict(ALICE, email="not-an-address"),
                                  dict(ALICE, extra=1)])
def test_bad_applications_are_a_400(cast, body):
    cast.api["anonymous"].post_json(APPLY, body, status=400)


def test_the_public_form_applies_without_an_account(cast, site):
    browser = cast.html("anonymous")
    form = browser.get("/applications/@@apply").forms["form"]
    form["name"], form["email"] = "Bo Tembo", "bo@example.org"
    response = form.submit("apply").follow()
    assert "a mail is on its way" in response.text
    assert confirm_link(site, "bo@example.org")


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member"])
def test_applicants_see_nothing_of_applications(cast, confirmed, who):
    cast.api[who].get(f"{APPLY}/{confirmed}", status=401 if who == "anonymous" else 404)
