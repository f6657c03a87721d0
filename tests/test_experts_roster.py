"""The expert roster: profiles describe expertise with codes (themes of the site's
vocabulary, ISO countries and languages), admins put people on the roster, and members
browse it by theme, country and language, a page at a time."""
import pytest

from workspace.content.people import People, Profile
from workspace.content.referrals import add_roster
from workspace.content.roster import Roster, codes_from_text, country_name, set_expert


def put_expert(cast, login, **body):
    body.setdefault("expert", True)
    return cast.api["admin"].put_json(f"/api/people/{login}/expert", body)


def describe(cast, who, **fields):
    return cast.api[who].put_json(f"/api/people/{who}", fields).json


# content ---------------------------------------------------------------------------------

def test_codes_show_as_names_and_free_text_becomes_codes():
    assert country_name("ke") == "Kenya" and country_name("KE") == "Kenya"
    assert codes_from_text("en, French; xx", {"en": "English", "fr": "French"}) == ["en", "fr"]
    assert codes_from_text(["fr", "zz"], {"fr": "French"}) == ["fr"]


def test_roster_matches_every_given_filter():
    roster, people = Roster(), People()
    for login, themes, countries in (("ana", ["assessment"], ["ke"]),
                                     ("ben", ["assessment", "gender"], ["gh"])):
        people.add(login, Profile(login, login.title(), f"{login}@example.org"),
                   send_events=False)
        people[login].expertise, people[login].countries = themes, countries
        people[login].languages = ["en"]
        set_expert(roster, people[login], "admin", True)
    assert roster.matching(people, theme="assessment") == ["ana", "ben"]
    assert roster.matching(people, theme="assessment", country="gh") == ["ben"]
    assert roster.matching(people, language="fr") == []
    set_expert(roster, people["ana"], "admin", False)
    assert roster.matching(people) == ["ben"]


def test_the_evolve_step_turns_old_free_text_into_codes(site, cast):
    with site.open() as root:
        member = root["people"]["member"]
        member.languages, member.expertise = "English, fr", "Assessment, rural schools"
        root.remove("experts", send_events=False)
        root.remove("referrals", send_events=False)
        add_roster(root)
        assert member.languages == ["en", "fr"] and member.expertise == ["assessment"]
        assert member.countries == [] and "experts" in root and "referrals" in root


# API -------------------------------------------------------------------------------------

def test_people_set_their_expertise_countries_and_languages_as_codes(cast):
    me = describe(cast, "member", expertise=["assessment", "gender"], countries=["KE", "gh"],
                  languages="en, fr")
    assert me["expertise"] == ["assessment", "gender"]
    assert me["countries"] == ["gh", "ke"] and me["languages"] == ["en", "fr"]
    bad = cast.api["member"].put_json("/api/people/member", {"expertise": ["astrology"]},
                                      status=400).json
    assert "expertise" in bad["fields"]
    cast.api["member"].put_json("/api/people/member", {"countries": ["xx"]}, status=400)
    cast.api["member"].put_json("/api/people/member", {"languages": [3]}, status=400)


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("outsider", 403),
                                         ("member", 403), ("manager", 403), ("admin", 200)])
def test_only_admins_put_people_on_the_roster(cast, who, status):
    cast.api[who].put_json("/api/people/member/expert", {"expert": True, "capacity": 2},
                           status=status)


def test_roster_entry_has_capacity_and_availability(cast):
    entry = put_expert(cast, "member", capacity=2, available=False).json
    assert entry == {"login": "member", "expert": True, "capacity": 2, "available": False,
                     "load": 0}
    assert put_expert(cast, "member", available=True).json["capacity"] == 2
    cast.api["admin"].put_json("/api/people/member/expert", {"expert": True, "capacity": 0},
                               status=400)
    cast.api["admin"].put_json("/api/people/member/expert", {"expert": "maybe"}, status=400)
    assert put_expert(cast, "member", expert=False).json == {"login": "member",
                                                              "expert": False}


def test_members_browse_the_roster_by_theme_country_and_language(cast):
    describe(cast, "member", expertise=["assessment"], countries=["ke"], languages=["en"])
    describe(cast, "manager", expertise=["assessment", "gender"], countries=["gh"],
             languages=["fr"])
    put_expert(cast, "member")
    put_expert(cast, "manager", available=False)
    every = cast.api["outsider"].get("/api/experts").json
    assert [e["login"] for e in every] == ["manager", "member"]
    assert every[1] == {"login": "member", "name": "Member", "expertise": ["assessment"],
                        "countries": ["ke"], "languages": ["en"], "available": True}
    api = cast.api["observer"]
    assert [e["login"] for e in api.get("/api/experts?theme=gender").json] == ["manager"]
    assert [e["login"] for e in api.get("/api/experts?country=ke").json] == ["member"]
    assert api.get("/api/experts?language=fr&theme=assessment").json[0]["login"] == "manager"
    assert api.get("/api/experts?language=de").json == []
    api.get("/api/experts?theme=astrology", status=400)
    cast.api["anonymous"].get("/api/experts", status=401)
    assert "capacity" in cast.api["admin"].get("/api/experts").json[0]


def test_the_roster_is_paged(cast):
    for who in ("member", "manager", "observer"):
        put_expert(cast, who)
    page = cast.api["member"].get("/api/experts?limit=2")
    assert len(page.json) == 2 and page.headers["X-Total-Count"] == "3"
    assert 'rel="next"' in page.headers["Link"]
    assert len(cast.api["member"].get("/api/experts?limit=2&page=2").json) == 1


# pages -----------------------------------------------------------------------------------

def test_roster_page_filters_and_shows_names(cast):
    describe(cast, "member", expertise=["assessment"], countries=["ke"], languages=["fr"])
    put_expert(cast, "member")
    page = cast.html("outsider").get("/experts/?theme=assessment")
    assert "Member" in page.text and "Kenya" in page.text and "French" in page.text
    assert "Member" not in cast.html("outsider").get("/experts/?theme=gender").text
    cast.html("anonymous").get("/experts/", status=302)


def test_profile_form_edits_the_lists(cast):
    browser = cast.html("member")
    form = browser.get("/people/member/@@edit").forms["form"]
    form["countries"] = ["ke", "gh"]
    form["expertise"] = ["gender"]
    form.submit("save", status=302)
    profile = browser.get("/people/member/")
    assert "Kenya" in profile.text and "Ghana" in profile.text and "Gender" in profile.text


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("outsider", 403),
                                         ("member", 403), ("admin", 200)])
def test_only_admins_open_the_roster_entry_form(cast, who, status):
    cast.html(who).get("/people/member/@@expert", status=status)


def test_admin_puts_someone_on_the_roster_with_the_form(cast):
    browser = cast.html("admin")
    form = browser.get("/people/member/@@expert").forms["form"]
    form["expert"] = True
    form["capacity"] = "4"
    form.submit("save", status=302)
    assert cast.api["admin"].get("/api/people/member/expert").json["capacity"] == 4
    assert "on the roster" in browser.get("/people/member/@@expertise").text.lower()
