"""The site root and `appmaker()`, which makes it on first use."""
from pyramid.traversal import find_root

from .acl import SITE_ACL
from .audit import AuditLog
from .evolve import latest_generation
from .folder import Folder
from .group import Groups
from .notifications import Notifications
from .people import People
from .referrals import Referrals
from .roster import Roster
from .applications import Applications
from .library import Library
from .vocabulary import make_vocabularies

APP_KEY = "workspace"


class Site(Folder):
    """The root: people, groups, notifications and the site-wide audit log."""

    title = "Workspace"
    __acl__ = SITE_ACL

    def __init__(self):
        super().__init__()
        self.add("people", People(), send_events=False)
        self.add("groups", Groups(), send_events=False)
        self.add("notifications", Notifications(), send_events=False)
        self.add("vocabulary", make_vocabularies(), send_events=False)
        self.add("library", Library(), send_events=False)
        self.add("applications", Applications(), send_events=False)
        self.add("experts", Roster(), send_events=False)
        self.add("referrals", Referrals(), send_events=False)
        self.audit = AuditLog()
        self.evolve_generation = latest_generation()  # a new site is born current


def appmaker(zodb_root):
    """The Site in this database, created (and brought up to date) if missing.

    Creating it commits nothing here: the caller's transaction does.
    """
    site = zodb_root.get(APP_KEY)
    if site is None:
        site = zodb_root[APP_KEY] = Site()
    return site


def find_site(obj):
    return find_root(obj)
