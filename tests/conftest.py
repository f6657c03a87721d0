"""Fixtures: the app with a fresh site per test (a real FileStorage with blobs and a Whoosh
index on disk), the people every permission matrix needs, and the browser.

The app itself is built once per test process (`helpers.Sites`); each test gets its own
database and index under it. Helpers that are not fixtures live in helpers.py.
"""
import gc
import tempfile
import threading

import pytest
from waitress.server import create_server
from webtest import TestApp

from helpers import (CHROMIUM, CHROMIUM_ARGS, Site, Sites, add_cast, cast_of, close_databases,
                     make_app, settings_for, stop_server)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Write the report of a failure with the garbage collector off. pytest reads the
    failing source with `ast.parse`; a collection in the middle of it can run finalizers
    that let another thread compile (a server thread importing a module), and CPython 3.11
    then fails with "SystemError: AST constructor recursion depth mismatch" (gh-106905),
    which stops the whole test process and loses the results of the tests after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return (yield)
    finally:
        if enabled:
            gc.enable()


@pytest.fixture(scope="session", autouse=True)
def private_temp_dir(tmp_path_factory):
    """`tempfile`'s folder, for this test process alone (under pytest's own temp folder).
    Whoosh's RamStorage writes through `<tempdir>/MAIN.tmp`, one folder for every process,
    so two processes writing in-memory indexes at once deleted each other's files."""
    tmp_path_factory.getbasetemp()  # pytest's folder stays where it is
    before, tempfile.tempdir = tempfile.tempdir, str(tmp_path_factory.mktemp("tempfile"))
    yield
    tempfile.tempdir = before


@pytest.fixture(scope="session")
def sites(tmp_path_factory):
    """The process's one app and the stopped sites each test's site is copied from."""
    return Sites(tmp_path_factory.mktemp("sites"))


@pytest.fixture
def settings(tmp_path):
    """The app's settings for this test: testing.ini with the site in tmp_path/var. A test
    (or fixture) that changes anything but the paths gets an app built for it alone."""
    return settings_for(tmp_path / "var")


@pytest.fixture
def app(request, settings, sites):
    """The WSGI app, serving a new site of this test's own in tmp_path/var (holding the
    cast already when the test uses `cast`)."""
    var_dir = sites.var_dir_of(settings)
    if var_dir is None:
        wsgi_app = make_app(settings)
        yield wsgi_app
        close_databases(wsgi_app)
        return
    sites.open(var_dir, cast="cast" in request.fixturenames)
    try:
        yield sites.app
    finally:
        sites.close()


@pytest.fixture
def testapp(app):
    return TestApp(app)


@pytest.fixture
def site(app):
    return Site(app)


@pytest.fixture
def cast(site, app, sites):
    """admin, manager, member, observer, outsider and a private group `secret` with roles;
    `cast.api[who]` and `cast.html(who)` give logged-in clients; `anonymous` is there too.

    On the shared app they are there already: `app` copied the test's site from one where
    `add_cast` added them once per process. Anywhere else (an app built for one test, or
    `cast` asked for after `app` was set up) they are added now."""
    if app is not sites.app or not sites.holds_cast:
        return cast_of(app, add_cast(site))
    if not sites.untouched():
        pytest.fail("something was saved to the site before the `cast` fixture was set up, "
                    "on top of the cast's copied site: make that fixture depend on `cast`")
    return cast_of(app, sites.tokens)


# Browser tests: a real waitress server in a thread and Debian's Chromium via Playwright.

@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(request, app):
    """The app served by waitress on a free loopback port; yields its base URL. Afterwards
    the test's browser contexts are closed and the server is stopped for good, so that no
    page left open can reach the app once the next test's site is in it."""
    server = create_server(app, host="127.0.0.1", port=0, threads=6)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
        if "chromium" in request.fixturenames:
            for context in request.getfixturevalue("chromium").contexts:
                context.close()
    finally:
        stop_server(server, thread)
