"""Membership applications from people without an account (`/applications/<id>`, DESIGN.md
"Joining").

Anyone may apply; the address is confirmed first, by a secret link mailed to it (only its
digest is stored). An application not confirmed within `CONFIRM_DAYS` expires and is
dropped. Admins approve a confirmed application (an account, roles in groups, a mail to
choose a password) or decline it. Nothing here ever tells an applicant whether their
address already has an account: the view answers every application alike and the
address's owner is told by mail instead.
"""
from datetime import timedelta
import hashlib
import secrets

from persistent import Persistent
from pyramid.authorization import DENY_ALL, Allow

from .acl import ADMIN
from .events import Audited, notify
from .folder import Folder
from .people import now_utc

CONFIRM_DAYS = 7
STATES = ("unconfirmed", "confirmed", "approved", "declined")


def digest(secret):
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Applications(Folder):
    """`/applications`: admins only (applying is a view that needs no permission)."""

    __acl__ = [(Allow, ADMIN, ("view", "admin")), DENY_ALL]

    def live(self, at=None):
        """Applications that have not expired, newest first; expired ones are dropped."""
        at = at or now_utc()
        for key in [k for k, a in self.items() if a.expired(at)]:
            self.remove(key, send_events=False)
        return sorted(self.values(), key=lambda a: a.created, reverse=True)


class Application(Persistent):
    """One person's application: who they are, why, and where it stands."""

    __parent__ = None
    __name__ = None

    def __init__(self, name, email, country, organisation, sector, reason):
        self.name, self.email = name, email.strip().lower()
        self.country, self.organisation = country, organisation
        self.sector, self.reason = sector, reason
        self.created = now_utc()
        self.confirmed = None  # when the address was confirmed
        self.state = "unconfirmed"
        self.secret_digest = None
        self.decided_by = self.decided = self.login = None

    @property
    def title(self):
        return f"Application from {self.name}"

    def new_secret(self):
        """A fresh confirmation secret for the mail; only its digest is kept."""
        secret = secrets.token_urlsafe(24)
        self.secret_digest = digest(secret)
        return secret

    def expired(self, at):
        return self.state == "unconfirmed" and at - self.created > timedelta(
            days=CONFIRM_DAYS)

    def confirm(self, secret, at=None):
        """Confirm the address with the mailed secret; False if it is not the secret, or
        the application expired or was confirmed already."""
        at = at or now_utc()
        if (self.state != "unconfirmed" or self.expired(at) or not self.secret_digest
                or not secrets.compare_digest(digest(secret), self.secret_digest)):
            return False
        self.state, self.confirmed, self.secret_digest = "confirmed", at, None
        return True


class ApplicationApproved(Audited):
    """An admin approved an application (details: the new login)."""
    action = "application_approved"


class ApplicationDeclined(Audited):
    action = "application_declined"


class NotConfirmed(Exception):
    """Only a confirmed application can be approved or declined."""


def add_application(applications, application):
    """Store `application` under a random id; returns it."""
    key = secrets.token_hex(8)
    while key in applications:
        key = secrets.token_hex(8)
    return applications.add(key, application, send_events=False)


def decide(application, actor, approved, login=None):
    """Record an admin's decision on a confirmed application; audited."""
    if application.state != "confirmed":
        raise NotConfirmed(application.state)
    application.state = "approved" if approved else "declined"
    application.decided_by, application.decided = actor, now_utc()
    application.login = login
    event = ApplicationApproved if approved else ApplicationDeclined
    notify(event(actor, application, login or ""))


def add_applications(site):
    """Evolve step: sites made before applications get `/applications`."""
    if "applications" not in site:
        site.add("applications", Applications(), send_events=False)
