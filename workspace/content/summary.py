"""Consultations and their Discussion Summaries (DESIGN.md, "Consultations and Discussion
Summaries").

A consultation is a board topic of kind "consultation" with a reply-by time. It is open,
then closed (a manager closed it, or reply-by passed: the topic is `locked` and replies
stop), then summarised (its summary was published). The facilitation team (the group's
managers) writes the Discussion Summary beside the replies: a `Document` in every way
(revisions, history, diff, revert, three-way merge, 409 on overlap) that lives at
`.../topics/{t}/summary` and cites replies as `[[reply:<id>]]`. Citations are stored as
reply ids in the text itself, so a citation always names the exact reply it rests on;
saving a text that cites anything but a reply of this topic is refused (`UnknownCitation`).

Until a version is published it is the managers' draft: nobody else reads it, and it is
not in the search index. Published, the group's readers read and find the published
version (type `summary`), and see its history up to that version; published to the public
web, `Everyone` may view that version and nothing else. A newer text the managers write
stays their draft until they publish it again (`readable_revision`).
"""
import re

from pyramid.authorization import Allow, Deny, Everyone
from pyramid.traversal import find_interface

from .acl import group_principal
from .board import SUMMARY, Reply, Topic, now_utc, plain_text, start_topic
from .roster import country_name
from .document import Document, normalise_text
from .events import Audited, ObjectModified, notify
from .group import Group
from .text import render_markdown
from .trash import is_trashed
from .unwritten import written

CITATION_RE = re.compile(r"\[\[reply:([0-9]{1,6})\]\]")
MAX_NEW_SINCE = 200  # new_since lists at most this many replies (the newest ones)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


class UnknownCitation(ValueError):
    """The text cites replies that are not replies of this topic; nothing was saved."""

    def __init__(self, ids):
        self.ids = list(ids)
        super().__init__("Not a reply of this consultation: " + ", ".join(self.ids))


class NotAConsultation(ValueError):
    """Closing, reopening or summarising a topic that is not a consultation."""


# Audited events ----------------------------------------------------------------------------

class ConsultationClosed(Audited):
    action = "consultation_closed"


class ConsultationReopened(Audited):
    action = "consultation_reopened"


class SummaryPublished(Audited):
    """details: "published", "published to the public web" or "unpublished"."""
    action = "summary_published"


class SummaryAnnounced:
    """A summary was published with a text the group has not been told of yet: for the
    first time (`updated` False) or after new versions (`updated` True). Mail sends it
    to the group under the question (workspace/mail/summaries.py)."""

    def __init__(self, summary, actor, updated):
        self.object, self.actor, self.updated = summary, actor, updated


# The summary -------------------------------------------------------------------------------

