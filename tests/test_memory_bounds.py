"""The object caches of the ZODB connections, most of a server process's memory under a
long load, have the ceiling the ini files state: every thread that holds a connection
keeps one in the pool (no cold caches made and dropped under load), and each cache is
bounded by objects and by size, however big the database grows."""
from urllib.parse import parse_qsl, urlencode, urlsplit

from plaster import get_settings
import pytest
import transaction
from persistent.mapping import PersistentMapping
from pyramid_zodbconn import get_uris
from zodburi import resolve_uri
import ZODB

from helpers import HERE

BACKGROUND = 2  # threads besides waitress's holding a connection: the indexer, the mailer
CEILING = 100 * 2**20  # estimated (pickled) bytes of all of a process's connection caches


def database_settings(ini, folder):
    """(waitress threads, ZODB.DB keywords) of an ini file, its storage put in `folder`."""
    app = dict(get_settings(f"{HERE}/{ini}", "app:main", defaults={"http_port": "0"}))
    server = dict(get_settings(f"{HERE}/{ini}", "server:main", defaults={"http_port": "0"}))
    uri = dict(get_uris(app))[""]
    query = urlencode([(k, v) for k, v in parse_qsl(urlsplit(uri).query)
                       if k.startswith("connection_")])  # the DB's, not the storage's
    _, dbkw = resolve_uri(f"file://{folder}/Data.fs?{query}")
    return int(server["threads"]), dbkw


@pytest.mark.parametrize("ini", ["development.ini", "production.ini"])
def test_the_pool_keeps_a_connection_per_thread_within_the_stated_ceiling(ini, tmp_path):
    threads, dbkw = database_settings(ini, tmp_path)
    assert dbkw["pool_size"] == threads + BACKGROUND
    assert dbkw["pool_size"] * dbkw["cache_size_bytes"] <= CEILING
    db = ZODB.DB(None, **dbkw)
    try:
        managers = [transaction.TransactionManager() for _ in range(dbkw["pool_size"] + 3)]
        connections = [db.open(transaction_manager=tm) for tm in managers]
        for conn in connections:
            conn.close()
        assert len(db.pool.all) == dbkw["pool_size"]
    finally:
        db.close()


@pytest.mark.parametrize("ini", ["development.ini", "production.ini"])
def test_a_connection_cache_stays_within_its_bounds_as_the_database_grows(ini, tmp_path):
    _, dbkw = database_settings(ini, tmp_path)
    objects, big = dbkw["cache_size"] * 3 // 2, 64 * 1024
    db = ZODB.DB(None, **dbkw)
    try:
        with db.transaction() as conn:  # more small objects than a cache holds
            root = conn.root()
            for n in range(objects):
                root[n] = PersistentMapping(n=n)
        with db.transaction() as conn:  # more bytes than a cache holds
            for n in range(dbkw["cache_size_bytes"] * 2 // big):
                conn.root()[f"big{n}"] = PersistentMapping(text="x" * big)
        conn = db.open()
        conn.cacheMinimize()
        for key in conn.root().keys():
            conn.root()[key]["n" if isinstance(key, int) else "text"]
            if isinstance(key, int) and key % 1000 == 0:
                conn.cacheGC()
        conn.cacheGC()
        cache = conn._cache
        assert cache.cache_non_ghost_count <= dbkw["cache_size"]
        assert cache.total_estimated_size <= dbkw["cache_size_bytes"] + big
        conn.close()
    finally:
        db.close()
