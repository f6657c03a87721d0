"""The site's vocabularies: the themes admins keep (`/vocabulary/themes`), used by the
Collection's Resources and by the expert roster.

A vocabulary is a short ordered list of `(id, label)` terms, small enough (at most
`MAX_TERMS`) to live in one persistent object: it is read by every library page and
written rarely, by an admin. Ids are slugs and stay fixed once records use them; a label
may change at any time and every record shows the new label at once, because records
store ids only.
"""
from persistent import Persistent
from pyramid.authorization import Allow, Everyone

from .acl import ADMIN
from .events import Audited, notify
from .folder import Folder
from .ids import is_slug

MAX_TERMS = 500
MAX_LABEL = 120

# What a new site starts with: the themes the Hub's consultations and library cover.
DEFAULT_THEMES = (
    ("access-and-equity", "Access and equity"),
    ("assessment", "Assessment"),
    ("curriculum", "Curriculum"),
    ("early-learning", "Early learning"),
    ("education-finance", "Education finance"),
    ("gender", "Gender"),
    ("inclusion", "Inclusion and special needs"),
    ("leadership", "Leadership and governance"),
    ("literacy-numeracy", "Literacy and numeracy"),
    ("policy-planning", "Policy and planning"),
    ("skills-employment", "Skills and employment"),
    ("teacher-development", "Teacher development"),
    ("technology", "Technology in education"),
)


class Vocabularies(Folder):
    """`/vocabulary`: the site's vocabularies by name. Anyone may read them (the public
    library shows theme labels); only admins change them."""

    __acl__ = [(Allow, ADMIN, ("view", "admin")), (Allow, Everyone, "view")]


class Vocabulary(Persistent):
    """An ordered list of terms `(id, label)`."""

    __parent__ = None
    __name__ = None

    def __init__(self, terms=()):
        self.terms = tuple(check_terms(terms))

    def __contains__(self, term_id):
        return any(tid == term_id for tid, _ in self.terms)

    def __iter__(self):
        return iter(self.terms)

    def ids(self):
        return [tid for tid, _ in self.terms]

    def label(self, term_id):
        """The label of `term_id`, or the id itself for a term no longer kept."""
        return dict(self.terms).get(term_id, term_id)

    def unknown(self, term_ids):
        """Those of `term_ids` this vocabulary does not have, in the order given."""
        known = set(self.ids())
        return [tid for tid in term_ids if tid not in known]


def check_terms(terms):
    """`terms` as a list of `(id, label)`, or ValueError saying what is wrong: ids are
    slugs, each once; labels are 1 to MAX_LABEL characters; at most MAX_TERMS terms."""
    out, seen = [], set()
    for term_id, label in terms:
        label = (label or "").strip()
        if not is_slug(term_id):
            raise ValueError(f"'{term_id}' is not a valid id (a-z, 0-9, '-').")
        if term_id in seen:
            raise ValueError(f"'{term_id}' is there twice.")
        if not label or len(label) > MAX_LABEL:
            raise ValueError(f"The label of '{term_id}' must have 1 to {MAX_LABEL} "
                             "characters.")
        seen.add(term_id)
        out.append((term_id, label))
    if len(out) > MAX_TERMS:
        raise ValueError(f"At most {MAX_TERMS} terms.")
    return out


class VocabularyChanged(Audited):
    """An admin replaced a vocabulary's terms (details: how many terms it now has)."""
    action = "vocabulary_changed"


def make_vocabularies():
    """The `/vocabulary` folder of a new site, with its default themes."""
    folder = Vocabularies()
    folder.add("themes", Vocabulary(DEFAULT_THEMES), send_events=False)
    return folder


def themes_of(site):
    """The site's themes vocabulary."""
    return site["vocabulary"]["themes"]


def replace_terms(vocabulary, terms, actor):
    """Make `terms` the vocabulary's terms (ValueError if they are not valid); audited."""
    vocabulary.terms = tuple(check_terms(terms))
    notify(VocabularyChanged(actor, vocabulary, f"{len(vocabulary.terms)} terms"))
    return vocabulary


def add_vocabularies(site):
    """Evolve step: sites made before vocabularies existed get `/vocabulary` with the
    default themes."""
    if "vocabulary" not in site:
        site.add("vocabulary", make_vocabularies(), send_events=False)
