"""Expert referrals through the API: asking, candidates ranked with their reasons,
invitations with signed links, answers, asking back, closing; every action that does not
fit the state is a 409 that changes nothing; deadlines on a clock the test moves."""
import re

import pytest

from referral_helpers import (QUESTION, ask, bring_to, clock, describe, notices,  # noqa: F401
                              put_expert, roster, url)


def test_a_member_asks_and_sees_the_referral_as_new(roster, clock):
    rid = ask(roster)
    got = roster.api["member"].get(url(rid)).json
    assert got["state"] == "new" and got["question"] == QUESTION
    assert got["themes"] == ["leadership", "teacher-development"]
    assert got["invitations"] == [] and got["answers"] == []
    assert [d["label"] for d in got["deadlines"]] == ["Answer by"]
    assert [r["id"] for r in roster.api["member"].get("/api/referrals").json] == [rid]


@pytest.mark.parametrize("body, field", [
    ({"question": "short"}, "question"), ({"themes": ["astrology"]}, "themes"),
    ({"countries": ["zz"]}, "countries"), ({"needed_by": "yesterday"}, "needed_by"),
    ({"needed_by": "2001-01-01"}, "needed_by")])
def test_a_bad_request_for_expertise_is_a_400(roster, clock, body, field):
    full = {"question": QUESTION, "needed_by": "2099-01-01", **body}
    answer = roster.api["member"].post_json("/api/referrals", full, status=400).json
    assert field in answer["fields"]


def test_candidates_are_ranked_with_the_parts_of_their_score(roster, clock):
    rid = ask(roster)
    ranked = roster.api["admin"].get(url(rid, "candidates")).json
    assert [c["login"] for c in ranked] == ["manager", "observer"]
    best = ranked[0]
    assert best["parts"]["themes"] == ["leadership", "teacher-development"]
    assert best["parts"]["countries"] == ["tz"] and best["parts"]["languages"] == ["sw"]
    assert "load 0 of 2" in best["reasons"] and "0 past answers" in best["reasons"]
    assert ranked[1]["parts"]["languages"] == [] and "no languages matched" in ranked[1]["reasons"]
    assert best["score"] > ranked[1]["score"]


def test_an_unavailable_or_full_expert_is_never_proposed_first(roster, clock):
    rid = ask(roster)
    put_expert(roster, "manager", available=False)
    ranked = roster.api["admin"].get(url(rid, "candidates")).json
    assert ranked[0]["login"] == "observer" and ranked[1]["eligible"] is False
    assert "unavailable" in ranked[1]["reasons"]
    put_expert(roster, "manager", available=True, capacity=1)
    other = ask(roster)
    roster.api["admin"].post_json(url(other, "invite"), {"login": "manager"})
    ranked = roster.api["admin"].get(url(rid, "candidates")).json
    assert ranked[0]["login"] == "observer" and "at capacity" in ranked[1]["reasons"]
    assert ranked[1]["parts"]["load"] == 1


def test_the_whole_flow_and_the_mail_it_sends(roster, clock, site):
    rid = ask(roster)
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "manager"})
    assert roster.api["member"].get(url(rid)).json["state"] == "referred"
    invitation_mail = [n for n in notices(site) if n[0] == "manager@example.org"]
    assert invitation_mail and QUESTION in invitation_mail[0][2]
    assert re.search(r"Accept: \S+/referrals/\d+/@@respond\?t=\S+", invitation_mail[0][2])
    roster.api["manager"].post_json(url(rid, "respond"), {"accept": True})
    roster.api["manager"].post_json(url(rid, "answers"), {"body": "Use **mentors**."},
                                    status=201)
    got = roster.api["member"].get(url(rid)).json
    assert got["state"] == "answered" and "<strong>mentors</strong>" in got["answers"][0]["html"]
    assert any(n[0] == "member@example.org" and "answer" in n[1] for n in notices(site))
    roster.api["member"].post_json(url(rid, "questions"), {"body": "Which mentors?"},
                                   status=201)
    assert any(n[0] == "manager@example.org" and "follow-up" in n[1] for n in notices(site))
    roster.api["manager"].post_json(url(rid, "answers"), {"body": "Senior teachers."},
                                    status=201)
    roster.api["member"].post_json(url(rid, "close"), {"outcome": "resolved", "note": "Thanks"})
    got = roster.api["member"].get(url(rid)).json
    assert got["state"] == "closed" and got["outcome"] == "resolved"
    assert [p["kind"] for p in got["posts"]] == ["answer", "question", "answer"]
    assert roster.api["admin"].get("/api/people/manager/expert").json["load"] == 0
    ranked = roster.api["admin"].get(url(ask(roster), "candidates")).json
    assert ranked[0]["parts"]["answered"] == 1


