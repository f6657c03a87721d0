"""The mailgroup end to end, with real SMTP on loopback both ways: an aiosmtpd server
receives what the site sends, and the site's own listener receives what people send."""
import re
import smtplib
import time

from aiosmtpd.controller import Controller
import pytest

from mail_helpers import (DOMAIN, listen_port, mailgroup, reply_address, send,  # noqa: F401
                          settings, settle, sink)
from mail_helpers import Sink, free_port  # noqa: F401 (other mail tests import them from here)


def test_a_new_topic_reaches_every_reader_with_list_headers_and_not_its_author(
        mailgroup, sink, app):
    mailgroup.api["member"].post_json("/api/groups/secret/boards/talk/topics",
                                      {"id": "plan", "title": "Training plan",
                                       "body": "Shall we *start* in March?"}, status=201)
    for who in ("manager", "observer"):
        (message,) = sink.wait_for(f"{who}@example.org")
        assert message["From"].addresses[0].addr_spec == f"secret@{DOMAIN}"
        assert "via" in str(message["From"])
        assert message["List-Id"].endswith(f"<secret.{DOMAIN}>")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Precedence"] == "list"
        assert reply_address(message).startswith("secret+")
        assert message["Message-ID"].endswith(f".0.secret@{DOMAIN}>")
        assert "start* in March" in message.get_body(("plain",)).get_content()
    settle(app)
    assert sink.to("member@example.org") == [] and sink.to("outsider@example.org") == []
    (envelope_from, _, _), = [m for m in sink.messages if "manager@example.org" in m[1]]
    assert envelope_from.startswith("bounces+")


def test_a_reply_by_mail_appears_trimmed_under_its_author_and_goes_to_the_others(
        mailgroup, sink, app, listen_port):
    mailgroup.api["member"].post_json("/api/groups/secret/boards/talk/topics",
                                      {"id": "plan", "title": "Plan", "body": "March?"})
    (copy,) = sink.wait_for("manager@example.org")
    send(listen_port, "manager@example.org", reply_address(copy), "Re: [Secret] Plan",
         "Yes, March works.\n\nOn Mon, 5 Jan 2026, Member wrote:\n> March?\n",
         In_Reply_To=copy["Message-ID"])
    settle(app)
    topic = mailgroup.api["member"].get("/api/groups/secret/boards/talk/topics/plan").json
    assert [(r["author"], r["body"]) for r in topic["replies"]] == [
        ("manager", "Yes, March works.")]
    (reply,) = sink.wait_for("member@example.org")
    assert reply["In-Reply-To"] == copy["Message-ID"]
    assert str(reply["Subject"]).startswith("Re: ")


def test_mail_to_the_group_address_starts_a_topic_on_its_board(mailgroup, sink, app,
                                                                listen_port):
    send(listen_port, "member@example.org", f"secret@{DOMAIN}", "Peer visits",
         "What if we visited each other's classrooms?")
    settle(app)
    board = mailgroup.api["member"].get("/api/groups/secret/boards/talk").json
    assert [t["title"] for t in board["topics"]] == ["Peer visits"]
    sink.wait_for("observer@example.org")


def test_a_forged_reply_key_is_refused_at_rcpt(mailgroup, listen_port):
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(listen_port, "member@example.org",
             f"secret+{'0' * 41}member@{DOMAIN}", "Re: x", "forged")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(listen_port, "member@example.org", f"nowhere@{DOMAIN}", "x", "nobody here")


def test_a_key_used_from_another_address_is_held_and_an_observer_is_refused(
        mailgroup, sink, app, listen_port):
    mailgroup.api["member"].post_json("/api/groups/secret/boards/talk/topics",
                                      {"id": "plan", "title": "Plan", "body": "March?"})
    (copy,) = sink.wait_for("manager@example.org")
    send(listen_port, "stranger@example.net", reply_address(copy), "Re: Plan", "Hijack!")
    (observer_copy,) = sink.wait_for("observer@example.org")
    send(listen_port, "observer@example.org", reply_address(observer_copy), "Re: Plan",
         "May I?")
    settle(app)
    topic = mailgroup.api["member"].get("/api/groups/secret/boards/talk/topics/plan").json
    assert topic["replies"] == []
    held = mailgroup.api["manager"].get("/api/groups/secret/held").json
    assert [(h["from"], h["reasons"]) for h in held] == [
        ("stranger@example.net", ["key_from_other_address"])]
    (refusal,) = sink.wait_for("observer@example.org", 2)[1:]
    assert "not posted" in refusal.get_body(("plain",)).get_content()


