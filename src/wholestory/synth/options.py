"""The habits of real partnership data that the generator plants, each one a setting.

Real exports are messier than one id per person and a history that has
ended. An emergency department gives a new number for many attendances; any
agency now and then registers a child a second time after a move; and a
partnership's data is drawn mid-stream, with plans still open on the day it
was extracted. Each is on by default at a realistic rate, and each can be
turned off (``Options(ed_new_id_share=0.0)``...) so that a benchmark can
measure what it costs. With every habit off, the agency rows are the ones the
generator wrote before the habits existed, apart from the numbering of ids.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Options:
    """Rates of the habits; defaults are realistic, 0 turns a habit off.

    ``ed_new_id_share``: the share of a person's repeat attendances at the
    emergency department that get a new person id (a new "MRN" for the
    attendance). About half: a clerk who cannot find the earlier registration
    quickly at triage makes a new one. ED is then an *episode* agency
    (``agencies.yaml``).

    ``reregister_after_move``: the chance that another agency, seeing someone
    for the first time after they moved home, registers them again rather than
    finding the record it has (a new address, a spelling that differs, no
    NHS number to search by). It gives about 1% of each agency's people a
    second id, the rate agencies report when they clean their person indexes.

    ``open_casework``: scales the chance that a household has a child in
    need, child protection or early help plan still open on the as-of date
    (:mod:`wholestory.synth.current`); 1.0 is the realistic rate, 0 ends every
    plan before the as-of date, as the generator did before.
    """

    ed_new_id_share: float = 0.5
    reregister_after_move: float = 0.022
    open_casework: float = 1.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not 0.0 <= value <= (10.0 if name == "open_casework" else 1.0):
                raise ValueError(f"{name} is out of range (got {value})")

    def describe(self) -> dict[str, float]:
        """The settings, for the manifest."""
        return asdict(self)


#: The realistic defaults.
DEFAULT: Final = Options()
#: Every habit off: one id per person per agency, every plan ended.
PLAIN: Final = Options(ed_new_id_share=0.0, reregister_after_move=0.0, open_casework=0.0)
