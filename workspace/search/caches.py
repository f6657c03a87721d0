"""Values computed from one index segment, kept while the process runs.

Segments never change once written, so anything derived from one (a column as a list,
the documents a caller may read, field lengths) stays true for as long as the key names
the segment (and, where deletions matter, its live document count).
"""
import threading


class SegmentCache:
    """A dict shared by all threads, emptied whenever it reaches `limit` entries."""

    def __init__(self, limit):
        self._values, self._limit, self._lock = {}, limit, threading.Lock()

    def get(self, key, compute):
        """The value for `key`, made by `compute()` the first time."""
        value = self._values.get(key)
        if value is None:
            value = compute()
            with self._lock:
                if len(self._values) >= self._limit:
                    self._values.clear()
                self._values[key] = value
        return value

    def clear(self):
        """Forget every value. For tests: each test's index is a copy of the same stopped
        site's, so its segments carry the ids another test's had."""
        with self._lock:
            self._values.clear()