class Summary(Document):
    """A consultation's Discussion Summary: a versioned Markdown text with citations."""

    kind = "summary"
    announced_version = None  # the version last announced to the group (a class
    # default: summaries published before announcing existed read None, no evolve step)

    def __init__(self, author):
        super().__init__("Discussion Summary", "", author, "Started")
        self.published = False  # the group's readers read it and find it
        self.public = False  # ... and so does everyone on the public web
        self.published_at = None
        self.published_version = None

    @property
    def topic(self):
        return self.__parent__

    @property
    def title(self):
        topic = self.topic
        return f"Discussion Summary: {topic.title}" if topic is not None else \
            "Discussion Summary"

    @property
    def __acl__(self):
        """A draft is for the group's managers only; a published summary is read like its
        topic; a public one by `Everyone` too (view only: the group's ACL below denies
        everything else to anyone without a role). Its every version (`history`: the
        documents' history pages) is its managers' own: the topic's readers see those up
        to the published one through the summary's own views."""
        group_id = group_id_of(self)
        managers = [group_principal(group_id, "manager")] if group_id else []
        acl = []
        if self.published and self.public and not is_trashed(self):
            acl.append((Allow, Everyone, "view"))
        hidden = ("history",) if self.published else ("view", "history")
        acl.extend((Allow, principal, hidden) for principal in managers)
        acl.append((Deny, Everyone, hidden))
        return acl

    def published_revision(self):
        """The version its readers read (None while it is a draft)."""
        if not self.published:
            return None
        if self.published_version is None:  # published before versions were noted
            return self.current()
        return self.revision(self.published_version)

    def readable_revision(self, draft):
        """The current version for those who may read the draft (`draft`: its managers),
        the published one for everyone else."""
        return self.current() if draft else self.published_revision() or self.current()

    def cites(self, revision=None):
        """The reply ids a version (by default the current one) cites, in order."""
        return citations((revision or self.current()).body)

    def new_since(self, revision=None):
        """Ids of the replies posted after a version (by default the latest), oldest
        first."""
        topic, since = self.topic, (revision or self.current()).date
        keys = topic._items.keys()
        found = []
        for n in range(len(keys) - 1, -1, -1):
            reply = topic[keys[n]]
            if reply.created <= since or len(found) >= MAX_NEW_SINCE:
                break
            found.append(keys[n])
        return found[::-1]

    def stale(self, revision=None):
        """Ids of the cited replies changed (or gone) since a version (by default the
        latest)."""
        revision = revision or self.current()
        topic, since = self.topic, revision.date
        out = []
        for rid in self.cites(revision):
            reply = topic.get(rid)
            if not isinstance(reply, Reply) or reply.modified > since:
                out.append(rid)
        return out

    def search_data(self):
        """Nothing until published (a draft is the managers' own); then the published
        version, type `summary` (a newer draft is found by nobody)."""
        published = self.published_revision()
        if published is None:
            return None
        text = CITATION_RE.sub(" ", published.body)
        return {"type": "summary", "title": self.title, "text": plain_text(text),
                "author": published.author, "modified": published.date}


def group_id_of(obj):
    group = find_interface(obj, Group)
    return group.__name__ if group is not None else None


def citations(body):
    """Reply ids cited as `[[reply:<id>]]` in `body`, each once, in order; ids are
    written zero-padded (`[[reply:3]]` cites reply 000003)."""
    seen = []
    for raw in CITATION_RE.findall(body or ""):
        rid = raw.zfill(6)
        if rid not in seen:
            seen.append(rid)
    return seen


def check_citations(topic, body):
    """Raise `UnknownCitation` unless every citation in `body` is a reply of `topic`."""
    unknown = [rid for rid in citations(body) if not isinstance(topic.get(rid), Reply)]
    if unknown:
        raise UnknownCitation(unknown)


def save_summary(summary, body, author, base_version, comment=""):
    """Save a new version of the summary (see `Document.save`): citations checked first,
    then merged three-way or refused with `EditConflict` like any document. It is the
    managers' draft: what readers, search and the library have changes when it is
    published."""
    check_citations(summary.topic, body)
    return summary.save(None, normalise_text(body), author, base_version, comment)


def revert_summary(summary, version, author, comment=""):
    """Revert to `version`; its citations must still be replies of the topic."""
    check_citations(summary.topic, summary.revision(version).body)
    return summary.revert(version, author, comment)


# Citations as readers see them --------------------------------------------------------------

def escape_markdown(text):
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def cited_person(profile):
    """How a citation names the author of a reply: "Name, Country", only "a member from
    Country" for someone who chose not to be named, "a former member" for an account
    that is gone."""
    if profile is None:
        return "a former member"
    country = country_name(profile.country) if profile.country else ""
    if not cited_by_name(profile):
        return f"a member from {country}" if country else "a member"
    name = profile.name or profile.login
    return f"{name}, {country}" if country else name


def cited_by_name(profile):
    """Whether `profile` lets summaries name them (people are named unless they chose
    otherwise)."""
    return not profile.anonymous_in_summaries


