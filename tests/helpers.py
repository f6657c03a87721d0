"""What the test files share besides fixtures: the people every permission matrix needs,
clients logged in through the API or the HTML form, direct access to a site's database,
the browser helpers, and `Sites`, the machinery behind the `app` fixture.

Test files import from here (`from helpers import api_client`); fixtures live in
conftest.py. Building the app (`main()`: config.scan(), view derivation, compiling every
template) is most of what a test used to spend on its set-up, and none of it depends on
the data, so each test process builds the app once and `Sites` gives every test a site of
its own under it: a real FileStorage with blobs and a Whoosh index on disk, copied from a
stopped site (an empty one, or one where the cast was added) and opened the way `main()`
opens them at start-up, with what the app keeps in memory between requests made anew.
"""
import contextlib
import functools
from importlib.metadata import entry_points
import os
import re
import shutil
import sys
from urllib.parse import urlsplit

from plaster import get_settings
from pyramid.config import Configurator
from pyramid.events import ApplicationCreated
from pyramid.settings import asbool
from pyramid.threadlocal import manager as threadlocal_manager
from pyramid_zodbconn import db_from_uri, get_uris
from webtest import TestApp
from ZODB.ActivityMonitor import ActivityMonitor

from workspace import main, prepare_database
from workspace.content.group import Group, grant_role
from workspace.content.people import add_person
from workspace.content.site import appmaker
from workspace.content.throttle import FailedLogins
from workspace.database import open_root
from workspace.search.caches import SegmentCache
from workspace.search.indexer import Indexer
from workspace.search.store import IndexStore
from workspace.views.presence import Presence

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_INI = os.path.join(HERE, "testing.ini")
PASSWORD = "correct horse battery"
ROLES_CAST = ("manager", "member", "observer")
WHOS = ("anonymous", "outsider", "observer", "member", "manager", "admin")


@functools.lru_cache(maxsize=None)
def testing_ini():
    """testing.ini's [app:main], read once (plaster's loader lookup costs ~80 ms)."""
    return tuple(get_settings(TEST_INI, "app:main").items())


def settings_for(var_dir):
    """testing.ini's settings with the database and index in `var_dir`."""
    settings = dict(testing_ini())
    settings["zodbconn.uri"] = (f"file://{var_dir}/Data.fs?blobstorage_dir={var_dir}/blobs")
    settings["workspace.index_dir"] = f"{var_dir}/index"
    return settings


def copy_ini(name, folder):
    """A copy of one of the project's ini files in `folder`: a fresh, separate site."""
    path = os.path.join(folder, name)
    shutil.copy(os.path.join(HERE, name), path)
    return path


def make_app(settings):
    """The app exactly as `pserve testing.ini` would build it, over `settings`."""
    return main({"__file__": TEST_INI, "here": HERE}, **settings)


def close_databases(app):
    for db in app.registry._zodb_databases.values():
        db.close()


class Site:
    """Direct access to the app's database, with the app's registry current so that
    content events reach their subscribers exactly as in a request."""

    def __init__(self, app):
        self.app = app

    @property
    def db(self):
        """The database the app serves now (a shared app gets a new one per test)."""
        return self.app.registry._zodb_databases[""]

    @contextlib.contextmanager
    def open(self):
        """Yield the Site inside a transaction that commits when the block ends."""
        threadlocal_manager.push({"registry": self.app.registry, "request": None})
        try:
            with open_root(self.db) as (root, tm):
                yield appmaker(root)
                tm.commit()
            self.after_commit()
        finally:
            threadlocal_manager.pop()

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


def add_cast(site):
    """Add admin, manager, member, observer, outsider and the private group `secret` (each
    role held by the person of that name); returns {login: API token}."""
    site.add_user("admin", admin=True)
    for login in ROLES_CAST + ("outsider",):
        site.add_user(login)
    site.add_group("secret", "private", {role: role for role in ROLES_CAST})
    return {who: site.token_for(who) for who in WHOS[1:]}


