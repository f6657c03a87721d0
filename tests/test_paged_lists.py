"""Every list is paged (DESIGN.md, Scale): `?page=&limit=` (100 by default, 500 at most),
`X-Total-Count`, `Link: <...>; rel="next"`, and `?q=` finding people and groups by the
words of their names, in the API and on the pages, for every role."""
import re

import pytest

from helpers import api_client, browser_login
from workspace.content.group import Group, Groups, grant_role
from workspace.content.names import COUNT_CAP, NameIndex, name_words
from workspace.content.people import People, Profile

WHOS = ("anonymous", "outsider", "observer", "member", "manager", "admin")


def next_link(response):
    match = re.match(r'<([^>]+)>; rel="next"', response.headers.get("Link", ""))
    return match.group(1) if match else None


# content: the name index ---------------------------------------------------------------

def test_names_fold_case_and_accents_and_match_by_word_prefix():
    index = NameIndex()
    index.index("helene", "Hélène Dupré", "helene")
    index.index("ahmed", "Ahmed Samir", "ahmed")
    index.index("samira", "Samira Ahmed", "samira")
    assert name_words("Hélène DUPRÉ-Martin") == ("helene", "dupre", "martin")
    assert sorted(index.search("hel")) == ["helene"]
    assert sorted(index.search("ahm")) == ["ahmed", "samira"]
    assert sorted(index.search("sam ahm")) == ["ahmed", "samira"]
    assert sorted(index.search("samir ahmed")) == ["ahmed", "samira"]
    assert list(index.search("ahmed x")) == [] and list(index.search("  ")) == []
    index.index("ahmed", "Ahmad Samir")  # a new name (and no login) replaces the old words
    assert sorted(index.search("ahme")) == ["samira"]
    index.unindex("samira")
    assert list(index.search("sami")) == ["ahmed"]


def test_directory_counts_up_to_the_cap_and_hides_deactivated_accounts():
    people = People()
    for n in range(12):
        people.add(f"p{n:02d}", Profile(f"p{n:02d}", f"Mona {n}", "m@example.org"),
                   send_events=False)
    people["p03"].deactivate(people)
    page = people.listing(0, 5)
    assert page.keys == ["p00", "p01", "p02", "p04", "p05"] and page.total == 11
    assert people.listing(0, 5, everyone=True).total == 12
    found = people.listing(5, 10, q="mona")
    assert found.keys == ["p06", "p07", "p08", "p09", "p10"] and found.total == 11
    capped = people.listing(0, 3, q="mona", everyone=True)
    assert capped.total == 12 and capped.exact
    people["p03"].reactivate()
    assert people.listing(0, 1).total == 12
    people["p01"].update(name="Nadia")
    assert people.listing(0, 5, q="nad").keys == ["p01"]


def test_the_name_search_count_stops_at_the_cap(monkeypatch):
    from workspace.content import names
    monkeypatch.setattr(names, "COUNT_CAP", 4)
    found = names.select_matches(iter(["e", "d", "c", "b", "a", "f"]), 0, 2, cap=4)
    assert found.keys == ["b", "c"] and found.total == 4 and not found.exact
    assert COUNT_CAP == 10_000


def test_groups_seen_are_own_listed_and_open_ones_and_admins_see_all():
    groups = Groups()
    for gid, visibility in (("a-private", "private"), ("b-listed", "listed"),
                            ("c-open", "open"), ("d-private", "private")):
        groups.add(gid, Group(f"School {gid}", visibility=visibility), send_events=False)
    teacher = Profile("t", "T", "t@example.org")
    teacher.groups["d-private"] = "member"
    admin = Profile("a", "A", "a@example.org", admin=True)
    assert groups.listing(teacher, 0, 10).keys == ["b-listed", "c-open", "d-private"]
    assert groups.listing(teacher, 0, 10).total == 3
    assert groups.listing(teacher, 1, 2).keys == ["c-open"]
    assert groups.listing(teacher, 0, 10, mine=True).keys == ["d-private"]
    assert groups.listing(teacher, 0, 10, q="school priv").keys == ["d-private"]
    assert groups.listing(admin, 0, 10).total == 4
    assert groups.listing(admin, 0, 10, q="a-priv").keys == ["a-private"]
    groups["b-listed"].update(visibility="private")
    groups["a-private"].update(visibility="open", title="Commons")
    assert groups.listing(teacher, 0, 10).keys == ["a-private", "c-open", "d-private"]
    assert groups.listing(teacher, 0, 10, q="commons").keys == ["a-private"]
    assert groups.others(teacher, 10).keys == ["a-private", "c-open"]
    assert groups.others(teacher, 10).total == 2


