"""The Whoosh schema: what one index entry holds, and how words are matched.

Text fields fold case and accents (é = e) and stem English words, so that "pathways",
"Pathway" and "pathwäy" meet; their words are indexed per group (see scopes.py), and
once more without a scope in `title_all` and `text_all`, with each entry's `scope` as a
column (read for callers of many scopes, see matchers.py). `group` carries the id of
the group whose content this is (empty for site-wide entries); `allowed` carries the
principals that may see a site-wide entry (a group's name, a profile). Those two fields
are what the permission filter reads.
"""
import threading

from whoosh import fields
from whoosh.analysis import (STOP_WORDS, CharsetFilter, LowercaseFilter, RegexTokenizer,
                             StemFilter, StopFilter)
from whoosh.support.charset import accent_map

from .scopes import SEP

# Stored text is capped (snippets come from it); the indexed text is not.
STORED_TEXT_CHARS = 30_000


# Whoosh's stop words plus the function words of a question ("what did the Caribbean
# group say about teacher pathways"): they match nearly everything and mean nothing.
QUESTION_WORDS = frozenset(
    "what which who whom whose where why how did do does doing say says said about there "
    "their they them these those was were been has had would could should our its than "
    "then also into i me my he she his her him".split())


# Letters and digits only: whoosh-reloaded's default pattern also takes "*" into words (for
# wildcards, which the query parser handles before any tokenizing), and "_" is a word
# character, so Markdown's **bold** and _italic_ words were indexed as "**bold**" and
# "_italic_" and could not be found. Sites indexed before need `workspace reindex`.
WORD_PATTERN = r"[^\W_]+(\.?[^\W_]+)*"


def text_analyzer():
    return (RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=STOP_WORDS | QUESTION_WORDS) | StemFilter())


class ScopedText(fields.TEXT):
    """A title or text field whose words are indexed in their entry's scope (see
    scopes.py): "<scope>\\x1f<text>" is indexed as the words of the text, each prefixed
    with "<scope>\\x1f" (a separator typed in the text scopes nothing). Query text is
    analysed as it is: the query is scoped afterwards, by `scopes.within`. The words
    come from `words_of`, shared with the unscoped field."""

    def index(self, value, **kwargs):
        scope, sep, text = value.partition(SEP)
        if not sep:
            return words_of(self, value, **kwargs)
        prefix = (scope + SEP).encode("utf-8")
        return [(prefix + word, freq, weight, data)
                for word, freq, weight, data in words_of(self, text, **kwargs)]


class UnscopedText(fields.TEXT):
    """The same words without a scope (see schema.py)."""

    def index(self, value, **kwargs):
        return words_of(self, value, **kwargs)


_last_words = threading.local()


def words_of(field, text, **kwargs):
    """Whoosh's (word, frequency, weight, encoded positions) of `text` analysed for
    `field`; the last text analysed in this thread is remembered, for the document's
    other field that indexes the same text (in its scope, and without: once instead of
    twice, a third of the indexing time)."""
    key = (text, field.analyzer, type(field.format), field.format.field_boost,
           tuple(sorted(kwargs.items())))
    last = getattr(_last_words, "value", None)
    _last_words.value = None  # kept for the next field only
    if last is not None and last[0] == key:
        return last[1]
    words = list(fields.FieldType.index(field, text, **kwargs))
    _last_words.value = (key, words)
    return words


def make_schema():
    words = text_analyzer()  # one, so that `words_of` knows the fields' words are alike
    return fields.Schema(
        path=fields.ID(stored=True, unique=True, sortable=True),
        type=fields.ID(stored=True, sortable=True),
        group=fields.ID(stored=True, sortable=True),
        allowed=fields.KEYWORD(lowercase=False, commas=False),
        author=fields.ID(stored=True, sortable=True),
        title=ScopedText(analyzer=words, stored=True, field_boost=3.0),
        text=ScopedText(analyzer=words),
        title_all=UnscopedText(analyzer=words, field_boost=3.0),
        text_all=UnscopedText(analyzer=words),
        scope=fields.ID(sortable=True),
        body=fields.STORED,
        modified=fields.DATETIME(stored=True, sortable=True),
        fingerprint=fields.ID(sortable=True),
    )


def layout(schema):
    """Field names, kinds and analyzers: what an index must share with `make_schema()`
    to be read by this code (an index built before a change of these is rebuilt)."""
    return sorted((name, type(field).__name__, type(getattr(field, "analyzer", None)).__name__)
                  for name, field in schema.items())
