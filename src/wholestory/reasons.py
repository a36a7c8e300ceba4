"""Reasons for breaking glass: chosen from a list, then said in real words.

A break-glass reason is read by the leads of the agencies involved and by
whoever audits the access later. ``aaaaaaaaaa`` tells them nothing, so a
reason is a ground chosen from :data:`GROUNDS` plus at least
:data:`MIN_WORDS` different real words saying what is happening. Plain
Python: the pages and the tests call the same functions.
"""

from __future__ import annotations

import re
from typing import Final

#: The grounds a worker chooses from, in the words the form uses.
GROUNDS: Final[dict[str, str]] = {
    "risk": "A child may be at immediate risk of harm",
    "s47": "Strategy discussion or section 47 enquiry",
    "emergency": "Child brought to hospital or to an emergency service",
    "missing": "Child missing, or taken into police protection",
    "meeting": "Multi-agency meeting today (MASH, Marac or child protection conference)",
    "other": "Something else (say what below)",
}
#: The fewest different real words a reason's own text must have.
MIN_WORDS: Final = 5

_WORD: Final = re.compile(r"[^\W\d_]+(?:['’&-][^\W\d_]+)*")
_KEYBOARD: Final = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


class ReasonError(ValueError):
    """A reason that says nothing (the message tells the worker what to write)."""


def real_words(text: str) -> set[str]:
    """The different words in ``text`` that could be words: letters with a vowel in them,
    not one letter repeated, not a run along the keyboard or the alphabet."""
    found = set()
    for word in (w.casefold() for w in _WORD.findall(text)):
        letters = re.sub(r"['’&-]", "", word)
        if len(set(letters)) < 2 and len(letters) > 1:
            continue  # "aaaa"
        if not re.search(r"[aeiouy]", letters):
            continue  # "GP" or "xkcd": not counted, though allowed in the text
        if len(letters) >= 4 and any(letters in row or letters[::-1] in row for row in _KEYBOARD):
            continue
        if re.search(r"(.)\1\1", letters):
            continue  # "hhhelp", "xxx"
        found.add(letters)
    return found


def check_reason(ground: str, text: str) -> str:
    """The reason as recorded (the ground, then the worker's words); :class:`ReasonError` if
    no ground is chosen or the words say too little to be checked later."""
    if ground not in GROUNDS:
        raise ReasonError("Choose why you need to do this.")
    said = " ".join(text.split())
    if len(real_words(said)) < MIN_WORDS:
        raise ReasonError(
            f"Say in your own words what is happening, in at least {MIN_WORDS} different "
            "words (for example, who asked and what for). The leads of the agencies "
            "involved will read it."
        )
    return f"{GROUNDS[ground]}: {said}" if ground != "other" else said
