"""A published Discussion Summary goes to the group by mail, threaded under its question.

When managers publish a summary for the first time, and when they publish it again after
new versions ("updated"), the group's mail readers get it as an answer to the
consultation: In-Reply-To and References name the consultation's opening message, and the
subject is the consultation's own with "Re:", so every client (Gmail threads by subject
too) files it under the question. Publishing an unchanged text again, or only opening it
to the public web, mails nobody (content/summary.py decides that: `SummaryAnnounced`).

It goes through the group's outbox like a post: a job queued in the transaction that
published it, fanned out after commit, each copy checked again when it is sent (a summary
unpublished meanwhile goes to nobody). Citations read "Name, Country" (or "a member from
Country") in the text part, numbered with their links below it, and are links in the
HTML part.

Delivery: `each` readers get it at once. The digests list board posts only (a summary
would show there as raw citation codes), so `daily` and `weekly` readers get it at once
too: it comes once per consultation, and it is what the consultation was for. `none`,
delivery stopped by bounces, or no right to read it: nothing.
"""
from datetime import datetime, timezone
from email.utils import format_datetime
import html

from pyramid.events import subscriber
from pyramid.traversal import find_interface, resource_path

from ..content.group import Group
from ..content.summary import CITATION_RE, SummaryAnnounced, cited_person, render_summary
from .compose import (PostMessage, address, header, message_id, subject_prefix,
                      web_url)
from .outbox import enqueue
from .recipients import may_read

THREAD_SEQ = 10 ** 9  # Outlook's Thread-Index of a summary: after every reply's


@subscriber(SummaryAnnounced)
def on_summary_announced(event):
    """Queue the summary for the group's mail, in the transaction that published it."""
    summary = event.object
    group = find_interface(summary, Group)
    if group is None or "mail" not in group or not group["mail"].enabled:
        return
    enqueue(summary, ("summary", summary, event.updated, event.actor))


def readable_text(summary, people, settings):
    """The summary's Markdown with each citation as "(Name, Country [n])" and the
    numbered links to the cited replies below it."""
    topic, links = summary.topic, []

    def cite(match):
        reply = topic.get(match.group(1).zfill(6))
        if reply is None:
            return "(a reply no longer here)"
        url = web_url(settings, reply)
        if url not in links:
            links.append(url)
        return f"({cited_person(people.get(reply.author))} [{links.index(url) + 1}])"

    text = CITATION_RE.sub(cite, summary.body).strip()
    if links:
        text += "\n\n" + "\n".join(f"[{n}] {url}" for n, url in enumerate(links, 1))
    return text


class SummaryMessage(PostMessage):
    """A summary as mail: the same list headers and per-reader parts as a post, under the
    consultation's opening message (a reply to it answers the consultation)."""

    def __init__(self, settings, summary, people, publisher_name, updated):
        self.settings, self.post = settings, summary
        self.topic = summary.topic
        self.group = find_interface(summary, Group)
        gid = self.gid = self.group.__name__
        self.seq = 0  # reply keys name the consultation itself
        self.url = web_url(settings, summary)
        first = message_id(settings, gid, self.topic, 0)
        version = summary.version
        self.shared = [
            ("From", address(f"{publisher_name} via {self.group.title}",
                             settings.group_address(gid))),
            ("To", address(self.group.title, settings.group_address(gid))),
            ("Subject", header(f"Re: {subject_prefix(self.group)} {self.topic.title}")),
            ("Date", format_datetime(datetime.now(timezone.utc))),
            ("Message-ID", f"<{self.topic.uid}.summary{version}.{gid}@{settings.domain}>"),
            ("In-Reply-To", first), ("References", first),
        ] + self.list_headers(THREAD_SEQ + version)
        what = (f"The Discussion Summary of “{self.topic.title}” was updated (version "
                f"{version})." if updated else
                f"The Discussion Summary of “{self.topic.title}” is published.")
        self.text = f"{what}\n\n{readable_text(summary, people, settings)}"
        self.html = f"<p><strong>{html.escape(what)}</strong></p>" + render_summary(
            summary, summary.body, people, lambda reply: web_url(settings, reply))


def summary_readers(group, summary, state):
    """(profile, delivery) of everyone in the group who gets the summary now."""
    people = group.__parent__.__parent__["people"]
    mail = group["mail"]
    for login in group.roles.keys():
        delivery = mail.delivery_of(login)
        if delivery == "none" or state.delivery_disabled(login):
            continue
        profile = people.get(login)
        if profile is not None and profile.email and may_read(profile, summary):
            yield profile, delivery


def fan_out_summary(site, state, settings, job, batch):
    """One copy of the summary of `job` ("summary", summary, updated, actor) for each of
    its readers; returns how many."""
    _, summary, updated, actor = job
    group = find_interface(summary, Group)
    if group is None or not group["mail"].enabled or not summary.published:
        return 0
    group["mail"].remember_topic(summary.topic)  # reply keys find the consultation
    people = site["people"]
    publisher = people.get(actor)
    message = SummaryMessage(settings, summary, people,
                             publisher.title if publisher is not None else actor, updated)
    path, count = resource_path(summary), 0
    for profile, delivery in summary_readers(group, summary, state):
        sender, to, data = message.for_reader(profile)
        batch.add({"from": sender, "to": to, "login": profile.login, "check": path,
                   "delivery": delivery}, data)
        count += 1
    return count
