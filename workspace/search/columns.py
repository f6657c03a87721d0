"""One segment's columns as arrays, kept per segment.

The permission filter, the facet counts and the date order read a column for every
match of a query: a common word has 100,000 matches among a million entries. As arrays
they are read for all of them at once, one gather per column.
"""
import threading

import numpy as np

from .caches import SegmentCache

_coded, _numbers = SegmentCache(300), SegmentCache(100)
# Per field, every value met so far in any segment: {value: number} and the values in
# number order (only ever appended to). Bounded by the site's distinct values.
_overall, _overall_lock = {}, threading.Lock()


class Coded:
    """A column of strings as small integers: `codes[docnum]` is the position of the
    document's value in `values` (`index` maps a value to it); `overall[code]` is the
    value's number among every segment's values of the field, so that counts of
    several segments add up in one array."""

    def __init__(self, field, column):
        self.index = {}
        self.codes = np.fromiter((self.index.setdefault(v, len(self.index)) for v in column),
                                 np.int32, count=len(column))
        self.values = list(self.index)
        with _overall_lock:
            numbers, values = _overall.setdefault(field, ({}, []))
            for value in self.values:
                if value not in numbers:
                    numbers[value] = len(values)
                    values.append(value)
            self.overall = np.fromiter((numbers[v] for v in self.values), np.int64,
                                       count=len(self.values))

    def table(self, wanted):
        """True at the codes of the values in `wanted` (index it with `codes[ids]`)."""
        table = np.zeros(len(self.values), bool)
        table[[self.index[v] for v in wanted if v in self.index]] = True
        return table


def coded(reader, field):
    """The `Coded` column `field` (a sortable ID field) of one segment."""
    return _coded.get((reader.segment().segment_id(), field),
                      lambda: Coded(field, list(reader.column_reader(field))))


LARGEST = np.iinfo(np.uint64).max  # what a numeric column holds where a value is missing


def numbers(reader, field):
    """The stored numbers of a numeric column of one segment: dates as Whoosh's longs,
    LARGEST where a document has none."""
    return _numbers.get((reader.segment().segment_id(), field),
                        lambda: np.fromiter(reader.column_reader(field, translate=False),
                                            np.uint64, count=reader.doc_count_all()))


def overall_values(field):
    """The values of `field` by their overall number (a list only ever appended to)."""
    return _overall.get(field, ({}, []))[1]


def overall_number(field, value):
    """The overall number of `value` among `field`'s values (None: not met yet)."""
    return _overall.get(field, ({}, []))[0].get(value)
