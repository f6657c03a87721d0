"""What makes search answers read well for people: snippets as plain text (a document's
snippet showed its raw Markdown: `**bold**`, `## Heading`, `[link](https://...)`), and
"did you mean" when a query finds nothing ("zanzibr").

A suggestion is taken only from the word scopes the caller reads (see scopes.py): a
spelling held only by an entry someone may not see never shows up, as no snippet or count
of it would.
"""
import html
import re
import time

import nh3

from ..content.text import render_markdown
from .scopes import SEP

MAX_EDITS = 2
MIN_WORD = 4  # shorter words have too many neighbours to guess well
MAX_SCOPES = 40  # a caller reading more groups than this gets no suggestion (cost)
# Looking for neighbours reads every word of a scope that starts like the typed one (in
# Python): the first letter must be right (as most spelling suggesters assume), and
# the whole search for suggestions stops after SUGGEST_SECONDS. Without those bounds a
# query that found nothing cost 7 to 18 s at 100,000 entries (20 scopes, long texts).
SAME_START = 1
SUGGEST_SECONDS = 0.05
SUGGESTED_FIELDS = ("text", "title")
_SPACE = re.compile(r"\s+")


def plain_text(markdown):
    """What a reader sees of `markdown`, as one line of plain text."""
    text = html.unescape(nh3.clean(render_markdown(markdown), tags=set()))
    return _SPACE.sub(" ", text).strip()


def plain_window(text, at, before=200, after=600):
    """Plain text of `text` around character `at` (rendering only that window keeps long
    documents cheap), and whether text was cut before and after it."""
    start = max(0, at - before)
    while start > 0 and not text[start - 1].isspace() and at - start < before + 40:
        start -= 1
    end = min(len(text), at + after)
    return plain_text(text[start:end]), start > 0, end < len(text)


def nearest_word(reader, word, scopes):
    """The word of the index nearest to `word` (an index form) in the caller's `scopes`:
    fewest edits first, then the most entries; None when `word` is there already, is too
    short, or nothing is near."""
    if len(word) < MIN_WORD or len(scopes) > MAX_SCOPES:
        return None
    keys = [(field, scope + SEP) for field in SUGGESTED_FIELDS for scope in scopes]
    if any((field, prefix + word) in reader for field, prefix in keys):
        return None
    deadline = time.monotonic() + SUGGEST_SECONDS
    for edits in range(1, MAX_EDITS + 1):
        found = {}
        for field, prefix in keys:
            for term in reader.terms_within(field, prefix + word, edits,
                                            prefix=len(prefix) + SAME_START):
                candidate = term[len(prefix):]
                found[candidate] = found.get(candidate, 0) + reader.doc_frequency(field, term)
            if time.monotonic() > deadline:
                break
        if found or time.monotonic() > deadline:
            return max(found, key=lambda c: (found[c], c)) if found else None
    return None