def test_a_decline_has_a_reason_and_frees_the_next_candidate(roster, clock):
    rid = ask(roster)
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "manager"})
    roster.api["manager"].post_json(url(rid, "respond"), {"accept": False}, status=400)
    roster.api["manager"].post_json(url(rid, "respond"),
                                    {"accept": False, "reason": "conflict-of-interest"})
    got = roster.api["admin"].get(url(rid)).json
    assert got["invitations"] == [{"login": "manager", "state": "declined",
                                   "respond_by": got["invitations"][0]["respond_by"],
                                   "reason": "conflict-of-interest", "note": ""}]
    assert [c["login"] for c in roster.api["admin"].get(url(rid, "candidates")).json] == \
        ["observer"]
    roster.api["manager"].get(url(rid), status=404)  # declined: no longer a reader
    assert got["needs_expert"] is True
    page = roster.html("admin").get(f"/referrals/{rid}/")
    assert "the invitations were declined or not answered in time" in page.text
    assert "needs an expert" in roster.html("admin").get("/referrals/").text
    assert "reason" not in roster.api["member"].get(url(rid)).json["invitations"][0]
    overview = roster.api["admin"].get("/api/referrals/overview").json
    assert overview["declines"]["conflict-of-interest"] == 1


@pytest.mark.parametrize("state, action, who, body", [
    ("new", "close", "member", {"outcome": "resolved"}),
    ("referred", "close", "member", {"outcome": "resolved"}),
    ("referred", "answers", "manager", {"body": "too early"}),
    ("referred", "invite", "admin", {"login": "manager"}),
    ("answered", "cancel", "member", None),
    ("answered", "no-expert", "admin", None),
    ("answered", "respond", "manager", {"accept": True}),
    ("closed", "invite", "admin", {"login": "observer"}),
    ("closed", "close", "member", {"outcome": "resolved"}),
    ("closed", "questions", "member", {"body": "again?"}),
    ("cancelled", "invite", "admin", {"login": "observer"}),
    ("cancelled", "cancel", "admin", None),
    ("no-expert", "invite", "admin", {"login": "observer"}),
])
def test_an_action_that_does_not_fit_the_state_is_a_409_that_changes_nothing(
        roster, clock, state, action, who, body):
    rid = bring_to(roster, state)
    before = roster.api["admin"].get(url(rid)).json
    client = roster.api[who]
    if body is None:
        answer = client.post(url(rid, action), status=409)
    else:
        answer = client.post_json(url(rid, action), body, status=409)
    assert answer.json["error"]
    assert roster.api["admin"].get(url(rid)).json == before


def test_only_people_on_the_roster_are_invited(roster, clock):
    rid = ask(roster)
    assert roster.api["admin"].post_json(url(rid, "invite"), {"login": "outsider"},
                                         status=409).json["error"] == "not_on_roster"
    put_expert(roster, "member")
    assert roster.api["admin"].post_json(url(rid, "invite"), {"login": "member"},
                                         status=409).json["error"] == "own_referral"
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "manager",
                                                       "respond_by": "2001-01-01"}, status=409)


