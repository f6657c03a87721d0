"""Faults heal by themselves: a database server that goes away answers 503 at once, and
the site serves again as soon as it is back, without a restart."""
import socket
import subprocess
import sys
import time

import pytest
from workspace import main

from helpers import HERE, TEST_INI, Site, api_client, settings_for

RUNZEO = str(__import__("pathlib").Path(sys.executable).with_name("runzeo"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ZEOServer:
    """A real ZEO server on a loopback port, started and stopped by the test."""

    def __init__(self, folder):
        self.port = free_port()
        self.config = folder / "zeo.conf"
        self.config.write_text(f"<zeo>\n  address 127.0.0.1:{self.port}\n</zeo>\n"
                               f"<filestorage>\n  path {folder}/Data.fs\n"
                               f"  blob-dir {folder}/blobs\n</filestorage>\n")
        self.process = None

    def start(self):
        self.process = subprocess.Popen([RUNZEO, "-C", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("runzeo did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture
def zeo(tmp_path):
    server = ZEOServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_a_database_server_that_goes_away_answers_503_and_heals(zeo, tmp_path):
    settings = settings_for(tmp_path / "app")
    settings["zodbconn.uri"] = (f"zeo://127.0.0.1:{zeo.port}?blob_dir={tmp_path}/blobs"
                                "&shared_blob_dir=true&wait_timeout=2")
    app = main({"__file__": TEST_INI, "here": HERE}, **settings)
    site = Site(app)
    site.add_user("admin", admin=True)
    client = api_client(app, site.token_for("admin"))
    client.post_json("/api/groups", {"id": "before", "title": "Before"}, status=201)
    zeo.stop()
    down = client.post_json("/api/groups", {"id": "during", "title": "During"},
                            status=503)
    assert down.json["error"] == "unavailable" and down.headers["Retry-After"] == "5"
    zeo.start()
    deadline = time.monotonic() + 30
    while client.post_json("/api/groups", {"id": "after", "title": "After"},
                           expect_errors=True).status_int != 201:
        assert time.monotonic() < deadline, "the site did not come back"
        time.sleep(0.5)
    ids = [g["id"] for g in client.get("/api/groups").json]
    assert "before" in ids and "after" in ids and "during" not in ids
    for db in app.registry._zodb_databases.values():
        db.close()
