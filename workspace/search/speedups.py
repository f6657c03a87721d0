"""Fixes to whoosh-reloaded 2.7.5 internals, installed once by the query module.

1. `skip_to` in a block of postings: Whoosh moves one id at a time through `id()` and
   `next()` (up to 128 Python calls per skip); this finds the position in the block's
   decoded ids with a binary search. Blocks are skipped exactly as before.

2. Segment files read from a memory map (a compound segment) are wrapped in
   `BufferFile`, which made an in-memory copy of each (`BytesIO(buffer)`) as it
   opened it: at 100,000 entries the term dictionary alone is hundreds of MB, so every
   new reader (each index commit, in each thread) cost 0.7 s and that much memory.
   Now the stream reads only what is asked for, straight from the buffer, and lets
   `pickle.load` peek ahead.

3. A block's document numbers are decoded from their gaps by `itertools.accumulate`.
"""
from bisect import bisect_left
from itertools import accumulate

from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.structfile import BufferFile
from whoosh.matching import ReadTooFar
from whoosh.util import numlists

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


PEEK = 256  # bytes a peek shows at most: a term's info is far smaller (pickle asks 8 KB)


class BufferStream:
    """A read-only stream over a buffer that never copies more than what is read."""

    def __init__(self, buf):
        self._buf, self._pos = buf, 0

    def read(self, n=-1):
        start, size = self._pos, len(self._buf)
        self._pos = size if n is None or n < 0 else min(start + n, size)
        return bytes(self._buf[start:self._pos])

    def readline(self, limit=-1):  # pickle.load needs it
        start, size, line = self._pos, len(self._buf), b""
        while self._pos < size and not line.endswith(b"\n"):
            line += bytes(self._buf[self._pos:self._pos + 256])
            self._pos = min(start + len(line), size)
        cut = line.find(b"\n") + 1 or len(line)
        if limit is not None and limit >= 0:
            cut = min(cut, limit)
        self._pos = start + cut
        return line[:cut]

    def peek(self, n=1):
        """What the next `n` bytes hold, without reading them: `pickle.load` then takes
        a term's info or a block's header in one call instead of one per opcode (twenty
        calls per term looked up, most of a supervisor's 800 lookups per word)."""
        return bytes(self._buf[self._pos:self._pos + max(1, min(n, PEEK))])

    def seek(self, pos, whence=0):
        self._pos = pos + (self._pos if whence == 1 else len(self._buf) if whence == 2 else 0)
        return self._pos

    def tell(self):
        return self._pos

    def close(self):
        pass


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf, self._name, self.onclose = buf, name, onclose
    self.file = BufferStream(buf)
    self.is_real = self.is_closed = False


def install():
    if W3LeafMatcher.skip_to is not _skip_to:
        W3LeafMatcher.skip_to = _skip_to
        BufferFile.__init__ = _buffer_file_init
        # Running sums of a block's id gaps, in C: Whoosh's generator yielded each id
        # from Python (a quarter of a common word's query over 10,000 postings).
        whoosh3.delta_decode = numlists.delta_decode = accumulate
