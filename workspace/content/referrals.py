"""Expert referrals (`/referrals/<id>`): a member's question routed to experts of the roster.

A referral moves only forward: `new` (asked) -> `referred` (an expert invited) ->
`answered` (an accepted expert answered) -> `closed` (the requester, or an admin, closed it
with an outcome); `no-expert` (admins found nobody) and `cancelled` end it early. Each
invitation moves on its own: `invited` -> `accepted` or `declined` (with a reason), or
`expired` when its `respond_by` passes unanswered. Every function below checks the state
first and raises `StateError` (a 409 in the views) before changing anything.

A referral is read only by its requester, the admins and the experts whose invitation is
open or accepted: its ACL says so and ends in DENY_ALL, so pages, the API, search (the
record carries the principals its ACL allows) and mail (a notice is checked against the
ACL when it is sent) all follow the same rule. An expert who declined, or let the
invitation expire, loses access with it.

Time comes from `now_utc()` alone, which tests replace with a clock they move, so
deadlines and reminders are tested without sleeping.
"""
from datetime import datetime, time as day_time, timedelta, timezone
import statistics

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from persistent.list import PersistentList
from pyramid.authorization import DENY_ALL, Allow, Authenticated
from pyramid.traversal import resource_path

from .acl import ADMIN, user_principal
from .events import Audited, ObjectModified, notify
from .collection import Resource, clean_fields
from .folder import Folder
from .ids import unique_id
from .roster import LANGUAGES, Roster, codes_from_text, site_themes, themes_without_experts

STATES = ("new", "referred", "answered", "closed", "no-expert", "cancelled")
OPEN_STATES = ("new", "referred", "answered")
INVITATION_STATES = ("invited", "accepted", "declined", "expired")
DECLINE_REASONS = {"no-time": "No time", "not-my-area": "Not my area",
                   "conflict-of-interest": "Conflict of interest", "other": "Other"}
OUTCOMES = {"resolved": "Resolved", "partly-resolved": "Partly resolved",
            "not-resolved": "Not resolved"}
MAX_QUESTION, MAX_POST, MAX_POSTS, MAX_NOTE = 5000, 20000, 200, 1000
DEFAULT_RESPONSE_DAYS = 3
REMIND_RESPONSE = timedelta(hours=24)  # before respond_by
REMIND_ANSWER = timedelta(hours=48)  # before needed_by


def now_utc():
    """The one clock of referrals (tests set their own)."""
    return _clock()


def _system_clock():
    return datetime.now(timezone.utc)


_clock = _system_clock


def use_clock(clock=None):
    """Read time from `clock()` (a function giving an aware datetime); None: the system's."""
    global _clock
    _clock = clock or _system_clock


def end_of_day(day):
    """The last moment (UTC) of `day`, a date: a deadline given as a day includes it."""
    return datetime.combine(day, day_time(23, 59, 59), timezone.utc)


