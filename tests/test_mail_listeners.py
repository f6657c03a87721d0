"""More than one listener on one inbound spool (as several processes of one site would
run): each message is claimed by one worker (an atomic rename) and turned into content
once per Message-ID, even when the same message arrives through both; a message a dead
process had claimed is taken up again. Real SMTP on loopback."""
import dataclasses
from email.message import EmailMessage
import os
import smtplib
import subprocess
import sys
import time

import pytest

from mail_helpers import (DOMAIN, free_port, listen_port, mailgroup, send,  # noqa: F401
                          settings, settle, sink)
from workspace.mail.listener import start_listener
from workspace.mail.spool import deliver_now, inbound_bytes
from workspace.mail.worker import MailWorker


@pytest.fixture
def second(mailgroup, app):
    """A second mail worker with its own listener, on the same database and spools."""
    first = app.registry.workspace_mail
    port = free_port()
    worker = MailWorker(first.db, dataclasses.replace(first.settings,
                                                      listen=f"127.0.0.1:{port}"),
                        app.registry)
    worker.start(sending=False)
    listener = start_listener(worker)
    worker.port = port
    yield worker
    listener.stop()
    worker.stop()


def topic_titles(group):
    board = group.api["member"].get("/api/groups/secret/boards/talk").json
    return sorted(t["title"] for t in board["topics"])


def test_two_listeners_post_each_message_once(mailgroup, second, app, listen_port):
    message = EmailMessage()
    message["From"], message["To"] = "member@example.org", f"secret@{DOMAIN}"
    message["Subject"], message["Message-ID"] = "Twice sent", "<twice@example.org>"
    message.set_content("An MTA that retried through the other listener.")
    for port in (listen_port, second.port):
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail("member@example.org", [f"secret@{DOMAIN}"], message.as_bytes())
    for n in range(12):
        send(listen_port if n % 2 else second.port, "member@example.org",
             f"secret@{DOMAIN}", f"Topic {n:02d}", f"Message number {n}.")
    settle(app)
    assert second.settle(20)
    settle(app)
    assert topic_titles(mailgroup) == sorted([f"Topic {n:02d}" for n in range(12)]
                                             + ["Twice sent"])


def test_a_message_claimed_by_a_dead_process_is_taken_up_again(mailgroup, app):
    worker = app.registry.workspace_mail
    spool = worker.settings.inbound_dir
    raw = (f"From: member@example.org\r\nTo: secret@{DOMAIN}\r\nSubject: Orphan\r\n"
           f"Message-ID: <orphan@example.org>\r\n\r\nClaimed, then the process died.\r\n")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = deliver_now(spool, inbound_bytes(raw.encode(), "member@example.org",
                                            [f"secret@{DOMAIN}"]))
    claimed = os.path.join(spool, "cur", f"{os.path.basename(path)}:{dead.pid}")
    os.rename(path, claimed)
    old = time.time() - 3600
    os.utime(claimed, (old, old))
    worker.inbound_arrived()
    settle(app)
    assert topic_titles(mailgroup) == ["Orphan"]
    assert os.listdir(os.path.join(spool, "cur")) == []
