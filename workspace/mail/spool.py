"""The two spools on disk: outgoing messages waiting for SMTP, inbound ones waiting to
become content. Both are Maildir-shaped folders (`tmp/`, `new/`, `cur/`): a file is
written whole in `tmp/` and renamed into `new/`, so a reader never sees half a message.

An outgoing file is one line of JSON (the envelope: sender, recipient, and what to check
at sending time) followed by the message bytes. Outgoing files are added inside a
transaction with repoze.sendmail's `MailDataManager`: they reach `new/` only when the
transaction commits, and are removed when it aborts. Inbound files are the bytes the
MTA handed over, with the envelope in `X-Workspace-Envelope-*` headers put on top
(any such headers the message already carried are removed first).
"""
import itertools
import json
import os
import re
import socket
import time

from repoze.sendmail.delivery import MailDataManager

_counter = itertools.count()
_ENVELOPE_HEADER = re.compile(rb"^x-workspace-envelope-[a-z]+:", re.I)


def make_dirs(path):
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    return path


def unique_name():
    """Sortable by time of writing, unique across processes and threads."""
    return (f"{time.time_ns():020d}.{os.getpid()}_{next(_counter)}."
            f"{socket.gethostname().replace('/', '_')}")


def write_file(spool, data):
    """Write `data` into `tmp/` and return (tmp path, new path) for the rename."""
    name = unique_name()
    tmp = os.path.join(spool, "tmp", name)
    with open(tmp, "xb") as out:
        out.write(data)
    return tmp, os.path.join(spool, "new", name)


def deliver_now(spool, data, sync=False):
    """Put one file into the spool at once (outside any transaction); returns its path."""
    tmp, new = write_file(spool, data)
    if sync:
        with open(tmp, "rb") as stream:
            os.fsync(stream.fileno())
    os.rename(tmp, new)
    return new


class SpoolBatch:
    """Outgoing files that reach `new/` when the transaction of `tm` commits."""

    def __init__(self, spool, tm):
        self.spool, self.tm, self.files, self.joined = spool, tm, [], False

    def add(self, envelope, message):
        self.files.append(write_file(self.spool, json.dumps(envelope).encode() + b"\n"
                                     + message))
        if not self.joined:
            manager = MailDataManager(self._commit, onAbort=self._abort,
                                      transaction_manager=self.tm)
            manager.join_transaction(self.tm.get())
            self.joined = True

    def _commit(self):
        for tmp, new in self.files:
            os.rename(tmp, new)

    def _abort(self):
        for tmp, _ in self.files:
            try:
                os.remove(tmp)
            except FileNotFoundError:
                pass

    def __len__(self):
        return len(self.files)


def read_outgoing(path):
    """(envelope dict, message bytes) of an outgoing file."""
    with open(path, "rb") as stream:
        data = stream.read()
    line, _, message = data.partition(b"\n")
    return json.loads(line), message


def claim(spool, name):
    """Move `new/name` to `cur/` for this process; its path there, or None if another
    process took it first."""
    mine = os.path.join(spool, "cur", f"{name}:{os.getpid()}")
    try:
        os.rename(os.path.join(spool, "new", name), mine)
    except FileNotFoundError:
        return None
    return mine


def release(spool, claimed):
    """Give a claimed file back to `new/` (to be tried again)."""
    name = os.path.basename(claimed).rsplit(":", 1)[0]
    os.rename(claimed, os.path.join(spool, "new", name))


def waiting(spool, limit=None):
    """Names of files in `new/`, oldest first."""
    try:
        names = sorted(n for n in os.listdir(os.path.join(spool, "new"))
                       if not n.startswith("."))
    except FileNotFoundError:
        return []
    return names[:limit] if limit else names


def recover_stale_claims(spool, older_than=600):
    """Files claimed by a process that died are given back after `older_than` seconds."""
    cur = os.path.join(spool, "cur")
    for name in os.listdir(cur) if os.path.isdir(cur) else ():
        path = os.path.join(cur, name)
        pid = name.rsplit(":", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            try:
                if time.time() - os.stat(path).st_mtime > older_than:
                    release(spool, path)
            except FileNotFoundError:
                pass


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def inbound_bytes(raw, mail_from, recipients, peer=""):
    """The bytes an inbound file holds: the envelope on top, then the message (without
    any envelope headers it carried itself)."""
    end = re.search(rb"\r?\n\r?\n", raw)
    head, rest = (raw[:end.start()], raw[end.start():]) if end else (raw, b"")
    kept, skipping = [], False
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and skipping:
            continue
        skipping = bool(_ENVELOPE_HEADER.match(line))
        if not skipping:
            kept.append(line)
    envelope = (f"X-Workspace-Envelope-From: {clean(mail_from)}\r\n"
                f"X-Workspace-Envelope-To: {','.join(clean(r) for r in recipients)}\r\n"
                f"X-Workspace-Envelope-Peer: {clean(peer)}\r\n").encode("utf-8")
    return envelope + b"".join(kept).rstrip(b"\r\n") + rest


def clean(value):
    return re.sub(r"[\r\n,]+", " ", str(value or "")).strip()[:500]