def cast_of(app, tokens):
    """The `cast` fixture's value: `api[who]` (Bearer clients, `anonymous` too) and
    `html(who)` (a client logged in through the form)."""

    class Cast:
        whos = WHOS
        api = {who: api_client(app, token) for who, token in tokens.items()}
        api["anonymous"] = api_client(app)

        @staticmethod
        def html(who):
            return TestApp(app) if who == "anonymous" else browser_login(app, who)

    return Cast


# One app per process, a fresh site per test ----------------------------------------------

PATH_SETTINGS = ("zodbconn.uri", "workspace.index_dir")

# What `main()` leaves on the registry that outlives a request, and what each test gets
# instead: its own presence and login failures; the same compiled layout; what start-up
# makes anew for each database (REOPENED: left as the previous test had it, so that the
# ApplicationCreated subscribers that `open_database` runs replace it, or stop it first).
# `Sites` refuses to start on an attribute missing here, so that state added to the app
# later cannot leak from one test into the next unnoticed.
ANEW = {
    Presence: lambda presence: Presence(presence.ttl),
    FailedLogins: lambda failures: FailedLogins(),
}
KEPT = {"layout", "has_listeners"}
REOPENED = {"workspace_indexer", "workspace_mail", "workspace_mail_settings",
            "workspace_mail_listener"}  # the mail worker: made anew at ApplicationCreated


class Sites:
    """One app for the whole test process and, per test, a site of its own under it.

    `open(var_dir, cast=False)` copies a stopped site's files into `var_dir` (an empty
    site, or one holding the cast), points the app's settings there, resets what the app
    keeps in memory between requests (settings a test changed, presence, login failures,
    caches made lazily on the registry, search caches per index segment) and opens the
    database and index as `main()` does at start-up. `close()` closes the database. No test
    sees another's data: each has its own files, its own index and fresh memory.
    """

    def __init__(self, folder):
        self.folder = str(folder)
        empty = os.path.join(self.folder, "empty")
        self.app = make_app(settings_for(empty))
        registry = self.app.registry
        self.settings = dict(registry.settings)
        self.registry_names = set(vars(registry))
        self.registry_state = registry_state(registry)
        close_databases(self.app)
        self.templates = {False: empty}
        self.segment_caches = segment_caches()
        self.tokens = None  # the cast's API tokens, once its site is built
        self.holds_cast = False  # whether the current test's site was copied with the cast
        self.opened_at = None  # the last transaction of that site when it was opened

    @staticmethod
    def var_dir_of(settings):
        """The folder of the site `settings` name if they are testing.ini's with only that
        folder set (the settings this app serves), else None."""
        var_dir = os.path.dirname(urlsplit(settings.get("zodbconn.uri", "")).path)
        return var_dir if settings == settings_for(var_dir) else None

    def open(self, var_dir, cast=False):
        """Give the app a new site in `var_dir` (empty, or holding the cast), as if it had
        just started on it."""
        if cast and self.tokens is None:
            self.build_cast()
        self.reset_registry()
        copy_site(self.templates[cast], str(var_dir))
        self.app.registry.settings.update(
            {k: v for k, v in settings_for(var_dir).items() if k in PATH_SETTINGS})
        open_database(self.app)
        self.holds_cast, self.opened_at = cast, self.last_transaction()

    def close(self):
        close_databases(self.app)
        self.app.registry._zodb_databases = {}
        self.holds_cast = False

    def build_cast(self):
        """The site every test with `cast` starts from: an empty one where `add_cast`
        added the people and the group, stopped."""
        folder = os.path.join(self.folder, "cast")
        self.open(folder)
        self.tokens = add_cast(Site(self.app))
        self.close()
        self.templates[True] = folder

    def last_transaction(self):
        return self.app.registry._zodb_databases[""].lastTransaction()

    def untouched(self):
        """Whether nothing was committed to the current site since `open()`."""
        return self.last_transaction() == self.opened_at

    def reset_registry(self):
        """Put back what `main()` left on the registry: its settings, its own attributes
        (those of ANEW made anew), and none of those added since (lazily made caches).
        Empty the search caches kept per segment: every test's index is a copy of the same
        stopped site's, so its segments have the ids another test's had."""
        registry = self.app.registry
        registry.settings.clear()
        registry.settings.update(self.settings)
        for cache in self.segment_caches:
            cache.clear()
        for name in set(vars(registry)) - self.registry_names:
            delattr(registry, name)
        for name, value in self.registry_state.items():
            if name not in REOPENED:  # the previous test's, for start-up to replace (or stop)
                setattr(registry, name,
                        ANEW[type(value)](value) if type(value) in ANEW else value)


