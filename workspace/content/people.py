"""People: accounts and member profiles, with their password hash, API tokens and sessions.

Changes an administrator may need to trace (accounts made and switched, profiles, tokens,
logins) go through the functions at the end of this module, which fire `Audited` events:
the audit log gets one entry of one shape for each, whether a page, the API or the
command line made the change.
"""
from datetime import datetime, timezone
import hashlib
import secrets
import time
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from persistent.mapping import PersistentMapping
from zxcvbn import zxcvbn

from .acl import profile_acl
from .events import Audited, ObjectModified, notify
from .folder import Folder
from .ids import IdTaken, is_slug
from .names import NameIndex, select, select_matches

PROFILE_FIELDS = ("name", "email", "organisation", "country", "languages", "timezone",
                  "bio", "expertise", "countries")
MIN_PASSWORD, MAX_PASSWORD = 8, 1024
MIN_STRENGTH = 2  # zxcvbn's score from 0 to 4: 2 is "somewhat guessable" (~10^8 guesses)

_hasher = PasswordHasher()  # argon2id with the library's recommended cost


def use_password_hasher(hasher):
    """Swap the argon2 parameters (tests use the cheapest; production keeps the default)."""
    global _hasher
    _hasher = hasher


# A hash of a random string, verified against when a login is unknown, so that
# unknown and known logins cost the same time.
_DUMMY_HASH = None


def token_digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def now_utc():
    return datetime.now(timezone.utc)


class People(Folder):
    """All accounts, by login; also the index of API tokens by their SHA-256."""

    def __init__(self):
        super().__init__()
        self.tokens = OOBTree()  # sha256 hex -> login
        self.names = NameIndex()  # the words of each name and login, for `listing`
        self.inactive = OOTreeSet()  # logins of deactivated accounts (listed to admins)

    def add(self, name, obj, send_events=True):
        obj = super().add(name, obj, send_events)
        self.note_name(obj)
        return obj

    def remove(self, name, send_events=True):
        self.names.unindex(name)
        if name in self.inactive:
            self.inactive.remove(name)
        return super().remove(name, send_events)

    def note_name(self, profile):
        self.names.index(profile.login, profile.name, profile.login)

    def note_active(self, profile):
        if profile.active:
            if profile.login in self.inactive:
                self.inactive.remove(profile.login)
        else:
            self.inactive.insert(profile.login)

    def listing(self, start, stop, q="", everyone=False):
        """The logins of one page of the directory (a `Selection`): by login, or those
        whose name or login has words starting with the words of `q`; deactivated
        accounts only for `everyone` (admins). Costs what the page shows, not what the
        site holds (see names.py)."""
        hidden = () if everyone else self.inactive
        if q:
            return select_matches((k for k in self.names.search(q) if k not in hidden),
                                  start, stop)
        if not hidden:
            return select(self.keys(), len(self), start, stop)
        return select((k for k in self.keys() if k not in hidden),
                      len(self) - len(hidden), start, stop)

    def by_token(self, token):
        login = self.tokens.get(token_digest(token))
        return self.get(login) if login else None


