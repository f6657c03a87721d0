"""A BTree split into shards, for logs that every concurrent write appends to.

Time-ordered keys put every concurrent insert into a tree's newest bucket; BTrees merge
two inserts into one bucket, but not an insert into a bucket that the other transaction
split, and with a couple of dozen writers a bucket splits every few commits. Spreading
the keys over a few dozen trees (by the key's random low part) makes two concurrent
writers meet in one bucket rarely; readers merge the shards back into key order.
"""
import heapq
import zlib

from persistent import Persistent

SHARDS = 32


class ShardedTree(Persistent):
    """A mapping of sortable keys (ints or strings ending in random characters) over
    `shards` trees made by `factory` (an OOBTree, LOBTree... class)."""

    def __init__(self, factory, shards=SHARDS):
        self._shards = tuple(factory() for _ in range(shards))

    def _shard(self, key):
        index = key if isinstance(key, int) else zlib.crc32(key.encode("utf-8"))
        return self._shards[index % len(self._shards)]

    def __setitem__(self, key, value):
        self._shard(key)[key] = value

    def __getitem__(self, key):
        return self._shard(key)[key]

    def get(self, key, default=None):
        return self._shard(key).get(key, default)

    def __contains__(self, key):
        return key in self._shard(key)

    def pop(self, key, *default):
        return self._shard(key).pop(key, *default)

    def __delitem__(self, key):
        del self._shard(key)[key]

    def keys(self, min=None, max=None, excludemin=False, excludemax=False, reverse=False):
        """Keys in order (newest first with `reverse`), read lazily from every shard."""
        def ranged(tree):
            keys = tree.keys(min, max, excludemin=excludemin, excludemax=excludemax)
            return reversed(keys) if reverse else iter(keys)
        return heapq.merge(*(ranged(tree) for tree in self._shards), reverse=reverse)

    def items(self, **bounds):
        return ((key, self[key]) for key in self.keys(**bounds))

    def values(self, **bounds):
        return (self[key] for key in self.keys(**bounds))

    def __len__(self):
        return sum(len(tree) for tree in self._shards)

    def update_from(self, tree):
        """Copy every item of an unsharded `tree` in (for evolving an older log)."""
        for key, value in tree.items():
            self[key] = value
