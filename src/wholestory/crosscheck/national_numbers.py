"""NHS numbers and unique pupil numbers, made and checked here from their published rules.

NHS numbers are drawn from the 999 range, which the NHS keeps for testing
and never issues to a person. They carry a modulus 11 check digit; a number
whose check would be 10 is never issued, so it is skipped. Unique pupil
numbers carry a check letter computed over their other twelve characters.
Both are implemented here, not borrowed from the product, so a test can
check the product's validators against an independent implementation.
"""

from __future__ import annotations

import random
from typing import Final

_CHECK_LETTERS: Final = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
_NHS_SPACE: Final = 1_000_000  # the six free digits after the 999 prefix
_STRIDE: Final = 7919  # prime, so stepping by it visits every number once


def nhs_check(first_nine: str) -> int | None:
    """Modulus 11 over weights 10..2; ``None`` where the rule gives 10 (never issued)."""
    total = sum(int(digit) * (10 - i) for i, digit in enumerate(first_nine))
    remainder = 11 - total % 11
    if remainder == 11:
        return 0
    return None if remainder == 10 else remainder


class NhsNumbers:
    """Issues distinct valid test-range NHS numbers, in an order fixed by the seed."""

    def __init__(self, rng: random.Random) -> None:
        self._next = rng.randrange(_NHS_SPACE)

    def issue(self) -> str:
        while True:
            body = f"999{self._next:06d}"
            self._next = (self._next + _STRIDE) % _NHS_SPACE
            check = nhs_check(body)
            if check is not None:
                return f"{body}{check}"


def nhs_mistyped(number: str, rng: random.Random) -> str:
    """The number with one digit keyed wrong, so that its check digit fails."""
    for _ in range(20):
        i = rng.randrange(3, 10)
        digit = str((int(number[i]) + rng.randint(1, 9)) % 10)
        wrong = number[:i] + digit + number[i + 1 :]
        if nhs_check(wrong[:9]) != int(wrong[9]):
            return wrong
    return number[:9] + str((int(number[9]) + 1) % 10)


def nhs_as_written(number: str, rng: random.Random) -> str:
    """Ten digits, or the 3-3-4 grouping printed on NHS letters."""
    if rng.random() < 0.15:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    return number


def upn_check_letter(body: str) -> str:
    """The check letter for the twelve characters after it (weights 2 to 13, modulus 23)."""
    total = sum(int(c) * weight for weight, c in enumerate(body, start=2))
    return _CHECK_LETTERS[total % 23]


class PupilNumbers:
    """Issues UPNs: local authority, school, year of issue and a serial, with the check letter.

    The borough's local authority number is 987; when a school's serial runs
    past 999 in a year, the next of the authority's reserved numbers is used
    so that no two children ever share a UPN.
    """

    def __init__(self) -> None:
        self._serials: dict[tuple[str, int], int] = {}

    def issue(self, school: str, year: int) -> str:
        key = (school, year % 100)
        serial = self._serials.get(key, 0)
        self._serials[key] = serial + 1
        authority = 987 - serial // 1000
        body = f"{authority:03d}{school}{year % 100:02d}{serial % 1000:03d}"
        return upn_check_letter(body) + body
