"""Fixtures: a real app over a fresh FileStorage (with blobs) and index per test, and the
people every permission matrix needs."""
import contextlib
import os
import re
import shutil

from plaster import get_settings
from pyramid.threadlocal import manager as threadlocal_manager
import pytest
import transaction
from webtest import TestApp

from workspace import main
from workspace.content.group import Group, grant_role
from workspace.content.people import add_person
from workspace.content.site import appmaker

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_INI = os.path.join(HERE, "testing.ini")
PASSWORD = "correct horse battery"
ROLES_CAST = ("manager", "member", "observer")


def settings_for(var_dir):
    settings = dict(get_settings(TEST_INI, "app:main"))
    settings["zodbconn.uri"] = (f"file://{var_dir}/Data.fs?blobstorage_dir={var_dir}/blobs")
    settings["workspace.index_dir"] = f"{var_dir}/index"
    return settings


def copy_ini(name, folder):
    """A copy of one of the project's ini files in `folder`: a fresh, separate site."""
    path = os.path.join(folder, name)
    shutil.copy(os.path.join(HERE, name), path)
    return path


@pytest.fixture
def settings(tmp_path):
    return settings_for(tmp_path / "var")


@pytest.fixture
def app(settings):
    wsgi_app = main({"__file__": TEST_INI, "here": HERE}, **settings)
    yield wsgi_app
    for db in wsgi_app.registry._zodb_databases.values():
        db.close()


@pytest.fixture
def testapp(app):
    return TestApp(app)


class Site:
    """Direct access to the app's database, with the app's registry current so that
    content events reach their subscribers exactly as in a request."""

    def __init__(self, app):
        self.app = app
        self.db = app.registry._zodb_databases[""]

    @contextlib.contextmanager
    def open(self):
        """Yield the Site inside a transaction that commits when the block ends."""
        tm = transaction.TransactionManager(explicit=True)
        conn = self.db.open(transaction_manager=tm)
        threadlocal_manager.push({"registry": self.app.registry, "request": None})
        try:
            with tm:
                yield appmaker(conn.root())
            self.after_commit()
        finally:
            threadlocal_manager.pop()
            conn.close()

    def after_commit(self):
        """Hook for work that follows a commit in the app (search indexing)."""

    def add_user(self, login, admin=False, name=None, password=PASSWORD):
        with self.open() as site:
            add_person(site["people"], login, name or login.title(), f"{login}@example.org",
                       password, admin=admin)

    def add_group(self, gid, visibility="private", roles=None, title=None):
        with self.open() as site:
            group = site["groups"].add(gid, Group(title or gid.title(), f"About {gid}",
                                                  visibility))
            for login, role in (roles or {}).items():
                grant_role(group, site["people"][login], role)

    def token_for(self, login):
        with self.open() as site:
            return site["people"][login].new_token(site["people"])[1]


@pytest.fixture
def site(app):
    return Site(app)


def csrf_of(response):
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    return match.group(1) if match else None


def browser_login(app, login, password=PASSWORD):
    """A TestApp with its own cookie jar, logged in through the HTML form."""
    browser = TestApp(app)
    form = browser.get("/login").forms["form"]
    form["login"], form["password"] = login, password
    response = form.submit("submit")
    assert response.status_int == 302, response.text[:500]
    browser.csrf = csrf_of(browser.get("/"))
    return browser


def api_client(app, token=None):
    """A TestApp that sends `Authorization: Bearer <token>` (or nothing, anonymously)."""
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return TestApp(app, extra_environ=extra)


@pytest.fixture
def cast(site, app):
    """admin, manager, member, observer, outsider and a private group `secret` with roles;
    `cast.api[who]` and `cast.html(who)` give logged-in clients; `anonymous` is there too."""
    site.add_user("admin", admin=True)
    for login in ROLES_CAST + ("outsider",):
        site.add_user(login)
    site.add_group("secret", "private", {role: role for role in ROLES_CAST})

    class Cast:
        whos = ("anonymous", "outsider", "observer", "member", "manager", "admin")
        api = {who: api_client(app, site.token_for(who)) for who in whos[1:]}
        api["anonymous"] = api_client(app)

        @staticmethod
        def html(who):
            return TestApp(app) if who == "anonymous" else browser_login(app, who)

    return Cast


# Browser tests: a real waitress server in a thread and Debian's Chromium via Playwright.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-quic", "--no-first-run", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The app served by waitress on a free loopback port; yields its base URL."""
    import threading
    from waitress.server import create_server
    server = create_server(app, host="127.0.0.1", port=0, threads=6)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


def page_login(page, base_url, login, password=PASSWORD):
    """Log in through the real form in the browser."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def serious_accessibility_violations(page):
    """axe-core's serious and critical violations on the current page (ids and targets)."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")]
