"""Who may do what to a referral, in every state: a referral is read only by its
requester, the admins and the experts whose invitation is open or accepted (404 for
everyone else, in pages, API, search and mail); a reader without the right is refused
(403); the right action in the wrong state is a 409 that changes nothing.

The cast: member asks; manager is the invited expert (accepting from `answered` on);
observer is an expert on the roster who is not invited; outsider is a plain member."""
import pytest

from referral_helpers import QUESTION, bring_to, clock, notices, roster, url  # noqa: F401
from workspace.content.referrals import STATES

WHOS = ("anonymous", "outsider", "observer", "manager", "member", "admin")
READS_AS_EXPERT = ("referred", "answered", "closed")  # where manager is invited


def reader(who, state):
    return who in ("member", "admin") or (who == "manager" and state in READS_AS_EXPERT)


@pytest.mark.parametrize("state", STATES)
def test_who_reads_a_referral_in_every_state(roster, clock, state):
    rid = bring_to(roster, state)
    for who in WHOS:
        api_status = 401 if who == "anonymous" else 200 if reader(who, state) else 404
        roster.api[who].get(url(rid), status=api_status)
        html_status = 302 if who == "anonymous" else 200 if reader(who, state) else 404
        page = roster.html(who).get(f"/referrals/{rid}/", status=html_status)
        if html_status == 200:
            assert QUESTION in page.text
        else:
            assert QUESTION not in page.text
        listed = roster.api[who].get("/api/referrals", status="*")
        if who != "anonymous":
            assert (rid in [r["id"] for r in listed.json]) == reader(who, state)
        candidates = 401 if who == "anonymous" else 200 if who == "admin" else \
            403 if reader(who, state) else 404
        roster.api[who].get(url(rid, "candidates"), status=candidates)


# action -> (permission holders, states where it fits, body)
ACTIONS = {
    "invite": (("admin",), ("new", "referred", "answered"), {"login": "observer"}),
    "respond": (("manager",), ("referred",), {"accept": True}),
    "answers": (("manager",), ("answered",), {"body": "More."}),
    "questions": (("member", "admin"), ("referred", "answered"), {"body": "And?"}),
    "close": (("member", "admin"), ("answered",), {"outcome": "partly-resolved"}),
    "cancel": (("member", "admin"), ("new", "referred"), None),
    "no-expert": (("admin",), ("new", "referred"), None),
}
HOLDERS_OF = {"admin": ("admin",), "respond": ("manager",), "answer": ("manager",),
              "ask_back": ("member", "admin"), "close": ("member", "admin")}
PERMISSION = {"invite": "admin", "respond": "respond", "answers": "answer",
              "questions": "ask_back", "close": "close", "cancel": "close",
              "no-expert": "admin"}


def expected(who, state, action):
    holders, fits, _ = ACTIONS[action]
    if who == "anonymous":
        return 401
    if not reader(who, state):
        return 404
    if who not in holders:
        return 403
    return 200 if state in fits else 409


def post(client, rid, action, body, status):
    if body is None:
        return client.post(url(rid, action), status=status)
    return client.post_json(url(rid, action), body, status=status)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_in_every_state_for_everyone(roster, clock, state, action):
    rid = bring_to(roster, state)
    before = roster.api["admin"].get(url(rid)).json
    body = ACTIONS[action][2]
    succeeded = False
    for who in WHOS:
        status = expected(who, state, action)
        if status == 200:
            if succeeded:
                continue  # the first success moved the referral on
            answer = post(roster.api[who], rid, action, body, status="*")
            assert answer.status_int in (200, 201), (who, answer.text)
            succeeded = True
            continue
        post(roster.api[who], rid, action, body, status=status)
        if not succeeded:
            assert roster.api["admin"].get(url(rid)).json == before, who


@pytest.mark.parametrize("state", STATES)
def test_the_html_buttons_follow_the_same_rules(roster, clock, state):
    rid = bring_to(roster, state)
    outsider = roster.html("outsider")
    outsider.post(f"/referrals/{rid}/@@cancel", {"csrf_token": outsider.csrf}, status=404)
    member = roster.html("member")
    member.post(f"/referrals/{rid}/@@cancel", {}, status=400)  # no CSRF token
    status = 302 if state in ("new", "referred") else 409
    member.post(f"/referrals/{rid}/@@cancel", {"csrf_token": member.csrf}, status=status)
    manager = roster.html("manager")
    if reader("manager", state):
        manager.post(f"/referrals/{rid}/@@cancel", {"csrf_token": manager.csrf}, status=403)


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("outsider", 403),
                                         ("member", 403), ("admin", 200)])
