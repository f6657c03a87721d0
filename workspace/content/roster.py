"""The expert roster (`/experts`) and the codes profiles describe expertise with.

A profile says what a person knows: `expertise` (ids of the site's themes vocabulary, the
one the Collection uses), `countries` of experience (ISO 3166-1 alpha-2) and `languages`
(ISO 639-1), each a sorted list of codes, so that a referral's needs and a person's
profile can be matched term by term instead of by guessing at free text. Codes are shown
as names through pycountry, never stored as names: a name may be spelt many ways, a code
once.

Admins put people on the roster with a capacity (how many open referrals they take at
once) and availability. The roster keeps one `RosterEntry` per expert, with the
referrals they hold open and those they answered, so that ranking a candidate costs a
look at one entry, not a walk over every referral. The roster is small (people who
agreed to be asked), so filtering it by theme, country and language reads it whole.
"""
from datetime import datetime, timezone

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
import pycountry

from .events import Audited, notify
from .vocabulary import DEFAULT_THEMES, Vocabulary

MAX_CODES = 50  # of each list on a profile or a referral
MAX_CAPACITY = 50

COUNTRIES = {c.alpha_2.lower(): getattr(c, "common_name", c.name)
             for c in pycountry.countries}
LANGUAGES = {lang.alpha_2: lang.name for lang in pycountry.languages
             if hasattr(lang, "alpha_2")}


def country_name(code):
    return COUNTRIES.get((code or "").lower(), code)


def language_name(code):
    return LANGUAGES.get(code, code)


def site_themes(site):
    """The site's themes vocabulary (issue 13's `/vocabulary/themes`); the default themes
    on a site whose vocabulary folder is not there yet."""
    folder = site.get("vocabulary") if hasattr(site, "get") else None
    if folder is not None and "themes" in folder:
        return folder["themes"]
    return Vocabulary(DEFAULT_THEMES)


class Names:
    """The site's codes as names, for pages: themes by label, countries and languages."""

    def __init__(self, site):
        self.themes = site_themes(site)

    def theme(self, code):
        return self.themes.label(code)

    country, language = staticmethod(country_name), staticmethod(language_name)

    def themes_of(self, codes):
        return ", ".join(self.theme(c) for c in codes) or "—"

    def countries_of(self, codes):
        return ", ".join(country_name(c) for c in codes) or "—"

    def languages_of(self, codes):
        return ", ".join(language_name(c) for c in codes) or "—"


def now_utc():
    return datetime.now(timezone.utc)


class RosterEntry(Persistent):
    """One expert on the roster: capacity, availability, and the referrals they hold
    (`open`: invited or accepted, not yet closed) and have answered."""

    def __init__(self, login, capacity=3, available=True):
        self.login = login
        self.capacity = capacity
        self.available = available
        self.added = now_utc()
        self.open = OOTreeSet()
        self.answered = OOTreeSet()

    @property
    def load(self):
        return len(self.open)

    @property
    def at_capacity(self):
        return self.load >= self.capacity


class Roster(Persistent):
    """`/experts`: who is on the roster. Not a folder of pages: profiles stay under
    `/people`, the roster only says who may be asked."""

    __parent__ = None
    __name__ = None

    def __init__(self):
        self.entries = OOBTree()  # login -> RosterEntry

    def __getitem__(self, name):
        raise KeyError(name)  # nothing to traverse into: experts are people

    def __contains__(self, login):
        return login in self.entries

    def get(self, login, default=None):
        return self.entries.get(login, default)

    def __len__(self):
        return len(self.entries)

    def matching(self, people, theme=None, country=None, language=None):
        """The logins of experts whose profile has `theme`, `country` and `language`
        (each when given), in login order."""
        found = []
        for login, entry in self.entries.items():
            profile = people.get(login)
            if profile is None or not profile.active:
                continue
            if theme and theme not in profile.expertise:
                continue
            if country and country not in profile.countries:
                continue
            if language and language not in profile.languages:
                continue
            found.append(login)
        return found


class RosterChanged(Audited):
    """An admin put someone on the roster, changed their entry or took them off
    (details: what they now are)."""
    action = "roster_changed"


def set_expert(roster, profile, actor, expert, capacity=None, available=None):
    """Put `profile` on the roster (`expert` True) with `capacity` and `available`, change
    their entry, or take them off (their referrals stay as they are). Returns the entry
    or None."""
    entry = roster.entries.get(profile.login)
    if not expert:
        if entry is not None:
            del roster.entries[profile.login]
            notify(RosterChanged(actor, profile, "off the roster"))
        return None
    if entry is None:
        entry = roster.entries[profile.login] = RosterEntry(profile.login)
    if capacity is not None:
        entry.capacity = capacity
    if available is not None:
        entry.available = available
    notify(RosterChanged(actor, profile, f"expert, capacity {entry.capacity}, "
                                         f"{'available' if entry.available else 'away'}"))
    return entry


def themes_without_experts(roster, people, themes):
    """The ids of `themes` no available expert on the roster claims, in vocabulary order."""
    covered = set()
    for login, entry in roster.entries.items():
        profile = people.get(login)
        if profile is not None and profile.active and entry.available:
            covered.update(profile.expertise)
    return [tid for tid in themes.ids() if tid not in covered]


def codes_from_text(value, known):
    """A list of codes from a stored value: a list stays (known codes only); free text
    ("en, fr", "English; French") becomes the codes its words or names give."""
    if isinstance(value, (list, tuple)):
        return sorted({v for v in value if v in known})
    by_name = {name.lower(): code for code, name in known.items()}
    codes = set()
    for word in str(value or "").replace(";", ",").split(","):
        word = word.strip().lower()
        if word in known:
            codes.add(word)
        elif word in by_name:
            codes.add(by_name[word])
    return sorted(codes)
