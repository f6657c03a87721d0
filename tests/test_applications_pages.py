"""The admins' page of membership applications: who may see it, approving and declining
from it (CSRF-protected forms, bad input said and nothing changed), the link from the
admin's home, and the way in for a newcomer: the login page links to the apply form."""
import pytest

from helpers import WHOS
from test_applications import ALICE, confirmed, mails  # noqa: F401 (a fixture)

PAGE = "/applications/"


@pytest.mark.parametrize("who,status", list(zip(WHOS, (302, 404, 404, 404, 404, 200))))
def test_only_admins_see_the_applications_page(cast, confirmed, who, status):  # noqa: F811
    page = cast.html(who).get(PAGE, status=status)
    if status == 200:
        assert ALICE["name"] in page.text and ALICE["reason"] in page.text
    else:
        assert ALICE["email"] not in page.text


@pytest.mark.parametrize("who,status", list(zip(WHOS[1:], (404, 404, 404, 404, 302))))
def test_only_admins_approve_and_decline_from_the_page(cast, confirmed, who,  # noqa: F811
                                                       status):
    browser = cast.html(who)
    browser.post(f"{PAGE}{confirmed}/@@decline", {"csrf_token": browser.csrf},
                 status=status)
    state = cast.api["admin"].get(f"/api/applications/{confirmed}").json["state"]
    assert state == ("declined" if who == "admin" else "confirmed")


def test_a_form_without_its_csrf_token_changes_nothing(cast, confirmed):  # noqa: F811
    admin = cast.html("admin")
    admin.post(f"{PAGE}{confirmed}/@@approve", {"groups": "secret"}, status=400)
    assert cast.api["admin"].get(f"/api/applications/{confirmed}").json["state"] == \
        "confirmed"


def test_approving_on_the_page_makes_the_account_with_its_roles(cast, site,
                                                                confirmed):  # noqa: F811
    admin = cast.html("admin")
    page = admin.get(PAGE)
    form = page.forms[f"approve-{confirmed}"]
    form["login"], form["groups"], form["role"] = "alice", "secret", "observer"
    done = form.submit().follow()
    assert "Approved: Alice Mwangi has the account alice" in done.text
    assert cast.api["admin"].get("/api/groups/secret/members?limit=500").json.count(
        {"login": "alice", "role": "observer"}) == 1
    assert any(to == ALICE["email"] and "password" in subject.lower()
               for to, subject, _ in mails(site))
    assert ALICE["name"] not in admin.get(PAGE).text  # decided: off the open list
    assert ALICE["name"] in admin.get(PAGE + "?show=decided").text


@pytest.mark.parametrize("fields,message", [
    ({"groups": "nowhere"}, "there is no group nowhere"),
    ({"login": "Not A Login!"}, "Not approved"),
    ({"login": "member"}, "the login member is taken"),
    ({"role": "owner"}, "Not approved"),
])
def test_bad_approvals_say_why_and_change_nothing(cast, confirmed, fields,  # noqa: F811
                                                  message):
    admin = cast.html("admin")
    page = admin.post(f"{PAGE}{confirmed}/@@approve",
                      dict(fields, csrf_token=admin.csrf), status=302).follow()
    assert message in page.text
    assert cast.api["admin"].get(f"/api/applications/{confirmed}").json["state"] == \
        "confirmed"


def test_declining_on_the_page_mails_the_reason(cast, site, confirmed):  # noqa: F811
    admin = cast.html("admin")
    admin.post(f"{PAGE}{confirmed}/@@decline", {"csrf_token": admin.csrf,
                                                "reason": "We are full this year."},
               status=302)
    assert any(to == ALICE["email"] and "We are full this year." in text
               for to, _, text in mails(site))
    page = admin.get(PAGE + "?show=decided")
    assert "declined" in page.text


def test_an_unconfirmed_application_shows_without_decision_forms(cast):
    cast.api["anonymous"].post_json("/api/applications", ALICE, status=202)
    page = cast.html("admin").get(PAGE)
    assert "Waiting for Alice Mwangi to confirm their address." in page.text
    assert "@@approve" not in page.text


def test_the_admin_home_links_to_the_applications(cast):
    assert 'href="http://localhost/applications/"' in cast.html("admin").get("/").text
    assert "/applications/" not in cast.html("member").get("/").text


def test_the_login_page_links_to_the_apply_form_and_it_applies(cast, site):
    visitor = cast.html("anonymous")
    login = visitor.get("/login")
    apply = login.click(description="Apply to join")
    form = apply.forms["form"]
    for key in ("name", "email", "country", "organisation", "sector", "reason"):
        form[key] = ALICE[key]
    assert "a mail is on its way" in form.submit("apply").follow().text
    assert any(to == ALICE["email"] for to, _, _ in mails(site))


def test_the_public_pages_link_to_the_apply_form(cast):
    library = cast.html("anonymous").get("/library/")
    assert "/applications/@@apply" in library.text
    assert "/applications/@@apply" not in cast.html("member").get("/library/").text
