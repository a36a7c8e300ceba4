"""Each agency's research before a Marac meeting: facts from its own records, apart from opinion.

SafeLives' research form asks every agency to look up what it holds on the victim,
the perpetrator and the children, to keep fact apart from opinion, and to record what
it did not share and why (``shared/spec/domestic-abuse.md``). Here the facts are
pre-filled from the agency's own records of the case's people, newest first; the
agency ticks what it shares, and nothing is shared by default. Facts are always
re-read from the records when saved, so what is kept is what the records say, never
text sent with the form. The opinion is the agency's own words, kept in its own field.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Final

from wholestory.chronology.display import as_day, event_label
from wholestory.chronology.material import keys_of
from wholestory.domestic_abuse import marac_words as words
from wholestory.domestic_abuse.marac_meetings import CHILD, PERPETRATOR, VICTIM, Case
from wholestory.identity.sources import now_iso
from wholestory.records.keys import source_key, split_key
from wholestory.store.connection import Store

#: The parts in the order the form shows them.
PARTS: Final = (VICTIM, PERPETRATOR, CHILD)


class ResearchError(ValueError):
    """Research that cannot be kept as it is; the message says what to put right."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One record's fact, about one of the case's people."""

    record: str
    person: str
    part: str
    day: dt.date
    fact: str
    shared: bool = False


@dataclass(frozen=True, slots=True)
class Research:
    """One agency's research on one case."""

    case: int
    agency: str
    facts: tuple[Fact, ...]
    opinion: str
    withheld_reason: str
    completed_by: str
    completed_at: str

    @property
    def shared(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.shared)

    @property
    def withheld(self) -> int:
        return sum(1 for f in self.facts if not f.shared)


def prefill(store: Store, case: Case, agency: str) -> list[Fact]:
    """Every record ``agency`` holds on the case's people, newest first, none yet shared."""
    parts = {case.victim: VICTIM, **{p: PERPETRATOR for p in case.perpetrators}}
    parts |= {c: CHILD for c in case.children}
    keys = keys_of(store, list(parts))
    mine = {k: person for person, ks in keys.items() for k in ks if split_key(k)[0] == agency}
    if not mine:
        return []
    condition, args = store.keys_in("person_id", sorted(split_key(k)[1] for k in mine))
    rows = store.query(
        "SELECT record_id, person_id, event_date_start, event_type, summary, action, outcome "
        f"FROM ws_record WHERE agency = ? AND {condition}",
        [agency, *args],
    )
    facts = []
    for record_id, person_id, day, kind, summary, action, outcome in rows:
        person = mine[source_key(agency, str(person_id))]
        said = " ".join(str(x).strip() for x in (summary, action, outcome) if x)
        facts.append(
            Fact(
                source_key(agency, str(record_id)),
                person,
                parts[person],
                as_day(day),
                f"{event_label(str(kind))}: {said}" if said else event_label(str(kind)),
            )
        )
    order = {p: i for i, p in enumerate(PARTS)}
    return sorted(facts, key=lambda f: (order[f.part], -f.day.toordinal(), f.record))


def save_research(
    store: Store,
    case: Case,
    agency: str,
    shared: Collection[str],
    opinion: str,
    withheld_reason: str,
    by: str,
) -> Research:
    """Keep the agency's research: the facts re-read from its records, the ticked ones shared.

    Any fact left unshared needs the reason it was kept back; a record not among the
    agency's own cannot be shared.
    """
    facts = prefill(store, case, agency)
    known = {f.record for f in facts}
    if set(shared) - known:
        raise ResearchError(words.NOT_YOUR_RECORD)
    facts = [replace(f, shared=f.record in shared) for f in facts]
    reason = withheld_reason.strip()
    if any(not f.shared for f in facts) and not reason:
        raise ResearchError(words.WITHHELD_REASON_MISSING)
    made = Research(case.id, agency, tuple(facts), opinion.strip(), reason, by, now_iso())
    with store.transaction():
        old = store.scalar(
            "SELECT id FROM ws_marac_research WHERE case_id = ? AND agency = ?", [case.id, agency]
        )
        if old is not None:
            store.execute("DELETE FROM ws_marac_research_fact WHERE research_id = ?", [old])
            store.execute("DELETE FROM ws_marac_research WHERE id = ?", [old])
        research_id = store.scalar(
            "INSERT INTO ws_marac_research (case_id, agency, opinion, withheld_reason, "
            "completed_by, completed_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [case.id, agency, made.opinion, reason, by, made.completed_at],
        )
        store.executemany(
            "INSERT INTO ws_marac_research_fact (research_id, record, person, part, day, fact, "
            "shared) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(research_id, f.record, f.person, f.part, f.day.isoformat(), f.fact, f.shared)
             for f in facts],
        )  # fmt: skip
    return made


def research_of(store: Store, case_ids: list[int]) -> dict[int, dict[str, Research]]:
    """Each case's research, by agency."""
    if not case_ids:
        return {}
    condition, args = store.keys_in("r.case_id", case_ids)
    facts: dict[int, list[Fact]] = defaultdict(list)
    for research_id, record, person, part, day, fact, shared in store.query(
        "SELECT f.research_id, f.record, f.person, f.part, f.day, f.fact, f.shared "
        "FROM ws_marac_research_fact f JOIN ws_marac_research r ON r.id = f.research_id "
        f"WHERE {condition} ORDER BY f.id",
        args,
    ):
        facts[int(str(research_id))].append(
            Fact(str(record), str(person), str(part), as_day(day), str(fact), bool(shared))
        )
    found: dict[int, dict[str, Research]] = defaultdict(dict)
    for rid, case_id, agency, opinion, reason, by, at in store.query(
        "SELECT r.id, r.case_id, r.agency, r.opinion, r.withheld_reason, r.completed_by, "
        f"r.completed_at FROM ws_marac_research r WHERE {condition} ORDER BY r.agency",
        args,
    ):
        found[int(str(case_id))][str(agency)] = Research(
            int(str(case_id)), str(agency), tuple(facts[int(str(rid))]), str(opinion),
            str(reason), str(by), str(at),
        )  # fmt: skip
    return dict(found)
