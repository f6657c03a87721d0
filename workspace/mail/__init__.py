"""E-mail: out (queued in the transaction that causes it, sent after commit) and in (the
listener, the spool, the pipeline that turns a message into a post), digests, bounces.

The public face of mail, for views and commands:
    mail_settings(registry)          the MailSettings of the site (config.py)
    worker_of(registry)              the process's MailWorker (`settle()` in tests)
    disable_mail_threads()           for command-line processes: queue only, never send
    queue_notice(...)                one personal notice, sent after commit (outbox.py)

Mail follows content: the subscribers below turn content events (a new topic or reply,
a notification, a changed address) into outbox jobs in the same transaction, so no view
ever calls mail to make a post reach people.
"""
from datetime import datetime, timedelta, timezone
import logging

from pyramid.events import ApplicationCreated
from pyramid.threadlocal import get_current_registry
from pyramid.traversal import find_interface, find_root

from ..content.board import Reply, Topic
from ..content.events import ObjectAdded, ObjectModified
from ..content.group import Group
from ..content.notifications import Notified
from ..content.people import Profile
from .config import read_settings
from .outbox import enqueue, queue_notice
from .state import state_near
from .worker import MailWorker

log = logging.getLogger(__name__)
FRESH = timedelta(minutes=10)  # a post older than this that enters a board is a restore
_threads = {"enabled": True}

__all__ = ["mail_settings", "worker_of", "disable_mail_threads", "queue_notice"]


def disable_mail_threads():
    _threads["enabled"] = False


def mail_settings(registry=None):
    registry = registry or get_current_registry()
    settings = getattr(registry, "workspace_mail_settings", None)
    if settings is None:
        settings = registry.workspace_mail_settings = read_settings(registry.settings or {})
    return settings


def worker_of(registry):
    return getattr(registry, "workspace_mail", None)


# subscribers: content events -> outbox jobs, in the same transaction ----------------------
def on_post_added(event):
    post = event.object
    if not isinstance(post, (Topic, Reply)):
        return
    group = find_interface(post, Group)
    if group is None or "mail" not in group or not group["mail"].enabled:
        return
    if datetime.now(timezone.utc) - post.created > FRESH:
        return  # a restored or imported post: it was new long ago
    enqueue(post, ("post", post))


NOTICE_TEXT = {
    "mention": ("{actor} mentioned you in “{title}”", "{actor} mentioned you in “{title}” "
                "in {group}:\n\n{url}\n"),
    "reply": ("{actor} replied to “{title}”", "{actor} replied to your topic “{title}” in "
              "{group}:\n\n{url}\n"),
    "join_request": ("{actor} asks to join {group}", "{actor} asks to join {group}. Answer "
                     "on the members page:\n\n{url}@@members\n"),
    "join_approved": ("Welcome to {group}", "{actor} approved your request: you are now in "
                      "{group}.\n\n{url}\n"),
    "join_declined": ("Your request to join {group}", "Your request to join {group} was "
                      "declined.\n"),
}


def on_notified(event):
    """A notification also goes by mail (unless the post itself reaches the person)."""
    entry, login = event.entry, event.inbox.login
    kind = entry["kind"]
    if kind not in NOTICE_TEXT:
        return
    site = find_root(event.inbox)
    profile = site["people"].get(login)
    group = site["groups"].get(entry["group"]) if entry.get("group") else None
    if profile is None or not profile.email or group is None:
        return
    target = site
    for name in entry["path"]:
        target = target.get(name) if hasattr(target, "get") else None
        if target is None:
            return
    mail = group["mail"] if "mail" in group else None
    if (kind in ("mention", "reply") and mail is not None and mail.enabled
            and mail.delivery_of(login) == "each"):
        return  # the post itself comes by mail
    settings = mail_settings()
    actor = site["people"].get(entry["actor"])
    words = {"actor": actor.title if actor is not None else entry["actor"],
             "title": entry["title"], "group": group.title,
             "url": settings.public_url + "/" + "/".join(entry["path"]) + "/"}
    subject, text = (part.format(**words) for part in NOTICE_TEXT[kind])
    permission = "view" if kind in ("mention", "reply") else "see"
    queue_notice(event.inbox, settings, profile.email, subject, text, login=login,
                 check=target, permission=permission)


def on_profile_changed(event):
    profile = event.object
    if isinstance(profile, Profile):
        state = state_near(profile)
        if state is not None:
            state.index_address(profile.login, (profile.email or "").strip().lower())


def on_application_created(event):
    """Start (or, when the app opens another database, restart) the mail worker; its
    threads run only where this process sends mail or listens for it."""
    registry = event.app.registry
    settings = registry.workspace_mail_settings = read_settings(registry.settings or {})
    for old in (worker_of(registry), getattr(registry, "workspace_mail_listener", None)):
        if old is not None:
            old.stop()
    registry.workspace_mail_listener = None
    databases = getattr(registry, "_zodb_databases", {})
    if "" not in databases:
        registry.workspace_mail = None
        return
    worker = registry.workspace_mail = MailWorker(databases[""], settings, registry)
    from .inbound import prepare
    prepare(worker)
    if _threads["enabled"] and (settings.sending or settings.listen):
        worker.start(sending=settings.sending)
        if settings.listen:
            from .listener import start_listener
            registry.workspace_mail_listener = start_listener(worker)


def includeme(config):
    config.add_subscriber(on_post_added, ObjectAdded)
    config.add_subscriber(on_notified, Notified)
    config.add_subscriber(on_profile_changed, ObjectAdded)
    config.add_subscriber(on_profile_changed, ObjectModified)
    config.add_subscriber(on_application_created, ApplicationCreated)
