"""Page views per second under waitress, the way a member browses.

Builds a throwaway site (copied development.ini in a temp folder, demo data), serves it
with `pserve` (waitress), logs in, and measures with `wrk` (Debian package) when present,
else with a small threaded Python client (which itself eats CPU, so it under-reports).

    .venv/bin/python bench/bench_pages.py [--seconds 10] [--connections 8]
"""
import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
PORT = 6581


def sh(*args, stdin=None):
    return subprocess.run(args, input=stdin, capture_output=True, text=True, check=True)


def make_site(folder):
    ini = os.path.join(folder, "bench.ini")
    text = open(os.path.join(HERE, "development.ini")).read()
    text = text.replace("listen = 127.0.0.1:6543", f"listen = 127.0.0.1:{PORT}")
    text = text.replace("pyramid.reload_templates = true", "pyramid.reload_templates = false")
    text = text.replace("level = INFO", "level = WARN").replace("level = DEBUG", "level = WARN")
    open(ini, "w").write(text)
    sh(f"{BIN}/workspace", "-c", ini, "add-user", "admin", "--name", "Admin", "--email",
       "a@example.org", "--admin", stdin="bench password\n")
    sh(f"{BIN}/workspace", "-c", ini, "demo")
    return ini


def login_cookie():
    conn = http.client.HTTPConnection("127.0.0.1", PORT)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"__formid__": "form", "login": "admin",
                                   "password": "bench password", "came_from": "/",
                                   "csrf_token": token, "submit": "submit"})
    conn.request("POST", "/login", body, {"Cookie": cookie,
                                          "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    return response.getheader("Set-Cookie").split(";")[0]


def python_load(path, cookie, seconds, connections):
    counts = [0] * connections
    stop = time.time() + seconds

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", PORT)
        while time.time() < stop:
            conn.request("GET", path, headers={"Cookie": cookie})
            conn.getresponse().read()
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def wrk_load(path, cookie, seconds, connections):
    out = sh("wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"Cookie: {cookie}",
             f"http://127.0.0.1:{PORT}{path}").stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="ws-bench-")
    server = None
    try:
        ini = make_site(folder)
        server = subprocess.Popen([f"{BIN}/pserve", ini], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT).request("GET", "/login")
                break
            except OSError:
                time.sleep(0.1)
        cookie = login_cookie()
        for path in ("/groups/commons/", "/groups/", "/people/claire/"):
            if shutil.which("wrk"):
                rate, _ = wrk_load(path, cookie, args.seconds, args.connections)
                tool = "wrk"
            else:
                rate = python_load(path, cookie, args.seconds, args.connections)
                tool = "python client"
            print(f"GET {path:24s} {rate:8.0f} requests/s ({tool}, {args.connections} "
                  f"connections, {args.seconds}s)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
