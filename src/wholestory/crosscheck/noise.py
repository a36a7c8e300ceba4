"""How people's details get written down wrong: the cross-check's own noise model.

Every kind of slip here is one a records clerk, a triage nurse or a police
call handler makes: a letter dropped or doubled, the key next door, a name
spelt as it sounds (Rowland for Rowlands, Andersen for Anderson), a date of
birth with day and month swapped or a year out, a postcode without its space,
"Rd" for "Road", accents lost to a system that cannot hold them. They are
drawn independently of the main generator's noise so that linking quality is
measured on mistakes the product was not tuned to expect.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date
from typing import Final

#: Letters next to each other on a UK QWERTY keyboard.
_NEIGHBOURS: Final[dict[str, str]] = {
    "q": "wa",
    "w": "qes",
    "e": "wrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "adwx",
    "d": "sfe",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "j": "hku",
    "k": "jli",
    "l": "ko",
    "z": "xa",
    "x": "zcs",
    "c": "xvd",
    "v": "cbf",
    "b": "vng",
    "n": "bmh",
    "m": "nj",
}

#: Spelling as it sounds: (pattern, replacement), tried in a random order.
_SOUNDS_LIKE: Final[tuple[tuple[str, str], ...]] = (
    (r"s$", ""),  # Rowlands -> Rowland
    (r"(?<=[dn])$", "s"),  # Rowland -> Rowlands
    (r"son$", "sen"),  # Anderson -> Andersen
    (r"sen$", "son"),
    (r"mps", "ms"),  # Thompson -> Thomson
    (r"ph", "f"),  # Stephens -> Stefens
    (r"v", "ph"),  # Stevens -> Stephens
    (r"^Mac", "Mc"),
    (r"^Mc", "Mac"),
    (r"ie$", "y"),  # Katie -> Katy
    (r"y$", "ie"),
    (r"^C(?=[aou])", "K"),  # Catherine -> Katherine
    (r"^K(?=[aou])", "C"),
    (r"ck", "k"),
    (r"ei", "ie"),
    (r"ee$", "i"),
    (r"ou", "u"),  # Yousuf -> Yusuf
    (r"z", "s"),
    (r"ll", "l"),
    (r"([bdgmnprt])\1", r"\1"),  # Ollie -> Olie, Hannah -> Hanah
    (r"(?<=[aeiou])([lnrt])(?=[aeiou])", r"\1\1"),  # Sinead -> Sinnead
    (r"h$", ""),  # Sarah -> Sara
    (r"a$", "ah"),
    (r"i$", "ie"),  # Dami -> Damie
    (r"ai", "ay"),
)

#: Letters that unicodedata cannot take apart into a base letter and an accent.
_PLAIN_LETTERS: Final = str.maketrans({"Ł": "L", "ł": "l", "ı": "i", "ø": "o", "Ø": "O"})


def strip_accents(text: str) -> str:
    """Łukasz -> Lukasz, Siobhán -> Siobhan, Şahin -> Sahin: what many systems store."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _letters(name: str) -> list[int]:
    return [i for i, c in enumerate(name) if c.isalpha()]


def dropped_letter(name: str, rng: random.Random) -> str:
    places = _letters(name)[1:]  # people rarely lose the first letter
    if len(places) < 3:
        return name
    i = rng.choice(places)
    return name[:i] + name[i + 1 :]


def doubled_letter(name: str, rng: random.Random) -> str:
    places = _letters(name)[1:]
    if not places:
        return name
    i = rng.choice(places)
    return name[:i] + name[i] + name[i:]


def neighbour_key(name: str, rng: random.Random) -> str:
    places = [i for i in _letters(name)[1:] if name[i].lower() in _NEIGHBOURS]
    if not places:
        return name
    i = rng.choice(places)
    wrong = rng.choice(_NEIGHBOURS[name[i].lower()])
    return name[:i] + (wrong.upper() if name[i].isupper() else wrong) + name[i + 1 :]


