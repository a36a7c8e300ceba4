"""The synthetic partnership: agency exports of invented children, with ground truth.

``generate(children, seed, out)`` writes what a safeguarding partnership's
agencies would hand over (one CSV per agency in the template's shape, plus a
relationships table) for ``children`` invented children and the adults around
them, and ``ground_truth/`` saying who is really who, which records are the
same real event, which indicator patterns were planted in whom, and which rows
were deliberately broken. Output depends only on (children, seed): the as-of
date is fixed and every random choice comes from a seeded generator, so the
same arguments give byte-identical files.

Nothing here is real personal data: names come from common-name lists,
NHS numbers from the test range 999 000 0000-999 999 9999, postcodes from
areas no UK postcode uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from wholestory.synth.agencies import AGENCIES
from wholestory.synth.partnership import Partnership
from wholestory.synth.places import build_world
from wholestory.synth.timeline import AS_OF
from wholestory.synth.writer import PartnershipWriter, agency_file

__all__ = ["AS_OF", "GENERATOR_VERSION", "MAX_CHILDREN", "SynthSummary", "generate"]

#: Bumped whenever the same (children, seed) would give different files.
GENERATOR_VERSION: Final = "1.0"
#: The NHS test range holds about 909,000 numbers; adults need some too.
MAX_CHILDREN: Final = 400_000


@dataclass(frozen=True)
class SynthSummary:
    """What was written: counts for the command line and the manifest."""

    children: int
    people: int  # true persons in persons.csv, adults included
    rows: int  # event rows across all agency files
    files: list[Path]
    per_agency: dict[str, int]  # event rows per agency code
    households: int = 0
    bad_rows: int = 0
    relationships: int = 0
    seed: int = 0
    as_of: str = AS_OF.isoformat()
    patterns: dict[str, int] = field(default_factory=dict)  # "kind:CODE" -> children


def generate(
    children: int,
    seed: int,
    out: Path,
    progress: Callable[[int], None] | None = None,
    *,
    force: bool = False,
) -> SynthSummary:
    """Write a synthetic partnership of ``children`` children into ``out``.

    Refuses (ValueError) to write into a folder that is not empty unless
    ``force``: the files of an earlier run must not be silently mixed with or
    replaced by new ones. ``progress`` is called with the number of children
    made so far, about every thousand children, and once at the end.
    """
    _check_arguments(children, out, force)
    out.mkdir(parents=True, exist_ok=True)
    with PartnershipWriter(out, seed) as writer:
        tally = Partnership(seed, build_world(seed, children), writer).make(children, progress)
        per_agency = {a: writer.counts[agency_file(a)] for a in AGENCIES}
        writer.manifest(
            {
                "generator": "wholestory.synth",
                "version": GENERATOR_VERSION,
                "seed": seed,
                "children": tally.children,
                "households": tally.households,
                "people": tally.people,
                "as_of": AS_OF.isoformat(),
                "rows": sum(per_agency.values()),
                "bad_rows": writer.bad_rows,
            }
        )
    return SynthSummary(
        children=tally.children,
        people=tally.people,
        rows=sum(per_agency.values()),
        files=writer.files(),
        per_agency=per_agency,
        households=tally.households,
        bad_rows=writer.bad_rows,
        relationships=writer.counts["relationships.csv"],
        seed=seed,
        patterns=dict(sorted(tally.patterns.items())),
    )


def _check_arguments(children: int, out: Path, force: bool) -> None:
    """Refuse what would go wrong: silly sizes, a file in the way, an earlier run."""
    if children < 1:
        raise ValueError(f"children must be at least 1 (got {children})")
    if children > MAX_CHILDREN:
        raise ValueError(
            f"at most {MAX_CHILDREN:,} children: the NHS test number range would run out"
        )
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise ValueError(
            f"{out} is not empty; choose an empty folder, or pass force=True (--force) "
            "to write over the files there"
        )
