"""When linking decides on its own: the thresholds, and what a same-agency pair needs.

Read from the environment (``WHOLESTORY_LINK_UPPER``, ``_LOWER``,
``_UPPER_SAME_AGENCY``) and checked before anything is imported or linked, so
a bad setting is named in words rather than met halfway through a run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Final

from wholestory.records.keys import split_key

#: Match probability at or above which a pair is linked without a person.
UPPER: Final = 0.99
#: Match probability below which a pair is not linked nor shown for review.
LOWER: Final = 0.8
#: Match probability at or above which two ids of one agency (one id per person) are
#: linked without a person: the agency already holds them as two people, so the
#: evidence must be overwhelming. Chosen by measurement (docs/identity.md).
UPPER_SAME_AGENCY: Final = 0.9999


class LinkError(Exception):
    """Linking cannot go ahead; the message says why in words for the user."""


@dataclass(frozen=True)
class LinkThresholds:
    """The two decision thresholds, from the environment or the defaults above."""

    upper: float = UPPER
    lower: float = LOWER
    #: For two ids of one agency that gives one id per person: a higher bar.
    same_agency: float = UPPER_SAME_AGENCY

    @classmethod
    def from_environment(cls) -> LinkThresholds:
        upper = _probability("WHOLESTORY_LINK_UPPER", UPPER)
        lower = _probability("WHOLESTORY_LINK_LOWER", LOWER)
        same_agency = _probability("WHOLESTORY_LINK_UPPER_SAME_AGENCY", UPPER_SAME_AGENCY)
        if not 0 < lower <= upper < 1:
            raise LinkError(
                f"WHOLESTORY_LINK_LOWER ({lower}) must be above 0 and not above "
                f"WHOLESTORY_LINK_UPPER ({upper}), which must be below 1."
            )
        if not upper <= same_agency < 1:
            raise LinkError(
                f"WHOLESTORY_LINK_UPPER_SAME_AGENCY ({same_agency}) must not be below "
                f"WHOLESTORY_LINK_UPPER ({upper}), and must be below 1."
            )
        return cls(upper, lower, same_agency)

    def bar(self, key_l: str, key_r: str, episodes: frozenset[str]) -> float:
        """The probability at which this pair is linked without a person."""
        return self.same_agency if same_agency_pair(key_l, key_r, episodes) else self.upper


def same_agency_pair(key_l: str, key_r: str, episodes: frozenset[str]) -> bool:
    """Two ids of one agency that gives one id per person: a possible duplicate there."""
    agency = split_key(key_l)[0]
    return agency == split_key(key_r)[0] and agency not in episodes


def _probability(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    try:
        return float(text) if text else default
    except ValueError:
        raise LinkError(f"{name} must be a probability such as 0.99, not '{text}'.") from None
