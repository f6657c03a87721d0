"""Referrals answered by mail, through the real listener: the mails about a referral carry
the person's signed reply address; an accepted expert's reply is their answer and the
requester's their question back, trimmed, with the web's state rules; an expert who has
not accepted, a closed referral, a key used from another address or a forged key changes
nothing (with a mail back where there is someone to tell)."""
from email.message import EmailMessage
import smtplib

import pytest

from mail_helpers import (DOMAIN, listen_port, reply_address, send, settings,  # noqa: F401
                          settle, sink)
from referral_helpers import QUESTION, ask, bring_to, clock, roster, url  # noqa: F401


def mail_about(sink, who, subject_part, count=1):
    """The latest mail to `who` whose subject has `subject_part` (waiting for `count`)."""
    for _ in range(3):
        found = [m for m in sink.wait_for(f"{who}@example.org", count)
                 if subject_part in str(m["Subject"])]
        if found:
            return found[-1]
        count += 1
    raise AssertionError(f"no mail about {subject_part!r} to {who}")


def reply(listen_port, mail, body, sender, subject=None):
    send(listen_port, f"{sender}@example.org", reply_address(mail),
         subject or f"Re: {mail['Subject']}",
         body + "\n\nOn Tue, 1 Dec 2026 at 10:00, Workspace <workspace@lists.example.org> "
         "wrote:\n> " + QUESTION + "\n", In_Reply_To=mail["Message-ID"])


def text_of(mail):
    return mail.get_body(("plain",)).get_content()


def referral(cast, rid, who="admin"):
    return cast.api[who].get(url(rid)).json


@pytest.fixture
def accepted(roster, clock, sink, app):
    """A referral of member's with manager invited and accepted; (id, the acceptance mail)."""
    rid = ask(roster)
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "manager"})
    roster.api["manager"].post_json(url(rid, "respond"), {"accept": True})
    yield rid, mail_about(sink, "manager", "You took the referral", 2)
    app.registry.workspace_mail.stop()
    app.registry.workspace_mail_listener.stop()


def test_an_expert_answers_by_reply_and_the_requester_asks_back_by_reply(
        accepted, roster, sink, app, listen_port):
    rid, taken = accepted
    assert reply_address(taken).startswith("referrals+r")
    assert QUESTION in text_of(taken)
    reply(listen_port, taken, "Pair each new teacher with a *mentor* for a year.", "manager")
    settle(app)
    got = referral(roster, rid, "member")
    assert got["state"] == "answered"
    assert [(p["author"], p["kind"], p["body"]) for p in got["posts"]] == [
        ("manager", "answer", "Pair each new teacher with a *mentor* for a year.")]
    answer_mail = mail_about(sink, "member", "An answer to your referral")
    assert "mentor* for a year" in text_of(answer_mail)
    reply(listen_port, answer_mail, "Which mentors: head teachers?", "member")
    settle(app)
    got = referral(roster, rid, "member")
    assert [(p["author"], p["kind"]) for p in got["posts"]] == [
        ("manager", "answer"), ("member", "question")]
    assert got["posts"][1]["body"] == "Which mentors: head teachers?"
    follow_up = mail_about(sink, "manager", "A follow-up question", 3)
    assert "head teachers?" in text_of(follow_up)
    reply(listen_port, follow_up, "Senior teachers of the same school.", "manager")
    settle(app)
    assert [p["body"] for p in referral(roster, rid)["posts"]][-1] == (
        "Senior teachers of the same school.")


def test_an_expert_who_has_not_accepted_cannot_answer_by_mail(roster, clock, sink, app,
                                                              listen_port):
    rid = ask(roster)
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "observer"})
    invitation = mail_about(sink, "observer", "Expert referral")
    reply(listen_port, invitation, "Sure, here is my answer.", "observer")
    settle(app)
    got = referral(roster, rid)
    assert got["state"] == "referred" and got["posts"] == []
    refusal = mail_about(sink, "observer", "Re:", 2)
    assert "Accept the invitation first" in text_of(refusal)
    app.registry.workspace_mail.stop()
    app.registry.workspace_mail_listener.stop()


def test_a_closed_referral_takes_no_reply(accepted, roster, sink, app, listen_port):
    rid, taken = accepted
    roster.api["manager"].post_json(url(rid, "answers"), {"body": "Mentors."}, status=201)
    roster.api["member"].post_json(url(rid, "close"), {"outcome": "resolved"})
    reply(listen_port, taken, "One more thought.", "manager")
    settle(app)
    got = referral(roster, rid)
    assert got["state"] == "closed" and [p["body"] for p in got["posts"]] == ["Mentors."]
    refusal = mail_about(sink, "manager", "Re:", 3)
    assert "closed" in text_of(refusal) and "not added" in text_of(refusal)


def test_a_key_used_from_another_address_changes_nothing_and_tells_nothing(
        accepted, roster, sink, app, listen_port):
    rid, taken = accepted
    reply(listen_port, taken, "Let me in.", "outsider", subject="Hello")
    reply(listen_port, taken, "Me too.", "member")  # the requester, with the expert's key
    settle(app)
    assert referral(roster, rid)["posts"] == []
    (refusal,) = sink.wait_for("outsider@example.org")
    assert "another person" in text_of(refusal) and QUESTION not in text_of(refusal)
    assert any("another person" in text_of(m) for m in sink.to("member@example.org"))


def test_a_forged_referral_key_is_refused_at_rcpt(accepted, listen_port):
    rid, taken = accepted
    forged = reply_address(taken).replace("manager@", "member@")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(listen_port, "member@example.org", forged, "Re: x", "forged")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(listen_port, "member@example.org", f"referrals+r{rid}-{'0' * 20}member@{DOMAIN}",
             "Re: x", "forged")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(listen_port, "member@example.org", f"referrals@{DOMAIN}", "Hello", "no key")


def test_an_out_of_office_reply_is_never_an_answer(accepted, roster, sink, app,
                                                   listen_port):
    rid, taken = accepted
    send(listen_port, "manager@example.org", reply_address(taken), "Out of office",
         "I am away until Monday.", Auto_Submitted="auto-replied")
    settle(app)
    assert referral(roster, rid)["posts"] == []
    assert not any("not added" in text_of(m) for m in sink.to("manager@example.org"))


def test_an_html_only_reply_becomes_a_markdown_answer(accepted, roster, sink, app,
                                                      listen_port):
    rid, taken = accepted
    message = EmailMessage()
    message["From"], message["To"] = "manager@example.org", reply_address(taken)
    message["Subject"], message["Message-ID"] = "Re: referral", "<html-answer@example.org>"
    message.set_content("<p>Use <strong>mentors</strong> in pairs.</p>", subtype="html")
    with smtplib.SMTP("127.0.0.1", listen_port) as smtp:
        smtp.sendmail("manager@example.org", [reply_address(taken)], message.as_bytes())
    settle(app)
    (post,) = referral(roster, rid)["posts"]
    assert post["body"] == "Use **mentors** in pairs." and "<strong>mentors</strong>" in post[
        "html"]