class StateError(Exception):
    """The action does not fit the referral's (or the invitation's) state; nothing
    changed. `code` names why, for the API's error."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


class Referrals(Folder):
    """`/referrals`: every referral by id, with who holds which (requester or invitee) so
    that "mine" is one lookup, and the open ones, which the deadline sweep reads."""

    __acl__ = [(Allow, ADMIN, ("view", "ask_expertise", "admin")),
               (Allow, Authenticated, ("view", "ask_expertise")), DENY_ALL]

    def __init__(self):
        super().__init__()
        self.counter = Length()
        self.by_person = OOBTree()  # login -> OOTreeSet of referral ids
        self.open = OOTreeSet()  # ids of referrals in OPEN_STATES

    def new_id(self):
        self.counter.change(1)
        return f"{self.counter():06d}"

    def note_person(self, login, referral_id):
        held = self.by_person.get(login)
        if held is None:
            held = self.by_person[login] = OOTreeSet()
        held.insert(referral_id)

    def ids_of(self, login):
        """The ids of the referrals `login` asked or was invited to, newest first."""
        held = self.by_person.get(login)
        return list(reversed(list(held))) if held is not None else []

    def all_ids(self):
        return list(reversed(list(self.keys())))


class Invitation(Persistent):
    """One expert asked to take a referral, and their answer."""

    def __init__(self, login, invited_by, respond_by, now):
        self.login = login
        self.invited_by = invited_by
        self.invited_at = now
        self.respond_by = respond_by
        self.state = "invited"
        self.responded_at = None
        self.reason = None
        self.note = ""
        self.reminded = False  # of respond_by
        self.answer_reminded = False  # of the referral's needed_by

    def state_at(self, now):
        """The state as people see it at `now`: an unanswered invitation past respond_by
        is expired even before the sweep records it."""
        if self.state == "invited" and now > self.respond_by:
            return "expired"
        return self.state

    @property
    def stamp(self):
        """What a signed link names, so a new invitation of the same person gets new links."""
        return str(int(self.invited_at.timestamp()))


class Referral(Persistent):
    """A question asked of the roster, its invitations, the answers and the follow-ups."""

    __parent__ = None
    __name__ = None

    def __init__(self, requester, question, themes, countries, languages, needed_by, now):
        self.requester = requester
        self.question = question
        self.themes = list(themes)
        self.countries = list(countries)
        self.languages = list(languages)
        self.needed_by = needed_by  # a date
        self.created = now
        self.state = "new"
        self.changed = now  # when the state last changed
        self.invitations = OOBTree()  # login -> Invitation
        self.posts = PersistentList()  # {author, kind: answer|question, body, created}
        self.first_answer_at = None
        self.closed_at = None
        self.outcome = None
        self.outcome_note = ""
        self.consents = OOTreeSet()  # logins agreeing to publish it as a Resource
        self.resource_path = None

    @property
    def title(self):
        first = self.question.strip().splitlines()[0] if self.question.strip() else ""
        return first[:80] + ("…" if len(first) > 80 else "")

    @property
    def answer_by(self):
        return end_of_day(self.needed_by)

    def readers(self):
        """The experts who may read it: invited or accepted. An invitation past
        respond_by can no longer be answered at once, but its expert reads on until the
        deadline sweep records it as expired (and reindexes the referral): the ACL and
        the search index agree at every moment, so not even a count shows more."""
        return [login for login, inv in self.invitations.items()
                if inv.state in ("invited", "accepted")]

    def needs_expert(self):
        """Open, and no expert invited or accepted now (none yet, or every invitation
        declined or past respond_by): the admins' next move is to invite someone."""
        now = now_utc()
        return self.state in ("new", "referred") and not any(
            inv.state_at(now) in ("invited", "accepted") for inv in self.invitations.values())

    def accepted(self):
        return [login for login, inv in self.invitations.items() if inv.state == "accepted"]

    @property
    def __acl__(self):
        acl = [(Allow, ADMIN, ("view", "admin", "ask_back", "close"))]
        acl.append((Allow, user_principal(self.requester), ("view", "ask_back", "close")))
        for login in self.readers():
            acl.append((Allow, user_principal(login), ("view", "respond", "answer")))
        acl.append(DENY_ALL)
        return acl

    def answers(self):
        return [post for post in self.posts if post["kind"] == "answer"]

    def search_data(self):
        return {"type": "referral", "title": self.title, "author": self.requester,
                "text": "\n".join([self.question] + [p["body"] for p in self.posts]),
                "modified": self.changed}


# Audited events --------------------------------------------------------------------------

class ReferralAsked(Audited):
    action = "referral_asked"


class ExpertInvited(Audited):
    """Details: who, and by when they are to respond."""
    action = "expert_invited"


class InvitationAnswered(Audited):
    """Details: accepted, or declined with the reason."""
    action = "invitation_answered"


class InvitationExpired(Audited):
    action = "invitation_expired"


class ReferralAnswered(Audited):
    action = "referral_answered"


class ReferralEnded(Audited):
    """Closed (details: the outcome), cancelled, or no expert found."""
    action = "referral_ended"


def _changed(referral, state=None):
    if state is not None and state != referral.state:
        referral.state = state
        referral.changed = now_utc()
        folder = referral.__parent__
        if folder is not None and state not in OPEN_STATES and referral.__name__ in folder.open:
            folder.open.remove(referral.__name__)
    notify(ObjectModified(referral))


def _require(referral, states, action):
    if referral.state not in states:
        raise StateError("wrong_state", f"A referral that is {referral.state} cannot be "
                                        f"{action}.")


def _release(roster, referral, login):
    entry = roster.get(login) if roster is not None else None
    if entry is not None and referral.__name__ in entry.open:
        entry.open.remove(referral.__name__)


# What changes a referral -------------------------------------------------------------------

