"""National identifiers and postcodes: checked, normalised, trusted or not.

An identifier that fails its check is kept exactly as the agency recorded it
(a worker may need to see it) but is never trusted for matching people: one
mistyped NHS number must not merge two children. So each check gives both a
normalised value (null when untrusted) and a problem. Checks are Polars
expressions, so ingest runs them over a whole chunk at once; the scalar
functions serve the generator and tests.
"""

from __future__ import annotations

import re
from typing import Final

import polars as pl

_NHS_WEIGHTS: Final = tuple(range(10, 1, -1))  # 10, 9, ..., 2
_POSTCODE_RE: Final = r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$"
_UPN_RE: Final = r"^[A-Z][0-9]{11}[0-9A-Z]$"
_UPN_CHECK_LETTERS: Final = "ABCDEFGHJKLMNPQRTUVWXYZ"
_NULL_STR: Final = pl.lit(None, dtype=pl.String)

#: The value of each character in the UPN check-letter sum.
_UPN_VALUES: Final[dict[str, int]] = {
    **{str(d): d for d in range(10)},
    **{c: i for i, c in enumerate(_UPN_CHECK_LETTERS)},
}


def _present(text: pl.Expr) -> pl.Expr:
    return text.is_not_null() & (text != "")


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for the first nine digits, or None if none exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_valid_nhs_number(text: str) -> bool:
    """Scalar check, for code that handles one value (the generator, tests)."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def nhs_exprs(column: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """NHS numbers as 10 digits (null when absent or invalid), and their problems."""
    text = column.cast(pl.String).str.strip_chars()
    digits = text.str.replace_all(r"[\s-]", "")
    weighted = pl.sum_horizontal(
        digits.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(_NHS_WEIGHTS)
    )
    check = (pl.lit(11) - weighted % 11).replace(11, 0)
    last = digits.str.slice(9, 1).cast(pl.Int64, strict=False)
    shaped = digits.str.contains(r"^[0-9]{10}$").fill_null(False)
    valid = (shaped & (check != 10) & (check == last)).fill_null(False)
    advice = "kept as recorded but not used to match people"
    problem = (
        pl.when(_present(text) & ~shaped)
        .then(pl.format("NHS number '{}' is not 10 digits; " + advice, text))
        .when(_present(text) & ~valid)
        .then(pl.format("NHS number '{}' fails its check digit; " + advice, text))
        .otherwise(_NULL_STR)
    )
    return pl.when(valid).then(digits), problem


def postcode_exprs(column: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Postcodes as ``AB1 2CD`` (null when absent or malformed), and their problems."""
    text = column.cast(pl.String).str.strip_chars()
    squeezed = text.str.to_uppercase().str.replace_all(r"\s+", " ")
    normalised = pl.concat_str(
        [squeezed.str.extract(_POSTCODE_RE, 1), squeezed.str.extract(_POSTCODE_RE, 2)],
        separator=" ",
    )
    problem = (
        pl.when(_present(text) & normalised.is_null())
        .then(pl.format("postcode '{}' is not the shape of a UK postcode; kept as recorded", text))
        .otherwise(_NULL_STR)
    )
    return normalised, problem


def upn_check_letter(last_twelve: str) -> str:
    """The DfE check letter for the 12 characters after it."""
    total = sum(_UPN_VALUES[c] * w for w, c in enumerate(last_twelve, start=2))
    return _UPN_CHECK_LETTERS[total % 23]


def is_valid_upn(text: str) -> bool:
    """A unique pupil number with the right shape and check letter."""
    upn = text.strip().upper()
    if not re.fullmatch(_UPN_RE, upn) or upn[-1] not in _UPN_VALUES:
        return False
    return upn_check_letter(upn[1:]) == upn[0]


def upn_exprs(column: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """UPNs (null when absent or failing their check letter), and their problems."""
    text = column.cast(pl.String).str.strip_chars()
    upn = text.str.to_uppercase()
    total = pl.sum_horizontal(
        upn.str.slice(i, 1).replace_strict(_UPN_VALUES, default=None, return_dtype=pl.Int64)
        * (i + 1)
        for i in range(1, 13)
    )
    letters = {i: c for i, c in enumerate(_UPN_CHECK_LETTERS)}
    expected = (total % 23).replace_strict(letters, default=None, return_dtype=pl.String)
    valid = (upn.str.contains(_UPN_RE) & (upn.str.slice(0, 1) == expected)).fill_null(False)
    problem = (
        pl.when(_present(text) & ~valid)
        .then(
            pl.format(
                "UPN '{}' is not 13 characters with a valid check letter; kept as recorded but "
                "not used to match people",
                text,
            )
        )
        .otherwise(_NULL_STR)
    )
    return pl.when(valid).then(upn), problem


def _apply(exprs: tuple[pl.Expr, pl.Expr], raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    out = pl.DataFrame({"v": raw}).select(value=exprs[0], problem=exprs[1])
    return out["value"].alias(raw.name), out["problem"]


def check_nhs_numbers(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """:func:`nhs_exprs` over a Series."""
    return _apply(nhs_exprs(pl.col("v")), raw)


def check_postcodes(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """:func:`postcode_exprs` over a Series."""
    return _apply(postcode_exprs(pl.col("v")), raw)


def check_upns(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """:func:`upn_exprs` over a Series."""
    return _apply(upn_exprs(pl.col("v")), raw)
