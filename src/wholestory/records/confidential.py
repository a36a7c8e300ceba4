"""What a confidential address is to every layer: its columns, and how free text hides it.

Ingest sets a confidential address aside (:mod:`wholestory.ingest.confidential`) and
the store keeps it apart and hides the same place in other agencies' records
(:mod:`wholestory.store.confidential`); both hide it in the text around it the same way.
"""

from __future__ import annotations

import re
from typing import Final

#: Columns of a validated row that carry a confidential address to the store's own table.
CONFIDENTIAL_FIELDS: Final = ("confidential_address", "confidential_postcode")

#: What a page, a download or the API shows in place of a confidential address.
SHOWN: Final = "Confidential address"

#: What free text says in place of a confidential address or its postcode.
HIDDEN: Final = "[confidential address]"


def hiding_pattern(address: str | None, postcode: str | None) -> re.Pattern[str] | None:
    """The address, its parts, its street, or its postcode, in any case and spacing.

    Free text rarely repeats an address whole: "Flat 2, 9 Linden Row" is "9 Linden
    Row" or "Linden Row" in a note. Each comma-separated part is hidden, and each
    part without its leading number; a part of fewer than four letters ("Flat 2")
    is too common to look for alone. Over-hiding a word costs a little reading;
    missing one may cost a life.
    """
    words = [_loose(w) for w in _parts(address or "")]
    compact = (postcode or "").replace(" ", "")
    if len(compact) > 3:
        words.append(re.escape(compact[:-3]) + r"\s*" + re.escape(compact[-3:]))
    elif compact:
        words.append(re.escape(compact))
    return re.compile("|".join(words), re.IGNORECASE) if words else None


def _parts(address: str) -> list[str]:
    """The whole address, each part of it, and each part without its number: longest first."""
    found = {address.strip()}
    for part in address.split(","):
        found.add(part.strip())
        found.add(
            re.sub(r"^(flat|apartment|unit|room)?\s*[\d/-]+[a-z]?\s+", "", part.strip(), flags=re.I)
        )
    kept = [p for p in found if sum(c.isalpha() for c in p) >= 4]
    return sorted(kept, key=len, reverse=True)


def _loose(text: str) -> str:
    """``text`` as a pattern that allows any spacing between its words."""
    return r"\b" + r"\s*".join(re.escape(w) for w in text.split()) + r"\b"


def hide_in_text(text: str | None, pattern: re.Pattern[str] | None) -> str | None:
    """``text`` with every mention of the place replaced by :data:`HIDDEN`."""
    return pattern.sub(HIDDEN, text) if pattern is not None and text else text