class Profile(Persistent):
    """One person: account (login, password hash, admin flag, active) and profile fields.

    `groups` mirrors each group's role map (group id -> role) so that a request learns the
    person's principals without looking at every group.
    """

    __parent__ = None  # the People folder, once added
    # Summaries name people unless they chose otherwise (a class default: profiles made
    # before the choice existed read it, so no evolve step is needed).
    anonymous_in_summaries = False
    # When this person counts as invited to choose a password (mail/invitations.py), None
    # until then. A class default, not an evolve step: existing profiles (870,000 at
    # Egypt's scale) read None without each being rewritten.
    invited_at = None

    def __init__(self, login, name, email, admin=False):
        self.login = login
        self.name = name
        self.email = email
        self.admin = admin
        self.active = True
        self.organisation = ""
        self.country = ""
        self.languages = []  # ISO 639-1 codes (content/roster.py)
        self.timezone = "UTC"
        self.bio = ""
        self.expertise = []  # theme ids of the site's vocabulary
        self.countries = []  # of experience, ISO 3166-1 alpha-2 codes
        self.created = now_utc()
        self.password_hash = None
        self.groups = PersistentMapping()
        self.api_tokens = OOBTree()  # token id -> {digest, label, created}
        self.sessions = OOBTree()  # session id -> created
        self.calendar_feed_digest = None  # SHA-256 of the calendar subscription secret

    @property
    def __acl__(self):
        return profile_acl(self.login, self.active)

    @property
    def title(self):
        return self.name or self.login

    # passwords -------------------------------------------------------------
    def set_password(self, password):
        check_password_rules(password, (self.login, self.name, self.email))
        self.password_hash = _hasher.hash(normal(password))

    def check_password(self, password):
        if not self.password_hash:
            return False
        try:
            _hasher.verify(self.password_hash, normal(password))
        except (VerificationError, InvalidHashError, UnicodeError):
            return False
        if _hasher.check_needs_rehash(self.password_hash):
            self.password_hash = _hasher.hash(normal(password))
        return True

    # API tokens --------------------------------------------------------------
    def new_token(self, people, label=""):
        """Create a token; return (token id, the secret). Only the digest is kept."""
        secret = secrets.token_urlsafe(32)
        digest = token_digest(secret)
        token_id = digest[:12]
        self.api_tokens[token_id] = {"digest": digest, "label": label[:100],
                                     "created": now_utc().isoformat(timespec="seconds")}
        people.tokens[digest] = self.login
        return token_id, secret

    def revoke_token(self, people, token_id):
        info = self.api_tokens.pop(token_id)
        people.tokens.pop(info["digest"], None)

    def revoke_all_tokens(self, people):
        for token_id in list(self.api_tokens.keys()):
            self.revoke_token(people, token_id)

    # sessions ----------------------------------------------------------------
    def start_session(self, max_age):
        """A new session id; sessions older than `max_age` seconds are forgotten."""
        now = time.time()
        for old in [sid for sid, started in self.sessions.items() if now - started > max_age]:
            del self.sessions[old]
        session_id = secrets.token_urlsafe(18)
        self.sessions[session_id] = now
        return session_id

    def end_session(self, session_id):
        self.sessions.pop(session_id, None)

    def end_all_sessions(self):
        self.sessions.clear()

    # account state -----------------------------------------------------------
    def deactivate(self, people):
        """Cannot log in any more; sessions and tokens end; content stays."""
        self.active = False
        self.end_credentials(people)
        people.note_active(self)

    def end_other_credentials(self, people, session_id=None, token_id=None):
        """Every session and API token but the ones named (those of the request that
        asks) ends."""
        for sid in [sid for sid in self.sessions.keys() if sid != session_id]:
            del self.sessions[sid]
        for other in [tid for tid in self.api_tokens.keys() if tid != token_id]:
            self.revoke_token(people, other)

    def end_credentials(self, people):
        """Every way in but the password ends: sessions, API tokens, the calendar feed."""
        self.end_all_sessions()
        self.revoke_all_tokens(people)
        self.calendar_feed_digest = None

    def reactivate(self):
        self.active = True
        if self.__parent__ is not None:
            self.__parent__.note_active(self)

    def update(self, **fields):
        for key, value in fields.items():
            if key not in PROFILE_FIELDS:
                raise KeyError(key)
            setattr(self, key, value)
        if "name" in fields and self.__parent__ is not None:
            self.__parent__.note_name(self)
        notify(ObjectModified(self))


def normal(password):
    """The same password typed on any system: Unicode NFC."""
    return unicodedata.normalize("NFC", password)


