"""National identifiers and postcodes: checked, normalised, trusted or not.

An identifier that fails its check is kept exactly as the agency recorded it
(a worker may need to see it) but is never trusted for matching people: one
mistyped NHS number must not merge two children. So every function here
returns both the normalised value (or null when untrusted) and a problem.
"""

from __future__ import annotations

import re
from typing import Final

import polars as pl

_NHS_WEIGHTS: Final = tuple(range(10, 1, -1))  # 10, 9, ..., 2
_POSTCODE_RE: Final = r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$"
_UPN_RE: Final = r"^[A-Z][0-9]{11}[0-9A-Z]$"
_UPN_CHECK_LETTERS: Final = "ABCDEFGHJKLMNPQRTUVWXYZ"


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for the first nine digits, or None if none exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_valid_nhs_number(text: str) -> bool:
    """Scalar check, for code paths that handle one value (the generator, tests)."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def check_nhs_numbers(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Normalised NHS numbers (null when absent or invalid) and their problems."""
    text = raw.cast(pl.String).str.strip_chars()
    digits = text.str.replace_all(r"[\s-]", "")
    frame = pl.DataFrame({"text": text, "d": digits})
    weighted = pl.sum_horizontal(
        pl.col("d").str.slice(i, 1).cast(pl.Int64, strict=False) * w
        for i, w in enumerate(_NHS_WEIGHTS)
    )
    check = (pl.lit(11) - weighted % 11).replace(11, 0)
    last = pl.col("d").str.slice(9, 1).cast(pl.Int64, strict=False)
    shaped = pl.col("d").str.contains(r"^[0-9]{10}$").fill_null(False)
    present = pl.col("text").is_not_null() & (pl.col("text") != "")
    out = frame.select(
        valid=shaped & (check != 10) & (check == last),
        present=present,
    )
    valid = out["valid"].fill_null(False)
    normalised = pl.select(pl.when(valid).then(digits)).to_series().alias(raw.name)
    shaped_ok = frame.select(shaped)["d"].fill_null(False)
    problem = pl.select(
        pl.when(out["present"] & ~shaped_ok)
        .then(pl.format("NHS number '{}' is not 10 digits; kept as recorded but not used to "
                        "match people", text))
        .when(out["present"] & ~valid)
        .then(pl.format("NHS number '{}' fails its check digit; kept as recorded but not used "
                        "to match people", text))
        .otherwise(pl.lit(None, dtype=pl.String))
    ).to_series()
    return normalised, problem


def check_postcodes(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Postcodes normalised to ``AB1 2CD`` (null when absent or malformed) and problems."""
    text = raw.cast(pl.String).str.strip_chars()
    squeezed = text.str.to_uppercase().str.replace_all(r"\s+", " ")
    outward = squeezed.str.extract(_POSTCODE_RE, 1)
    inward = squeezed.str.extract(_POSTCODE_RE, 2)
    normalised = pl.select(
        pl.when(outward.is_not_null()).then(pl.concat_str([outward, inward], separator=" "))
    ).to_series()
    present = text.is_not_null() & (text != "")
    problem = pl.select(
        pl.when(present & normalised.is_null())
        .then(pl.format("postcode '{}' is not the shape of a UK postcode; kept as recorded", text))
        .otherwise(pl.lit(None, dtype=pl.String))
    ).to_series()
    return normalised.alias(raw.name), problem


def upn_check_letter(last_twelve: str) -> str:
    """The DfE check letter for the 12 characters after it."""
    total = 0
    for position, char in enumerate(last_twelve, start=2):
        value = int(char) if char.isdigit() else _UPN_CHECK_LETTERS.index(char)
        total += value * position
    return _UPN_CHECK_LETTERS[total % 23]


def is_valid_upn(text: str) -> bool:
    """A unique pupil number with the right shape and check letter."""
    upn = text.strip().upper()
    if not re.fullmatch(_UPN_RE, upn):
        return False
    if not upn[-1].isdigit() and upn[-1] not in _UPN_CHECK_LETTERS:
        return False
    return upn_check_letter(upn[1:]) == upn[0]


def check_upns(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """UPNs (null when absent or failing their check letter) and their problems.

    Done a value at a time: UPNs are on school rows only and the check is cheap.
    """
    normalised: list[str | None] = []
    problems: list[str | None] = []
    for value in raw.cast(pl.String).to_list():
        text = (value or "").strip()
        if not text:
            normalised.append(None)
            problems.append(None)
        elif is_valid_upn(text):
            normalised.append(text.upper())
            problems.append(None)
        else:
            normalised.append(None)
            problems.append(
                f"UPN '{text}' is not 13 characters with a valid check letter; "
                "kept as recorded but not used to match people"
            )
    return (
        pl.Series(raw.name, normalised, dtype=pl.String),
        pl.Series("problem", problems, dtype=pl.String),
    )
