"""Mail anyone can send that the email package or the HTML converter chokes on: held
for the managers as "unreadable" (never lost in the spool, never retried for ever); HTML
converted, and bodies trimmed, within bounds of size and nesting."""
import email.utils
import os
import smtplib

from mail_helpers import DOMAIN, listen_port, mailgroup, settings, settle, sink  # noqa: F401
from workspace.mail import htmlmail
from workspace.mail.htmlmail import MAX_DEPTH, MAX_HTML, html_to_markdown
from workspace.mail.trim import MAX_TRIMMED


def send_raw(port, sender, head, body):
    raw = (f"{head}\r\nTo: secret@{DOMAIN}\r\n"
           f"Message-ID: {email.utils.make_msgid(domain='example.org')}\r\n\r\n{body}\r\n")
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.sendmail(sender, [f"secret@{DOMAIN}"], raw.encode())


def spool_files(app):
    inbound = app.registry.workspace_mail.settings.inbound_dir
    return [name for sub in ("new", "cur") for name in os.listdir(os.path.join(inbound, sub))]


def test_deeply_nested_html_mail_is_posted_not_lost(mailgroup, app, listen_port):
    html = "<blockquote>\r\n" * 600 + "hello" + "</blockquote>\r\n" * 600
    send_raw(listen_port, "member@example.org", "From: Member <member@example.org>\r\n"
             "Subject: Nested\r\nContent-Type: text/html; charset=utf-8", html)
    settle(app)
    (topic,) = mailgroup.api["member"].get("/api/groups/secret/boards/talk").json["topics"]
    assert topic["title"] == "Nested"
    assert spool_files(app) == []


def test_a_from_header_the_email_package_refuses_is_held_as_unreadable(
        mailgroup, app, listen_port, sink):
    send_raw(listen_port, "member@example.org",
             "From: =?utf-8?q?evil=0D=0ABcc=3A_victim@example.net?= <member@example.org>\r\n"
             "Subject: Crafted\r\nContent-Type: text/plain; charset=utf-8", "Hi")
    settle(app)
    (held,) = mailgroup.api["manager"].get("/api/groups/secret/held").json
    assert held["reasons"] == ["unreadable"]
    assert held["subject"] == "Crafted" and held["from"] == "member@example.org"
    assert "Crafted" in sink.wait_for("manager@example.org")[-1]["Subject"]
    assert spool_files(app) == []
    assert mailgroup.api["member"].get("/api/groups/secret/boards/talk").json["topics"] == []
    mailgroup.api["manager"].post_json(f"/api/groups/secret/held/{held['id']}/approve", {})
    (topic,) = mailgroup.api["member"].get("/api/groups/secret/boards/talk").json["topics"]
    assert topic["title"] == "Crafted" and topic["author"] == "member@example.org (guest)"


def test_a_body_that_fails_to_convert_is_held_as_unreadable_once(
        mailgroup, app, listen_port, monkeypatch):
    def fails(html):
        raise RecursionError("maximum recursion depth exceeded")
    monkeypatch.setattr("workspace.mail.inbound.html_to_markdown", fails)
    for _ in range(2):  # the same Message-ID twice: one held message
        send_raw(listen_port, "member@example.org", "From: Member <member@example.org>\r\n"
                 "Subject: Odd\r\nMessage-ID: <odd@example.org>\r\n"
                 "Content-Type: text/html; charset=utf-8", "<p>hi</p>")
        settle(app)
    (held,) = mailgroup.api["manager"].get("/api/groups/secret/held").json
    assert held["reasons"] == ["unreadable"]
    assert spool_files(app) == []


def test_html_nested_past_the_bound_keeps_its_text():
    deep = "<div>" * (MAX_DEPTH + 500) + "<b>hello</b> world" + "</div>" * (MAX_DEPTH + 500)
    assert html_to_markdown(deep).endswith("hello world")
    assert html_to_markdown("<blockquote>" * 600 + "quoted" + "</blockquote>" * 600
                            ).endswith("quoted")


def test_html_past_the_size_bound_is_only_stripped_of_tags(monkeypatch):
    parsed = []
    real = htmlmail.BeautifulSoup
    monkeypatch.setattr(htmlmail, "BeautifulSoup", lambda *a: parsed.append(1) or real(*a))
    big = "<p>x &amp; y</p>" * (MAX_HTML // 16 + 1)
    text = html_to_markdown(big)
    assert parsed == [] and text.startswith("x & y") and text.count("x & y") == len(big) // 16
    assert html_to_markdown("<p>a <i>b</i></p>") == "a *b*" and parsed == [1]
    assert html_to_markdown("<" * (MAX_HTML + 1)).startswith("<<<")


def test_a_strangers_huge_body_is_held_too_long_without_being_trimmed(
        mailgroup, app, listen_port, monkeypatch):
    from workspace.mail import inbound
    trimmed = []
    real = inbound.trim
    monkeypatch.setattr(inbound, "trim", lambda text, subject="": trimmed.append(
        len(text)) or real(text, subject))
    send_raw(listen_port, "stranger@example.net", "From: Stranger <stranger@example.net>\r\n"
             "Subject: Big\r\nContent-Type: text/plain; charset=utf-8",
             "x\r\n" * (MAX_TRIMMED // 2 + 1000))
    settle(app)
    (held,) = mailgroup.api["manager"].get("/api/groups/secret/held").json
    assert held["reasons"] == ["not_member", "too_long"]
    assert trimmed == []
