"""`workspace import-people --invite`: each person the run creates gets one invitation
mail (queued with the account, sent by the site after commit, through a real SMTP
server on loopback) whose link sets their password; running the file again mails
nobody twice."""
import pytest
from webtest import TestApp

from helpers import close_databases, copy_ini, make_app, settings_for
from test_imports import GROUPS, PEOPLE, run, write
from test_mail_accounts import link_in
from test_mail_flow import Sink, free_port  # noqa: F401 (the sink fixture's parts)
from test_mail_flow import sink  # noqa: F401

PASSWORD = "a long enough password here"


@pytest.fixture
def imported(tmp_path):
    """A stopped site where import-people --invite ran twice on the same file."""
    ini = copy_ini("development.ini", str(tmp_path))
    assert run(ini, "import-groups", write(tmp_path, "g.csv", GROUPS)).returncode == 1
    people = write(tmp_path, "p.csv", PEOPLE)
    first = run(ini, "import-people", "--invite", "--quiet", people)
    assert "2 created" in first.stdout, first.stderr
    again = run(ini, "import-people", "--invite", "--quiet", people)
    assert "0 created" in again.stdout and "2 unchanged" in again.stdout, again.stderr
    return tmp_path / "var"


@pytest.fixture
def serving(imported, sink):  # noqa: F811
    """The imported site served, sending its mail to `sink`."""
    settings = settings_for(imported)
    settings.update({"mail.host": "127.0.0.1", "mail.port": str(sink.port)})
    app = make_app(settings)
    yield app
    app.registry.workspace_mail.stop()
    close_databases(app)


def test_imported_people_get_one_invitation_whose_link_sets_their_password(serving,
                                                                           sink):  # noqa: F811
    (message,) = sink.wait_for("mona@example.org")
    assert "Al Nour School" in message["Subject"]
    (other,) = sink.wait_for("omar@example.org")
    assert "Cairo Lighthouse School" in other["Subject"]
    client = TestApp(serving)
    client.post_json("/api/tokens", {"login": "mona", "password": PASSWORD}, status=401)
    path = link_in(message, "password-reset")
    assert client.post_json("/api" + path, {"password": PASSWORD}).json == {"login": "mona"}
    client.post_json("/api/tokens", {"login": "mona", "password": PASSWORD}, status=201)
    serving.registry.workspace_mail.settle()
    assert len(sink.to("mona@example.org")) == 1 and len(sink.to("omar@example.org")) == 1
    assert len(sink.messages) == 2  # nobody else: the bad rows made nobody
