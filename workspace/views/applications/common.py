"""What the applications' form and API share: the schema, the throttle, and the changes
(applying, confirming, approving, declining) with the mails each one sends after commit
through the mail outbox."""
import secrets

from cachetools import TTLCache
import colander

from ...content.applications import (Application, NotConfirmed, add_application,
                                     decide)
from ...content.group import ROLES, grant_role
from ...content.ids import unique_id
from ...content.people import add_person
from ...mail import mail_settings, queue_notice
from ...mail.state import state_near
from ..schemas import login_node, strict, text

PER_ADDRESS = 3  # applications per address a day
PER_CLIENT = 10  # applications per client address an hour
PASSWORD_DAYS = 7  # how long the link to choose a password lasts


class Throttled(Exception):
    """Too many applications from this address or this client just now."""


def application_schema():
    schema = colander.SchemaNode(strict())
    schema.add(text("name", 200, title="Your name", validator=colander.Length(min=1)))
    schema.add(colander.SchemaNode(colander.String(), name="email", title="E-mail",
                                   validator=colander.All(colander.Email(),
                                                          colander.Length(max=254))))
    schema.add(text("country", 100, missing="", title="Country"))
    schema.add(text("organisation", 200, missing="", title="Organisation"))
    schema.add(text("sector", 100, missing="", title="Sector"))
    schema.add(text("reason", 5000, missing="", title="Why you would like to join"))
    return schema


def approve_schema():
    schema = colander.SchemaNode(strict())
    schema.add(login_node(missing=None))
    schema.add(colander.SchemaNode(colander.Mapping(unknown="preserve"), name="groups",
                                   missing={}))
    return schema


def decline_schema():
    schema = colander.SchemaNode(strict())
    schema.add(text("reason", 2000, missing=""))
    return schema


def throttles(registry):
    """(per address, per client) counters, in memory: an attacker cannot fill the
    database with applications, and the counts need not survive a restart."""
    found = getattr(registry, "application_throttle", None)
    if found is None:
        found = registry.application_throttle = (TTLCache(50_000, 24 * 3600),
                                                 TTLCache(50_000, 3600))
    return found


def throttle(request, email):
    per_address, per_client = throttles(request.registry)
    client = request.client_addr or "?"
    if per_address.get(email, 0) >= PER_ADDRESS or per_client.get(client, 0) >= PER_CLIENT:
        raise Throttled()
    per_address[email] = per_address.get(email, 0) + 1
    per_client[client] = per_client.get(client, 0) + 1


def apply(request, data):
    """Record an application and mail its confirmation link; if the address already has
    an account, mail its owner that instead. The caller answers both alike."""
    email = data["email"].strip().lower()
    throttle(request, email)
    site, settings = request.site, mail_settings(request.registry)
    state = state_near(site)
    if state is not None and state.login_of(email):
        queue_notice(site, settings, email, "You already have an account",
                     "Someone (you, we hope) applied to join with this address, which "
                     "already has an account.\nIf you forgot your password, choose a new "
                     f"one here:\n\n{settings.public_url}/password-reset\n")
        return None
    application = add_application(site["applications"], Application(
        data["name"], email, data["country"], data["organisation"], data["sector"],
        data["reason"]))
    secret = application.new_secret()
    queue_notice(site, settings, email, "Please confirm your application",
                 f"Hello {data['name']},\n\nThank you for applying. Please confirm your "
                 "address within 7 days by opening this link:\n\n"
                 f"{settings.public_url}/applications/{application.__name__}/@@confirm"
                 f"?key={secret}\n\nIf you did not apply, ignore this mail.\n")
    return application


def approve(request, application, data):
    """Make the account (login given or derived from the name), grant the roles asked,
    and mail a link to choose a password. IdTaken if the login is taken; KeyError or
    ValueError for an unknown group or role."""
    site, actor = request.site, request.user.login
    groups = data.get("groups") or {}
    for gid, role in groups.items():
        if gid not in site["groups"] or role not in ROLES:
            raise ValueError(gid)
    if application.state != "confirmed":
        raise NotConfirmed(application.state)
    people = site["people"]
    login = data.get("login") or unique_id(people, application.name)
    profile = add_person(people, login, application.name, application.email,
                         secrets.token_urlsafe(32), actor=actor)
    profile.country, profile.organisation = application.country, application.organisation
    for gid, role in groups.items():
        grant_role(site["groups"][gid], profile, role, actor)
    decide(application, actor, True, login)
    settings = mail_settings(request.registry)
    state = state_near(site)
    secret = state.new_secret(state.resets, PASSWORD_DAYS * 86400, login=login)
    queue_notice(site, settings, application.email, "Welcome: choose your password",
                 f"Hello {application.name},\n\nYour application was approved. Your login "
                 f"is {login}. Choose your password here within {PASSWORD_DAYS} days:\n\n"
                 f"{settings.public_url}/password-reset/{secret}\n", login=login)
    return login


def decline(request, application, reason):
    decide(application, request.user.login, False)
    text_ = ("Thank you for your interest in joining us. We are sorry that we cannot "
             "offer you an account at this time.")
    if reason:
        text_ += f"\n\n{reason}"
    queue_notice(request.site, mail_settings(request.registry), application.email,
                 "Your application", f"Hello {application.name},\n\n{text_}\n")