def test_auto_replies_and_loops_are_never_posted(mailgroup, app, listen_port):
    send(listen_port, "member@example.org", f"secret@{DOMAIN}", "Out of office",
         "I am away.", Auto_Submitted="auto-replied")
    send(listen_port, "member@example.org", f"secret@{DOMAIN}", "Digest", "bulk",
         Precedence="bulk")
    send(listen_port, "mailer-daemon@example.org", f"secret@{DOMAIN}", "Failure", "x")
    settle(app)
    assert mailgroup.api["member"].get("/api/groups/secret/boards/talk").json["topics"] == []
    assert mailgroup.api["manager"].get("/api/groups/secret/held").json == []


def test_a_non_members_mail_is_held_and_published_as_a_guest_on_approval(
        mailgroup, sink, app, listen_port):
    send(listen_port, "Jane Doe <jane@example.net>", f"secret@{DOMAIN}", "Hello",
         "May I share our report?")
    settle(app)
    (held,) = mailgroup.api["manager"].get("/api/groups/secret/held").json
    assert held["reasons"] == ["not_member"]
    notice = sink.wait_for("manager@example.org")[-1]
    assert "/held/" in notice.get_body(("plain",)).get_content()
    mailgroup.api["member"].post_json(f"/api/groups/secret/held/{held['id']}/approve", {},
                                      status=403)
    mailgroup.api["manager"].post_json(f"/api/groups/secret/held/{held['id']}/approve", {})
    (topic,) = mailgroup.api["member"].get("/api/groups/secret/boards/talk").json["topics"]
    assert topic["author"] == "Jane Doe (guest)"
    assert mailgroup.api["manager"].get("/api/groups/secret/held").json == []


def test_reject_mails_the_reason_back(mailgroup, sink, app, listen_port):
    send(listen_port, "jane@example.net", f"secret@{DOMAIN}", "Buy now", "Cheap pills")
    settle(app)
    (held,) = mailgroup.api["manager"].get("/api/groups/secret/held").json
    mailgroup.api["manager"].post_json(f"/api/groups/secret/held/{held['id']}/reject",
                                       {"reason": "Off topic."})
    (notice,) = sink.wait_for("jane@example.net")
    assert "Off topic." in notice.get_body(("plain",)).get_content()


def test_a_new_members_first_post_is_held_under_new_members(mailgroup, sink, app,
                                                            listen_port):
    mailgroup.api["manager"].put_json("/api/groups/secret/mail", {"moderation": "new-members"})
    send(listen_port, "member@example.org", f"secret@{DOMAIN}", "First", "Hello all")
    settle(app)
    (held,) = mailgroup.api["manager"].get("/api/groups/secret/held").json
    assert held["reasons"] == ["first_post"]
    mailgroup.api["manager"].post_json(f"/api/groups/secret/held/{held['id']}/approve", {})
    send(listen_port, "member@example.org", f"secret@{DOMAIN}", "Second", "Again")
    settle(app)
    topics = mailgroup.api["member"].get("/api/groups/secret/boards/talk").json["topics"]
    assert sorted(t["title"] for t in topics) == ["First", "Second"]


def test_a_revoked_member_gets_nothing_more(mailgroup, sink, app):
    mailgroup.api["manager"].delete("/api/groups/secret/members/observer")
    mailgroup.api["member"].post_json("/api/groups/secret/boards/talk/topics",
                                      {"title": "After", "body": "Private"})
    sink.wait_for("manager@example.org")
    settle(app)
    assert sink.to("observer@example.org") == []


