"""Dash checklists as chronology rows: each one is an entry in the victim's chronology and,
as a household record, in her children's (issue 13).

A checklist an agency sent in its ``dash`` table may stand for one of its
``DASH_ASSESSMENT`` records (the same record id): that record's summary is then
written from the structured answers, so the chronology and the ``MARAC_CRITERIA``
indicator read the score the answers give, not the agency's free text. A checklist no
record stands for (recorded in the app, or sent without a record) becomes a row of
its own, the victim's, so it reaches her chronology and, through the household, her
children's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from wholestory.chronology.rows import Row
from wholestory.domestic_abuse.dash import FORMS, POLICE_DASH_27, StoredChecklist, stored_checklists
from wholestory.records.keys import split_key
from wholestory.store.connection import Store

DASH: Final = "DASH_ASSESSMENT"
_FORM_WORDS: Final = {POLICE_DASH_27: "police Dash"}
#: How a checklist's summary says the practitioner referred on judgement (rule_helpers reads it).
JUDGEMENT_WORDS: Final = "the practitioner refers to Marac on professional judgement"


def summary(c: StoredChecklist) -> str:
    """The checklist in words, from its answers: score, not known, and the judgement."""
    form = _FORM_WORDS.get(c.form, "SafeLives Dash")
    said = f"Dash risk checklist ({form}): {c.score} of {FORMS[c.form]} questions answered yes"
    if c.not_known:
        said += f", {c.not_known} not known"
    if c.professional_judgement:
        said += f"; {JUDGEMENT_WORDS}"
    return said + "."


class Checklists:
    """Checklists by the record they stand for and by victim (key or WholeStory id)."""

    def __init__(self, found: Iterable[StoredChecklist]) -> None:
        self.by_record: dict[tuple[str, str], StoredChecklist] = {}
        self.by_victim: dict[str, list[StoredChecklist]] = defaultdict(list)
        for c in found:
            self.by_record[(c.agency, c.record_id)] = c
            self.by_victim[c.victim].append(c)

    @classmethod
    def about(cls, store: Store, victims: Sequence[str], rows: Sequence[Row] = ()) -> Checklists:
        """The checklists about these victims (source keys and WholeStory ids), and those
        that stand for any of ``rows``' Dash records."""
        ids = sorted({split_key(v)[1] if ":" in v else v for v in victims})
        wanted = set(victims)
        records = sorted({r.record_id for r in rows if r.event_type == DASH})
        found = [c for c in stored_checklists(store, ids) if c.victim in wanted]
        if records:
            named = {(r.agency, r.record_id) for r in rows}
            found += [
                c
                for c in stored_checklists(store, record_ids=records)
                if (c.agency, c.record_id) in named
            ]
        return cls(found)

    @classmethod
    def everything(cls, store: Store) -> Checklists:
        return cls(stored_checklists(store))

    def apply(
        self, rows: list[Row], victims: Iterable[str], person_of: Callable[[str], str]
    ) -> list[Row]:
        """``rows`` with checklists' summaries, and a row for each checklist no record is."""
        if not self.by_record:
            return rows
        out = [self._written(r) for r in rows]
        have = {(r.agency, r.record_id) for r in rows}
        for victim in dict.fromkeys(victims):
            for c in self.by_victim.get(victim, []):
                if (c.agency, c.record_id) not in have:
                    have.add((c.agency, c.record_id))
                    out.append(_row(c, person_of(victim)))
        return out

    def _written(self, row: Row) -> Row:
        found = self.by_record.get((row.agency, row.record_id))
        if found is None or row.event_type != DASH:
            return row
        return row._replace(summary=summary(found))


def _row(c: StoredChecklist, person: str) -> Row:
    """A checklist no record stands for, as the victim's row."""
    person_id = split_key(c.victim)[1] if ":" in c.victim else ""
    day = c.assessed_on
    return Row(
        c.agency, c.record_id, person_id, "", "", None, None, None, None, None, None, "VICTIM",
        c.event_id, day.isoformat(), False, day, DASH, False, summary(c), None, None, None, None,
        person, key=c.victim,
    )  # fmt: skip
