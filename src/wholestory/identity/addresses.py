"""Addresses in one spelling, so that "12 Oak Rd" and "12 OAK ROAD" are one address.

Agencies write the same home differently: capitals or not, commas, full stops,
double spaces, "Rd" for "Road". Linking compares addresses and households group
people by address, and both must read an address the same way, or a family
would be one address to linking and two to its household. So there is one
normalisation, here, used by both
(:mod:`wholestory.identity.features` and :mod:`wholestory.identity.households`).
"""

from __future__ import annotations

from typing import Final

import polars as pl

#: Street kinds as agencies abbreviate them, expanded so that "Rd" meets "Road".
STREET_WORDS: Final[dict[str, str]] = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "dr": "drive",
    "cres": "crescent",
    "cl": "close",
    "ln": "lane",
    "gdns": "gardens",
    "ct": "court",
    "pl": "place",
    "sq": "square",
    "tce": "terrace",
    "pk": "park",
    "hse": "house",
}


def normalised_address(address: pl.Expr) -> pl.Expr:
    """An address in one spelling: lower case, accents and punctuation dropped, street
    kinds in full, single spaces; null when nothing is left.

    ``"12, OAK  Rd."`` becomes ``"12 oak road"``. Accents are dropped, not the
    accented letter (``"Rue Émile"`` is ``"rue emile"``), as in names; letters
    of other scripts are kept.
    """
    folded = address.str.normalize("NFKD").str.replace_all(r"\p{Mn}", "").str.to_lowercase()
    text = folded.str.replace_all(r"[^\p{L}\p{N}]", " ")
    words = text.str.split(" ").list.eval(
        pl.element().filter(pl.element().str.len_chars() > 0).replace(STREET_WORDS)
    )
    joined = words.list.join(" ").fill_null("")
    return pl.when(joined.str.len_chars() > 0).then(joined)


def compact_postcode(postcode: pl.Expr) -> pl.Expr:
    """A postcode in capitals with no spaces or punctuation (``xw4 7qt`` is ``XW47QT``)."""
    return postcode.str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")