def test_deadlines_expire_invitations_and_remind_once_on_a_moving_clock(roster, clock, site,
                                                                       testapp):
    rid = ask(roster, days=3)
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "manager"})
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "observer"})
    roster.api["observer"].post_json(url(rid, "respond"), {"accept": True})
    sweep = roster.api["admin"].post("/api/referrals/reminders").json
    assert sweep["due"] == []
    clock.advance(hours=49)  # within a day of respond_by (3 days or the answer day)
    sweep = roster.api["admin"].post("/api/referrals/reminders").json
    kinds = sorted((d["kind"], d["login"]) for d in sweep["due"])
    assert kinds == [("answer", "observer"), ("respond", "manager")]
    assert sweep["mailed"] == 2
    assert any(n[0] == "manager@example.org" and "respond" in n[1].lower()
               for n in notices(site))
    assert roster.api["admin"].post("/api/referrals/reminders").json["due"] == []  # once
    clock.advance(hours=48)
    got = roster.api["admin"].get(url(rid)).json
    assert {i["login"]: i["state"] for i in got["invitations"]}["manager"] == "expired"
    assert [d["past"] for d in got["deadlines"]] == [True, True]
    # past respond_by the invitation cannot be answered; the signed link says it expired
    assert roster.api["manager"].post_json(url(rid, "respond"), {"accept": True},
                                           status=409).json["error"] == "expired"
    link = signed_link(site, "manager", "accept")
    assert "This invitation is expired" in testapp.get(link).text
    testapp.post(link.split("?")[0], {"t": link.split("t=")[1]}, status=409)
    sweep = roster.api["admin"].post("/api/referrals/reminders").json
    assert sweep["due"] == [{"kind": "expired", "id": rid, "login": "manager"}]
    roster.api["manager"].get(url(rid), status=404)  # recorded: no longer a reader
    assert roster.api["admin"].get("/api/people/manager/expert").json["load"] == 0


def signed_link(site, login, action):
    texts = [n[2] for n in notices(site) if n[0] == f"{login}@example.org"]
    found = [re.search(rf"{action.title()}: https?://[^/]+(/\S+)", t) for t in texts]
    return [f for f in found if f][-1].group(1)


def test_the_signed_links_of_the_invitation_work_without_logging_in(roster, clock, site,
                                                                    testapp):
    rid = ask(roster)
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "manager"})
    link = signed_link(site, "manager", "decline")
    page = testapp.get(link)
    assert QUESTION in page.text and "Why do you decline?" in page.text
    form = page.forms[-1] if len(page.forms) > 1 else page.forms[0]
    tampered = link.replace("decline", "accept")
    for bad in (tampered, link[:-3] + "abc"):  # names nothing: as for any absent page
        assert testapp.get(bad, status="*").status_int in (302, 404)
    testapp.post(link.split("?")[0], {"t": link.split("t=")[1], "reason": "no-time"})
    got = roster.api["admin"].get(url(rid)).json
    assert got["invitations"][0]["state"] == "declined"
    assert got["invitations"][0]["reason"] == "no-time"
    page = testapp.get(link)
    assert QUESTION not in page.text and "declined" in page.text
    testapp.post(link.split("?")[0], {"t": link.split("t=")[1], "reason": "no-time"},
                 status=409)
    assert form is not None


def test_an_accept_link_of_an_earlier_invitation_names_nothing(roster, clock, site, testapp):
    rid = ask(roster)
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "manager",
                                                       "respond_by": "2099-01-01"})
    old = signed_link(site, "manager", "accept")
    roster.api["manager"].post_json(url(rid, "respond"), {"accept": False, "reason": "no-time"})
    clock.advance(seconds=5)
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "manager"})
    assert testapp.get(old, status="*").status_int in (302, 404)
    testapp.post(signed_link(site, "manager", "accept").split("?")[0],
                 {"t": signed_link(site, "manager", "accept").split("t=")[1]})
    assert roster.api["manager"].get(url(rid)).json["invitations"][0]["state"] == "accepted"


def test_consent_of_requester_and_experts(roster, clock):
    rid = bring_to(roster, "answered")
    roster.api["observer"].post(url(rid, "consent"), status=404)
    roster.api["manager"].post(url(rid, "consent"))
    assert roster.api["member"].get(url(rid)).json["consents"] == ["manager"]
    roster.api["member"].post(url(rid, "consent"))
    assert sorted(roster.api["admin"].get(url(rid)).json["consents"]) == ["manager", "member"]
    roster.api["admin"].post(url(rid, "consent"), status=409)