def check_password_rules(password, hints=()):
    """ValueError, with a message for the person, unless `password` may be used: 8 to 1024
    characters, and not common or trivial (zxcvbn's estimate, which also knows the
    person's own login, name and address, `hints`)."""
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError(f"Use {MIN_PASSWORD} characters or more ({MAX_PASSWORD} at most).")
    try:
        password.encode("utf-8")
    except UnicodeError:
        raise ValueError("A password must be valid Unicode text.")
    problem = weakness(password, hints)
    if problem:
        raise ValueError(problem)


def weakness(password, hints=()):
    """Why `password` is too easy to guess, in a sentence, or None when it is not."""
    estimate = zxcvbn(password[:100], user_inputs=[h for h in hints if h])
    if estimate["score"] >= MIN_STRENGTH:
        return None
    feedback = estimate["feedback"]
    advice = feedback.get("warning") or "This password is easy to guess."
    suggestions = " ".join(feedback.get("suggestions") or ())
    return f"{advice} {suggestions or 'Add a few more words or characters.'}".strip()


def verify_login(people, login, password):
    """The active profile whose password matches, else None; same cost either way."""
    global _DUMMY_HASH
    profile = people.get(login) if isinstance(login, str) else None
    if profile is None or not profile.active:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = _hasher.hash(secrets.token_hex(8))
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError, UnicodeError):
            pass
        return None
    return profile if profile.check_password(password or "") else None


# Audited events ----------------------------------------------------------------------------

class AccountCreated(Audited):
    """An account was made (details: `admin` for an administrator's)."""
    action = "account_created"


class ProfileChanged(Audited):
    """Profile fields were set (details: their names, never their values)."""
    action = "profile_changed"


class AccountDeactivated(Audited):
    action = "account_deactivated"


class AccountReactivated(Audited):
    action = "account_reactivated"


class AdminGranted(Audited):
    action = "admin_granted"


class AdminRevoked(Audited):
    action = "admin_revoked"


class PasswordReset(Audited):
    """An administrator set someone's password (the password itself is never logged)."""
    action = "password_reset"


class PasswordChanged(Audited):
    """A person changed their own password (the password itself is never logged)."""
    action = "password_changed"


class TokenCreated(Audited):
    """An API token was made (details: its id, never the secret)."""
    action = "token_created"


class TokenRevoked(Audited):
    action = "token_revoked"


class LoggedIn(Audited):
    action = "login"


class LoginFailed(Audited):
    """A wrong password, an unknown or inactive login (actor and object then say
    `(unknown login)` and `/people`: what was typed may be a password)."""
    action = "login_failed"


class LoginThrottled(Audited):
    action = "login_throttled"


# What changes an account -------------------------------------------------------------------

UNKNOWN_LOGIN = "(unknown login)"


def add_person(people, login, name, email, password, admin=False, actor=None):
    """Create an account; `IdTaken` if the login is taken. The caller has validated
    `login` as a slug."""
    if login in people:
        raise IdTaken(login)  # before the costly hash
    profile = Profile(login, name, email, admin=admin)
    profile.set_password(password)
    people.add(login, profile)
    notify(AccountCreated(actor, profile, "admin" if admin else ""))
    return profile


