"""The two spools on disk: outgoing messages waiting for SMTP, inbound ones waiting to
become content. Both are Maildir-shaped folders (`tmp/`, `new/`, `cur/`): a file is
written whole in `tmp/` and renamed into `new/`, so a reader never sees half a message.

An outgoing file is a batch: every message one mail job makes (a post's copies for all
its readers, a digest's, one notice), each as one line of JSON (the envelope: sender,
recipient, what to check at sending time, and the message's `size`) followed by the
message bytes. One file per job, not per message, so a fan-out to 5,000 readers is one
file written in one go. Batches are written inside a transaction with a repoze.sendmail
data manager: the file is flushed and synced when the transaction votes, reaches `new/`
only when it commits, and is removed when it aborts. The sender records each message it has finished
in the batch's progress file (`progress/<name>`, one line per message, written at once),
so a sender that dies in the middle of a batch leaves the rest, and only the rest, to the
next. Inbound files are the bytes the MTA handed over, with the envelope in
`X-Workspace-Envelope-*` headers put on top (any such headers the message already carried
are removed first).
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


class BatchDataManager(MailDataManager):
    """repoze.sendmail's data manager, which also flushes the batch when the transaction
    votes (a full disk fails the transaction, not the rename) and removes it when the
    transaction aborts after voting."""

    def __init__(self, batch):
        super().__init__(batch.commit, onAbort=batch.abort, transaction_manager=batch.tm)
        self.batch = batch

    def tpc_vote(self, trans):
        super().tpc_vote(trans)
        self.batch.flush()

    def tpc_abort(self, trans):
        super().tpc_abort(trans)
        self.batch.abort()


class SpoolBatch:
    """The outgoing messages of one job: one file that reaches `new/` when the
    transaction of `tm` commits."""

    def __init__(self, spool, tm):
        self.spool, self.tm, self.count = spool, tm, 0
        self.out = self.paths = None

    def add(self, envelope, message):
        if self.out is None:
            self.paths = write_file(self.spool, b"")
            self.out = open(self.paths[0], "ab")
            BatchDataManager(self).join_transaction(self.tm.get())
        self.out.write(b"%s\n%s\n" % (json.dumps(dict(envelope, size=len(message))).encode(),
                                      message))
        self.count += 1

    def flush(self):
        """Write the batch to disk for good (one fsync per job, however many messages):
        once the job is marked done in the database, its mail must survive a power cut."""
        if self.out is not None and not self.out.closed:
            self.out.flush()
            os.fsync(self.out.fileno())
            self.out.close()

    def commit(self):
        self.flush()
        os.rename(*self.paths)

    def abort(self):
        if self.out is None:
            return
        self.out.close()
        try:
            os.remove(self.paths[0])
        except FileNotFoundError:
            pass

    def __len__(self):
        return self.count


def read_outgoing(path, start=0):
    """The messages of an outgoing batch from number `start` on: (number, envelope dict,
    message bytes) each. A file written before batches (one envelope line, then the
    message, no `size`) is a batch of one. A damaged record raises ValueError."""
    with open(path, "rb") as stream:
        number = 0
        while True:
            line = stream.readline()
            if not line:
                return
            envelope = json.loads(line)
            if not isinstance(envelope, dict):
                raise ValueError(f"no envelope for message {number} in {path}")
            size = envelope.pop("size", None)
            if size is None:
                data = stream.read()
            else:
                data = stream.read(size)
                if len(data) != size or stream.read(1) != b"\n":
                    raise ValueError(f"truncated message {number} in {path}")
            if number >= start:
                yield number, envelope, data
            number += 1


class Progress:
    """Which messages of a claimed batch are done, kept beside it in `progress/` so that
    whoever takes the batch next (after a crash, after the SMTP server was away) starts
    after the last one done. Each mark is one line written at once (no buffer): a process
    that dies keeps every mark it made."""

    def __init__(self, spool, name):
        folder = os.path.join(spool, "progress")
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, name)
        self.fd = None

    def next(self):
        """The number of the first message not done yet."""
        try:
            with open(self.path, "rb") as stream:
                marks = [int(line) for line in stream.read().split(b"\n")
                         if line.strip().isdigit()]
        except FileNotFoundError:
            return 0
        return max(marks) + 1 if marks else 0

    def mark(self, number):
        if self.fd is None:
            self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.write(self.fd, b"%d\n" % number)

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def remove(self):
        """After the batch itself is removed (a crash in between leaves a stray mark
        file, never a batch without its marks)."""
        self.close()
        try:
            os.remove(self.path)
        except FileNotFoundError:
            pass


def claimant():
    """Who claims a file: this process on this machine (spools may be shared by several)."""
    return f"{os.getpid()}@{socket.gethostname().replace('/', '_').replace(':', '_')}"


def claim(spool, name):
    """Move `new/name` to `cur/` for this process; its path there, or None if another
    process took it first."""
    mine = os.path.join(spool, "cur", f"{name}:{claimant()}")
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
    """Files claimed by a process of this machine that died are given back after
    `older_than` seconds (another machine's claims are that machine's to give back)."""
    cur = os.path.join(spool, "cur")
    host = claimant().partition("@")[2]
    for name in os.listdir(cur) if os.path.isdir(cur) else ():
        path = os.path.join(cur, name)
        pid, _, where = name.rsplit(":", 1)[-1].partition("@")
        if where not in ("", host):
            continue
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            try:
                if time.time() - os.stat(path).st_mtime > older_than:
                    release(spool, path)
            except FileNotFoundError:
                pass
    remove_stray_progress(spool)


def batch_names(spool):
    """Names of the batches in `new/` and `cur/` (claimed or not)."""
    names = set()
    for sub in ("cur", "new"):
        folder = os.path.join(spool, sub)
        names |= {n.rsplit(":", 1)[0] for n in os.listdir(folder)} if os.path.isdir(
            folder) else set()
    return names


def remove_stray_progress(spool, older_than=86400):
    """Progress files whose batch is gone (its sender died between removing the batch
    and its marks). A batch moves between `new/` and `cur/` by rename, so one missing
    from two listings in a row is gone; and only marks untouched for a day are looked at."""
    folder = os.path.join(spool, "progress")
    if not os.path.isdir(folder):
        return
    old = []
    for name in os.listdir(folder):
        try:
            if time.time() - os.stat(os.path.join(folder, name)).st_mtime > older_than:
                old.append(name)
        except FileNotFoundError:
            pass
    if old:
        stray = set(old) - batch_names(spool) - batch_names(spool)
        for name in stray:
            try:
                os.remove(os.path.join(folder, name))
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