def test_the_overview_counts_open_referrals_and_the_time_to_a_first_answer(roster, clock):
    bring_to(roster, "new")
    rid = ask(roster)
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "manager"})
    roster.api["manager"].post_json(url(rid, "respond"), {"accept": True})
    clock.advance(hours=6)
    roster.api["manager"].post_json(url(rid, "answers"), {"body": "Done."}, status=201)
    overview = roster.api["admin"].get("/api/referrals/overview").json
    assert overview["total_open"] == 2
    assert overview["open"]["new"]["under a week"] == 1
    assert overview["open"]["answered"]["under a week"] == 1
    assert overview["median_hours_to_first_answer"] == 6.0
    assert "assessment" in overview["themes_without_experts"]
    assert "teacher-development" not in overview["themes_without_experts"]
    roster.api["member"].get("/api/referrals/overview", status=403)


def test_lists_of_referrals_are_paged_and_admins_see_all(roster, clock):
    ids = [ask(roster) for _ in range(3)]
    ask(roster, who="outsider")
    page = roster.api["member"].get("/api/referrals?limit=2")
    assert [r["id"] for r in page.json] == ids[::-1][:2] and page.headers["X-Total-Count"] == "3"
    assert len(roster.api["admin"].get("/api/referrals").json) == 4
    describe(roster, "member")


def with_collection(site, gid="secret"):
    from workspace.content.collection import Collection
    with site.open() as root:
        group = root["groups"][gid]
        if "collection" not in group:
            group.add("collection", Collection(), send_events=False)


def test_with_both_consents_an_answered_referral_becomes_a_case_study(roster, clock, site):
    from workspace.content.group import grant_role
    rid = bring_to(roster, "answered")
    with_collection(site)
    # an admin without a role in the group may not add to its collection
    roster.api["admin"].post_json(url(rid, "publish"), {"group": "secret"}, status=403)
    with site.open() as root:
        grant_role(root["groups"]["secret"], root["people"]["admin"], "member")
    refused = roster.api["admin"].post_json(url(rid, "publish"), {"group": "secret"},
                                            status=409).json
    assert refused["error"] == "no_consent"
    roster.api["member"].post(url(rid, "consent"))
    roster.api["manager"].post(url(rid, "consent"))
    roster.api["member"].post_json(url(rid, "publish"), {"group": "secret"}, status=403)
    done = roster.api["admin"].post_json(url(rid, "publish"), {"group": "secret"}).json
    path = done["resource"]
    assert path.startswith("/groups/secret/collection/")
    with site.open() as root:
        resource = root["groups"]["secret"]["collection"][path.rsplit("/", 1)[1]]
        assert resource.fields["type"] == "case-study"
        assert resource.fields["authors"] == ("Manager",)
        assert resource.fields["themes"] == ("leadership", "teacher-development")
        assert "Pair them with mentors." in resource.body and QUESTION in resource.body
        assert "Member" not in resource.body  # the requester is not named
    roster.api["admin"].post_json(url(rid, "publish"), {"group": "secret"}, status=409)


def test_the_scheduled_sweep_mails_each_reminder_once(roster, clock, site, app):
    from workspace.views.referrals.schedule import run_sweep
    from datetime import timedelta
    from workspace.content.referrals import now_utc
    rid = ask(roster, days=1)
    soon = (now_utc() + timedelta(hours=12)).isoformat()
    roster.api["admin"].post_json(url(rid, "invite"), {"login": "manager", "respond_by": soon})
    assert run_sweep(app.registry) == (1, 1)  # respond_by is within a day already
    assert any(n[0] == "manager@example.org" and "Please respond" in n[1]
               for n in notices(site))
    assert run_sweep(app.registry) == (0, 0)
    clock.advance(days=2)
    assert run_sweep(app.registry) == (1, 0)  # expired: for the admins, not mailed
    assert roster.api["admin"].get(url(rid)).json["needs_expert"] is True
