"""The Dash risk identification checklist as data: its forms, answers and score.

Agencies use two forms of the checklist: SafeLives' 24-question risk identification
checklist, and the police DASH (2009) form of 27 questions. Each question is answered
yes, no or not known. The score is the count of "yes"; 14 or more is *visible high
risk*, one of the four Marac referral criteria (``shared/spec/domestic-abuse.md``).
A practitioner's professional judgement may raise a case to Marac whatever the score;
it never lowers one, so a checklist with 14 "yes" answers meets the criterion
whatever the practitioner recorded.

The number 14 is a partnership setting, kept with the indicators' other numbers
(``IndicatorThresholds.marac_dash_yes``); :data:`VISIBLE_HIGH_RISK` is its default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from wholestory.records.keys import source_key
from wholestory.store.connection import Store

#: The forms an agency may have used, and how many questions each asks.
SAFELIVES_RIC_24: Final = "SAFELIVES_RIC_24"
POLICE_DASH_27: Final = "POLICE_DASH_27"
FORMS: Final[dict[str, int]] = {SAFELIVES_RIC_24: 24, POLICE_DASH_27: 27}

YES, NO, NOT_KNOWN = "Y", "N", "NK"
#: The answers a question may have, as the template writes them.
ANSWERS: Final = (YES, NO, NOT_KNOWN)

#: "Yes" answers at or above which a checklist is visible high risk (SafeLives).
VISIBLE_HIGH_RISK: Final = 14

#: Why a checklist meets the Marac criteria, in the words the lists use.
BY_SCORE: Final = "visible high risk"
BY_JUDGEMENT: Final = "professional judgement"


class DashError(ValueError):
    """A checklist that cannot be read; the message says which question and why."""


def read_form(text: str) -> str:
    """The form code as the template writes it, or :class:`DashError`."""
    form = text.strip().upper()
    if form not in FORMS:
        raise DashError(f"form must be {' or '.join(FORMS)}, not '{text}'")
    return form


def read_answer(question: int, text: str) -> str:
    """One answer (``Y``, ``N`` or ``NK``, in any case), or :class:`DashError` naming it."""
    answer = text.strip().upper()
    if answer not in ANSWERS:
        shown = f"'{text}'" if text.strip() else "empty"
        raise DashError(f"q{question} must be Y, N or NK, not {shown}")
    return answer


@dataclass(frozen=True, slots=True)
class Checklist:
    """One completed checklist: its form, every answer in order, and the judgement."""

    form: str
    answers: tuple[str, ...]
    professional_judgement: bool = False

    def __post_init__(self) -> None:
        asked = FORMS.get(self.form)
        if asked is None:
            raise DashError(f"form must be {' or '.join(FORMS)}, not '{self.form}'")
        if len(self.answers) != asked:
            raise DashError(
                f"{self.form} has {asked} questions; {len(self.answers)} answers were given"
            )
        for number, answer in enumerate(self.answers, start=1):
            read_answer(number, answer)

    @property
    def score(self) -> int:
        """The count of "yes" answers."""
        return self.answers.count(YES)

    @property
    def not_known(self) -> int:
        """Questions answered "not known": a score is a floor while any remain."""
        return self.answers.count(NOT_KNOWN)

    def visible_high_risk(self, threshold: int = VISIBLE_HIGH_RISK) -> bool:
        """Whether the score alone meets the Marac criterion."""
        return self.score >= threshold

    def marac_basis(self, threshold: int = VISIBLE_HIGH_RISK) -> str | None:
        """Why this checklist meets the Marac criteria, or ``None`` if it does not.

        The score comes first: professional judgement raises a case, never lowers one,
        and a high score needs no judgement to stand on.
        """
        if self.visible_high_risk(threshold):
            return BY_SCORE
        if self.professional_judgement:
            return BY_JUDGEMENT
        return None


def checklist(
    form: str, answers: list[str] | tuple[str, ...], professional_judgement: str | bool = False
) -> Checklist:
    """A checklist from the values a file or a form gives (``Y``/``N`` for the judgement)."""
    judged = (
        professional_judgement
        if isinstance(professional_judgement, bool)
        else _yes_no("professional_judgement", professional_judgement)
    )
    code = read_form(form)
    read = tuple(read_answer(n, a) for n, a in enumerate(answers, start=1))
    return Checklist(code, read, judged)


def _yes_no(name: str, text: str) -> bool:
    value = text.strip().upper()
    if value in ("", "N"):
        return False
    if value == "Y":
        return True
    raise DashError(f"{name} must be Y or N, not '{text}'")


@dataclass(frozen=True, slots=True)
class StoredChecklist:
    """A checklist as ``ws_dash`` keeps it, its people by ``AGENCY:PERSON_ID``."""

    agency: str
    record_id: str
    event_id: str | None
    victim: str
    perpetrator: str | None
    assessed_on: dt.date
    form: str
    score: int
    not_known: int
    professional_judgement: bool


def stored_checklists(
    store: Store, victim_ids: Sequence[str] | None = None, record_ids: Sequence[str] | None = None
) -> list[StoredChecklist]:
    """Every checklist kept (sent in a ``dash`` table or recorded here), oldest first.

    With ``victim_ids`` (agencies' person ids and WholeStory ids), only those whose
    victim has one of them; with ``record_ids``, only those with one of those ids.
    """
    where, params = "", list[Any]()
    for column, wanted in (("victim_person_id", victim_ids), ("record_id", record_ids)):
        if wanted is not None:
            if not wanted:
                return []
            condition, params = store.keys_in(column, list(wanted))
            where = f"WHERE {condition} "
    rows = store.query(
        "SELECT agency, record_id, event_id, victim_person_id, perpetrator_person_id, "
        "assessed_on, form, score, not_known, professional_judgement, recorded_in_app FROM ws_dash "
        f"{where}ORDER BY assessed_on, agency, record_id",
        params,
    )
    return [_stored(row) for row in rows]


def _stored(row: Sequence[Any]) -> StoredChecklist:
    agency, record_id, event_id, victim, perpetrator, day, form, score, not_known, judged, app = row
    return StoredChecklist(
        str(agency),
        str(record_id),
        event_id,
        str(victim) if app else source_key(str(agency), str(victim)),
        source_key(str(agency), str(perpetrator)) if perpetrator else None,
        dt.date.fromisoformat(str(day)[:10]),
        str(form),
        int(score),
        int(not_known),
        bool(judged),
    )
