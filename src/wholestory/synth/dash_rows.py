"""The police's structured Dash checklists: one ``police_dash.csv`` row per Dash record.

The police record every domestic abuse incident's Dash risk checklist on their
27-question form; besides the free-text record (``N of 27 questions answered yes``)
their export has the answers themselves (``shared/spec/agency-template.md``, the
``dash`` table). The answers agree with the record: as many yeses as it says, on
questions drawn from a random stream of the record's own (so no other story or row
changes), and now and then a question the victim could not answer (not known).
Professional judgement is never marked: a referral on judgement is the DA service's
``MARAC_REFERRAL`` record, as the Marac ground truth counts it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

from wholestory.domestic_abuse.dash import FORMS, POLICE_DASH_27

DASH_FILE: Final = "police_dash.csv"
#: The share of checklists with a question not known, and at most how many.
NOT_KNOWN_SHARE: Final = 0.2
MOST_NOT_KNOWN: Final = 3


def answers(record_id: str, yes: int) -> list[str]:
    """27 answers with exactly ``yes`` yeses (capped at 27), from the record's own stream."""
    rng = random.Random(f"dash:{record_id}")
    asked = FORMS[POLICE_DASH_27]
    chosen = set(rng.sample(range(asked), min(yes, asked)))
    out = ["Y" if q in chosen else "N" for q in range(asked)]
    if rng.random() < NOT_KNOWN_SHARE:
        noes = [q for q in range(asked) if q not in chosen]
        for q in rng.sample(noes, min(len(noes), rng.randint(1, MOST_NOT_KNOWN))):
            out[q] = "NK"
    return out


def dash_row(
    record_id: str,
    event_id: str,
    victim: str,
    perpetrator: str,
    day: dt.date,
    yes: int,
    practitioner: str,
) -> list[str]:
    """One row of the police's dash table, in ``DASH_COLUMNS`` order."""
    return [
        "POLICE", record_id, event_id, victim, perpetrator, day.isoformat(), POLICE_DASH_27,
        *answers(record_id, yes), "N", practitioner, "",
    ]  # fmt: skip
