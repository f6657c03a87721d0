"""Login throttling, counted in the process's memory and never in the database.

Failures count per (login, client address) and per client address: ten wrong passwords
from one address block that login from that address only, so a stranger cannot lock the
real person out from elsewhere; a hundred failures from one address, whatever logins it
tries, block that address before any password is hashed (a spraying run costs nothing).
A block lifts WINDOW_SECONDS after the last failure. Nothing is written per attempt: a
guessing run must not grow the database (the audit log records the first failure of a
window and the start of a block, not every attempt). Each process counts for itself, and
a restart forgets: the counters exist to slow guessing down, not to keep a record.
"""
import threading
import time

from cachetools import TTLCache
from persistent import Persistent

MAX_FAILURES = 10  # per login and address
MAX_ADDRESS_FAILURES = 100  # per address, any login (a school behind one address has
# hundreds of people who mistype now and then; a spraying run tries thousands of logins)
WINDOW_SECONDS = 15 * 60
MAX_TRACKED = 100_000  # pairs and addresses remembered at once (oldest forgotten first)


class FailedLogins:
    """Failures per (login, address) and per address, each forgotten WINDOW_SECONDS after
    its last failure; `clock` is for tests."""

    def __init__(self, clock=time.monotonic):
        self._pairs = TTLCache(MAX_TRACKED, WINDOW_SECONDS, timer=clock)
        self._addresses = TTLCache(MAX_TRACKED, WINDOW_SECONDS, timer=clock)
        self._lock = threading.Lock()

    def blocked(self, login, address):
        with self._lock:
            return (self._pairs.get((login.lower(), address), 0) >= MAX_FAILURES
                    or self._addresses.get(address, 0) >= MAX_ADDRESS_FAILURES)

    def failed(self, login, address):
        """Count a failure; returns how many this login has from this address now."""
        key = (login.lower(), address)
        with self._lock:
            self._addresses[address] = self._addresses.get(address, 0) + 1
            count = self._pairs[key] = self._pairs.get(key, 0) + 1
        return count

    def succeeded(self, login, address):
        with self._lock:
            self._pairs.pop((login.lower(), address), None)


class LoginThrottle(Persistent):
    """What sites before generation 7 stored as `site.throttle` (failure times in the
    database); kept so that they load, until evolve step 7 removes it."""


def forget_stored_throttle(site):
    """Evolve step: failed logins are no longer kept in the database."""
    site.__dict__.pop("throttle", None)
    site._p_changed = True