def test_one_click_unsubscribe_needs_no_cookie(mailgroup, sink, app, testapp):
    mailgroup.api["member"].post_json("/api/groups/secret/boards/talk/topics",
                                      {"title": "One", "body": "x"})
    (copy,) = sink.wait_for("observer@example.org")
    url = re.search(r"<([^>]+)>", str(copy["List-Unsubscribe"])).group(1)
    path = url.split("6599", 1)[1]
    assert "Unsubscribe" in testapp.get(path).text  # GET changes nothing
    assert mailgroup.api["observer"].get("/api/groups/secret/subscription").json[
        "delivery"] == "each"
    testapp.post(path, {"List-Unsubscribe": "One-Click"})
    assert mailgroup.api["observer"].get("/api/groups/secret/subscription").json == {
        "delivery": "none", "disabled": None}


def test_a_daily_digest_lists_the_posts_each_with_a_reply_address(mailgroup, sink, app):
    mailgroup.api["observer"].put_json("/api/groups/secret/subscription",
                                       {"delivery": "daily"})
    for title in ("One", "Two"):
        mailgroup.api["member"].post_json("/api/groups/secret/boards/talk/topics",
                                          {"title": title, "body": f"About {title}"})
    sink.wait_for("manager@example.org", 2)
    settle(app)
    assert sink.to("observer@example.org") == []
    mailgroup.api["member"].post_json("/api/mail/digests", {}, status=403)
    mailgroup.api["admin"].post_json("/api/mail/digests", {})
    (digest,) = sink.wait_for("observer@example.org")
    text = digest.get_body(("plain",)).get_content()
    assert "About One" in text and "About Two" in text
    assert text.count(f"mailto:secret+") == 2


def test_bounces_past_the_threshold_stop_delivery_until_turned_on_again(
        mailgroup, sink, app, listen_port):
    mailgroup.api["member"].post_json("/api/groups/secret/boards/talk/topics",
                                      {"title": "One", "body": "x"})
    sink.wait_for("observer@example.org")
    envelope_from = [m[0] for m in sink.messages if "observer@example.org" in m[1]][0]
    dsn = ("From: MAILER-DAEMON@example.org\r\nTo: {to}\r\nSubject: Undelivered Mail\r\n"
           "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;"
           " boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n--b\r\n"
           "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; example.org\r\n"
           "\r\nFinal-Recipient: rfc822; observer@example.org\r\nAction: failed\r\n"
           "Status: 5.1.1\r\n\r\n--b--\r\n")
    for n in range(3):
        with smtplib.SMTP("127.0.0.1", listen_port) as smtp:
            smtp.sendmail("", [envelope_from],
                          dsn.format(to=envelope_from).replace(
                              "Subject:", f"Message-ID: <dsn{n}@example.org>\r\nSubject:"))
    settle(app)
    assert mailgroup.api["observer"].get("/api/groups/secret/subscription").json[
        "disabled"] == "bounces"
    mailgroup.api["member"].post_json("/api/groups/secret/boards/talk/topics",
                                      {"title": "Two", "body": "y"})
    sink.wait_for("manager@example.org", 2)
    settle(app)
    assert len(sink.to("observer@example.org")) == 1
    mailgroup.api["observer"].put_json("/api/groups/secret/subscription", {"delivery": "each"})
    assert mailgroup.api["observer"].get("/api/groups/secret/subscription").json[
        "disabled"] is None


def test_mail_waits_while_the_smtp_server_is_down_and_goes_once_it_is_back(
        mailgroup, sink, app):
    sink.controller.stop()
    mailgroup.api["member"].post_json("/api/groups/secret/boards/talk/topics",
                                      {"title": "Later", "body": "x"})
    time.sleep(1.5)
    assert sink.to("manager@example.org") == []
    sink.controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    sink.controller.start()
    app.registry.workspace_mail.backoff.succeeded()
    assert len(sink.wait_for("manager@example.org", timeout=30)) == 1
    settle(app)
    assert len(sink.to("manager@example.org")) == 1  # never twice


def test_dmarc_failure_seen_by_the_trusted_mta_holds_the_message(mailgroup, app,
                                                                 listen_port):
    send(listen_port, "member@example.org", f"secret@{DOMAIN}", "Spoofed", "x",
         Authentication_Results="mx.lists.example.org; dmarc=fail header.from=example.org")
    settle(app)
    (held,) = mailgroup.api["manager"].get("/api/groups/secret/held").json
    assert held["reasons"] == ["dmarc_fail"]
