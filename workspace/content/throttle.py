"""Login throttling: too many failures for one login within a window blocks further tries."""
import random
import time

from BTrees.OOBTree import OOBTree
from persistent import Persistent

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60
PRUNE_CHANCE = 0.01


class LoginThrottle(Persistent):
    """Failure times per login (known or not, so both get the same answer)."""

    def __init__(self):
        self._failures = OOBTree()  # login -> tuple of failure times

    def _recent(self, key, now):
        return tuple(t for t in self._failures.get(key, ()) if now - t < WINDOW_SECONDS)

    def blocked(self, login, now=None):
        now = time.time() if now is None else now
        return len(self._recent(login.lower(), now)) >= MAX_FAILURES

    def failed(self, login, now=None):
        """Count a failure (the caller passes slugs only, so keys stay short)."""
        now = time.time() if now is None else now
        key = login.lower()
        self._failures[key] = self._recent(key, now)[-MAX_FAILURES:] + (now,)
        if random.random() < PRUNE_CHANCE:  # amortised: a full sweep now and then
            self.prune(now)

    def succeeded(self, login):
        self._failures.pop(login.lower(), None)

    def prune(self, now=None):
        """Forget logins whose failures are all older than the window."""
        now = time.time() if now is None else now
        for key in [k for k, times in self._failures.items()
                    if not times or now - times[-1] >= WINDOW_SECONDS]:
            del self._failures[key]
