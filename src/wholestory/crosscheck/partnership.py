"""Make a whole cross-check partnership: households, their stories, every agency's rows.

One seeded random stream drives everything in a fixed order, so a seed (with
the same end date and rates) always gives the same files. Each household is
made, told, recorded and written before the next, so memory does not grow
with the partnership.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from wholestory.crosscheck import concerns, needs, services
from wholestory.crosscheck.habits import EPISODE_AGENCY
from wholestory.crosscheck.happenings import Happening, Window
from wholestory.crosscheck.looks import Seen, make_looks
from wholestory.crosscheck.national_numbers import NhsNumbers
from wholestory.crosscheck.output import FolderWriter
from wholestory.crosscheck.places import Borough
from wholestory.crosscheck.population import Household, Population, Rates
from wholestory.crosscheck.practice import Practice
from wholestory.crosscheck.recording import Ledger, Settings, register_household
from wholestory.crosscheck.rows import event_rows, practitioners, relationship_rows
from wholestory.crosscheck.thrive import STREAM as THRIVE_STREAM
from wholestory.crosscheck.thrive import ThriveFiles

WINDOW_DAYS = 3653  # about ten years of records
NEEDS_STREAM = "wholestory-crosscheck-needs"
LOOKS_STREAM = "wholestory-crosscheck-looks"


@dataclass(frozen=True)
class CrosscheckSummary:
    """What was written, with the hard cases counted so a reader can judge the figures."""

    folder: Path
    families: int
    persons: int
    rows: int
    relationships: int
    agency_person_ids: int
    duplicate_registrations: int
    episode_ids: int  # ids of the episode agency beyond one per person
    twin_pairs: int
    junior_pairs: int
    namesake_pairs: int
    files: tuple[str, ...]
    seconds: float


def _stories(
    household: Household, rng: random.Random, window: Window, schools: services.Schools
) -> list[Happening]:
    """Everything that happens to one household, as the agencies would each record it."""
    found = services.gp(household, rng, window)
    found += services.health_visiting(household, rng, window)
    found += services.school(household, rng, window, schools)
    found += services.emergency(household, rng, window)
    if "da" in household.concerns:
        found += concerns.domestic_abuse(household, rng, window)
    elif "social_care" in household.concerns:
        found += concerns.other_referral(household, rng, window)
    if "parent_mh" in household.concerns:
        found += concerns.parent_mental_health(household, rng, window)
    if household.social_tenant:
        found += concerns.housing(household, rng, window)
    found += concerns.adolescence(household, rng, window)
    return _tidy(found, window)


def _tidy(happenings: list[Happening], window: Window) -> list[Happening]:
    """Only what falls in the window, about people already born; oldest first."""
    kept: list[Happening] = []
    for happening in happenings:
        if not window.holds(happening.day):
            continue
        happening.parts = [p for p in happening.parts if p.person.born_by(happening.day)]
        if happening.parts:
            kept.append(happening)
    kept.sort(key=lambda h: h.day)
    return kept


def _check_folder(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ValueError(f"{out} is not empty; choose an empty folder or use --force")


def make_partnership(
    out: Path,
    families: int,
    seed: int,
    *,
    end: date | None = None,
    episode_share: float = 0.5,
    duplicate_rate: float = 0.01,
    rates: Rates | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> CrosscheckSummary:
    """Write a synthetic partnership of ``families`` households to ``out``, with ground truth.

    ``end`` is the last day with records (today if not given; the records
    cover about ten years before it). ``episode_share`` is the chance that the
    emergency department gives a repeat attendance a new person id;
    ``duplicate_rate`` the chance that any other agency registers a person a
    second time. The same arguments always give the same files.
    """
    if families < 1:
        raise ValueError("families must be at least 1")
    if not 0 <= episode_share <= 1 or not 0 <= duplicate_rate <= 1:
        raise ValueError("episode_share and duplicate_rate are shares between 0 and 1")
    _check_folder(out, force)
    started = time.perf_counter()
    end = end or date.today()
    window = Window(end - timedelta(days=WINDOW_DAYS), end)
    rng = random.Random(f"wholestory-crosscheck:{seed}")
    borough = Borough(rng)
    population = Population(rng, borough, NhsNumbers(rng), window.start, end, rates or Rates())
    schools = services.Schools(borough.towns)
    ledger = Ledger(rng)
    staff = practitioners(rng)
    settings = Settings(episode_share, duplicate_rate, end)
    persons = ids = duplicates = episode_extra = 0
    practice = Practice()
    with FolderWriter(out) as writer:
        thrive = ThriveFiles(writer, out)
        for index in range(families):
            household = population.household(index)
            happenings = _stories(household, rng, window, schools)
            # A need planted now and then, on a stream of its own (see crosscheck/needs.py).
            case = needs.plan(
                household, happenings, random.Random(f"{NEEDS_STREAM}:{seed}:{index}")
            )
            registrations = register_household(household, happenings, ledger, rng, settings)
            by_agency: dict[str, list[list[str]]] = {}
            seen: list[Seen] = []
            for number, happening in enumerate(happenings):
                made = event_rows(number, happening, household, registrations, ledger, staff, rng)
                by_agency.setdefault(happening.agency, []).extend(made)
                seen += seen_rows(happening, made)
            for agency in sorted(by_agency):
                writer.events(agency, by_agency[agency])
            writer.relationship_rows(relationship_rows(household, registrations))
            patterns = needs.settle(case, household, happenings) if case else []
            if case and patterns:
                writer.need(needs.need_row(case, happenings, registrations, index), patterns)
            people = [
                [agency, r.person_id, true_id]
                for (agency, true_id), regs in registrations.by_person.items()
                for r in regs
            ]
            writer.truth(people, _truth_of(household))
            _practice(writer, practice, household, seen, staff, (seed, index, end))
            kids = {c.true_id: c.dob for c in household.children}
            thrive.family(seen, kids, end, random.Random(f"{THRIVE_STREAM}:{seed}:{index}"))
            persons += len(household.members)
            ids += len(people)
            duplicates += registrations.duplicates
            episode_extra += sum(
                len(regs) - 1
                for (a, _), regs in registrations.by_person.items()
                if a == EPISODE_AGENCY
            )
            if progress:
                progress(index + 1)
        writer.practice(practice.finish(), practice.sum_rows())
        files = tuple(writer.files())
        rows, relationships = writer.rows, writer.relationships
    return CrosscheckSummary(
        folder=out,
        families=families,
        persons=persons,
        rows=rows,
        relationships=relationships,
        agency_person_ids=ids,
        duplicate_registrations=duplicates,
        episode_ids=episode_extra,
        twin_pairs=population.planted["twins"],
        junior_pairs=population.planted["juniors"],
        namesake_pairs=population.planted["namesakes"],
        files=files,
        seconds=time.perf_counter() - started,
    )


def _practice(
    writer: FolderWriter,
    practice: Practice,
    household: Household,
    seen: list[Seen],
    staff: dict[str, tuple[str, ...]],
    where: tuple[int, int, date],
) -> None:
    """The family's looks at chronologies, on a stream of its own, and its practice cases."""
    seed, index, end = where
    born = {p.true_id: p.dob for p in household.members}
    looks = make_looks(random.Random(f"{LOOKS_STREAM}:{seed}:{index}"), seen, born, staff, end)
    writer.look_rows(looks)
    writer.practice(practice.family(seen, born, looks))


def seen_rows(happening: Happening, made: list[list[str]]) -> list[Seen]:
    """What the looks and the practice measures need of a happening's rows, part by part."""
    return [
        Seen(part.person.true_id, row[0], row[1], row[2], happening.day, happening.event_type)
        for part, row in zip(happening.parts, made, strict=True)
    ]


def _truth_of(household: Household) -> list[list[str]]:
    return [
        [
            p.true_id,
            p.kind,
            p.household_id,
            p.twin_of,
            p.given,
            p.family,
            p.dob.isoformat(),
        ]
        for p in household.members
    ]
