"""Synthetic identifiers: NHS numbers, UPNs, postcodes and agency ids.

Every identifier is made to be impossible to confuse with a real one while
still passing the checks an ingest makes:

* NHS numbers come from the range 999 000 0000-999 999 9999, which the NHS
  keeps for testing, with a valid modulus 11 check digit;
* UPNs carry the DfE check letter, with a local authority number (990) that
  no authority uses;
* postcodes use area letters no UK postcode uses (``XV``, ``XW``, ``XZ``);
* agency ids are each agency's own shape, as in real exports (a police
  nominal ``PN0012345``, a social care id ``CSC-004567``).

Numbers are handed out in sequence by allocators, never drawn at random, so
two people never share an NHS number or a UPN however large the run.
"""

from __future__ import annotations

import random
from typing import Final

# The product's own checks: what the generator makes is what ingest accepts.
from wholestory.records.identifiers import nhs_check_digit, upn_check_letter

#: Postcode areas used by no real UK postcode.
POSTCODE_AREAS: Final[tuple[str, ...]] = ("XV", "XW", "XZ")
#: Letters allowed in the inward part of a UK postcode (no C, I, K, M, O, V).
_INWARD_LETTERS: Final = "ABDEFGHJLNPQRSTUWXYZ"
_NHS_BODIES: Final = 1_000_000  # 999 followed by six digits
_NHS_STRIDE: Final = 618_033  # coprime with 10**6: k -> k*stride mod 10**6 visits every body once
_UPN_LA: Final = "990"


def invalid_nhs_variant(number: str, rng: random.Random) -> str:
    """The same number with a wrong check digit: a typical keying error."""
    right = int(number[9])
    wrong = rng.choice([d for d in range(10) if d != right])
    return number[:9] + str(wrong)


class NhsNumbers:
    """Hands out distinct valid test-range NHS numbers in a seeded order."""

    def __init__(self, seed: int) -> None:
        self._next = random.Random(f"nhs:{seed}").randrange(_NHS_BODIES)
        self._issued = 0

    def issue(self) -> str:
        """The next number; raises once the test range is used up (about 909,000)."""
        while self._issued < _NHS_BODIES:
            body = (self._next * _NHS_STRIDE) % _NHS_BODIES
            self._next = (self._next + 1) % _NHS_BODIES
            self._issued += 1
            first_nine = f"999{body:06d}"
            check = nhs_check_digit(first_nine)
            if check is not None:
                return f"{first_nine}{check}"
        raise RuntimeError("the NHS test number range is used up: generate fewer people")


class Upns:
    """Hands out distinct UPNs: school number, year of allocation and a serial."""

    def __init__(self) -> None:
        self._serials: dict[tuple[int, int], int] = {}

    def issue(self, establishment: int, year: int) -> str:
        """A new UPN as the school with this DfE number would allocate it in ``year``."""
        while True:
            key = (establishment, year % 100)
            serial = self._serials.get(key, 0) + 1
            self._serials[key] = serial
            if serial <= 999:
                break
            establishment = (establishment + 3_000) % 10_000  # overflow into a spare range
        body = f"{_UPN_LA}{establishment:04d}{year % 100:02d}{serial:03d}"
        return upn_check_letter(body) + body


def postcode(rng: random.Random, area: str, district: int) -> str:
    """A postcode of valid shape in a fictional area, e.g. ``XW4 7QT``."""
    letters = rng.choice(_INWARD_LETTERS) + rng.choice(_INWARD_LETTERS)
    return f"{area}{district} {rng.randrange(10)}{letters}"


class Counter:
    """A per-agency sequence that skips a few numbers, as real systems do."""

    def __init__(self, rng: random.Random, start: int) -> None:
        self._rng = rng
        self._value = start

    def next(self, max_step: int = 1) -> int:
        """The next number, stepping by 1..max_step."""
        self._value += self._rng.randint(1, max_step) if max_step > 1 else 1
        return self._value
