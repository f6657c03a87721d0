"""Transactions outside a request: start-up, the indexer thread and the command line.

Requests get their connection and transaction from pyramid_tm; everything else opens its
own connection with an explicit transaction manager, here and nowhere else, so that each
such piece of work reads one consistent snapshot and never leaves a transaction open.
"""
from contextlib import contextmanager

import transaction
from transaction.interfaces import NoTransaction


def abort_quietly(tm):
    """End the transaction if one is still open (explicit managers have none after commit)."""
    try:
        tm.abort()
    except NoTransaction:
        pass


@contextmanager
def open_root(db):
    """Yield (zodb root, transaction manager) of a new connection in a fresh transaction.

    Commit with `tm.commit()`; whatever is not committed when the block ends is aborted.
    """
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    tm.begin()
    try:
        yield conn.root(), tm
    finally:
        abort_quietly(tm)
        conn.close()


def run_in_transaction(db, work, attempts=5):
    """Call `work(zodb_root)` and commit, running it again on a conflict (up to `attempts`
    times); returns what `work` returned."""
    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    try:
        for attempt in tm.attempts(attempts):
            with attempt:
                result = work(conn.root())
        return result
    finally:
        conn.close()


def jar_of(obj):
    """The ZODB connection `obj` (or, for a new one, its nearest stored ancestor) is in;
    None outside a database. Work queued from content events rides on its transaction."""
    while obj is not None:
        jar = getattr(obj, "_p_jar", None)
        if jar is not None:
            return jar
        obj = getattr(obj, "__parent__", None)
    return None
