"""Each person's communication and engagement needs, as one agency that holds them records
them: ``needs.csv`` (the template's ``needs`` table), and ``ground_truth/needs.csv``.

The shares are assumptions, not national figures: about one household in twenty speaks
another language at home and its adults need an interpreter (the same language for
both), a few adults sign (BSL) or need easy read or an advocate, and a few children have
adjustments for neurodivergence or a trusted adult named. Each person's needs come from
a random stream of their own, and the record ids are the needs' own, so no other row of
the partnership changes. A need is recorded by the first agency holding the person in
a fixed order of preference, on a day in the three years before the partnership's end,
for review a year later: many are past review by the end, as in practice.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from wholestory.synth.people import Household, SynthPerson
from wholestory.synth.timeline import AS_OF

if TYPE_CHECKING:
    from wholestory.synth.writer import PartnershipWriter

NEEDS_FILE: Final = "needs.csv"
TRUTH_FILE: Final = "ground_truth/needs.csv"
TRUTH_COLUMNS: Final = ("true_id", "agency", "record_id", "need")
LANGUAGES: Final = ("Polish", "Romanian", "Urdu", "Arabic", "Tigrinya", "Somali",
                    "Portuguese", "Bengali", "Punjabi", "Lithuanian")  # fmt: skip
#: The share of households whose adults need an interpreter.
INTERPRETER_SHARE: Final = 0.05
#: Each adult's and each child's other needs: the need, its share, and its detail.
ADULT_NEEDS: Final = (
    ("BSL", 0.005, ""),
    ("EASY_READ", 0.02, "Letters and plans in easy read; explain each step"),
    ("ADVOCATE", 0.01, "An advocate from the local advocacy service attends meetings"),
    ("CONTACT_METHOD", 0.03, "Text first; no unannounced visits"),
)
CHILD_NEEDS: Final = (
    ("NEURODIVERGENCE", 0.04, "Autistic: give notice of visits, meet in a quiet room"),
    ("TRUSTED_ADULT", 0.03, "Their class teacher; ask for them to be present"),
    ("LEARNING_DISABILITY", 0.01, "Short sentences and pictures; check understanding"),
)
#: The agencies a need is recorded by, the first holding the person.
RECORDERS: Final = {
    "adult": ("HEALTH_VISITING", "GP", "CSC", "DA_SERVICE", "HOUSING", "POLICE"),
    "child": ("SCHOOL", "CSC", "HEALTH_VISITING", "GP", "CAMHS"),
}


@dataclass(frozen=True, slots=True)
class TrueNeed:
    """One need as it truly is: whose, what, and recorded by which agency on which day.

    The ground truth of ``NEEDS_NOT_MET`` (:mod:`wholestory.synth.needs_truth`) reads these.
    """

    person: SynthPerson
    agency: str
    record_id: str
    need: str
    detail: str
    recorded: dt.date

    def row(self, person_id: str) -> list[str]:
        """Its row of ``needs.csv``, in ``NEEDS_COLUMNS`` order, reviewed a year later."""
        review = self.recorded + dt.timedelta(days=365)
        day, practitioner = self.recorded.isoformat(), "Synthetic practitioner"
        return [self.agency, self.record_id, person_id, self.need, self.detail, day,
                review.isoformat(), practitioner]  # fmt: skip

    def truth(self) -> tuple[str, ...]:
        """Its row of ``ground_truth/needs.csv``."""
        return (self.person.true_id, self.agency, self.record_id, self.need)


def write_needs(
    writer: PartnershipWriter,
    household: Household,
    ids: Mapping[tuple[str, str], str],
    planted: Sequence[TrueNeed] = (),
) -> list[TrueNeed]:
    """Write the household's needs and ``planted`` ones (``NEEDS_NOT_MET``), each as the
    agency holds its person (``ids``: by agency and true id); returns them all."""
    needs = [*household_needs(household, ids.keys()), *planted]
    for need in needs:
        writer.write(NEEDS_FILE, need.row(ids[(need.agency, need.person.true_id)]))
        writer.write(TRUTH_FILE, need.truth())
    return needs


def household_needs(household: Household, held: Collection[tuple[str, str]]) -> list[TrueNeed]:
    """Each need of the household's people who are held by an agency that records needs."""
    language = household_language(household)
    out: list[TrueNeed] = []
    for person in household.adults + household.children:
        agency = next((a for a in RECORDERS[person.kind] if (a, person.true_id) in held), None)
        if not person.seen or agency is None:
            continue
        for n, (need, detail, recorded) in enumerate(drawn(person, language), start=1):
            record_id = f"NEED-{household.ident}-{person.true_id}-{n}"
            out.append(TrueNeed(person, agency, record_id, need, detail, recorded))
    return out


def drawn(person: SynthPerson, language: str) -> list[tuple[str, str, dt.date]]:
    """The needs ``person`` has, each with the day it is recorded, from their own stream:
    whether an agency holds them to record it or not (``household_needs`` asks that)."""
    mine = random.Random(f"needs:{person.true_id}")
    chosen = [("INTERPRETER", language)] if language and person.kind == "adult" else []
    options = ADULT_NEEDS if person.kind == "adult" else CHILD_NEEDS
    chosen += [(need, detail) for need, share, detail in options if mine.random() < share]
    earliest = max(person.dob, AS_OF - dt.timedelta(days=3 * 365))
    return [
        (need, detail, earliest + dt.timedelta(days=mine.randint(0, (AS_OF - earliest).days)))
        for need, detail in chosen
    ]


def household_language(household: Household) -> str:
    """The language the household's adults need an interpreter for, or ""."""
    rng = random.Random(f"needs:{household.ident}")
    return rng.choice(LANGUAGES) if rng.random() < INTERPRETER_SHARE else ""
