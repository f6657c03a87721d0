"""The `workspace` command line on a copied ini: a fresh, separate site."""
import os
import subprocess
import sys

import pytest
from webtest import TestApp

from helpers import HERE, copy_ini
from workspace import main

WORKSPACE = os.path.join(os.path.dirname(sys.executable), "workspace")


@pytest.fixture
def ini(tmp_path):
    return copy_ini("development.ini", str(tmp_path))


def run(ini, *args, stdin=""):
    return subprocess.run([WORKSPACE, "-c", ini, *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


def app_of(ini):
    from plaster import get_settings
    return main({"__file__": ini, "here": os.path.dirname(ini)}, **get_settings(ini, "app:main"))


def test_copied_ini_starts_an_empty_separate_site(ini, tmp_path):
    assert run(ini, "has-admin").returncode == 1
    assert (tmp_path / "var" / "Data.fs").exists()
    assert not os.path.exists(os.path.join(HERE, "var", "people"))


def test_add_user_token_and_demo(ini):
    result = run(ini, "add-user", "boss", "--name", "The Boss", "--email", "b@example.org",
                 "--admin", stdin="a secret passphrase\n")
    assert result.returncode == 0, result.stderr
    assert run(ini, "add-user", "boss", "--name", "X", "--email", "x@example.org",
               stdin="a secret passphrase\n").returncode != 0
    assert run(ini, "add-user", "shorty", "--name", "X", "--email", "x@example.org",
               stdin="short\n").returncode != 0
    assert run(ini, "has-admin").returncode == 0
    token = run(ini, "token", "boss").stdout.strip()
    assert len(token) > 30
    demo = run(ini, "demo")
    assert demo.returncode == 0 and "share the password" in demo.stdout
    again = run(ini, "demo")
    assert again.returncode == 0 and "already there" in again.stdout
    app = app_of(ini)
    try:
        client = TestApp(app, extra_environ={"HTTP_AUTHORIZATION": f"Bearer {token}"})
        me = client.get("/api/me").json
        assert me["admin"] is True and me["login"] == "boss"
        ids = {g["id"] for g in client.get("/api/groups").json}
        assert {"teacher-pathways", "edtech-policy", "commons"} <= ids
        entries = client.get("/api/audit").json["entries"]
        assert any(e["action"] == "account_created" and e["object"] == "/people/boss" for e in entries)
        assert all("a secret passphrase" not in str(e) for e in entries)
    finally:
        app.registry._zodb_databases[""].close()