def ask(referrals, requester, question, themes, countries, languages, needed_by):
    """A new referral; returns it. The caller has checked the codes and the text."""
    now = now_utc()
    if needed_by < now.date():
        raise ValueError("The needed-by date has passed.")
    referral = Referral(requester, question, themes, countries, languages, needed_by, now)
    referral_id = referrals.new_id()
    referrals.add(referral_id, referral)
    referrals.note_person(requester, referral_id)
    referrals.open.insert(referral_id)
    notify(ReferralAsked(requester, referral))
    return referral


def invite(referral, roster, login, respond_by, actor):
    """Invite the expert `login` (on the roster) to respond by `respond_by` (an aware
    datetime in the future)."""
    _require(referral, ("new", "referred", "answered"), "referred to more experts")
    now = now_utc()
    if login not in roster:
        raise StateError("not_on_roster", "Only experts on the roster can be invited.")
    if login == referral.requester:
        raise StateError("own_referral", "The requester cannot be their own expert.")
    old = referral.invitations.get(login)
    if old is not None and old.state_at(now) in ("invited", "accepted"):
        raise StateError("already_invited", "This expert is invited already.")
    if respond_by <= now:
        raise StateError("past_deadline", "The respond-by time has passed.")
    referral.invitations[login] = Invitation(login, actor, respond_by, now)
    roster.get(login).open.insert(referral.__name__)
    referral.__parent__.note_person(login, referral.__name__)
    _changed(referral, "referred" if referral.state == "new" else None)
    notify(ExpertInvited(actor, referral, f"{login}, respond by {respond_by:%Y-%m-%d %H:%M}"))
    return referral.invitations[login]


def respond(referral, roster, login, accept, reason=None, note=""):
    """The invited expert accepts or declines (with one of DECLINE_REASONS)."""
    _require(referral, ("referred", "answered"), "accepted or declined")
    now = now_utc()
    invitation = referral.invitations.get(login)
    if invitation is None:
        raise StateError("not_invited", "You are not invited to this referral.")
    state = invitation.state_at(now)
    if state != "invited":
        raise StateError("already_" + state if state != "expired" else "expired",
                         f"This invitation is {state} already.")
    if not accept and reason not in DECLINE_REASONS:
        raise ValueError("Say why you decline.")
    invitation.state = "accepted" if accept else "declined"
    invitation.responded_at = now
    invitation.reason = None if accept else reason
    invitation.note = note or ""
    if not accept:
        _release(roster, referral, login)
    _changed(referral)
    notify(InvitationAnswered(login, referral, "accepted" if accept else f"declined: {reason}"))
    return invitation


def add_answer(referral, roster, login, body):
    """An accepted expert answers (again, after a follow-up question)."""
    _require(referral, ("referred", "answered"), "answered")
    invitation = referral.invitations.get(login)
    if invitation is None or invitation.state != "accepted":
        raise StateError("not_accepted", "Only an expert who accepted can answer.")
    _post(referral, login, "answer", body)
    if referral.first_answer_at is None:
        referral.first_answer_at = now_utc()
    entry = roster.get(login)
    if entry is not None:
        entry.answered.insert(referral.__name__)
    _changed(referral, "answered")
    notify(ReferralAnswered(login, referral))


def ask_back(referral, login, body):
    """The requester (or an admin) asks the experts a follow-up question."""
    _require(referral, ("referred", "answered"), "asked back")
    _post(referral, login, "question", body)
    _changed(referral)


def _post(referral, login, kind, body):
    if len(referral.posts) >= MAX_POSTS:
        raise StateError("too_many_posts", f"A referral holds at most {MAX_POSTS} posts.")
    referral.posts.append({"author": login, "kind": kind, "body": body,
                           "created": now_utc()})


def _end(referral, roster, actor, state, details):
    for login in list(referral.invitations.keys()):
        _release(roster, referral, login)
    referral.closed_at = now_utc()
    _changed(referral, state)
    notify(ReferralEnded(actor, referral, details))


def close(referral, roster, actor, outcome, note=""):
    """The requester (or an admin) closes an answered referral with an outcome."""
    _require(referral, ("answered",), "closed (only an answered referral is)")
    if outcome not in OUTCOMES:
        raise ValueError("Choose an outcome.")
    referral.outcome, referral.outcome_note = outcome, note or ""
    _end(referral, roster, actor, "closed", f"closed: {outcome}")


def cancel(referral, roster, actor):
    _require(referral, ("new", "referred"), "cancelled")
    _end(referral, roster, actor, "cancelled", "cancelled")


