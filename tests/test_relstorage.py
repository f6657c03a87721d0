"""Several machines on RelStorage over a real PostgreSQL (DESIGN.md, Scale): two app
processes, each with its own search index and blob cache, share one database: accounts
made on one log in on the other, documents and their three-way merges meet, each
machine's index applies the shared queue and finds what the other saved, and a backup
taken from the database restores into a new one.

PostgreSQL comes from `.ci/postgres` (Debian's, started by .ci/run, which exports
WORKSPACE_TEST_POSTGRES); each test makes a database of its own and drops it after.
"""
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from helpers import HERE, PASSWORD

BIN = os.path.dirname(sys.executable)
INI = """[app:main]
use = egg:workspace
zodbconn.uri = {uri}
retry.attempts = 6
workspace.session_secret = relstorage-test-secret-0123456789-abcdef
workspace.password_hasher = cheapest
workspace.index_dir = {folder}/index
workspace.search.machine = {machine}

[server:main]
use = egg:waitress#main
listen = 127.0.0.1:{port}
threads = 4
"""


def postgres_base():
    """The DSN of a PostgreSQL role that may create databases ("postgres://.../")."""
    base = os.environ.get("WORKSPACE_TEST_POSTGRES")
    if not base:
        base = subprocess.run(["bash", os.path.join(HERE, ".ci", "postgres")], check=True,
                              capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return base.rstrip("/") + "/"


def admin_connection(base):
    import psycopg2
    from urllib.parse import urlsplit
    parts = urlsplit(base)
    conn = psycopg2.connect(dbname="postgres", user=parts.username, password=parts.password,
                            host=parts.hostname, port=parts.port or 5432)
    conn.autocommit = True
    return conn


class Databases:
    """New, empty PostgreSQL databases (`new()` gives a name) and their zodburi URIs;
    each machine has a blob cache of its own (blobs live in the database)."""

    def __init__(self, base):
        self.base, self.made = base, []
        self.conn = admin_connection(base)

    def new(self):
        name = f"ws_test_{secrets.token_hex(4)}"
        self.conn.cursor().execute(f"CREATE DATABASE {name}")
        self.made.append(name)
        return name

    def uri(self, name, blob_cache):
        return (f"{self.base}{name}?keep_history=false&shared_blob_dir=false"
                f"&blob_dir={blob_cache}")

    def drop_all(self):
        for name in self.made:
            self.conn.cursor().execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,))
            self.conn.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
        self.conn.close()