def change_profile(profile, actor, **fields):
    """Set profile fields (names from PROFILE_FIELDS); the audit entry names the fields
    whose value changed (a form sends them all), and a save that changes nothing writes
    nothing. Returns the names of the fields that changed."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise KeyError(sorted(unknown)[0])
    changed = {key: value for key, value in fields.items() if getattr(profile, key) != value}
    if changed:
        profile.update(**changed)
        notify(ProfileChanged(actor, profile, ", ".join(sorted(changed))))
    return sorted(changed)


def change_account(profile, actor, active=None, admin=None, password=None):
    """An administrator's switches on an account; None leaves one as it is. A new password
    or a deactivation ends every session and token. Raises ValueError (changing nothing)
    when `actor` would lock themselves out: another administrator must do that."""
    people = profile.__parent__
    if profile.login == actor and (active is False or admin is False):
        raise ValueError("Another administrator must deactivate or demote you.")
    if active is not None and active != profile.active:
        if active:
            profile.reactivate()
        else:
            profile.deactivate(people)
        notify(ObjectModified(profile))  # who may find it in search changed
        notify((AccountReactivated if active else AccountDeactivated)(actor, profile))
    if admin is not None and admin != profile.admin:
        profile.admin = admin
        notify((AdminGranted if admin else AdminRevoked)(actor, profile))
    if password is not None:
        profile.set_password(password)
        profile.end_credentials(people)
        notify(PasswordReset(actor, profile))


def new_api_token(profile, actor, label=""):
    """A new API token for `profile`: (token id, the secret, shown only this once)."""
    token_id, secret = profile.new_token(profile.__parent__, label)
    notify(TokenCreated(actor, profile, token_id))
    return token_id, secret


def revoke_api_token(profile, token_id, actor):
    """End one of `profile`'s tokens; KeyError if it has no such token."""
    profile.revoke_token(profile.__parent__, token_id)
    notify(TokenRevoked(actor, profile, token_id))


def attempt_login(people, throttle, login, password, address):
    """(profile, None) on success, else (None, reason) with reason `throttled` or `invalid`.

    Failures are counted per login and client `address` (see content/throttle.py), for
    known and unknown logins alike. The audit log gets every login, the first failure of
    a login from an address in a throttle window and the moment a block starts: not
    every attempt, so that guessing cannot grow the database. Only a real account's login
    goes into the log (text typed into the login box may be a password); a login that is
    not even a slug is never stored anywhere.
    """
    login = login.strip().lower()
    known = people.get(login) if is_slug(login) else None
    actor, obj = (login, known) if known is not None else (UNKNOWN_LOGIN, people)
    key = login if is_slug(login) else UNKNOWN_LOGIN
    if throttle.blocked(key, address):
        return None, "throttled"
    profile = verify_login(people, login, password) if is_slug(login) else \
        verify_login(people, None, password)
    if profile is None:
        failures = throttle.failed(key, address)
        if failures == 1:
            notify(LoginFailed(actor, obj, f"from {address}"))
        elif throttle.blocked(key, address):
            notify(LoginThrottled(actor, obj, f"from {address} after {failures} failures"))
        return None, "invalid"
    throttle.succeeded(login, address)
    notify(LoggedIn(login, profile))
    return profile, None


def change_own_password(profile, throttle, current, new, address, session_id=None,
                        token_id=None):
    """A person's own new password, given their current one: None when it is set, else
    `throttled` or `invalid` (the current password is wrong) and nothing changes.

    The current password is checked exactly as a login is, counted by the same throttle
    (per login and client `address`) and audited the same way, so this cannot be used to
    guess a password that a stolen session does not know. Raises ValueError (changing
    nothing) when `new` breaks the password rules. The new password ends every other
    session and API token of the person: all but `session_id` and `token_id`, the ones
    the asking request uses.
    """
    login = profile.login
    if throttle.blocked(login, address):
        return "throttled"
    if not profile.check_password(current or ""):
        failures = throttle.failed(login, address)
        if failures == 1:
            notify(LoginFailed(login, profile, f"from {address}, changing the password"))
        elif throttle.blocked(login, address):
            notify(LoginThrottled(login, profile, f"from {address} after {failures} "
                                                  "failures, changing the password"))
        return "invalid"
    profile.set_password(new)
    throttle.succeeded(login, address)
    profile.end_other_credentials(profile.__parent__, session_id, token_id)
    notify(PasswordChanged(login, profile))
    return None


def index_people(people):
    """Evolve step: the name index and the list of deactivated accounts of a directory
    made before they existed."""
    people.names, people.inactive = NameIndex(), OOTreeSet()
    for profile in people.values():
        people.note_name(profile)
        people.note_active(profile)
