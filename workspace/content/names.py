"""Name indexes: people and groups found by the words of their names, as one types.

A directory of 870,000 people cannot be narrowed by reading every profile. A `NameIndex`
keeps every word of each item's name (case and accents folded, so "Ahmed" and "ahmed",
"Hélène" and "helene" meet) joined to the item's key in one sorted set: the items with a
word starting with what was typed are one range of that set, read in the order of the
set and never further than a page needs. The lists that use it (the people directory,
the group list, the pickers) count their matches up to `COUNT_CAP` only: past that the
count says "10,000 or more" (`exact` False), as a search engine's "about 10,000 results"
does; nobody pages through ten thousand names, they type one more letter.

Plain data: no web, no search; `People` and `Groups` keep theirs up to date.
"""
import itertools
import re
import unicodedata

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

SEP = "\x00"  # sorts before every character of a word: "ali\0k" < "alia\0k"
COUNT_CAP = 10_000
MAX_WORDS = 8  # of a query: more words narrow nothing a person would type
_WORD = re.compile(r"\w+")


def fold(text):
    """`text` as the index compares it: case-folded, accents removed."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_words(*texts):
    """The distinct folded words of `texts`, in a stable order."""
    words = []
    for text in texts:
        for word in _WORD.findall(fold(text)):
            if word not in words:
                words.append(word)
    return tuple(words)


def query_words(text):
    """The words a search for `text` looks for (at most MAX_WORDS)."""
    return name_words(text)[:MAX_WORDS]


class NameIndex(Persistent):
    """The words of each item's name, by key, searchable by word prefix."""

    def __init__(self):
        self.entries = OOTreeSet()  # "word\0key", one per word of each name
        self.words = OOBTree()  # key -> (word, ...): what to take out when a name changes

    def index(self, key, *texts):
        """Record (or update) the name of `key` from `texts` (a name, a login, a title)."""
        words = name_words(*texts)
        old = self.words.get(key, ())
        if old == words:
            return
        for word in set(old) - set(words):
            self.entries.remove(word + SEP + key)
        for word in set(words) - set(old):
            self.entries.insert(word + SEP + key)
        self.words[key] = words

    def unindex(self, key):
        for word in self.words.pop(key, ()):
            self.entries.remove(word + SEP + key)

    def has_words(self, key, prefixes):
        """True when every one of `prefixes` starts some word of `key`'s name."""
        words = self.words.get(key, ())
        return all(any(w.startswith(p) for w in words) for p in prefixes)

    def search(self, text):
        """The keys whose name has, for every word of `text`, a word starting with it;
        each key once, in the index's order (the longest typed word leads). An empty
        `text` matches nothing."""
        prefixes = sorted(set(query_words(text)), key=len, reverse=True)
        if not prefixes:
            return iter(())
        lead, rest = prefixes[0], prefixes[1:]
        return self._search(lead, rest)

    def _search(self, lead, rest):
        seen = set()
        for entry in self.entries.keys(min=lead):
            if not entry.startswith(lead):
                break
            key = entry[entry.index(SEP) + 1:]
            if key in seen:
                continue
            seen.add(key)
            if not rest or self.has_words(key, rest):
                yield key


def counted(keys, cap=COUNT_CAP):
    """(the first `cap` of `keys`, sorted; True when that is all of them)."""
    found = list(itertools.islice(keys, cap + 1))
    exact = len(found) <= cap
    return sorted(found[:cap]), exact


class Selection:
    """One page of a list: its `keys`, how many the whole list holds (`total`), and
    whether that count is `exact` (False: at least that many, see COUNT_CAP)."""

    def __init__(self, keys, total, exact=True):
        self.keys, self.total, self.exact = list(keys), total, exact

    def __repr__(self):
        return f"Selection({self.keys!r}, {self.total}, exact={self.exact})"


def select(keys, total, start, stop):
    """The page [start, stop) of an ordered iterable of `keys` holding `total` in all
    (read only as far as the page's end)."""
    return Selection(itertools.islice(keys, start, stop), total)


def select_matches(matches, start, stop, cap=COUNT_CAP):
    """The page [start, stop) of the (unordered, possibly long) iterable `matches`, in
    key order, counted up to `cap`."""
    found, exact = counted(matches, cap)
    return Selection(found[start:stop], len(found), exact)
