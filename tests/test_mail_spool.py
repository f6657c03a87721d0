"""The outgoing spool: one batch file per mail job, each message sent once, even when the
SMTP server goes away in the middle of a batch or the sending process dies there; an
aborted transaction leaves nothing to send. Real SMTP on loopback, a real FileStorage."""
import os
import signal
import socket
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller
import pytest
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from crash_harness import free_port
from workspace.mail.config import read_settings
from workspace.mail.sender import Connection, ServerAway, send_waiting
from workspace.mail.spool import SpoolBatch, make_dirs, recover_stale_claims, waiting

COUNT = 30


class Relay:
    """An SMTP server that keeps the Message-IDs it takes, and can fail on one message:
    `fail_at` (its number, from 1) answered 451 and not kept, after calling `on_fail`."""

    def __init__(self):
        self.ids, self.lock, self.fail_at, self.on_fail = [], threading.Lock(), None, None
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.seen += 1
            if self.seen == self.fail_at:
                if self.on_fail:
                    self.on_fail()
                return "451 4.3.0 Not now"
            for line in envelope.content.splitlines():
                if line.lower().startswith(b"message-id:"):
                    self.ids.append(line.split(b":", 1)[1].strip().decode())
        return "250 OK"


@pytest.fixture
def relay():
    handler = Relay()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


def mail_settings(tmp_path, port):
    return read_settings({"mail.host": "127.0.0.1", "mail.port": str(port),
                          "workspace.mail_dir": str(tmp_path / "mail"),
                          "workspace.mail_domain": "lists.example.org"})


def spool_batch(settings, count=COUNT):
    """One committed batch of `count` messages to addresses with no account."""
    make_dirs(settings.outgoing_dir)
    tm = transaction.TransactionManager(explicit=True)
    tm.begin()
    batch = SpoolBatch(settings.outgoing_dir, tm)
    for n in range(count):
        batch.add({"from": "site@lists.example.org", "to": f"p{n}@example.org"},
                  f"Message-ID: <m{n}@example.org>\r\nSubject: {n}\r\n\r\nBody {n}\r\n"
                  .encode())
    tm.commit()
    return [f"<m{n}@example.org>" for n in range(count)]


def database(tmp_path):
    return DB(FileStorage(str(tmp_path / "Data.fs")))


def test_a_job_is_one_file_and_an_aborted_one_leaves_nothing(tmp_path, relay):
    settings = mail_settings(tmp_path, relay.port)
    spool_batch(settings, 500)
    assert len(waiting(settings.outgoing_dir)) == 1
    tm = transaction.TransactionManager(explicit=True)
    tm.begin()
    SpoolBatch(settings.outgoing_dir, tm).add({"from": "a@b.c", "to": "x@y.z"}, b"x")
    tm.abort()
    assert len(waiting(settings.outgoing_dir)) == 1
    assert os.listdir(os.path.join(settings.outgoing_dir, "tmp")) == []


def test_a_server_going_away_mid_batch_resumes_after_the_last_sent(tmp_path, relay):
    settings = mail_settings(tmp_path, relay.port)
    expected = spool_batch(settings)
    db = database(tmp_path)
    connection = Connection(settings)
    relay.fail_at = 12
    with pytest.raises(ServerAway):
        send_waiting(db, settings, connection)
    assert relay.ids == expected[:11]
    assert len(waiting(settings.outgoing_dir)) == 1  # given back, not lost
    assert send_waiting(db, settings, connection) == (COUNT - 11, 0)
    connection.close()
    db.close()
    assert relay.ids == expected  # every one, each once, in order
    assert waiting(settings.outgoing_dir) == []
    assert os.listdir(os.path.join(settings.outgoing_dir, "progress")) == []


CHILD = """
import sys
from ZODB import DB
from ZODB.FileStorage import FileStorage
from workspace.mail.config import read_settings
from workspace.mail.sender import Connection, send_waiting
settings = read_settings({"mail.host": "127.0.0.1", "mail.port": sys.argv[1],
                          "workspace.mail_dir": sys.argv[2],
                          "workspace.mail_domain": "lists.example.org"})
send_waiting(DB(FileStorage(sys.argv[3])), settings, Connection(settings))
"""


def test_a_sender_that_dies_mid_batch_leaves_exactly_the_rest_to_the_next(tmp_path,
                                                                           relay):
    settings = mail_settings(tmp_path, relay.port)
    expected = spool_batch(settings)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(relay.port),
                              str(tmp_path / "mail"), str(tmp_path / "Data.fs")])
    relay.fail_at = 18
    relay.on_fail = lambda: os.kill(child.pid, signal.SIGKILL)
    assert child.wait(60) == -signal.SIGKILL
    assert relay.ids == expected[:17]
    assert waiting(settings.outgoing_dir) == []  # claimed by the dead process
    recover_stale_claims(settings.outgoing_dir, older_than=0)
    db = database(tmp_path)
    connection = Connection(settings)
    assert send_waiting(db, settings, connection) == (COUNT - 17, 0)
    connection.close()
    db.close()
    assert relay.ids == expected


def test_a_damaged_batch_sends_up_to_the_damage_and_is_dropped(tmp_path, relay):
    settings = mail_settings(tmp_path, relay.port)
    expected = spool_batch(settings, 5)
    (name,) = waiting(settings.outgoing_dir)
    path = os.path.join(settings.outgoing_dir, "new", name)
    with open(path, "rb") as stream:
        data = stream.read()
    with open(path, "wb") as stream:
        stream.write(data[:-30])  # the last message cut short
    db = database(tmp_path)
    connection = Connection(settings)
    assert send_waiting(db, settings, connection) == (4, 0)
    connection.close()
    db.close()
    assert relay.ids == expected[:4] and waiting(settings.outgoing_dir) == []


def test_only_this_machines_dead_claims_are_given_back(tmp_path, relay):
    settings = mail_settings(tmp_path, relay.port)
    spool_batch(settings, 2)
    spool_batch(settings, 2)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    mine, theirs = waiting(settings.outgoing_dir)
    cur = os.path.join(settings.outgoing_dir, "cur")
    here = socket.gethostname()
    for name, where in ((mine, here), (theirs, "another-machine")):
        claimed = os.path.join(cur, f"{name}:{dead.pid}@{where}")
        os.rename(os.path.join(settings.outgoing_dir, "new", name), claimed)
        os.utime(claimed, (0, 0))
    recover_stale_claims(settings.outgoing_dir)
    assert waiting(settings.outgoing_dir) == [mine]
    assert os.listdir(cur) == [f"{theirs}:{dead.pid}@another-machine"]
