"""Opening the site of an ini file from the command line, inside one transaction."""
from contextlib import contextmanager

from pyramid.paster import bootstrap, setup_logging
import transaction

from ..content.site import appmaker


@contextmanager
def open_site(ini):
    """Yield the Site; commit when the block ends normally, abort when it raises.

    Runs with the app's registry current, so content events reach their subscribers.
    """
    setup_logging(ini)
    env = bootstrap(ini)
    db = env["registry"]._zodb_databases[""]
    conn = db.open()
    try:
        with transaction.manager:
            yield appmaker(conn.root())
    finally:
        conn.close()
        env["closer"]()
        db.close()
