"""The referral pages and their buttons through the HTML forms (CSRF tokens, flash
messages, a 409 page for an action that does not fit), the ask form, the overview and a
person's page of what they answered, which lists only the referrals its viewer may read."""
from datetime import timedelta

from referral_helpers import QUESTION, bring_to, clock, roster  # noqa: F401
from workspace.content import referrals as rf


def test_ask_form_makes_a_referral_and_refuses_a_past_date(roster, clock):
    browser = roster.html("member")
    form = browser.get("/referrals/@@ask").forms["form"]
    form["question"] = QUESTION
    form["themes"] = ["teacher-development"]
    form["countries"] = ["tz"]
    form["needed_by"] = (rf.now_utc() - timedelta(days=2)).date().isoformat()
    again = form.submit("ask")
    assert again.status_int == 200 and "has passed" in again.text
    form = again.forms["form"]
    form["needed_by"] = (rf.now_utc() + timedelta(days=9)).date().isoformat()
    page = form.submit("ask", status=302).follow()
    assert QUESTION in page.text and "Teacher development" in page.text
    assert "Tanzania" in page.text


def test_the_buttons_move_a_referral_along_and_a_wrong_one_is_a_409_page(roster, clock):
    rid = bring_to(roster, "new")
    admin = roster.html("admin")
    page = admin.get(f"/referrals/{rid}/")
    assert "Candidates, best first" in page.text and "Invite Manager" in page.text
    admin.post(f"/referrals/{rid}/@@invite", {"csrf_token": admin.csrf, "login": "manager",
                                              "respond_by": "2001-01-01"}, status=409)
    admin.post(f"/referrals/{rid}/@@invite", {"csrf_token": admin.csrf, "login": "manager"},
               status=302)
    manager = roster.html("manager")
    assert "You are invited" in manager.get(f"/referrals/{rid}/").text
    manager.post(f"/referrals/{rid}/@@decide", {"csrf_token": manager.csrf,
                                                "accept": "true"}, status=302)
    manager.post(f"/referrals/{rid}/@@answer", {"csrf_token": manager.csrf,
                                                "body": "<script>x()</script>Mentor **pairs**"},
                 status=302)
    member = roster.html("member")
    page = member.get(f"/referrals/{rid}/")
    assert "<strong>pairs</strong>" in page.text and "<script>x()" not in page.text
    member.post(f"/referrals/{rid}/@@ask-back", {"csrf_token": member.csrf,
                                                 "body": "For how long?"}, status=302)
    member.post(f"/referrals/{rid}/@@cancel", {"csrf_token": member.csrf}, status=409)
    member.post(f"/referrals/{rid}/@@close", {"csrf_token": member.csrf,
                                              "outcome": "nonsense"}, status=400)
    member.post(f"/referrals/{rid}/@@close", {"csrf_token": member.csrf,
                                              "outcome": "resolved"}, status=302)
    page = member.get(f"/referrals/{rid}/")
    assert "Outcome: Resolved." in page.text and "Close the referral" not in page.text


def test_the_overview_page_shows_states_declines_and_the_chart(roster, clock):
    rid = bring_to(roster, "referred")
    roster.api["manager"].post_json(f"/api/referrals/{rid}/respond",
                                    {"accept": False, "reason": "no-time"})
    admin = roster.html("admin")
    page = admin.get("/referrals/@@overview")
    assert "No time: 1" in page.text and "<svg" in page.text
    assert "Themes with no expert on the roster" in page.text
    answer = admin.post("/referrals/@@reminders", {"csrf_token": admin.csrf}, status=302)
    assert "@@overview" in answer.location


def test_the_expertise_page_lists_only_answers_the_viewer_may_read(roster, clock):
    bring_to(roster, "closed")
    assert QUESTION[:60] in roster.html("member").get("/people/manager/@@expertise").text
    assert QUESTION[:60] in roster.html("admin").get("/people/manager/@@expertise").text
    for who in ("outsider", "observer"):
        page = roster.html(who).get("/people/manager/@@expertise")
        assert QUESTION[:60] not in page.text and "None that you may read." in page.text


def test_the_referral_list_page_shows_ones_own(roster, clock):
    bring_to(roster, "new")
    assert QUESTION[:60] in roster.html("member").get("/referrals/").text
    assert QUESTION[:60] not in roster.html("outsider").get("/referrals/").text
    assert QUESTION[:60] in roster.html("admin").get("/referrals/").text
