"""The pages and API calls of a teacher, a facilitator and a supervisor on an Egypt-shaped
site (DESIGN.md, Scale: under 100 ms median and 300 ms p99 each, one process under 2 GB,
serving within 10 s of starting).

    .venv/bin/python bench/egypt.py /tmp/egypt-10k --people 10000
    .venv/bin/python bench/bench_egypt.py /tmp/egypt-10k/development.ini [--requests 30]

Serves the site with `pserve` (waitress, one process) on 127.0.0.1 only and prints a
Markdown table: for every page and call, the median and p99 of `--requests` sequential
requests after two warm-up ones (and the size of the answer), then the time from start
to the first page served, and the process's resident memory after the run. Every request
goes to 127.0.0.1; each page stops after `--seconds` seconds however many were made.
"""
import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse

BIN = os.path.dirname(sys.executable)
PORT = 6587
PASSWORD = "bench password egypt"
PEOPLE = ("teacher", "facilitator", "supervisor")


def pages_of(login):
    """(label, method, path, body) of what `login` opens, pages and API."""
    school = "school-0"
    return [
        ("home", "GET", "/", None),
        ("GET /api/me", "GET", "/api/me", None),
        ("/groups/", "GET", "/groups/", None),
        ("GET /api/groups", "GET", "/api/groups", None),
        ("/groups/?mine=true", "GET", "/groups/?mine=true", None),
        ("the people directory", "GET", "/people/", None),
        ("GET /api/people", "GET", "/api/people", None),
        ("a first-name search (page)", "GET", "/people/?q=mona", None),
        ("a first-name search (API, as typed)", "GET", "/api/people?q=mon&limit=10", None),
        ("a group search (API)", "GET", "/api/groups?q=school&limit=10", None),
        ("a profile", "GET", "/people/t1/", None),
        ("own profile", "GET", f"/people/{login}/", None),
        ("a group's page", "GET", f"/groups/{school}/", None),
        ("GET /api/groups/g", "GET", f"/api/groups/{school}", None),
        ("GET /api/groups/g/members", "GET", f"/api/groups/{school}/members", None),
        ("a document", "GET", f"/groups/{school}/documents/plan/", None),
        ("GET a document (API)", "GET", f"/api/groups/{school}/documents/plan", None),
        ("search: a word", "GET", "/api/search?q=literacy", None),
        ("search page", "GET", "/search?q=numeracy", None),
        ("notifications", "GET", "/notifications/", None),
    ] + ([("members page (manager)", "GET", f"/groups/{school}/@@members", None),
          ("grant a role (API)", "PUT", f"/api/groups/{school}/members/t1",
           {"role": "member"})] if login == "facilitator" else [])


class Client:
    """One keep-alive connection to 127.0.0.1, logged in (cookie and Bearer token)."""

    def __init__(self, login, token):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        self.cookie, self.token = self.login(login), token

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, data, headers)
        response = self.conn.getresponse()
        return response, response.read()

    def login(self, login):
        response, page = self.request("GET", "/login")
        cookie = response.getheader("Set-Cookie").split(";")[0]
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"__formid__": "form", "login": login,
                                       "password": PASSWORD, "came_from": "/",
                                       "csrf_token": token, "submit": "submit"})
        self.conn.request("POST", "/login", form, {
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = self.conn.getresponse()
        response.read()
        assert response.status == 302, response.status
        return response.getheader("Set-Cookie").split(";")[0]

    def timed(self, method, path, body):
        headers = ({"Authorization": f"Bearer {self.token}"} if path.startswith("/api/")
                   else {"Cookie": self.cookie})
        started = time.perf_counter()
        response, data = self.request(method, path, body, headers)
        elapsed = (time.perf_counter() - started) * 1000
        return elapsed, response.status, len(data)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start(ini):
    """(pserve process, seconds until it served its login page)."""
    started = time.monotonic()
    server = subprocess.Popen([f"{BIN}/pserve", ini, f"http_port={PORT}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.monotonic() - started < 300:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                return server, time.monotonic() - started
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the site did not start within 300 s")


def serving_ini(ini):
    """A copy of `ini` listening on PORT with quiet logs."""
    text = open(ini).read()
    text = re.sub(r"listen = .*", "listen = 127.0.0.1:%(http_port)s", text)
    text = text.replace("pyramid.reload_templates = true", "pyramid.reload_templates = false")
    text = text.replace("level = INFO", "level = WARN").replace("level = DEBUG", "level = WARN")
    path = os.path.join(os.path.dirname(ini), "bench-serve.ini")
    with open(path, "w") as f:
        f.write(text)
    return path


def tokens(ini):
    found = {}
    for login in PEOPLE:
        result = subprocess.run([f"{BIN}/workspace", "-c", ini, "token", login],
                                capture_output=True, text=True, check=True)
        found[login] = result.stdout.strip()
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ini")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    ini = os.path.abspath(args.ini)
    secrets = tokens(ini)
    server, startup = start(serving_ini(ini))
    rows = {}
    try:
        for login in PEOPLE:
            client = Client(login, secrets[login])
            for label, method, path, body in pages_of(login):
                timings, status, size = [], None, 0
                deadline = time.monotonic() + args.seconds
                for n in range(args.requests + 2):
                    elapsed, status, size = client.timed(method, path, body)
                    if n >= 2:
                        timings.append(elapsed)
                    if time.monotonic() > deadline and timings:
                        break
                rows.setdefault(label, {})[login] = (
                    statistics.median(timings), percentile(timings, 99), size, status,
                    len(timings))
        memory = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"| page (median / p99 ms, size) | {' | '.join(PEOPLE)} |")
    print(f"| --- | {' | '.join('---' for _ in PEOPLE)} |")
    for label, by_login in rows.items():
        cells = []
        for login in PEOPLE:
            if login not in by_login:
                cells.append("")
                continue
            median, p99, size, status, count = by_login[login]
            note = "" if status < 400 else f" ({status})"
            cells.append(f"{median:.1f} / {p99:.1f} ({size / 1024:.0f} KB){note}")
        print(f"| {label} | {' | '.join(cells)} |")
    print(f"\nstart-up to first page served: {startup:.1f} s; resident memory after the "
          f"run: {memory:.0f} MB; {args.requests} requests per page and person")


if __name__ == "__main__":
    main()