# the API -----------------------------------------------------------------------------

@pytest.fixture
def crowd(cast, site):
    """Seven more people (one deactivated) and a listed group with all of them."""
    for n in range(7):
        site.add_user(f"teacher{n}", name=f"Teacher Nour {n}")
    with site.open() as s:
        s["people"]["teacher6"].deactivate(s["people"])
    site.add_group("school-1", "listed", {f"teacher{n}": "member" for n in range(7)},
                   title="Lighthouse School One")
    return cast


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 200, 200, 200, 200, 200))))
def test_people_directory_matrix_and_headers(crowd, who, status):
    response = crowd.api[who].get("/api/people", params={"limit": 3, "q": "nour"},
                                  status=status)
    if status != 200:
        return
    total = 7 if who == "admin" else 6  # the deactivated account is for admins only
    assert response.headers["X-Total-Count"] == str(total)
    assert [p["login"] for p in response.json] == ["teacher0", "teacher1", "teacher2"]
    logins = []
    url = "/api/people?limit=3&q=nour"
    while url:
        page = crowd.api[who].get(url)
        logins += [p["login"] for p in page.json]
        url = next_link(page)
    assert logins == [f"teacher{n}" for n in range(total)]


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 403, 403, 403, 403, 200))))
def test_accounts_list_is_for_admins_and_paged(crowd, who, status):
    response = crowd.api[who].get("/api/users", params={"limit": 2}, status=status)
    if status == 200:
        assert len(response.json) == 2
        assert response.headers["X-Total-Count"] == "12"  # the cast of 5, 7 teachers
        assert "page=2" in next_link(response)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"page": 0},
                                    {"page": "two"}, {"q": "x" * 201}])
def test_bad_paging_parameters_are_400(crowd, params):
    paths = ("/api/people", "/api/groups") + (() if "q" in params else
                                               ("/api/groups/school-1/members",))
    for path in paths:
        body = crowd.api["admin"].get(path, params=params, status=400).json
        assert body["error"] == "invalid"


def test_default_page_is_100_and_limit_at_most_500(crowd, site):
    with site.open() as s:
        for n in range(120):
            s["people"].add(f"bulk{n:03d}", Profile(f"bulk{n:03d}", "Bulk", "b@example.org"))
    default = crowd.api["member"].get("/api/people")
    assert len(default.json) == 100 and default.headers["X-Total-Count"] == "131"
    assert len(crowd.api["member"].get("/api/people", params={"limit": 500}).json) == 131
    last = crowd.api["member"].get("/api/people", params={"page": 2})
    assert len(last.json) == 31 and "Link" not in last.headers


@pytest.mark.parametrize("who,visible", [("outsider", {"school-1"}),
                                         ("member", {"school-1", "secret"}),
                                         ("admin", {"school-1", "secret", "hidden"})])
def test_group_list_pages_and_name_search(crowd, site, who, visible):
    site.add_group("hidden", "private", title="Hidden School")
    response = crowd.api[who].get("/api/groups", params={"limit": 1})
    assert response.headers["X-Total-Count"] == str(len(visible))
    assert len(response.json) == 1
    found = crowd.api[who].get("/api/groups", params={"q": "schoo"}).json
    assert {g["id"] for g in found} == visible & {"school-1", "hidden"}
    mine = crowd.api[who].get("/api/groups", params={"mine": "true"}).json
    assert {g["id"] for g in mine} == ({"secret"} if who == "member" else set())


@pytest.mark.parametrize("who,status", list(zip(WHOS, (401, 404, 200, 200, 200, 200))))
def test_members_list_is_paged_for_who_may_see_it(crowd, who, status):
    response = crowd.api[who].get("/api/groups/secret/members", params={"limit": 2},
                                  status=status)
    if status == 200:
        assert response.headers["X-Total-Count"] == "3"
        assert [m["login"] for m in response.json] == ["manager", "member"]
        assert crowd.api[who].get(next_link(response)).json == [
            {"login": "observer", "role": "observer"}]


