"""The audit log says what really happened (issue 16, bug 7): a profile edit names only
the fields that changed (it named e-mail and name when only the bio changed), and the
accounts `make run`'s demo makes each have an `account_created` entry."""
import argparse

from helpers import TEST_INI
from workspace.scripts import demo


def audit(cast, action):
    return [e for e in cast.api["admin"].get("/api/audit").json["entries"]
            if e["action"] == action]


def test_a_profile_form_that_changes_the_bio_audits_only_the_bio(cast):
    browser = cast.html("member")
    form = browser.get("/people/member/@@edit").forms["form"]
    form["bio"] = "Teacher educator."
    form.submit("save").follow()
    (entry,) = audit(cast, "profile_changed")
    assert entry["detail"] == "bio"
    form = browser.get("/people/member/@@edit").forms["form"]
    form.submit("save").follow()  # nothing changed: nothing to audit
    assert len(audit(cast, "profile_changed")) == 1


def test_the_api_audits_only_what_changed(cast):
    cast.api["member"].put_json("/api/people/member", {"name": "Member", "country": "Tonga"})
    (entry,) = audit(cast, "profile_changed")
    assert entry["detail"] == "country"


def test_demo_accounts_have_account_created_entries(cast, site, monkeypatch):
    monkeypatch.setattr(demo, "open_site", lambda ini: site.open())
    demo.demo(argparse.Namespace(config=TEST_INI))
    created = {e["object"] for e in audit(cast, "account_created")}
    assert {f"/people/{login}" for login, *_ in demo.PEOPLE} <= created