def swapped_letters(name: str, rng: random.Random) -> str:
    places = [i for i in _letters(name)[1:-1] if name[i + 1].isalpha() and name[i] != name[i + 1]]
    if not places:
        return name
    i = rng.choice(places)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def sounds_like(name: str, rng: random.Random) -> str:
    """The name spelt as it sounds, or unchanged if no rule fits."""
    rules = list(_SOUNDS_LIKE)
    rng.shuffle(rules)
    for pattern, replacement in rules:
        changed = re.sub(pattern, replacement, name, count=1)
        if changed != name and len(changed) >= 2:
            return changed
    return name


_TYPOS: Final = (dropped_letter, doubled_letter, neighbour_key, swapped_letters)


def misspelt(name: str, rng: random.Random) -> str:
    """One slip: half the time spelt as it sounds, otherwise a keying mistake."""
    if rng.random() < 0.5:
        changed = sounds_like(name, rng)
        if changed != name:
            return changed
    return rng.choice(_TYPOS)(name, rng)


def hyphen_habit(family: str, rng: random.Random) -> str:
    """Double-barrelled and prefixed names as systems mangle them."""
    if "-" in family:
        first, _, second = family.partition("-")
        return rng.choice((f"{first} {second}", second, first, f"{first}{second.lower()}"))
    if family.startswith("O'"):
        return rng.choice((f"O {family[2:]}", f"O{family[2:]}", f"O{family[2:].lower()}"))
    return family


# -- dates of birth ---------------------------------------------------------------------


def iso(day: date) -> str:
    return day.isoformat()


def day_month_swapped(day: date) -> str:
    """14/03 read as 03/14 cannot happen; 04/03 read as 03/04 can."""
    if day.day > 12 or day.day == day.month:
        return iso(day)
    return f"{day.year:04d}-{day.day:02d}-{day.month:02d}"


def year_slipped(day: date, rng: random.Random) -> str:
    year = day.year + rng.choice((-1, 1))
    month_day = (day.month, min(day.day, 28)) if day.month == 2 else (day.month, day.day)
    return f"{year:04d}-{month_day[0]:02d}-{month_day[1]:02d}"


def day_slipped(day: date, rng: random.Random) -> str:
    """A neighbouring day key: 14 keyed as 15 or 24."""
    candidates = [d for d in (day.day - 1, day.day + 1, day.day + 10, day.day - 10) if 1 <= d <= 28]
    return f"{day.year:04d}-{day.month:02d}-{rng.choice(candidates):02d}"


def month_only(day: date) -> str:
    """Only the month known: what a victim's partner's age gives a police officer."""
    return f"{day.year:04d}-{day.month:02d}"


def slipped_birth_date(day: date, rng: random.Random) -> str:
    """A date of birth written down wrong in one of the ways people do."""
    kind = rng.random()
    if kind < 0.35 and day.day <= 12 and day.day != day.month:
        return day_month_swapped(day)
    if kind < 0.6:
        return year_slipped(day, rng)
    if kind < 0.85:
        return day_slipped(day, rng)
    return month_only(day)


# -- postcodes and addresses ------------------------------------------------------------

POSTCODE_STYLES: Final = ("standard", "standard", "standard", "standard", "no_space", "lower")


def postcode_as_written(postcode: str, style: str) -> str:
    if style == "no_space":
        return postcode.replace(" ", "")
    if style == "lower":
        return postcode.lower()
    return postcode


#: Street kinds and how agencies shorten them.
STREET_ABBREVIATIONS: Final[dict[str, str]] = {
    "Road": "Rd",
    "Street": "St",
    "Avenue": "Ave",
    "Close": "Cl",
    "Lane": "Ln",
    "Drive": "Dr",
    "Crescent": "Cres",
    "Gardens": "Gdns",
    "Terrace": "Terr",
    "Court": "Ct",
    "Grove": "Gr",
    "Place": "Pl",
    "Way": "Way",
    "Walk": "Wlk",
    "Square": "Sq",
}