def registry_state(registry):
    """{name: value} of what `main()` put on the registry itself (pyramid's own aside)."""
    bare = set(vars(Configurator(settings={}).registry))
    ours = {name: value for name, value in vars(registry).items()
            if name not in bare and not name.startswith("_")}
    unknown = sorted(name for name, value in ours.items()
                     if name not in KEPT | REOPENED and type(value) not in ANEW)
    if unknown:
        raise RuntimeError(f"main() leaves {', '.join(unknown)} on the registry: say in "
                           "tests/helpers.py (ANEW, KEPT) what each test gets instead")
    return ours


def copy_site(template, var_dir):
    """A stopped site's database, blobs and search index copied to `var_dir`."""
    os.makedirs(var_dir)
    for name in ("Data.fs", "Data.fs.index"):
        shutil.copy(os.path.join(template, name), var_dir)
    for name in ("blobs", "index"):
        shutil.copytree(os.path.join(template, name), os.path.join(var_dir, name))


def segment_caches():
    """Every SegmentCache of the search package: what it derived from an index segment,
    by segment id, for as long as the process runs."""
    return [value for name, module in sorted(sys.modules.items())
            if name.startswith("workspace.search") for value in vars(module).values()
            if isinstance(value, SegmentCache)]


@functools.lru_cache(maxsize=None)
def zodburi_resolver(scheme):
    """zodburi's resolver of `scheme`, found once (finding one reads the entry points of
    every installed package: ~5 ms a test)."""
    (entry_point,) = entry_points(group="zodburi.resolvers", name=scheme)
    return entry_point.load()


def resolve_uri(uri):
    """`zodburi.resolve_uri` for the URIs of testing.ini (no database options in them)."""
    factory, options = zodburi_resolver(uri.split(":", 1)[0])(uri)
    assert not options, f"database options in {uri}: use zodburi.resolve_uri"
    return factory, {}


def open_database(app):
    """Open the database and search index that the app's settings name, as `main()` does
    at start-up: pyramid_zodbconn's databases, search's indexer, the site brought up to
    date, then the ApplicationCreated subscribers (the index opened and reconciled, or
    built)."""
    registry = app.registry
    settings = registry.settings
    databases = registry._zodb_databases = {}
    for name, uri in get_uris(settings):
        db_from_uri(uri, name, databases, resolve_uri).setActivityMonitor(ActivityMonitor())
    registry.workspace_indexer = Indexer(
        databases[""], IndexStore(settings["workspace.index_dir"]),
        synchronous=asbool(settings.get("workspace.search.synchronous", False)))
    prepare_database(Configurator(registry=registry))
    registry.notify(ApplicationCreated(app))


# Browser tests: a real waitress server in a thread and Debian's Chromium via Playwright.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-quic", "--no-first-run", "--disable-component-update",
                 "--disable-sync"]


def stop_server(server, thread, timeout=5):
    """Stop a waitress server running in `thread` for good: its own thread closes the
    listening socket and every connection still open (browsers keep them alive), which ends
    its loop; then the requests in flight are waited for."""
    def close_everything():
        for channel in list(server._map.values()):
            channel.handle_close()

    try:
        server.trigger.pull_trigger(close_everything)
    except OSError:  # its wake-up pipe was closed under it (seen once in CI): close from here
        close_everything()
    thread.join(timeout)
    server.task_dispatcher.shutdown(timeout=timeout)
    assert not thread.is_alive(), "the test server did not stop"


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
