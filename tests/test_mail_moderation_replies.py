"""Held mail decided by replying to the notice, as a manager on a phone would: the first
line says approve, reject (with the reason) or discard, in several languages; a reply from
another address, from someone who no longer manages the group, with no command, or about
a message already decided changes nothing and says why. Real SMTP both ways."""
import re
import smtplib

import pytest

from mail_helpers import (DOMAIN, listen_port, mailgroup, reply_address, send,  # noqa: F401
                          settings, settle, sink)


def hold_one(group, sink, app, listen_port, manager="manager"):
    """A non-member's message held; the notice `manager` got about it."""
    send(listen_port, "Jane Doe <jane@example.net>", f"secret@{DOMAIN}", "Our report",
         "May I share our report on rural schools?")
    settle(app)
    (held,) = group.api["manager"].get("/api/groups/secret/held").json
    notice = [m for m in sink.wait_for(f"{manager}@example.org")
              if "Held for moderation" in str(m["Subject"])][-1]
    return held, notice


def answer(listen_port, notice, body, sender="manager@example.org"):
    send(listen_port, sender, reply_address(notice), f"Re: {notice['Subject']}",
         body + "\n\nOn Tue, 1 Dec 2026, Workspace wrote:\n> A message to Secret is held "
         "for moderation.\n> Approve, reject or discard it here:\n", In_Reply_To=notice[
             "Message-ID"])


def held_now(group):
    return group.api["manager"].get("/api/groups/secret/held").json


def topics(group):
    return group.api["member"].get("/api/groups/secret/boards/talk").json["topics"]


def texts(sink, address):
    return [m.get_body(("plain",)).get_content() for m in sink.to(address)]


def test_the_notice_has_a_signed_reply_address_and_says_how_to_use_it(mailgroup, sink, app,
                                                                      listen_port):
    _, notice = hold_one(mailgroup, sink, app, listen_port)
    assert reply_address(notice).startswith("secret+m")
    assert "reply to this mail" in notice.get_body(("plain",)).get_content().lower()
    forged = reply_address(notice).replace("manager@", "member@")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(listen_port, "member@example.org", forged, "Re: x", "approve")


def test_the_notices_page_says_a_reply_does_the_same(mailgroup, sink, app, listen_port,
                                                     testapp):
    _, notice = hold_one(mailgroup, sink, app, listen_port)
    link = re.search(r"https?://[^/\s]+(/held/\S+)", notice.get_body(("plain",)).get_content())
    page = testapp.get(link.group(1))
    assert "Our report" in page.text and "Replying to the notice does the same" in page.text


def test_approve_by_reply_publishes_it_as_from_the_web(mailgroup, sink, app, listen_port):
    _, notice = hold_one(mailgroup, sink, app, listen_port)
    answer(listen_port, notice, "Approve.")
    settle(app)
    assert held_now(mailgroup) == []
    (topic,) = topics(mailgroup)
    assert topic["title"] == "Our report" and topic["author"] == "Jane Doe (guest)"
    assert any("approved and published" in t for t in texts(sink, "manager@example.org"))


@pytest.mark.parametrize("first_line, reason", [
    ("reject Not for this list.", "Not for this list."),
    ("Rechazar: fuera de tema", "fuera de tema"),
    ("REJETER\nHors sujet, désolé.", "Hors sujet, désolé.")])
def test_reject_by_reply_in_several_languages_mails_the_reason(mailgroup, sink, app,
                                                               listen_port, first_line,
                                                               reason):
    _, notice = hold_one(mailgroup, sink, app, listen_port)
    answer(listen_port, notice, first_line)
    settle(app)
    assert held_now(mailgroup) == [] and topics(mailgroup) == []
    (refusal,) = sink.wait_for("jane@example.net")
    assert reason in refusal.get_body(("plain",)).get_content()


@pytest.mark.parametrize("word", ["discard", "Verwerfen", "descartar", "\u200fحذف"])
def test_discard_by_reply_removes_it_and_tells_the_sender_nothing(mailgroup, sink, app,
                                                                  listen_port, word):
    _, notice = hold_one(mailgroup, sink, app, listen_port)
    answer(listen_port, notice, word)
    settle(app)
    assert held_now(mailgroup) == [] and topics(mailgroup) == []
    assert sink.to("jane@example.net") == []


def test_a_reply_from_another_address_changes_nothing(mailgroup, sink, app, listen_port):
    held, notice = hold_one(mailgroup, sink, app, listen_port)
    answer(listen_port, notice, "approve", sender="member@example.org")
    settle(app)
    assert [h["id"] for h in held_now(mailgroup)] == [held["id"]] and topics(mailgroup) == []
    assert any("Nothing was done" in t for t in texts(sink, "member@example.org"))


def test_someone_who_no_longer_manages_the_group_cannot_decide(mailgroup, sink, app,
                                                               listen_port):
    mailgroup.api["manager"].put_json("/api/groups/secret/members/member",
                                      {"role": "manager"})
    held, notice = hold_one(mailgroup, sink, app, listen_port, manager="member")
    mailgroup.api["manager"].put_json("/api/groups/secret/members/member",
                                      {"role": "member"})
    answer(listen_port, notice, "approve", sender="member@example.org")
    settle(app)
    assert [h["id"] for h in held_now(mailgroup)] == [held["id"]] and topics(mailgroup) == []
    assert any("no longer manage" in t for t in texts(sink, "member@example.org"))


def test_a_reply_without_a_command_changes_nothing_and_says_what_to_write(
        mailgroup, sink, app, listen_port):
    held, notice = hold_one(mailgroup, sink, app, listen_port)
    answer(listen_port, notice, "Thanks, I will look at it tonight.")
    settle(app)
    assert [h["id"] for h in held_now(mailgroup)] == [held["id"]]
    assert any("approve, reject" in t for t in texts(sink, "manager@example.org")[1:])


def test_a_message_decided_already_is_not_decided_again(mailgroup, sink, app, listen_port):
    held, notice = hold_one(mailgroup, sink, app, listen_port)
    mailgroup.api["manager"].post_json(f"/api/groups/secret/held/{held['id']}/approve", {})
    answer(listen_port, notice, "discard")
    settle(app)
    assert [t["title"] for t in topics(mailgroup)] == ["Our report"]
    assert any("no longer held" in t for t in texts(sink, "manager@example.org"))
