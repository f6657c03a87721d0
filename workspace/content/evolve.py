"""Evolve steps: numbered changes to stored objects, each run once and recorded in the site.

Add a step by appending a function to STEPS; `workspace` runs pending steps at start-up.
A new site starts at the latest generation, since its objects are born current.
"""

from .applications import add_applications
from .audit import shard_audit_log
from .board import add_default_boards, add_topic_kinds
from .collection import add_collections
from .document import compact_revisions
from .group import add_join_requests, index_groups, list_open_groups
from .library import add_library, list_published_versions
from .mail import add_mail_folders
from .notifications import add_notifications_folder, add_topic_watching
from .people import index_people
from .referrals import add_roster
from .throttle import forget_stored_throttle
from .trash import record_trash_attributes
from .vocabulary import add_vocabularies


def store_calendar_feed_digest(site):
    """Profiles made before calendar feeds existed relied on a class default; give each
    its own `calendar_feed_digest` so the class needs none."""
    for profile in site["people"].values():
        profile._p_activate()
        if "calendar_feed_digest" not in profile.__dict__:
            profile.calendar_feed_digest = None


def index_names(site):
    """People and groups made before their lists were paged get their name indexes,
    the list of deactivated accounts and the list of public groups."""
    index_people(site["people"])
    index_groups(site["groups"])


STEPS = [
    add_notifications_folder,  # 1: the per-person notifications folder (boards, issue 4)
    add_join_requests,  # 2: Group.join_requests (people ask to join listed groups)
    record_trash_attributes,  # 3: one TrashRecord per trashed item (issue 10)
    compact_revisions,  # 4: document revisions stored as tuples, not by attribute name
    store_calendar_feed_digest,  # 5: every profile holds its calendar feed digest
    shard_audit_log,  # 6: the audit log in shards (concurrent writers, issue 11)
    forget_stored_throttle,  # 7: failed logins counted in memory, not in the database
    index_names,  # 8: name indexes of people and groups, for paged lists (issue 17)
    add_mail_folders,  # 9: every group has its (disabled) mailgroup at /groups/<g>/mail
    add_vocabularies,  # 10: /vocabulary/themes, the themes admins keep (issue 13)
    add_topic_kinds,  # 11: topics have a kind, a reply-by time and a summary (issue 13)
    add_roster,  # 12: /experts, /referrals and profile lists of codes (issue 14)
    add_collections,  # 13: every group has its collection of Resources (issue 13)
    add_library,  # 14: /library, what is on the public web and its changes (issue 13)
    add_default_boards,  # 15: every group has a discussion board to start with (issue 16)
    add_topic_watching,  # 16: who watches which topic (issue 16)
    add_applications,  # 17: /applications, membership applications (issue 13)
    list_published_versions,  # 18: published summaries listed and indexed by their published text
    list_open_groups,  # 19: Groups.open, the open groups search reads on every query
]


def latest_generation():
    return len(STEPS)


def pending(site):
    return STEPS[site.evolve_generation:]


def evolve(site):
    """Run the steps this site has not had yet; returns how many ran."""
    steps = pending(site)
    for step in steps:
        step(site)
        site.evolve_generation += 1
    return len(steps)