def test_join_requests_and_trash_are_paged(crowd, site):
    site.add_group("club", "listed", {"manager": "manager"})
    for n in range(3):
        client = api_client(crowd.api["admin"].app, site.token_for(f"teacher{n}"))
        client.post_json("/api/groups/club/join", {"message": f"please {n}"}, status=201)
    requests = crowd.api["manager"].get("/api/groups/club/join-requests",
                                        params={"limit": 2})
    assert requests.headers["X-Total-Count"] == "3" and len(requests.json) == 2
    for n in range(3):
        crowd.api["member"].post_json("/api/groups/secret/documents",
                                      {"title": f"Doc {n}", "body": "x"}, status=201)
        crowd.api["member"].delete(f"/api/groups/secret/documents/doc-{n}", status=204)
    trash = crowd.api["member"].get("/api/groups/secret/trash", params={"limit": 2})
    assert trash.headers["X-Total-Count"] == "3" and len(trash.json) == 2
    assert len(crowd.api["member"].get(next_link(trash)).json) == 1


def test_audit_log_links_to_older_entries(crowd):
    first = crowd.api["admin"].get("/api/audit", params={"limit": 2})
    older = crowd.api["admin"].get(next_link(first)).json["entries"]
    assert older and older[0]["id"] < first.json["entries"][-1]["id"]


# the pages ---------------------------------------------------------------------------

def test_directory_page_searches_by_name_and_pages(crowd, app):
    browser = browser_login(app, "member")
    page = browser.get("/people/", params={"q": "nour", "limit": 4})
    assert "6 people matching" in page.text and "Teacher Nour 3" in page.text
    assert "Teacher Nour 4" not in page.text and 'rel="next"' in page.text
    assert "names/names.js" in page.text and 'data-name-search="' in page.text
    second = browser.get("/people/", params={"q": "nour", "limit": 4, "page": 2})
    assert "Teacher Nour 4" in second.text and "Teacher Nour 6" not in second.text


def test_groups_page_and_home_page_show_a_page_and_link_to_the_rest(crowd, site, app):
    with site.open() as s:
        for n in range(60):
            s["groups"].add(f"net-{n:02d}", Group(f"Network {n}"))
            grant_role(s["groups"][f"net-{n:02d}"], s["people"]["teacher0"], "member")
    browser = browser_login(app, "teacher0")
    home = browser.get("/")
    assert "Network 49" in home.text and "Network 50" not in home.text
    assert "All 61 of your groups" in home.text
    groups = browser.get("/groups/", params={"q": "network 5"})
    assert "Network 5<" in groups.text and "Network 55" in groups.text
    assert "Network 6<" not in groups.text
    mine = browser.get("/groups/", params={"mine": "true", "limit": 10, "page": 7})
    assert "Lighthouse School One" in mine.text and "Network 9" not in mine.text


def test_members_page_pages_and_its_picker_asks_the_people_api(crowd, app):
    browser = browser_login(app, "admin")
    page = browser.get("/groups/school-1/@@members", params={"limit": 3})
    assert 'list="people-found"' in page.text and "/api/people" in page.text
    assert re.search(r'<option value="member"\s+selected', page.text)
    assert 'rel="next"' in page.text and "teacher3" not in page.text
    form = page.forms["form"]
    form["login"] = "outsider"
    form.submit("grant").follow()
    assert crowd.api["admin"].get("/api/groups/school-1/members/outsider").json == {
        "login": "outsider", "role": "member"}


def test_evolve_step_indexes_the_people_and_groups_of_an_older_site():
    from workspace.content.evolve import index_names
    from workspace.content.site import Site
    site = Site()
    site["people"].add("nour", Profile("nour", "Nour Hassan", "n@example.org"))
    site["people"].add("old", Profile("old", "Old Timer", "o@example.org"))
    site["people"]["old"].active = False  # deactivated before the list of them existed
    site["groups"].add("commons", Group("The Commons", visibility="open"))
    for folder, names in ((site["people"], ("names", "inactive")),
                          (site["groups"], ("names", "public", "public_count"))):
        for name in names:
            delattr(folder, name)
    index_names(site)
    assert site["people"].listing(0, 10, q="hass").keys == ["nour"]
    assert site["people"].listing(0, 10).keys == ["nour"]
    assert site["groups"].listing(site["people"]["nour"], 0, 10, q="comm").keys == ["commons"]
