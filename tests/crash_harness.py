"""Kill a real waitress server with SIGKILL in the middle of a burst of saves, restart it.

Used by tests/test_crash_burst.py (small burst) and bench/crash_burst.py (bigger, with
figures). Every save answered 201 must be in the database after the restart and, once
the indexer has caught up, in the index; `workspace check` must then pass.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BIN = os.path.dirname(sys.executable)
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_site(folder, port):
    """A copied development.ini (asynchronous indexer) listening on `port`."""
    ini = os.path.join(folder, "development.ini")
    with open(os.path.join(HERE, "development.ini"), encoding="utf-8") as f:
        text = f.read().replace("listen = 127.0.0.1:6543", f"listen = 127.0.0.1:{port}")
    text = text.replace("[app:main]\n", "[app:main]\nworkspace.password_hasher = cheapest\n", 1)
    with open(ini, "w", encoding="utf-8") as f:
        f.write(text)
    return ini


def cli(ini, *args, stdin=""):
    result = subprocess.run([os.path.join(BIN, "workspace"), "-c", ini, *args], input=stdin,
                            capture_output=True, text=True, timeout=600)
    return result


def call(base, token, method, path, body=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, None


class Server:
    def __init__(self, ini, port):
        self.ini, self.base = ini, f"http://127.0.0.1:{port}"
        self.process = None

    def start(self, token, timeout=120):
        log = open(os.path.join(os.path.dirname(self.ini), "server.log"), "a")
        self.process = subprocess.Popen([os.path.join(BIN, "pserve"), self.ini],
                                        stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if call(self.base, token, "GET", "/api/me", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("the server exited; see server.log")
            time.sleep(0.2)
        raise RuntimeError("the server did not answer in time")

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def prepare(folder):
    """A stopped site with an admin, the group `burst` and the admin's token."""
    port = free_port()
    ini = make_site(folder, port)
    result = cli(ini, "add-user", "admin", "--name", "Admin", "--email", "a@example.org",
                 "--admin", stdin="correct horse battery\n")
    assert result.returncode == 0, result.stderr
    token = cli(ini, "token", "admin").stdout.strip()
    return ini, port, token


def burst(server, token, clients, seconds_before_kill):
    """Several clients save documents until the server is killed mid-burst.

    Returns (answered ids, count of attempts that got no answer)."""
    answered, lost = [], [0]
    lock = threading.Lock()
    stop = threading.Event()

    def client(n):
        i = 0
        while not stop.is_set():
            i += 1
            doc_id = f"c{n}-{i}"
            try:
                status, body = call(server.base, token, "POST", "/api/groups/burst/documents",
                                    {"id": doc_id, "title": f"Burst {doc_id}",
                                     "body": f"burstmarker {doc_id.replace('-', 'x')} "
                                             "induction pathways " * 5})
            except (OSError, http.client.HTTPException):  # refused, reset, or cut short
                with lock:
                    lost[0] += 1
                time.sleep(0.05)
                continue
            if status == 201:
                with lock:
                    answered.append(doc_id)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    time.sleep(seconds_before_kill)
    server.kill()
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join()
    return answered, lost[0]


def indexed_documents(server, token):
    """Paths of every document of group `burst` the index knows."""
    paths, page = set(), 1
    while True:
        status, body = call(server.base, token, "GET",
                            f"/api/search?group=burst&type=document&limit=100&page={page}")
        assert status == 200, status
        paths.update(hit["path"] for hit in body["results"])
        if page >= body["pages"]:
            return paths, body["total"]
        page += 1


def run_crash(folder, clients=4, seconds_before_kill=2.0, catch_up_timeout=60):
    """The whole scenario; returns a dict of what was seen (asserting as it goes)."""
    ini, port, token = prepare(folder)
    server = Server(ini, port)
    server.start(token)
    try:
        assert call(server.base, token, "POST", "/api/groups", {
            "id": "burst", "title": "Burst", "description": "", "visibility": "private"})[0] == 201
        assert call(server.base, token, "PUT", "/api/groups/burst/members/admin",
                    {"role": "member"})[0] == 200
        started = time.monotonic()
        answered, lost = burst(server, token, clients, seconds_before_kill)
        burst_seconds = time.monotonic() - started
        restart = time.monotonic()
        server.start(token)
        restart_seconds = time.monotonic() - restart
        missing_in_db = [d for d in answered if call(
            server.base, token, "GET", f"/api/groups/burst/documents/{d}")[0] != 200]
        assert not missing_in_db, missing_in_db
        wanted = {f"/groups/burst/documents/{d}" for d in answered}
        deadline = time.monotonic() + catch_up_timeout
        while True:
            paths, total = indexed_documents(server, token)
            if wanted <= paths or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        catch_up_seconds = time.monotonic() - restart
        assert wanted <= paths, sorted(wanted - paths)[:10]
        check = cli(ini, "check")
        assert check.returncode == 0, check.stdout + check.stderr
        return {"answered": len(answered), "unanswered_attempts": lost,
                "indexed_total": total, "burst_seconds": burst_seconds,
                "restart_seconds": restart_seconds, "catch_up_seconds": catch_up_seconds,
                "check": check.stdout.strip()}
    finally:
        server.stop()


def cleanup(folder):
    shutil.rmtree(folder, ignore_errors=True)