def test_only_admins_see_the_overview(roster, clock, who, status):
    roster.html(who).get("/referrals/@@overview", status=status)
    roster.api[who].get("/api/referrals/overview", status=401 if status == 302 else status)


def test_leak_probe_an_uninvited_expert_and_an_outsider_never_find_the_question(
        roster, clock, site):
    rid = bring_to(roster, "answered")
    for who in ("member", "admin", "manager"):
        found = roster.api[who].get("/api/search", params={"q": "zanzibarian"}).json
        assert [r["path"] for r in found["results"]] == [f"/referrals/{rid}"], who
    for who in ("outsider", "observer"):
        found = roster.api[who].get("/api/search", params={"q": "zanzibarian"}).json
        assert found["total"] == 0 and "zanzibarian" not in str(found).lower(), who
        page = roster.html(who).get("/search", params={"q": "zanzibarian mentors"})
        assert "zanzibarian" not in page.text.lower().replace("zanzibarian mentors", "")
        assert QUESTION not in roster.html(who).get("/referrals/").text
        assert QUESTION not in roster.html(who).get("/experts/").text
    mailed_to = {to for to, subject, text in notices(site) if QUESTION in text}
    assert mailed_to == {"manager@example.org"}


def test_an_expert_who_declines_loses_access_and_search_with_it(roster, clock):
    rid = bring_to(roster, "new")
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "observer"})
    assert roster.api["observer"].get("/api/search", params={"q": "zanzibarian"}).json["total"] == 1
    roster.api["observer"].post_json(url(rid, "respond"), {"accept": False,
                                                           "reason": "not-my-area"})
    roster.api["observer"].get(url(rid), status=404)
    assert roster.api["observer"].get("/api/search", params={"q": "zanzibarian"}).json["total"] == 0


def test_an_expired_invitation_ends_access_and_search_together(roster, clock):
    rid = bring_to(roster, "new")
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "observer"})
    search = {"q": "zanzibarian"}
    assert roster.api["observer"].get("/api/search", params=search).json["total"] == 1
    clock.advance(days=4)
    # past respond_by and before the sweep, page and search still agree
    roster.api["observer"].get(url(rid))
    assert roster.api["observer"].get("/api/search", params=search).json["total"] == 1
    roster.api["admin"].post("/api/referrals/reminders")
    found = roster.api["observer"].get("/api/search", params=search).json
    assert found["total"] == 0 and found["results"] == []
    roster.api["observer"].get(url(rid), status=404)


HTML_ACTIONS = {"invite": "invite", "decide": "respond", "answer": "answers",
                "ask-back": "questions", "close": "close", "cancel": "cancel",
                "no-expert": "no-expert"}


def form_of(body):
    if not body:
        return {}
    return {k: ("true" if v is True else v) for k, v in body.items()}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", sorted(HTML_ACTIONS))
def test_every_html_button_in_every_state_for_everyone(roster, clock, state, name):
    action = HTML_ACTIONS[name]
    rid = bring_to(roster, state)
    before = roster.api["admin"].get(url(rid)).json
    succeeded = False
    for who in WHOS:
        status = expected(who, state, action)
        if status == 200 and succeeded:
            continue
        browser = roster.html(who)
        fields = dict(form_of(ACTIONS[action][2]), csrf_token=getattr(browser, "csrf", ""))
        html_status = {401: 302, 200: 302}.get(status, status)
        answer = browser.post(f"/referrals/{rid}/@@{name}", fields, status=html_status)
        if status == 401:
            assert "/login" in answer.location
        elif status == 200:
            assert answer.location.endswith(f"/referrals/{rid}/")
            succeeded = True
        if not succeeded:
            assert roster.api["admin"].get(url(rid)).json == before, who


@pytest.mark.parametrize("path", ["/referrals/", "/referrals/@@ask", "/experts/",
                                  "/people/manager/@@expertise"])
@pytest.mark.parametrize("who", WHOS)
def test_every_member_reaches_the_referral_pages_anonymous_logs_in_first(roster, path, who):
    status = 302 if who == "anonymous" else 200
    roster.html(who).get(path, status=status)
