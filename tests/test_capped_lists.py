"""A group's page names its first members and a profile its first groups (a school has
hundreds, a supervisor 400 groups): past the cap they say how many more there are and
link to the paged list."""
import re

from workspace.content.group import Group, grant_role
from workspace.content.people import add_person
from workspace.views.groups.pages import GROUP_PAGE_MEMBERS
from workspace.views.people.pages import PROFILE_GROUPS

EXTRA = 7


def test_a_group_page_says_how_many_more_members_and_links_the_paged_list(cast, site):
    with site.open() as root:
        group = root["groups"]["secret"]
        for n in range(GROUP_PAGE_MEMBERS + EXTRA):
            person = add_person(root["people"], f"teacher-{n:03}", f"Teacher {n}",
                                f"t{n}@example.org", "a long enough password")
            grant_role(group, person, "member")
    total = GROUP_PAGE_MEMBERS + EXTRA + 3  # the cast's manager, member and observer
    more = total - GROUP_PAGE_MEMBERS
    page = cast.html("manager").get("/groups/secret/")
    assert re.search(rf"and\s+{more} more", page.text)
    assert f"all {total} members, page by page" in page.text
    assert page.click(f"all {total} members, page by page").status_int == 200
    page = cast.html("member").get("/groups/secret/")
    assert re.search(rf"and\s+{more} more", page.text)
    link = re.search(r'href="([^"]*/api/groups/secret/members\?[^"]*)"', page.text).group(1)
    listed = cast.api["member"].get(link.replace("&amp;", "&").split("localhost")[-1])
    assert len(listed.json) == more and listed.headers["X-Total-Count"] == str(total)


def test_a_profile_says_how_many_more_groups_its_owner_has(cast, site):
    with site.open() as root:
        member = root["people"]["member"]
        for n in range(PROFILE_GROUPS + EXTRA):
            group = root["groups"].add(f"school-{n:03}", Group(f"School {n}", "", "private"))
            grant_role(group, member, "member")
    owned = PROFILE_GROUPS + EXTRA + 1  # and `secret`
    page = cast.html("member").get("/people/member/")
    assert re.search(rf"and\s+{owned - PROFILE_GROUPS} more", page.text)
    mine = page.click("all your groups, page by page")
    assert "School 0" in mine.text
    # someone else is not told how many groups, which may be private, there are
    page = cast.html("admin").get("/people/member/")
    assert f"Only the first {PROFILE_GROUPS} groups" in page.text
    assert not re.search(r"and\s+\d+ more", page.text)