def no_expert(referral, roster, actor):
    """Admins found no expert for it."""
    _require(referral, ("new", "referred"), "marked as having no expert")
    _end(referral, roster, actor, "no-expert", "no expert")


def give_consent(referral, login):
    """`login` (the requester or an expert who answered) agrees to publishing it."""
    _require(referral, ("answered", "closed"), "published")
    allowed = {referral.requester} | {p["author"] for p in referral.answers()}
    if login not in allowed:
        raise StateError("no_say", "Only the requester and the experts who answered "
                                   "consent.")
    referral.consents.insert(login)
    _changed(referral)


def consented(referral):
    """Whether the requester and every expert who answered agreed to publish it."""
    needed = {referral.requester} | {p["author"] for p in referral.answers()}
    return bool(referral.answers()) and needed <= set(referral.consents)


class ReferralPublished(Audited):
    """An answered referral became a Resource (details: its path)."""
    action = "referral_published"


def publish_as_resource(referral, collection, actor, people):
    """Make the answered referral a case study in `collection`, once the requester and
    every expert who answered consented. The Resource holds the question and the posts in
    order, the experts named as its authors; the requester is not named."""
    _require(referral, ("answered", "closed"), "published")
    if referral.resource_path is not None:
        raise StateError("published", "This referral is a resource already.")
    if not consented(referral):
        raise StateError("no_consent", "The requester and every expert who answered "
                                       "must agree first.")
    experts = []
    for post in referral.answers():
        if post["author"] not in experts:
            experts.append(post["author"])
    name = {login: people[login].title if login in people else login for login in experts}
    parts = [f"## The question\n\n{referral.question}"]
    for post in referral.posts:
        heading = (f"Answer by {name[post['author']]}" if post["kind"] == "answer"
                   else "The requester asks back")
        parts.append(f"## {heading}\n\n{post['body']}")
    fields = clean_fields({"type": "case-study", "abstract": referral.question[:1000],
                           "themes": referral.themes, "countries": referral.countries,
                           "languages": referral.languages, "year": now_utc().year,
                           "authors": [name[login] for login in experts]})
    title = f"Case study: {referral.title}"
    trash = collection.__parent__.get("trash") if collection.__parent__ is not None else None
    resource_id = unique_id(collection, referral.title, *([trash] if trash is not None else []))
    resource = collection.add(resource_id, Resource(title, "\n\n".join(parts), fields, actor,
                                                    "From an expert referral"))
    referral.resource_path = resource_path(resource)
    _changed(referral)
    notify(ReferralPublished(actor, referral, referral.resource_path))
    return resource


# Deadlines --------------------------------------------------------------------------------

def deadline_sweep(referrals, roster):
    """Record invitations past respond_by as expired and say which reminders are due now,
    each once: a list of (kind, referral, login) with kind `respond` (respond_by is near),
    `answer` (needed_by is near, no answer yet) or `expired` (for the admins)."""
    now = now_utc()
    due = []
    for referral_id in list(referrals.open):
        referral = referrals.get(referral_id)
        if referral is None:
            continue
        for login, invitation in referral.invitations.items():
            if invitation.state == "invited" and now > invitation.respond_by:
                invitation.state = "expired"
                _release(roster, referral, login)
                notify(InvitationExpired(login, referral, login))
                _changed(referral)
                due.append(("expired", referral, login))
            elif (invitation.state == "invited" and not invitation.reminded
                  and invitation.respond_by - now <= REMIND_RESPONSE):
                invitation.reminded = True
                due.append(("respond", referral, login))
            elif (invitation.state == "accepted" and not invitation.answer_reminded
                  and referral.state == "referred"
                  and referral.answer_by - now <= REMIND_ANSWER):
                invitation.answer_reminded = True
                due.append(("answer", referral, login))
    return due


def deadlines(referral):
    """Every deadline of the referral with whether it is past: [(label, moment, past)]."""
    now = now_utc()
    found = [("Answer by", referral.answer_by, now > referral.answer_by)]
    for login, invitation in referral.invitations.items():
        if invitation.state == "invited":
            found.append((f"{login} responds by", invitation.respond_by,
                          now > invitation.respond_by))
    return found


# Ranking ----------------------------------------------------------------------------------

WEIGHTS = {"theme": 3.0, "country": 2.0, "language": 2.0, "answer": 0.5, "load": 2.0}
MAX_ANSWER_POINTS = 4


