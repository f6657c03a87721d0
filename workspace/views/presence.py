"""Who has an editor or a whiteboard open right now, in this process's memory.

Kept out of the database on purpose: a heartbeat every few seconds must never write to
it. Bounded twice over (places, and people per place), and every entry expires on its own.
`main()` keeps one per use on the registry: `registry.editor_presence` (documents) and
`registry.whiteboard_presence`.
"""
import threading

from cachetools import TTLCache

MAX_PLACES = 20_000
MAX_PER_PLACE = 500


class Presence:
    """People seen lately per place (a resource path)."""

    def __init__(self, ttl):
        """`ttl`: seconds since a person's last heartbeat before they count as gone."""
        self.ttl = ttl
        self._places = TTLCache(MAX_PLACES, ttl)
        self._lock = threading.Lock()

    def here(self, place, login, leaving=False):
        """Note that `login` is at `place` (or has just left it); returns every login seen
        there lately, sorted."""
        with self._lock:
            people = self._places.get(place)
            if people is None:
                people = TTLCache(MAX_PER_PLACE, self.ttl)
            if leaving:
                people.pop(login, None)
            else:
                people[login] = True
            self._places[place] = people  # refreshes the place's own expiry
            return sorted(people.keys())

    def others(self, place, login, leaving=False):
        """Like `here`, without `login` itself."""
        return [other for other in self.here(place, login, leaving) if other != login]