@pytest.fixture
def databases():
    made = Databases(postgres_base())
    yield made
    made.drop_all()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Machine:
    """One app process (pserve, waitress) with its own index folder and blob cache."""

    def __init__(self, folder, name, uri_for):
        os.makedirs(folder, exist_ok=True)
        self.port, self.folder = free_port(), folder
        self.ini = os.path.join(folder, f"{name}.ini")
        with open(self.ini, "w") as f:
            f.write(INI.format(uri=uri_for(os.path.join(folder, "blobs")), folder=folder,
                               machine=name, port=self.port).replace("%", "%%"))
        self.process = None

    def command(self, *args, stdin=""):
        return subprocess.run([f"{BIN}/workspace", "-c", self.ini, *args], input=stdin,
                              capture_output=True, text=True, timeout=120)

    def start(self):
        self.log = open(os.path.join(self.folder, "pserve.log"), "w")
        self.process = subprocess.Popen([f"{BIN}/pserve", self.ini], stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login", timeout=2)
                return self
            except OSError:
                assert self.process.poll() is None, open(self.log.name).read()[-3000:]
                time.sleep(0.2)
        raise AssertionError("the app process did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.log.close()

    def call(self, method, path, body=None, token=None, expect=(200, 201, 204)):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                         method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        assert status in ((expect,) if isinstance(expect, int) else expect), (status, text)
        return json.loads(text) if text else None

    def token(self, login, password=PASSWORD):
        return self.call("POST", "/api/tokens", {"login": login, "password": password})["token"]


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.2)


def read_backup(folder, read):
    from ZODB import DB
    from ZODB.FileStorage import FileStorage
    from workspace.content.site import appmaker
    db = DB(FileStorage(os.path.join(folder, "Data.fs"), read_only=True,
                        blob_dir=os.path.join(folder, "blobs")))
    try:
        conn = db.open()
        return read(appmaker(conn.root()))
    finally:
        db.close()


def test_two_app_processes_share_one_relstorage_database(tmp_path, databases):
    name = databases.new()
    a = Machine(str(tmp_path / "a"), "machine-a", lambda cache: databases.uri(name, cache))
    b = Machine(str(tmp_path / "b"), "machine-b", lambda cache: databases.uri(name, cache))
    made = a.command("add-user", "admin", "--name", "Admin", "--email", "a@example.org",
                     "--admin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    a.start(), b.start()
    try:
        # accounts: made on one machine, used on the other
        admin_b = b.token("admin")
        a.call("POST", "/api/users", {"login": "amara", "name": "Amara", "password": PASSWORD,
                                      "email": "amara@example.org"}, token=a.token("admin"),
               expect=201)
        amara_b, amara_a = b.token("amara"), a.token("amara")
        b.call("POST", "/api/groups", {"id": "g", "title": "Pathways"}, token=admin_b,
               expect=201)
        a.call("PUT", "/api/groups/g/members/amara", {"role": "member"}, token=admin_b)

        # documents, and a three-way merge of saves made on different machines
        text = "one\ntwo\nthree\nfour\nfive\nzanzibarword\n"
        doc = a.call("POST", "/api/groups/g/documents", {"title": "Plan", "body": text},
                     token=amara_a, expect=201)
        path = f"/api/groups/g/documents/{doc['id']}"
        assert b.call("GET", path, token=amara_b)["body"] == text
        a.call("PUT", path, {"title": "Plan", "body": text.replace("one", "ONE"),
                             "base_version": 1}, token=amara_a)
        merged = b.call("PUT", path, {"title": "Plan", "body": text.replace("five", "FIVE"),
                                      "base_version": 1}, token=amara_b)
        assert merged["merged"] is True
        assert a.call("GET", path, token=amara_a)["body"] == \
            text.replace("one", "ONE").replace("five", "FIVE")
        refused = a.call("PUT", path, {"title": "Plan", "body": text.replace("one", "uno"),
                                       "base_version": 1}, token=amara_a, expect=409)
        assert refused["error"]

        # search: each machine's own index applies the shared queue
        for machine, token in ((a, amara_a), (b, amara_b)):
            wait_for(lambda: machine.call("GET", "/api/search?q=zanzibarword",
                                          token=token)["total"] == 1)
        assert os.path.exists(tmp_path / "a" / "index" / "CURRENT")
        assert os.path.exists(tmp_path / "b" / "index" / "CURRENT")

        listed = a.command("index-machines")
        assert "machine-a: settled" in listed.stdout and "machine-b: settled" in listed.stdout

        # a backup from the running site, restored into a new database
        backup = tmp_path / "backup"
        result = a.command("backup", str(backup))
        assert result.returncode == 0, result.stderr
    finally:
        a.stop(), b.stop()
    body = read_backup(str(backup), lambda site: site["groups"]["g"]["documents"][
        doc["id"]].current().body)
    assert "ONE" in body and "FIVE" in body
    restored = databases.new()
    c = Machine(str(tmp_path / "c"), "machine-c", lambda cache: databases.uri(restored, cache))
    result = c.command("restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert "into the database" in result.stdout
    again = c.command("restore", str(backup))
    assert again.returncode != 0 and "not empty" in again.stderr
    assert c.command("index-machines", "--forget", "machine-b").stdout == "Forgot machine-b.\n"
    c.start()
    try:
        token = c.token("amara")
        assert "FIVE" in c.call("GET", path, token=token)["body"]
        wait_for(lambda: c.call("GET", "/api/search?q=zanzibarword", token=token)["total"] == 1)
    finally:
        c.stop()
