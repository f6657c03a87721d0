"""`workspace import-people --invite` run again over people an earlier run imported
without it: each of them who has no password and was not invited gets one invitation
(queued in the mail outbox with the row, delivered by the site to a real SMTP server on
loopback), and no later run mails anyone again."""
from collections import Counter

import pytest

from helpers import close_databases, copy_ini, make_app, settings_for
from mail_helpers import sink  # noqa: F401 (the fixture: a real SMTP server)
from test_imports import GROUPS, read_site, run, write

PEOPLE = """login,name,email,country,organisation,groups
mona,Mona Hassan,mona@example.org,EG,Al Nour School,school-1:member;network-7:observer
omar,Omar Samir,omar@example.org,EG,,school-2
hoda,Hoda Ali,hoda@example.org,EG,,school-1
rania,Rania Said,rania@example.org,EG,,school-2
sami,Sami Nabil,sami@example.org,EG,,school-2
adel,Adel Fouad,adel@example.org,EG,,school-1
"""
UNINVITED = ("mona@example.org", "omar@example.org", "sami@example.org")


def change_site(ini, work):
    """Run `work(site)` in one committed transaction of the stopped site's database."""
    from workspace.content.site import appmaker
    from workspace.database import run_in_transaction
    from workspace.scripts.index import open_database
    with open_database(ini, read_only=False) as db:
        run_in_transaction(db, lambda root: work(appmaker(root)))


def before_the_mark(site):
    """hoda chose a password; rania holds a live link of an invitation made before
    `invited_at` existed, sami an expired one; adel's account was deactivated."""
    from workspace.mail.invitations import INVITATION_SECONDS
    from workspace.mail.state import digest, state_near
    people, state = site["people"], state_near(site)
    people["hoda"].set_password("a long enough password here")
    state.new_secret(state.resets, INVITATION_SECONDS, login="rania")
    expired = state.new_secret(state.resets, INVITATION_SECONDS, login="sami")
    state.resets[digest(expired)]["expires"] = "2000-01-01T00:00:00+00:00"
    people["adel"].deactivate(people)


def queued_mail(site):
    """How many notices the outbox holds for each address."""
    from workspace.mail.state import state_near
    return Counter(job[1]["to"] for job in state_near(site).jobs.values()
                   if job[0] == "notice")


def marks(site):
    return {login: p.invited_at is not None for login, p in site["people"].items()
            if login in ("mona", "omar", "hoda", "rania", "sami", "adel")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A stopped site: the file imported without --invite, then twice with it; the
    summaries and the outbox after each run."""
    tmp_path = tmp_path_factory.mktemp("reinvite")
    ini = copy_ini("development.ini", str(tmp_path))
    assert run(ini, "import-groups", write(tmp_path, "g.csv", GROUPS)).returncode == 1
    people = write(tmp_path, "p.csv", PEOPLE)
    found = {"var": tmp_path / "var"}
    first = run(ini, "import-people", "--quiet", people)
    assert "6 created" in first.stdout, first.stderr
    found["plain"] = read_site(ini, queued_mail)
    change_site(ini, before_the_mark)
    for name in ("second", "third"):
        done = run(ini, "import-people", "--invite", "--quiet", people)
        assert done.returncode == 0 and "6 unchanged" in done.stdout, done.stderr
        found[name] = done.stdout, read_site(ini, queued_mail), read_site(ini, marks)
    return found


def test_a_rerun_with_invite_mails_each_person_imported_without_it_once(runs):
    assert runs["plain"] == Counter()
    summary, queued, marked = runs["second"]
    assert "3 invitations sent" in summary
    assert queued == Counter(UNINVITED)
    assert marked == {"mona": True, "omar": True, "sami": True, "rania": True,
                      "hoda": False, "adel": False}


def test_a_third_run_mails_nobody(runs):
    summary, queued, marked = runs["third"]
    assert "0 invitations sent" in summary
    assert queued == runs["second"][1] and marked == runs["second"][2]


def test_the_site_sends_those_and_nothing_to_a_person_with_a_password(runs, sink):  # noqa: F811
    settings = settings_for(runs["var"])
    settings.update({"mail.host": "127.0.0.1", "mail.port": str(sink.port)})
    app = make_app(settings)
    try:
        for address in UNINVITED:
            (message,) = sink.wait_for(address)
            assert "invites you" in message["Subject"]
        assert app.registry.workspace_mail.settle(20)
    finally:
        app.registry.workspace_mail.stop()
        close_databases(app)
    assert sorted(a for _, to, _ in sink.messages for a in to) == sorted(UNINVITED)
