"""Other names people go by: the cross-check generator's own nickname habits.

A child called Alexander on the GP register is "Sasha" at school and "Alex"
to the police; Małgorzata is "Gosia" at home and "Margaret" at the job centre.
This list is written for the cross-check alone and deliberately does not read
the product's nickname file: a link that only works because the generator
and the linker share a list measures nothing. The list itself is
``variants.txt``, beside this module.
"""

from __future__ import annotations

import random
from importlib import resources
from typing import Final


def _read_variants() -> dict[str, tuple[str, ...]]:
    """The table ships as text beside this module, so it is edited as a list of names."""
    table = resources.files("wholestory.crosscheck").joinpath("variants.txt")
    text = table.read_text(encoding="utf-8")
    rows = (line.split(" ") for line in text.splitlines() if line and not line.startswith("#"))
    return {formal: tuple(known) for formal, *known in rows}


#: Formal name -> names the same person is known by (``variants.txt``).
VARIANTS: Final[dict[str, tuple[str, ...]]] = _read_variants()


def known_as(given: str, rng: random.Random) -> str:
    """A name the person is known by instead of ``given``, or ``given`` if none."""
    options = VARIANTS.get(given)
    return rng.choice(options) if options else given


def has_variant(given: str) -> bool:
    return given in VARIANTS
