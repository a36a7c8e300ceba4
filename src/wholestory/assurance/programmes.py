"""Audit programmes: a theme, a period, a tool and the cases a reproducible sample chose.

A programme is kept with everything needed to choose its cases again (the criteria, the
seed, the method, how many children were eligible and who they were, as a digest) and
the text of the tool it was set up with, so that what the auditors answered can always
be read against the questions they were asked.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from wholestory.assurance.selection import Check, Criteria, Selection, check, criteria_json
from wholestory.assurance.tools import Tool, tool_from_text
from wholestory.chronology.display import as_day
from wholestory.store import Store


@dataclass(frozen=True, slots=True)
class Case:
    """One child chosen, in the order drawn (1 first)."""

    position: int
    person: str
    name: str


@dataclass(frozen=True, slots=True)
class Programme:
    """A programme as kept, with its cases (none when only listed)."""

    id: int
    theme: str
    criteria: Criteria
    tool_name: str
    tool_yaml: str
    seed: int
    sample: int
    eligible: int
    eligible_digest: str
    as_of: dt.date
    created_by: str
    created_at: str
    cases: tuple[Case, ...] = ()

    def tool(self) -> Tool:
        """The tool the programme was set up with, read from its kept text."""
        return tool_from_text(self.tool_yaml, f"audit programme {self.id}'s tool")

    def as_dict(self, with_cases: bool = True) -> dict[str, Any]:
        """The programme as ``--json`` prints it; with its tool's domains and its cases."""
        found: dict[str, Any] = {
            "id": self.id,
            "theme": self.theme,
            "period": {"from": self.criteria.period_from.isoformat(),
                       "to": self.criteria.period_to.isoformat()},
            "tool": self.tool().as_dict(),
            "criteria": self.criteria.as_dict(),
            "seed": self.seed,
            "sample": self.sample,
            "eligible": self.eligible,
            "eligible_digest": self.eligible_digest,
            "as_of": self.as_of.isoformat(),
            "created_by": self.created_by,
            "created_at": self.created_at,
        }  # fmt: skip
        if with_cases:
            found["cases"] = [
                {"position": c.position, "person": c.person, "name": c.name} for c in self.cases
            ]
        return found


def create_programme(
    store: Store, theme: str, tool: Tool, chosen: Selection, created_by: str
) -> Programme:
    """Keep a programme and the cases ``chosen`` drew, in one transaction."""
    if not theme.strip():
        raise ValueError("a programme needs a theme")
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    c = chosen.criteria
    with store.transaction():
        made = int(
            store.scalar(
                "INSERT INTO ws_assurance_programme (theme, period_from, period_to, tool_name, "
                "tool_yaml, criteria, seed, sample, eligible, eligible_digest, as_of, "
                "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                [
                    theme.strip(),
                    c.period_from.isoformat(),
                    c.period_to.isoformat(),
                    tool.name,
                    tool.text,
                    criteria_json(c),
                    chosen.seed,
                    len(chosen.chosen),
                    len(chosen.eligible),
                    chosen.digest,
                    chosen.as_of.isoformat(),
                    created_by,
                    at,
                ],
            )
        )
        store.executemany(
            "INSERT INTO ws_assurance_case (programme_id, ws_person_id, position) VALUES (?, ?, ?)",
            [(made, person, n) for n, person in enumerate(chosen.chosen, start=1)],
        )
    found = programme(store, made)
    assert found is not None
    return found


_COLUMNS = (
    "SELECT id, theme, criteria, tool_name, tool_yaml, seed, sample, eligible, eligible_digest, "
    "as_of, created_by, created_at FROM ws_assurance_programme"
)


def programmes(store: Store) -> list[Programme]:
    """Every programme, the newest first, without its cases."""
    return [_programme(r) for r in store.query(f"{_COLUMNS} ORDER BY id DESC")]


def programme(store: Store, programme_id: int) -> Programme | None:
    """One programme with its cases, or None if there is no such programme."""
    rows = store.query(f"{_COLUMNS} WHERE id = ?", [programme_id])
    if not rows:
        return None
    cases = tuple(
        Case(int(position), str(person), str(name or ""))
        for position, person, name in store.query(
            "SELECT c.position, c.ws_person_id, h.display_name FROM ws_assurance_case c "
            "LEFT JOIN ws_chronology h ON h.ws_person_id = c.ws_person_id "
            "WHERE c.programme_id = ? ORDER BY c.position",
            [programme_id],
        )
    )
    return _programme(rows[0], cases)


def check_programme(store: Store, kept: Programme) -> Check:
    """Choose the programme's cases again, by its kept criteria and seed, and compare."""
    return check(
        store,
        kept.criteria,
        kept.seed,
        [c.person for c in kept.cases],
        kept.eligible_digest,
        kept.eligible,
    )


def _programme(row: tuple[Any, ...], cases: tuple[Case, ...] = ()) -> Programme:
    (pid, theme, criteria, tool_name, tool_yaml, seed, sample, eligible, digest, as_of, by,
     at) = row  # fmt: skip
    return Programme(
        int(pid),
        str(theme),
        Criteria.of(json.loads(str(criteria))),
        str(tool_name),
        str(tool_yaml),
        int(seed),
        int(sample),
        int(eligible),
        str(digest),
        as_day(as_of),
        str(by),
        at.isoformat(timespec="seconds") if isinstance(at, dt.datetime) else str(at),
        cases,
    )
