"""Workspace: a secure collaboration space for communities of practice.

`main()` is the WSGI application factory that `pserve` and the tests call.
"""
import os
from urllib.parse import parse_qs, urlsplit

from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from pyramid.config import Configurator
from pyramid.session import SignedCookieSessionFactory
from pyramid.settings import asbool

from .compat import (serialise_template_compilation, share_compiled_templates,
                     spread_out_garbage_collection)
from .content.evolve import evolve
from .content.people import use_password_hasher
from .content.site import appmaker
from .content.throttle import FailedLogins
from .database import run_in_transaction
from .root import csrf_applies, root_factory, site_of_request
from .security import SESSION_COOKIE, SecurityPolicy, current_user
from .views.layout import compile_templates
from .views.presence import Presence


def session_secret(settings):
    secret = os.environ.get("WORKSPACE_SESSION_SECRET") or settings.get("workspace.session_secret")
    if not secret or len(secret) < 32:
        raise ValueError("Set WORKSPACE_SESSION_SECRET (or workspace.session_secret) "
                         "to a random string of at least 32 characters.")
    return secret


def make_data_dirs(settings):
    """Create the folders a file:// database and the search index live in."""
    uri = urlsplit(settings.get("zodbconn.uri", ""))
    if uri.scheme == "file":
        os.makedirs(os.path.dirname(uri.path), exist_ok=True)
        for blob_dir in parse_qs(uri.query).get("blobstorage_dir", []):
            os.makedirs(blob_dir, exist_ok=True)
    if settings.get("workspace.index_dir"):
        os.makedirs(settings["workspace.index_dir"], exist_ok=True)


def prepare_database(config, attempts=5):
    """Create the site if the database is new and run pending evolve steps, at start-up.

    Several processes starting together against one new ZEO database race to create the
    site; the losers' transactions conflict and are simply run again.
    """
    run_in_transaction(config.registry._zodb_databases[""],
                       lambda root: evolve(appmaker(root)), attempts)


def main(global_config, **settings):
    settings.setdefault("retry.attempts", "6")
    settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")
    if settings.get("workspace.password_hasher") == "cheapest":
        use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
    make_data_dirs(settings)
    serialise_template_compilation()
    share_compiled_templates()
    spread_out_garbage_collection()
    with Configurator(settings=settings) as config:
        config.include("pyramid_tm")
        config.include("pyramid_retry")
        config.include("pyramid_zodbconn")
        config.include("pyramid_chameleon")
        config.include(".search")
        config.include(".mail")

        config.set_security_policy(SecurityPolicy())
        config.set_default_permission("view")
        config.set_session_factory(SignedCookieSessionFactory(
            session_secret(settings), cookie_name=SESSION_COOKIE, httponly=True,
            secure=asbool(settings.get("workspace.secure_cookies", False)), samesite="Lax",
            timeout=int(settings.get("workspace.session_timeout", 8 * 3600)),
            reissue_time=600))
        config.set_default_csrf_options(require_csrf=True, callback=csrf_applies)
        config.add_request_method(site_of_request, "site", reify=True)
        config.add_request_method(current_user, "user", reify=True)
        config.set_root_factory(root_factory)
        config.registry.editor_presence = Presence(ttl=40)
        config.registry.whiteboard_presence = Presence(ttl=8)
        config.registry.login_throttle = FailedLogins()

        config.add_static_view("static", "workspace:static", cache_max_age=3600)
        config.add_route("api", "/api/*traverse", factory=root_factory)
        config.add_tween("workspace.tweens.limits_and_headers_factory")
        config.add_tween("workspace.tweens.one_writer_at_a_time_tween_factory",
                         over="pyramid_tm.tm_tween_factory")
        config.scan(ignore=["workspace.scripts"])
        config.commit()
        compile_templates(config.registry)
        prepare_database(config)
        return config.make_wsgi_app()
