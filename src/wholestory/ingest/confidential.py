"""Confidential addresses at ingest: set aside before anything else reads them.

A row marked ``address_confidential`` (a victim who has fled, a refuge, a protected
placement) must not show its address to anyone who might pass it to the perpetrator:
not in a page, an export, a household link, a search result or an error
(``shared/spec/domestic-abuse.md``). Filtering every place that reads an address
would leave the next new page to get it wrong, so the address never reaches them:
it is moved here, before normalising, into two columns that the store writes only
to ``ws_confidential_address`` (:mod:`wholestory.store.confidential`), and the row's
own address and postcode are blanked. No warning, provenance, household link,
look-alike set or search can then hold it. Where the row's summary or action repeats
the address or its postcode, that text becomes :data:`HIDDEN`.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from wholestory.records.confidential import (
    CONFIDENTIAL_FIELDS,
    HIDDEN,
    hide_in_text,
    hiding_pattern,
)
from wholestory.records.identifiers import postcode_exprs
from wholestory.records.template import CONFIDENTIAL_NO, CONFIDENTIAL_YES

#: Free-text columns where a confidential address is looked for and hidden.
_FREE_TEXT: Final = ("summary", "action")


def confidential_flag() -> pl.Expr:
    """``True`` where the row's address is confidential, else null (so old rows hash alike)."""
    said = pl.col("address_confidential").str.to_uppercase()
    return pl.when(said.is_in(sorted(CONFIDENTIAL_YES))).then(pl.lit(True)).otherwise(None)


def confidential_problem() -> pl.Expr:
    """Why an ``address_confidential`` value cannot be used, or null.

    A value that is neither a yes nor a no ("refuge?", "see notes") rejects the
    row: read as no, an address the agency meant to hide would be shown; read as
    yes, the agency's intent is guessed. The row is quarantined with its address
    hidden (:func:`hide_in_raw`), and the agency says which it meant.
    """
    said = pl.col("address_confidential").str.to_uppercase()
    known = (said == "") | said.is_in(sorted(CONFIDENTIAL_YES | CONFIDENTIAL_NO))
    return pl.when(~known).then(
        pl.format(
            "'{}' is not Y or N (Y hides this address from other agencies; leave blank or N "
            "for an ordinary address)",
            pl.col("address_confidential"),
        )
    )


def may_be_confidential(said: str) -> bool:
    """Whether a raw ``address_confidential`` cell might mean yes: anything but blank or a no."""
    return said.strip().upper() not in CONFIDENTIAL_NO | {""}


def set_aside(rows: pl.DataFrame) -> pl.DataFrame:
    """Move confidential addresses into :data:`CONFIDENTIAL_FIELDS`; blank them in the row.

    The postcode set aside is normalised as the store holds postcodes (``AB1 2CD``),
    or kept as written when it is not the shape of one, so that the same place
    recorded by another agency can be found (:func:`~wholestory.store.confidential.hide_places`).
    """
    hidden = confidential_flag().fill_null(False)
    normalised, _ = postcode_exprs(pl.col("postcode"))
    postcode = pl.coalesce(normalised, pl.when(pl.col("postcode") != "").then(pl.col("postcode")))
    out = rows.with_columns(
        pl.when(hidden & (pl.col("address") != ""))
        .then(pl.col("address"))
        .otherwise(None)
        .alias("confidential_address"),
        pl.when(hidden).then(postcode).otherwise(None).alias("confidential_postcode"),
        pl.when(hidden).then(pl.lit("")).otherwise(pl.col("address")).alias("address"),
        pl.when(hidden).then(pl.lit("")).otherwise(pl.col("postcode")).alias("postcode"),
    )
    return _hide_in_free_text(out)


def _hide_in_free_text(rows: pl.DataFrame) -> pl.DataFrame:
    """Replace a confidential row's own address and postcode in its summary and action."""
    secret = (
        rows["confidential_address"].is_not_null() | rows["confidential_postcode"].is_not_null()
    )
    if not secret.any():
        return rows
    where = secret.arg_true()
    places = rows.filter(secret).select(*CONFIDENTIAL_FIELDS).rows()
    patterns = [hiding_pattern(address, postcode) for address, postcode in places]
    replaced = []
    for column in _FREE_TEXT:
        texts = rows[column].filter(secret).to_list()
        new = [hide_in_text(t, p) for p, t in zip(patterns, texts, strict=True)]
        replaced.append(rows[column].scatter(where, pl.Series(new, dtype=pl.String)))
    return rows.with_columns(replaced)


def hide_in_raw(cells: list[str | None], mapping: dict[int, str], said: str) -> list[str | None]:
    """A quarantined row's cells with its address and postcode hidden if it may be confidential.

    A rejected row is kept as read so that the agency can correct it; when its
    ``address_confidential`` (``said``, after the profile's constants) says or may
    say yes, the address is not kept even there.
    """
    if not may_be_confidential(said):
        return cells
    named = {column: i for i, column in mapping.items() if i < len(cells)}
    place = [str(cells[named[c]] or "") if c in named else "" for c in ("address", "postcode")]
    pattern = hiding_pattern(*place)
    out = [hide_in_text(c, pattern) for c in cells]
    for column in ("address", "postcode"):
        if column in named:
            out[named[column]] = HIDDEN
    return out
