"""How agencies get people's details slightly wrong.

Real exports disagree about the same person: a nickname at school, a slip of
the keyboard at the front desk, a date of birth with day and month swapped,
one half of a double-barrelled surname. Each function here makes one such
disagreement, at the rates each agency's :class:`~wholestory.synth.agencies.Style`
sets. Identity linking is measured against ground truth on exactly this noise.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

from wholestory.synth.names import NAME_VARIANTS

_NEIGHBOURS: Final[dict[str, str]] = {
    "a": "qswz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}  # fmt: skip


def typo(rng: random.Random, text: str) -> str:
    """One slip: a neighbouring key, two letters swapped, or a letter dropped.

    The first letter is kept (people rarely mistype it), so names stay
    recognisable, as they do in real records.
    """
    if len(text) < 4:
        return text
    for _ in range(10):
        i = rng.randrange(1, len(text))
        kind = rng.random()
        char = text[i]
        if kind < 0.4 and char.lower() in _NEIGHBOURS:
            swap = rng.choice(_NEIGHBOURS[char.lower()])
            out = text[:i] + (swap.upper() if char.isupper() else swap) + text[i + 1 :]
        elif kind < 0.7 and i >= 2:
            out = text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
        else:
            out = text[:i] + text[i + 1 :]
        if out != text and out.replace("'", "").replace("-", "").isalpha():
            return out
    return text


def familiar(rng: random.Random, given: str) -> str | None:
    """Another way of writing ``given`` (Jamie for James), or None if there is none."""
    variants = NAME_VARIANTS.get(given)
    return rng.choice(variants) if variants else None


def swapped_dob(dob: dt.date) -> str | None:
    """The date of birth with day and month transposed, when that is still a date."""
    if dob.day > 12 or dob.day == dob.month:
        return None
    return dt.date(dob.year, dob.day, dob.month).isoformat()


def surname_as_recorded(rng: random.Random, family: str) -> str:
    """A double-barrelled or apostrophised surname as one agency writes it."""
    if "-" in family:
        first, second = family.split("-", 1)
        return rng.choices((family, f"{first} {second}", first, second), weights=(60, 15, 10, 15))[
            0
        ]
    if "'" in family and rng.random() < 0.3:
        return family.replace("'", "")
    return family


def short_address(address: str) -> str:
    """The abbreviations some systems use for street kinds."""
    for long, short in (
        ("Road", "Rd"),
        ("Street", "St"),
        ("Avenue", "Ave"),
        ("Drive", "Dr"),
        ("Crescent", "Cres"),
        ("Close", "Cl"),
    ):
        address = address.replace(f" {long},", f" {short},")
    return address
