"""`workspace import-groups` and `workspace import-people` (DESIGN.md, Scale): create or
update what the rows name, grant the roles, report bad rows by line and import the good
ones, show progress, and change nothing when run again on the same file."""
import os
import subprocess
import sys

import pytest

from helpers import copy_ini

WORKSPACE = os.path.join(os.path.dirname(sys.executable), "workspace")

GROUPS = """id,title,description,visibility
school-1,Al Nour School,A primary school in Giza,private
school-2,Cairo Lighthouse School,,listed
network-7,Network 7,Seven schools,
Bad Id,A bad id,,private
school-3,,no title,private
school-4,Visibility,,secret
"""

PEOPLE = """login,name,email,country,organisation,groups
mona,Mona Hassan,mona@example.org,EG,Al Nour School,school-1:member;network-7:observer
omar,Omar Samir,omar@example.org,EG,,school-2
bad login,Bad Login,b@example.org,EG,,
nadia,Nadia Fathy,not-an-address,EG,,
karim,Karim Adel,karim@example.org,EG,,school-99:member
laila,Laila Aziz,laila@example.org,EG,,school-1:teacher
,No Login,x@example.org,EG,,
"""


@pytest.fixture
def ini(tmp_path):
    return copy_ini("development.ini", str(tmp_path))


def run(ini, *args):
    return subprocess.run([WORKSPACE, "-c", ini, *args], capture_output=True, text=True,
                          timeout=120)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def site_of(ini):
    from workspace.content.site import appmaker
    from workspace.scripts.index import open_database, snapshot
    with open_database(ini) as db, snapshot(db) as root:
        site = appmaker(root)
        yield site


def read_site(ini, read):
    for site in site_of(ini):
        return read(site)


def test_import_groups_then_people_reports_bad_rows_and_is_idempotent(ini, tmp_path):
    groups = write(tmp_path, "groups.csv", GROUPS)
    result = run(ini, "import-groups", groups)
    assert result.returncode == 1, result.stderr
    assert "groups: 3 created, 0 updated, 0 unchanged, 3 bad rows skipped" in result.stdout
    assert "groups.csv, line 5: id 'Bad Id' is not an id" in result.stderr
    assert "line 6: title is empty; skipped" in result.stderr
    assert "line 7: visibility 'secret' is not one of" in result.stderr
    assert "rows/s" in result.stdout and "groups: 100%" in result.stderr  # the progress bar

    people = write(tmp_path, "people.csv", PEOPLE)
    result = run(ini, "import-people", people)
    assert result.returncode == 1, result.stderr
    assert "people: 2 created, 0 updated, 0 unchanged, 5 bad rows skipped" in result.stdout
    for line, why in ((4, "login 'bad login' is not an id"),
                      (5, "email 'not-an-address' is not an e-mail address"),
                      (6, "there is no group 'school-99'"),
                      (7, "role 'teacher'"), (8, "login '' is not an id")):
        assert f"people.csv, line {line}: {why}" in result.stderr

    def state(site):
        mona = site["people"]["mona"]
        return ({gid: dict(g.roles) for gid, g in site["groups"].items()},
                (mona.name, mona.email, mona.country, mona.organisation, mona.password_hash),
                sorted(site["people"].keys()), len(site.audit),
                site["people"].listing(0, 10, q="hass").keys)

    first = read_site(ini, state)
    assert first[0] == {"school-1": {"mona": "member"}, "school-2": {"omar": "member"},
                        "network-7": {"mona": "observer"}}
    assert first[1] == ("Mona Hassan", "mona@example.org", "EG", "Al Nour School", None)
    assert first[2] == ["mona", "omar"] and first[4] == ["mona"]

    again = run(ini, "import-people", people)  # the same file: nothing new, nothing twice
    assert "people: 0 created, 0 updated, 2 unchanged, 5 bad rows skipped" in again.stdout
    assert run(ini, "import-groups", groups).stdout.startswith(
        "groups: 0 created, 0 updated, 3 unchanged")
    assert read_site(ini, state) == first  # not even an audit entry more


def test_a_changed_row_updates_the_person_and_grants_the_new_role(ini, tmp_path):
    run(ini, "import-groups", write(tmp_path, "groups.csv", GROUPS))
    run(ini, "import-people", write(tmp_path, "people.csv", PEOPLE))
    changed = PEOPLE.replace("Mona Hassan,mona@example.org",
                             "Mona Hassan Ali,mona@example.org").replace(
        "school-1:member;network-7:observer", "school-1:manager;network-7:observer")
    result = run(ini, "import-people", write(tmp_path, "people2.csv", changed))
    assert "people: 0 created, 1 updated, 1 unchanged" in result.stdout
    roles, name, actions = read_site(ini, lambda site: (
        dict(site["groups"]["school-1"].roles), site["people"]["mona"].name,
        [e["action"] for e in site.audit.newest(3)]))
    assert roles == {"mona": "manager"} and name == "Mona Hassan Ali"
    assert actions[:2] == ["role_changed", "profile_changed"]


def test_imported_accounts_are_audited_and_queued_for_search(ini, tmp_path):
    run(ini, "import-groups", write(tmp_path, "groups.csv", GROUPS))
    run(ini, "import-people", write(tmp_path, "people.csv", PEOPLE))

    def look(site):
        from workspace.search.queue import pending
        entries = site.audit.newest(100)
        paths = {path for _, (_, path) in pending(site._p_jar.root())}
        return ({(e["actor"], e["action"], e["object"]) for e in entries}, paths)
    entries, queued = read_site(ini, look)
    assert ("command-line", "account_created", "/people/mona") in entries
    assert ("command-line", "role_granted", "/groups/school-1/members/mona") in entries
    assert ("command-line", "group_created", "/groups/network-7") in entries
    assert {"/people/mona", "/people/omar", "/groups/school-1"} <= queued


def test_missing_columns_change_nothing(ini, tmp_path):
    wrong = write(tmp_path, "wrong.csv", "login,name\nmona,Mona\n")
    result = run(ini, "import-people", wrong)
    assert result.returncode == 1 and "missing: email, country, organisation, groups" in \
        result.stderr
    assert read_site(ini, lambda site: len(site["people"])) == 0
