"""The outbox: jobs queued in the transaction of the change that causes mail, and their
fan-out into the outgoing spool after commit.

A job is a tuple: ("post", post) for a new topic or reply of a mail-enabled group,
("summary", summary, updated, actor) for a published Discussion Summary (summaries.py),
("notice", envelope, subject, text) for one person's notice. The mail worker runs each
job in a transaction of its own that also marks it done, and the spool files it writes
reach the spool only when that transaction commits (spool.SpoolBatch): two processes
that take the same job conflict on its `done` entry, and one of them writes nothing, so
no job is ever sent twice.

An outgoing file's envelope: `from`, `to`, and for the check at sending time `login`
(the account it goes to), `check` (the path of what it shows, which that account must
still be allowed to read), `permission` (default "view") and `delivery` (the delivery
the group's member must still have chosen).
"""
import logging

from pyramid.threadlocal import get_current_registry
from pyramid.traversal import find_interface, resource_path

from ..content.board import Topic
from ..content.group import Group
from ..content.site import appmaker
from .compose import PostMessage, notice
from .recipients import post_readers
from .state import job_key, jar_of, state_of

log = logging.getLogger(__name__)


def enqueue(anchor, job):
    """Queue `job` in the transaction `anchor` is changed in; the worker wakes after
    commit. Returns False when `anchor` is not stored in a database."""
    jar = jar_of(anchor)
    if jar is None:
        return False
    state_of(jar.root()).jobs[job_key()] = job
    worker = getattr(get_current_registry(), "workspace_mail", None)
    if worker is not None:
        worker.watch(jar.transaction_manager.get())
    return True


def queue_notice(anchor, settings, to_address, subject, text, login=None, check=None,
                 permission="view", inactive_ok=False, reply_to=None):
    """Queue one personal notice (`check`: an object `login` must still be allowed to
    read when it is sent; `reply_to`: the address a reply goes to, a signed one)."""
    envelope = {"to": to_address, "login": login,
                "check": resource_path(check) if check is not None else None,
                "permission": permission, "inactive_ok": inactive_ok}
    if reply_to:
        envelope["reply_to"] = reply_to
    return enqueue(anchor, ("notice", envelope, subject, text))


def pending_jobs(zodb_root, limit=100):
    state = state_of(zodb_root, create=False)
    if state is None:
        return []
    found = []
    for key, job in state.jobs.items():
        if key not in state.done:
            found.append((key, job))
            if len(found) >= limit:
                break
    return found


def run_job(zodb_root, settings, key, job, batch):
    """Turn one job into spool files (in `batch`) and mark it done; returns how many."""
    state = state_of(zodb_root)
    state.done[key] = True
    site = appmaker(zodb_root)
    if job[0] == "post":
        return fan_out_post(site, state, settings, job[1], batch)
    if job[0] == "summary":  # a published Discussion Summary (mail/summaries.py)
        from .summaries import fan_out_summary
        return fan_out_summary(site, state, settings, job, batch)
    if job[0] == "notice":
        _, envelope, subject, text = job
        reply_to = envelope.get("reply_to")
        sender, to, message = notice(settings, envelope["to"], subject, text,
                                     envelope.get("login"),
                                     [("Reply-To", f"<{reply_to}>")] if reply_to else ())
        batch.add(dict(envelope, **{"from": sender, "to": to}), message)
        return 1
    log.warning("unknown mail job %r", job[0])
    return 0


def fan_out_post(site, state, settings, post, batch):
    """One copy of `post` for each reader whose delivery is `each`; the post is logged
    for the digests either way."""
    group = find_interface(post, Group)
    topic = find_interface(post, Topic)
    if group is None or topic is None or find_interface(post, Group) is not group:
        return 0
    mail = group["mail"]
    if not mail.enabled:
        return 0
    mail.remember_topic(topic)
    mail.log_post(post)
    author = site["people"].get(post.author)
    message = PostMessage(settings, post, author.title if author is not None
                          else getattr(post, "guest_name", None) or post.author)
    path = resource_path(post)
    count = 0
    for profile in post_readers(group, post, state):
        sender, to, data = message.for_reader(profile)
        batch.add({"from": sender, "to": to, "login": profile.login, "check": path,
                   "delivery": "each"}, data)
        count += 1
    return count


def prune_done(state, limit=5000):
    """Forget jobs done long enough ago (their keys start with the time they were made)."""
    import time
    cutoff = f"{time.time_ns() - 3600 * 10**9:020d}"
    old = list(state.done.keys(max=cutoff, excludemax=True))[:limit]
    for key in old:
        state.jobs.pop(key, None)
        del state.done[key]
    return len(old)
