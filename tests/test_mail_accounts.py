"""Invitations and password resets by mail, with a real SMTP server on loopback."""
import re

import pytest

from helpers import settings_for
from test_mail_flow import Sink, free_port  # noqa: F401 (the sink fixture's parts)
from test_mail_flow import sink  # noqa: F401


@pytest.fixture
def settings(tmp_path, sink):  # noqa: F811
    values = settings_for(tmp_path / "var")
    values.update({"mail.host": "127.0.0.1", "mail.port": str(sink.port)})
    return values


@pytest.fixture
def mailing(cast, app):
    yield cast
    app.registry.workspace_mail.stop()


def link_in(message, path):
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"https?://[^/\s]+(/{path}/[\w\-.~]+)", text).group(1)


def test_a_reset_link_sets_a_new_password_and_ends_sessions(mailing, sink, testapp):
    for address in ("member@example.org", "nobody@example.org"):
        answer = testapp.post_json("/api/password-reset", {"email": address}, status=202)
        assert answer.json["message"].startswith("If this address")
    (message,) = sink.wait_for("member@example.org")
    path = link_in(message, "password-reset")
    testapp.post_json("/api" + path, {"password": "short"}, status=400)
    testapp.post_json("/api" + path, {"password": "a brand new long password"})
    testapp.post_json("/api" + path, {"password": "another long password 2"}, status=404)
    mailing.api["member"].get("/api/me", status=401)  # tokens ended
    testapp.post_json("/api/tokens", {"login": "member",
                                      "password": "a brand new long password"}, status=201)
    assert sink.to("nobody@example.org") == []


def test_the_reset_page_asks_for_an_address_and_answers_the_same_for_any(mailing, sink,
                                                                         testapp):
    form = testapp.get("/password-reset").forms["form"]
    form["email"] = "nobody@example.org"
    assert "If this address" in form.submit("send").text


def test_an_invitation_lets_the_invitee_choose_a_login_and_joins_the_groups(mailing, sink,
                                                                            testapp):
    mailing.api["member"].post_json("/api/invitations", {
        "email": "new@example.net", "name": "New Person", "groups": {"secret": "member"}},
        status=403)
    mailing.api["manager"].post_json("/api/invitations", {
        "email": "new@example.net", "name": "New Person", "groups": {"secret": "member"}},
        status=201)
    (message,) = sink.wait_for("new@example.net")
    page = testapp.get(link_in(message, "invitations"))
    form = page.forms["form"]
    form["login"], form["password"] = "newbie", "a long enough password here"
    assert form.submit("create").status_int == 302
    members = mailing.api["manager"].get("/api/groups/secret/members").json
    assert {"login": "newbie", "role": "member"} in [
        {"login": m["login"], "role": m["role"]} for m in members]
    assert testapp.get(link_in(message, "invitations")).forms["form"]  # shows the form...
    form = testapp.get(link_in(message, "invitations")).forms["form"]
    form["login"], form["password"] = "again", "a long enough password here"
    assert "not valid any more" in form.submit("create").text  # ...but used once only


def test_the_group_mail_page_shows_the_address_and_the_delivery_choice(mailing, app):
    mailing.api["manager"].put_json("/api/groups/secret/mail", {"enabled": True})
    page = mailing.html("member").get("/groups/secret/mail/")
    assert "secret@lists.example.org" in page.text and 'name="delivery"' in page.text
    manager = mailing.html("manager")
    assert "Mailgroup settings" in manager.get("/groups/secret/mail/").text
    assert "No mail is waiting" in manager.get("/groups/secret/mail/@@held").text
    mailing.html("member").get("/groups/secret/mail/@@held", status=403)
    mailing.html("outsider").get("/groups/secret/mail/", status=404)
