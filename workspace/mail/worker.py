"""The mail worker of one process: three daemon threads, each waking when there is work
(after a commit that queued a job, after the listener spooled a message) and otherwise
looking every second, so that work another process queued is found too.

- fan-out: outbox jobs -> the outgoing spool (outbox.run_job), and the digests when due;
- sender: the outgoing spool -> the SMTP server (sender.send_waiting);
- inbound: the inbound spool -> content (inbound.process_spool).
"""
import logging
import threading
import time
import weakref

import transaction
from ZODB.POSException import ConflictError

from .outbox import pending_jobs, prune_done, run_job
from .sender import Backoff, Connection, ServerAway, send_waiting
from .spool import SpoolBatch, make_dirs, recover_stale_claims
from .state import state_of

log = logging.getLogger(__name__)
POLL = 1.0


class MailWorker:
    def __init__(self, db, settings, registry):
        self.db, self.settings, self.registry = db, settings, registry
        self.stop_event = threading.Event()
        self.wake_out = threading.Event()
        self.wake_send = threading.Event()
        self.wake_in = threading.Event()
        self.threads = []
        self._hooked = weakref.WeakSet()
        self.connection = Connection(settings)
        self.backoff = Backoff()
        self.idle = {"fanout": threading.Event(), "send": threading.Event(),
                     "inbound": threading.Event()}
        make_dirs(settings.outgoing_dir)
        make_dirs(settings.inbound_dir)

    # signals -----------------------------------------------------------------------
    def watch(self, txn):
        if txn not in self._hooked:
            self._hooked.add(txn)
            txn.addAfterCommitHook(lambda ok: ok and self.wake_out.set())

    def inbound_arrived(self):
        self.wake_in.set()

    # threads -----------------------------------------------------------------------
    def start(self, sending=True, inbound=True):
        loops = [("fanout", self.fanout_loop)]
        if sending:
            loops.append(("send", self.send_loop))
        if inbound:
            loops.append(("inbound", self.inbound_loop))
        for name, loop in loops:
            thread = threading.Thread(target=self.guard, args=(name, loop),
                                      name=f"mail-{name}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self, timeout=5):
        self.stop_event.set()
        for event in (self.wake_out, self.wake_send, self.wake_in):
            event.set()
        for thread in self.threads:
            thread.join(timeout)
        self.connection.close()

    def guard(self, name, loop):
        wake = {"fanout": self.wake_out, "send": self.wake_send, "inbound": self.wake_in}[name]
        while not self.stop_event.is_set():
            wake.clear()
            try:
                busy = loop()
            except Exception as exc:
                if self.db_closed(exc):
                    return
                log.exception("mail %s failed; trying again", name)
                busy = False
                self.stop_event.wait(2)
            if not busy:
                self.idle[name].set()
                wake.wait(POLL)
            self.idle[name].clear() if wake.is_set() else None

    def db_closed(self, exc):
        return getattr(self.db, "_storage", True) is None or "closed" in str(exc).lower()

    # fan-out -------------------------------------------------------------------------
    def fanout_loop(self):
        """Run waiting jobs, each in its own transaction; True if there may be more."""
        tm = transaction.TransactionManager(explicit=True)
        conn = self.db.open(transaction_manager=tm)
        ran = 0
        try:
            tm.begin()
            jobs = pending_jobs(conn.root(), limit=50)
            tm.abort()
            for key, _ in jobs:
                for attempt in range(3):
                    tm.begin()
                    try:
                        state = state_of(conn.root())
                        if key in state.done:
                            tm.abort()
                            break
                        batch = SpoolBatch(self.settings.outgoing_dir, tm)
                        run_job(conn.root(), self.settings, key, state.jobs[key], batch)
                        tm.commit()
                        ran += 1
                        if len(batch):
                            self.wake_send.set()
                        break
                    except ConflictError:
                        tm.abort()
                    except Exception:
                        tm.abort()
                        raise
            if not jobs:
                self.housekeeping(conn, tm)
        finally:
            try:
                tm.abort()
            except Exception:
                pass
            conn.close()
        return ran > 0

    def housekeeping(self, conn, tm):
        """Once a minute: digests that are due, old done jobs and Message-IDs."""
        now = time.monotonic()
        if now - getattr(self, "_last_chores", 0) < 60:
            return
        self._last_chores = now
        from .digests import send_due_digests
        send_due_digests(self.db, self.settings, scheduled=True)
        tm.begin()
        state = state_of(conn.root())
        prune_done(state)
        state.prune_seen()
        tm.commit()

    # sending -----------------------------------------------------------------------
    def send_loop(self):
        if self.backoff.waiting:
            return False
        recover_stale_claims(self.settings.outgoing_dir)
        try:
            sent, dropped = send_waiting(self.db, self.settings, self.connection,
                                         self.stop_event, limit=1000)
        except ServerAway as exc:
            self.backoff.failed()
            log.warning("SMTP server %s:%s away (%s); trying again in %ss",
                        self.settings.host, self.settings.port, exc,
                        min(60, 2 ** (self.backoff.failures - 1)))
            return False
        self.backoff.succeeded()
        if not sent:
            self.connection.close()
        return bool(sent or dropped)

    # inbound -----------------------------------------------------------------------
    def inbound_loop(self):
        """Messages a dead process had claimed go back to `new/` first (the listener
        answered 250 for them: they must not be lost)."""
        from .inbound import process_spool
        recover_stale_claims(self.settings.inbound_dir)
        return process_spool(self) > 0

    # for tests and benches ---------------------------------------------------------------
    def settle(self, timeout=30):
        """Wait until every thread has found nothing to do (True) or `timeout` passed."""
        deadline = time.monotonic() + timeout
        for event in (self.wake_out, self.wake_in, self.wake_send):
            event.set()
        time.sleep(0.05)
        while time.monotonic() < deadline:
            names = [t.name.split("-", 1)[1] for t in self.threads]
            if all(self.idle[n].wait(0.05) for n in names):
                time.sleep(0.1)
                if all(self.idle[n].is_set() for n in names):
                    return True
        return False
