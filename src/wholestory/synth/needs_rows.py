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
from collections.abc import Collection
from typing import Final

from wholestory.synth.people import Household, SynthPerson
from wholestory.synth.timeline import AS_OF

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


def needs_rows(
    household: Household, held: Collection[tuple[str, str]], person_ids: dict[tuple[str, str], str]
) -> list[tuple[list[str], tuple[str, ...]]]:
    """Each need of the household's people: its row of ``needs.csv`` and its ground truth."""
    rng = random.Random(f"needs:{household.ident}")
    language = rng.choice(LANGUAGES) if rng.random() < INTERPRETER_SHARE else ""
    out: list[tuple[list[str], tuple[str, ...]]] = []
    for person in household.adults + household.children:
        agency = next((a for a in RECORDERS[person.kind] if (a, person.true_id) in held), None)
        if not person.seen or agency is None:
            continue
        mine = random.Random(f"needs:{person.true_id}")
        chosen = [("INTERPRETER", language)] if language and person.kind == "adult" else []
        options = ADULT_NEEDS if person.kind == "adult" else CHILD_NEEDS
        chosen += [(need, detail) for need, share, detail in options if mine.random() < share]
        for n, (need, detail) in enumerate(chosen, start=1):
            record_id = f"NEED-{household.ident}-{person.true_id}-{n}"
            row = _row(mine, person, agency, person_ids[(agency, person.true_id)], record_id,
                       need, detail)  # fmt: skip
            out.append((row, (person.true_id, agency, record_id, need)))
    return out


def _row(
    rng: random.Random, person: SynthPerson, agency: str, person_id: str, record_id: str,
    need: str, detail: str,
) -> list[str]:  # fmt: skip
    """One row in ``NEEDS_COLUMNS`` order."""
    earliest = max(person.dob, AS_OF - dt.timedelta(days=3 * 365))
    recorded = earliest + dt.timedelta(days=rng.randint(0, (AS_OF - earliest).days))
    review = recorded + dt.timedelta(days=365)
    return [agency, record_id, person_id, need, detail, recorded.isoformat(),
            review.isoformat(), "Synthetic practitioner"]  # fmt: skip
