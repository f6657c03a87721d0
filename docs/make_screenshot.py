"""Makes docs/group-page.png for the README: a demo site served by waitress, shot in Chromium.

    .venv/bin/python docs/make_screenshot.py
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from playwright.sync_api import sync_playwright

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
PORT = 6582


def main():
    folder = tempfile.mkdtemp(prefix="ws-shot-")
    ini = os.path.join(folder, "shot.ini")
    text = open(os.path.join(HERE, "development.ini")).read()
    open(ini, "w").write(text.replace("127.0.0.1:6543", f"127.0.0.1:{PORT}"))
    run = lambda *a, stdin=None: subprocess.run(a, input=stdin, text=True, check=True,  # noqa
                                                 capture_output=True)
    run(f"{BIN}/workspace", "-c", ini, "add-user", "admin", "--name", "Admin", "--email",
        "a@example.org", "--admin", stdin="screenshot pass\n")
    password = run(f"{BIN}/workspace", "-c", ini, "demo").stdout.split(": ")[-1].strip()
    server = subprocess.Popen([f"{BIN}/pserve", ini], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/login")
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.goto(f"http://127.0.0.1:{PORT}/login")
            page.get_by_label("Login").fill("rohan")
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Log in").click()
            page.goto(f"http://127.0.0.1:{PORT}/groups/teacher-pathways/")
            page.screenshot(path=os.path.join(HERE, "docs", "group-page.png"))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
