"""Full-text search: Whoosh schema, index queue, indexer and permission-filtered queries.

The public face of search, for views and commands:
    search_for(request-free arguments)   one page of permitted results (see query.search)
    QueryError                            a query that cannot be understood
    SearchUnavailable                     (a QueryError) the index is being repaired: 503
    parse_day                             dates of the API's `from`/`to`
    indexer_of(registry)                  the process's indexer (`wait_until_indexed`)
    disable_background_indexer()          for command-line processes that only enqueue

Content events become queue entries in the same transaction (subscribers below); the
indexer applies them after commit. Settings: `workspace.index_dir` (required for search),
`workspace.search.synchronous` (true in tests: the committing thread indexes),
`workspace.search.machine` (the name of this machine's index in the queue: by default
its host name and index folder), `workspace.search.startup_check` (`recent`, the
default: re-apply the last minutes of the queue at start-up; `full`: also compare the
whole database with the index).
"""
import logging

from pyramid.events import ApplicationCreated
from pyramid.settings import asbool
from pyramid.threadlocal import get_current_registry
from pyramid.traversal import resource_path

from ..content.events import ObjectAdded, ObjectModified, ObjectRemoved
from ..content.group import Group
from ..database import run_in_transaction
from .indexer import Indexer
from .query import QueryError, parse_day, readable_groups, search
from .queue import enqueue, event_path, prepare_queue
from .store import IndexStore

log = logging.getLogger(__name__)

_background = {"enabled": True}

__all__ = ["search_for", "QueryError", "SearchUnavailable", "parse_day", "indexer_of",
           "disable_background_indexer", "readable_groups"]


def disable_background_indexer():
    """This process only enqueues (a command-line run): no indexer thread, no start-up
    reconciliation; the serving process applies the tasks."""
    _background["enabled"] = False


def indexer_of(registry):
    return getattr(registry, "workspace_indexer", None)


class SearchUnavailable(QueryError):
    """The index cannot be read just now (missing or damaged); a repair has started."""


def search_for(registry, site, user, principals, permits, **query):
    """One page of results `user` may see (see `query.search` for the arguments).

    Raises QueryError for a query that cannot be understood, and its SearchUnavailable
    when the index cannot be read; the latter also starts rebuilding it.
    """
    indexer = indexer_of(registry)
    if indexer is None:
        raise QueryError("Search is not available on this site.")
    try:
        return search(indexer.store, site, user, principals, permits, **query)
    except QueryError:
        raise
    except Exception as exc:  # the index folder went away or is damaged
        log.warning("search index unreadable (%s); repairing it", exc, exc_info=True)
        indexer.heal_soon()
        raise SearchUnavailable("Search is being repaired; try again in a minute.") from exc


# subscribers: content events -> queue entries, in the same transaction -----------
def queue_task(event, action, path):
    txn = enqueue(event.parent if event.parent is not None else event.object, action, path)
    indexer = indexer_of(get_current_registry())
    if indexer is not None and txn is not None:
        indexer.watch(txn)


def on_added(event):
    queue_task(event, "tree", event_path(event))


def on_modified(event):
    # A group's settings decide its content's scope (open or not): refresh all of it.
    action = "tree" if isinstance(event.object, Group) else "one"
    queue_task(event, action, resource_path(event.object))


def on_removed(event):
    queue_task(event, "tree", event_path(event))


def on_application_created(event):
    registry = event.app.registry
    indexer = indexer_of(registry)
    if indexer is None:
        return
    run_in_transaction(registry._zodb_databases[""],
                       lambda root: prepare_queue(root, indexer.machine))
    if _background["enabled"]:
        indexer.start()


def includeme(config):
    settings = config.registry.settings
    config.add_subscriber(on_added, ObjectAdded)
    config.add_subscriber(on_modified, ObjectModified)
    config.add_subscriber(on_removed, ObjectRemoved)
    directory = settings.get("workspace.index_dir")
    if not directory:
        log.warning("workspace.index_dir is not set: search is off")
        return
    databases = getattr(config.registry, "_zodb_databases", {})
    if "" not in databases:
        return
    config.registry.workspace_indexer = Indexer(
        databases[""], IndexStore(directory, settings.get("workspace.search.machine")),
        synchronous=asbool(settings.get("workspace.search.synchronous", False)),
        startup_check=settings.get("workspace.search.startup_check", "recent"))
    config.add_subscriber(on_application_created, ApplicationCreated)