def candidates(referral, roster, people):
    """Experts on the roster for `referral`, best first, each a dict with `login`,
    `score`, `eligible` (available and under capacity), `parts` (what makes the score)
    and `reasons` (the parts in words). An expert who cannot take it now comes after
    every one who can, whatever their score; people invited already, and the
    requester, are left out."""
    found = []
    for login, entry in roster.entries.items():
        profile = people.get(login)
        if profile is None or not profile.active or login == referral.requester:
            continue
        invitation = referral.invitations.get(login)
        if invitation is not None:
            continue
        themes = [t for t in referral.themes if t in profile.expertise]
        countries = [c for c in referral.countries if c in profile.countries]
        languages = [code for code in referral.languages if code in profile.languages]
        answered = len(entry.answered)
        load_share = entry.load / entry.capacity if entry.capacity else 1.0
        parts = {"themes": themes, "countries": countries, "languages": languages,
                 "load": entry.load, "capacity": entry.capacity, "answered": answered,
                 "available": entry.available}
        score = (WEIGHTS["theme"] * len(themes) + WEIGHTS["country"] * len(countries)
                 + WEIGHTS["language"] * len(languages)
                 + WEIGHTS["answer"] * min(answered, MAX_ANSWER_POINTS)
                 - WEIGHTS["load"] * min(load_share, 1.0))
        eligible = entry.available and not entry.at_capacity
        found.append({"login": login, "name": profile.title, "score": round(score, 2),
                      "eligible": eligible, "parts": parts, "reasons": reasons_of(parts)})
    found.sort(key=lambda c: (not c["eligible"], -c["score"], c["login"]))
    return found


def reasons_of(parts):
    """The parts of a candidate's score in words (codes; the views show their names)."""
    reasons = []
    for key, word in (("themes", "themes"), ("countries", "countries"),
                      ("languages", "languages")):
        if parts[key]:
            reasons.append(f"{word}: {', '.join(parts[key])}")
        else:
            reasons.append(f"no {word} matched")
    reasons.append(f"load {parts['load']} of {parts['capacity']}")
    reasons.append(f"{parts['answered']} past answers")
    if not parts["available"]:
        reasons.append("unavailable")
    elif parts["load"] >= parts["capacity"]:
        reasons.append("at capacity")
    return reasons


# The admins' overview --------------------------------------------------------------------

AGE_BUCKETS = (("under a week", 7), ("1 to 4 weeks", 28), ("over 4 weeks", None))


def overview(referrals, roster, people, themes):
    """Open referrals by state and age, the median time to the first answer (hours),
    decline reasons counted, and the themes no available expert claims."""
    now = now_utc()
    by_state = {state: {label: 0 for label, _ in AGE_BUCKETS} for state in OPEN_STATES}
    for referral_id in referrals.open:
        referral = referrals.get(referral_id)
        if referral is None:
            continue
        age = (now - referral.created).days
        for label, limit in AGE_BUCKETS:
            if limit is None or age < limit:
                by_state[referral.state][label] += 1
                break
    waits, declines = [], {reason: 0 for reason in DECLINE_REASONS}
    for referral in referrals.values():
        if referral.first_answer_at is not None:
            waits.append((referral.first_answer_at - referral.created).total_seconds() / 3600)
        for invitation in referral.invitations.values():
            if invitation.state == "declined":
                declines[invitation.reason] += 1
    return {"open": by_state, "total_open": len(referrals.open),
            "median_hours_to_first_answer": round(statistics.median(waits), 1)
            if waits else None,
            "declines": declines,
            "themes_without_experts": themes_without_experts(roster, people, themes)}


def default_respond_by():
    return now_utc() + timedelta(days=DEFAULT_RESPONSE_DAYS)


def add_roster(site):
    """Evolve step: the roster and the referrals folder, and profile lists of codes
    (`expertise`, `countries`, `languages`) where profiles held free text."""
    if "experts" not in site:
        site.add("experts", Roster(), send_events=False)
    if "referrals" not in site:
        site.add("referrals", Referrals(), send_events=False)
    themes = site_themes(site)
    for profile in site["people"].values():
        profile._p_activate()
        profile.countries = list(profile.__dict__.get("countries") or [])
        profile.languages = codes_from_text(profile.languages, LANGUAGES)
        old = profile.expertise
        profile.expertise = codes_from_text(old, dict(themes.terms))
        if isinstance(old, str) and old.strip() and not profile.expertise:
            # free text that names no theme is kept where people can read it
            profile.bio = (profile.bio + "\n\nExpertise: " + old.strip()).strip()
