"""Given-name variants: which recorded first names may be the same name.

Agencies record one person's given name in different ways: the school has the
registered "James", the police the "Jamie" he gives, the GP "Kellie" where the
council typed "Kelly", an older record "Peggy" for "Margaret". String distance
catches some spellings but not familiar forms (Bill and William share only one
letter), so the linking model also asks whether two names share a group in a
hand-written table, ``nicknames.txt``, that ships inside the package.

A shared group is evidence, never proof: "Alex" is in both Alexander's and
Alexandra's groups, and the model weighs the match like any other comparison.
The table is the product's own, written independently of the synthetic data
generator's list, so that evaluation against synthetic data stays honest.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources
from typing import Final

_PACKAGE: Final = "wholestory.identity"
_DATA_FILE: Final = "nicknames.txt"

#: One name in the table: lowercase ASCII letters, a hyphen or an apostrophe
#: only between letters ("mary-jane", "d'arcy").
_NAME_RE: Final = re.compile(r"[a-z]+(?:['-][a-z]+)*")

#: Characters that NFKD leaves alone but that records spell as ASCII: Polish
#: and Nordic letters, typographic apostrophes, and dashes typed for hyphens.
_UNDECOMPOSED: Final = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "`": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
    }
)


def parse_table(text: str, source: str = _DATA_FILE) -> dict[str, tuple[str, ...]]:
    """Each name in the table text, with the sorted keys of the groups holding it.

    The file is edited by hand, so a mistake must stop the load with the line
    to fix rather than quietly drop or mangle a group: a ``ValueError`` names
    ``source`` and the line number.
    """
    groups: dict[str, set[str]] = {}
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{source} line {number}"
        names = line.split(" ")
        for name in names:
            if not name:
                raise ValueError(f"{where}: names must be separated by single spaces: {line!r}")
            if not _NAME_RE.fullmatch(name):
                raise ValueError(
                    f"{where}: {name!r} is not a name (lowercase ASCII letters, with a hyphen "
                    f"or apostrophe only between letters): {line!r}"
                )
        if len(names) < 2:
            raise ValueError(f"{where}: a group needs at least two names: {line!r}")
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"{where}: {', '.join(repeated)} appears twice in the group")
        key = names[0]
        if key in first_line:
            raise ValueError(f"{where}: {key!r} already heads the group on line {first_line[key]}")
        first_line[key] = number
        for name in names:
            groups.setdefault(name, set()).add(key)
    return {name: tuple(sorted(keys)) for name, keys in groups.items()}


@functools.cache
def _table() -> dict[str, tuple[str, ...]]:
    text = resources.files(_PACKAGE).joinpath(_DATA_FILE).read_text(encoding="utf-8-sig")
    return parse_table(text)


def group_table() -> dict[str, tuple[str, ...]]:
    """Every name in the shipped table, with the sorted keys of its groups.

    The file is read and checked once per process; each call returns a copy,
    so a caller that edits its table cannot change what :func:`name_groups`
    answers.
    """
    return dict(_table())


def normalise(name: str) -> str:
    """A name as the table spells it: lowercase ASCII, accents dropped.

    Letters, hyphens, apostrophes and single spaces are kept; any other
    character (a digit, a full stop, a slash) becomes a space, so "Mary/Jane"
    keeps its two parts.
    """
    text = name.strip().lower().translate(_UNDECOMPOSED)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[^a-z'\-]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _lookup_forms(name: str) -> set[str]:
    """The spellings of a name to look up: whole, run together, and each part.

    A double name is tried whole ("mary-jane"), run together ("Jo-Anne" is
    "joanne") and part by part; each also without apostrophes, because
    agencies' systems often strip them ("D'Arcy", "Darcy").
    """
    parts = [part.strip("'-") for part in re.split(r"[\s-]+", normalise(name))]
    parts = [part for part in parts if part]
    if not parts:
        return set()
    forms = {"-".join(parts), "".join(parts), *parts}
    return forms | {form.replace("'", "") for form in forms}


def name_groups(name: str | None) -> tuple[str, ...]:
    """The sorted keys of every group holding ``name``, or ``()`` if none does.

    Two given names are possibly the same name when their answers share a key.
    A double given name ("Mary-Jane", "mary jane") answers for the whole name
    and for each part, since a person may be recorded under either part.
    """
    if not name:
        return ()
    table = _table()
    keys = {key for form in _lookup_forms(name) for key in table.get(form, ())}
    return tuple(sorted(keys))