class CitationChoiceChanged(Audited):
    """A person chose to be named in summaries or not (details: "named"/"not named")."""
    action = "citation_choice_changed"


def set_cited_by_name(profile, named, actor):
    """Let summaries name `profile` (`named`) or show only their country."""
    profile.anonymous_in_summaries = not named
    notify(CitationChoiceChanged(actor, profile, "named" if named else "not named"))


def render_summary(summary, body, people, url_of):
    """Sanitised HTML of `body` with each citation a link to the reply (`url_of(reply)`)
    that names its author (see `cited_person`); `people` is the site's People folder."""
    topic = summary.topic

    def link(match):
        reply = topic.get(match.group(1).zfill(6))
        if not isinstance(reply, Reply):
            return "*(a reply no longer here)*"
        label = escape_markdown(cited_person(people.get(reply.author)))
        return f"[{label}]({url_of(reply)})"

    return render_markdown(CITATION_RE.sub(link, body or ""))


# Consultations ------------------------------------------------------------------------------

def is_consultation(topic):
    return isinstance(topic, Topic) and topic.topic_kind == "consultation"


def state_of(topic):
    """"open", "closed" or "summarised" (None for a topic that is no consultation)."""
    if not is_consultation(topic):
        return None
    if topic.summary is not None and topic.summary.published:
        return "summarised"
    return "closed" if topic.locked else "open"


def start_consultation(board, topic_id, title, body, author, reply_by=None):
    """Open a consultation in `board` (see `start_topic`), with its empty summary."""
    topic = start_topic(board, topic_id, title, body, author)
    topic.topic_kind = "consultation"
    topic.reply_by = reply_by
    attach_summary(topic, author)
    return topic


def attach_summary(topic, author):
    summary = Summary(author)
    summary.__parent__, summary.__name__ = topic, SUMMARY
    topic.summary = summary
    return summary


def require_consultation(topic):
    if not is_consultation(topic):
        raise NotAConsultation(topic.__name__)


def close_consultation(topic, actor):
    """Stop replies (managers may still post); audited."""
    require_consultation(topic)
    topic.locked = True
    notify(ObjectModified(topic))
    notify(ConsultationClosed(actor, topic))


def reopen_consultation(topic, actor, reply_by=None):
    """Let replies come again, until `reply_by` (none: until closed); audited."""
    require_consultation(topic)
    topic.locked = False
    topic.reply_by = reply_by
    notify(ObjectModified(topic))
    notify(ConsultationReopened(actor, topic))


def publish_summary(summary, actor, published=True, public=False):
    """Publish the summary (to the group; with `public`, to the public web too), or take
    it back (`published` False). The search index follows at once; audited. A text the
    group was not told of yet is announced (`SummaryAnnounced`): publishing it again
    unchanged, or only making it public, tells nobody twice."""
    # A summary published before announcing existed was not mailed, but its readers had
    # it: only a newer text is news to them.
    told = summary.announced_version if summary.announced_version is not None else \
        summary.published_version
    summary.published = bool(published)
    summary.public = bool(published and public)
    if published:
        summary.published_at, summary.published_version = now_utc(), summary.version
    note_in_library(summary)
    notify(ObjectModified(summary))
    details = ("published to the public web" if summary.public else
               "published" if summary.published else "unpublished")
    notify(SummaryPublished(actor, summary, details))
    if published and summary.version != told:
        summary.announced_version = summary.version
        notify(SummaryAnnounced(summary, actor, told is not None))


def note_in_library(summary):
    """The group's collection lists its published summaries; the site's library those on
    the public web."""
    from .library import note_public_change  # the library reads this module
    topic = summary.topic
    group = find_interface(topic, Group)
    collection = group.get("collection") if group is not None else None
    key = f"{topic.__parent__.__name__}/{topic.__name__}"
    if collection is not None:
        if summary.published:
            written(collection, "summaries").add(key)
        elif key in collection.summaries:
            collection.summaries.remove(key)
    note_public_change(summary)
