"""Deadline sweeps without anyone pressing the button: every
`workspace.referral_sweep_minutes` (unset or 0: never; the overview's button and POST
/api/referrals/reminders still work), a thread of the app expires invitations past
respond_by and mails the reminders due, each once, in a transaction of its own.

`run_sweep(registry)` is the whole of one sweep, so tests call it on a moved clock instead
of waiting for the thread.
"""
import logging
import threading

from pyramid.events import ApplicationCreated, subscriber
from pyramid.threadlocal import manager as threadlocal_manager

from ...content.referrals import deadline_sweep
from ...content.site import appmaker
from ...database import run_in_transaction
from .mailing import mail_reminders

log = logging.getLogger(__name__)


def run_sweep(registry):
    """One sweep over the open referrals; returns (deadlines handled, reminders queued)."""
    def work(zodb_root):
        site = appmaker(zodb_root)
        due = deadline_sweep(site["referrals"], site["experts"])
        return len(due), mail_reminders(due, site["people"])

    threadlocal_manager.push({"registry": registry, "request": None})
    try:
        return run_in_transaction(registry._zodb_databases[""], work)
    finally:
        threadlocal_manager.pop()


def sweep_every(registry, seconds, stop):
    while not stop.wait(seconds):
        try:
            handled, mailed = run_sweep(registry)
            if handled:
                log.info("referral deadlines: %s handled, %s reminders mailed", handled,
                         mailed)
        except Exception:  # a closed or unreachable database: try again next time
            log.warning("referral deadline sweep failed", exc_info=True)


@subscriber(ApplicationCreated)
def start_sweeps(event):
    settings = event.app.registry.settings or {}
    try:
        minutes = float(settings.get("workspace.referral_sweep_minutes") or 0)
    except ValueError:
        raise ValueError("workspace.referral_sweep_minutes is a number of minutes")
    if minutes <= 0:
        return
    stop = threading.Event()
    thread = threading.Thread(target=sweep_every, name="referral-sweeps", daemon=True,
                              args=(event.app.registry, minutes * 60, stop))
    thread.start()
