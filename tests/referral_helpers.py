"""What the referral tests share: a clock they move, the roster they start from, and a
referral brought to any state through the API."""
from datetime import datetime, timedelta, timezone

import pytest

from workspace.content import referrals as rf
from workspace.mail.state import state_of

QUESTION = "How do ministries mentor newly qualified teachers in rural zanzibarian schools?"


class Clock:
    """A clock the test moves (`advance(hours=...)`): no sleeping."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    clock = Clock(datetime.now(timezone.utc).replace(microsecond=0))
    rf.use_clock(clock)
    yield clock
    rf.use_clock(None)


def describe(cast, who, **fields):
    cast.api[who].put_json(f"/api/people/{who}", fields)


def put_expert(cast, login, **body):
    body.setdefault("expert", True)
    return cast.api["admin"].put_json(f"/api/people/{login}/expert", body).json


@pytest.fixture
def roster(cast):
    """observer and manager are experts (manager the better fit); member asks."""
    describe(cast, "observer", expertise=["teacher-development"], countries=["tz"],
             languages=["en"])
    describe(cast, "manager", expertise=["teacher-development", "leadership"],
             countries=["tz", "ke"], languages=["en", "sw"])
    put_expert(cast, "observer", capacity=2)
    put_expert(cast, "manager", capacity=2)
    return cast


def ask(cast, who="member", days=10, **extra):
    body = {"question": QUESTION, "themes": ["teacher-development", "leadership"],
            "countries": ["tz"], "languages": ["sw"],
            "needed_by": (rf.now_utc() + timedelta(days=days)).date().isoformat()}
    body.update(extra)
    return cast.api[who].post_json("/api/referrals", body, status=201).json["id"]


def url(rid, *parts):
    return "/".join([f"/api/referrals/{rid}", *parts])


def bring_to(cast, state):
    """A referral asked by member in `state`, manager invited (and accepting from
    `answered` on); returns its id."""
    rid = ask(cast)
    if state == "new":
        return rid
    if state in ("cancelled", "no-expert"):
        cast.api["admin"].post(url(rid, "cancel" if state == "cancelled" else "no-expert"))
        return rid
    cast.api["admin"].post_json(url(rid, "invite"), {"login": "manager"})
    if state == "referred":
        return rid
    cast.api["manager"].post_json(url(rid, "respond"), {"accept": True})
    cast.api["manager"].post_json(url(rid, "answers"), {"body": "Pair them with mentors."},
                                  status=201)
    if state == "closed":
        cast.api["member"].post_json(url(rid, "close"), {"outcome": "resolved"})
    return rid


def notices(site):
    """(to, subject, text) of every personal notice queued so far."""
    with site.open() as root:
        state = state_of(root._p_jar.root(), create=False)
        jobs = list(state.jobs.values()) if state is not None else []
    return [(job[1]["to"], job[2], job[3]) for job in jobs if job[0] == "notice"]
