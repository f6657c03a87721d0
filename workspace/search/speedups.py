"""A faster `skip_to` for whoosh3 posting lists (whoosh-reloaded 2.7.5).

Whoosh skips inside a block of postings one id at a time through `id()` and `next()`
(up to 128 Python calls per skip). The permission filter makes every query an
intersection with a sparse list of permitted documents, so most of a query's time went
there. This finds the position in the block's decoded ids with a binary search; blocks
are skipped exactly as before.
"""
from bisect import bisect_left

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ReadTooFar

_original_skip_to = W3LeafMatcher.skip_to


def _skip_to(self, targetid):
    if self._byteids:
        return _original_skip_to(self, targetid)
    if not self.is_active():
        raise ReadTooFar
    if self._ids is None:
        self._read_ids()
    if targetid <= self._ids[self._i]:
        return
    if targetid > self._maxid:
        while self.is_active() and targetid > self._maxid:
            self._next_block()
        if not self.is_active():
            return
        if self._ids is None:
            self._read_ids()
    # targetid <= the block's last id: the position is inside this block
    self._i = bisect_left(self._ids, targetid, self._i)


def install():
    if W3LeafMatcher.skip_to is not _skip_to:
        W3LeafMatcher.skip_to = _skip_to
