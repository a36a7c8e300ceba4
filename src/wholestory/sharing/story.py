"""A whole chronology as one viewer class may see it, and what shaped it.

The chronology is built once, from everything, because flags and the analysis
are the system's reading and need every record. What a person reads of it is
then shaped here, once per build and viewer class (agency and role), never per
entry per request: each entry by :func:`~wholestory.sharing.decide.shape_entry`,
each flag's evidence cut to the records shown (with a count of the rest), and
the summary worked out again from the entries shown
(:func:`~wholestory.chronology.analysis.summary_as_shared`).

:class:`SharedStory` keeps which rules shaped the view, by agency and level,
so that the audit entry of each look can say what the viewer saw.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from wholestory.chronology.analysis import summary_as_shared
from wholestory.chronology.model import Chronology, Entry, Flag
from wholestory.sharing.agreement import FULL, INVOLVEMENT, NONE, RESTRICTED, Agreement
from wholestory.sharing.decide import Shown, ViewerTable, shape_entry

#: The order of levels, most first: what "the most a viewer saw of an agency" means.
_ORDER = (FULL, INVOLVEMENT, RESTRICTED, NONE)


@dataclass(frozen=True, slots=True)
class SharedStory:
    """One chronology as one viewer class may see it.

    ``shown`` has the sharing of each entry shown, by its id as shown;
    ``hidden_evidence`` counts, flag by flag (in order), the records behind it
    that the viewer does not see; ``seen`` is the most the viewer sees of each
    source agency's records (``none`` when every one is hidden); ``rules`` counts
    the records shown under each rule.
    """

    chronology: Chronology
    shown: dict[str, Shown]
    hidden_entries: int
    hidden_evidence: tuple[int, ...]
    seen: dict[str, str]
    rules: dict[str, int]

    @property
    def in_full(self) -> bool:
        """Whether the viewer sees every record as recorded (nothing reduced or hidden)."""
        return not self.hidden_entries and all(level == FULL for level in self.seen.values())

    def audit_detail(self) -> dict[str, Any]:
        """What the audit keeps of a look: the level of each agency's records, and the rules."""
        levels, rules = sorted(self.seen.items()), sorted(self.rules.items())
        return {"levels": dict(levels), "rules": dict(rules)}

    def as_dict(self) -> dict[str, Any]:
        """The chronology's JSON, each entry and flag saying how it was shared."""
        data = self.chronology.as_dict()
        for entry in data["entries"]:
            entry["sharing"] = sharing_of(self.shown[entry["id"]])
        for flag, hidden in zip(data["flags"], self.hidden_evidence, strict=True):
            flag["hidden_evidence"] = hidden
        data["sharing"] = {"hidden_entries": self.hidden_entries, **self.audit_detail()}
        return data


def sharing_of(shown: Shown) -> dict[str, Any]:
    """How one entry was shared: its level, the rule behind each record, records not shown."""
    return {
        "level": shown.level,
        "rules": list(dict.fromkeys(rule.id for rule in shown.rules)),
        "hidden_records": shown.hidden,
    }


def share(
    chronology: Chronology,
    agreement: Agreement,
    viewer_agency: str,
    viewer_role: str,
    restricted: Collection[tuple[str, str]] = (),
) -> SharedStory:
    """The chronology as a viewer of ``viewer_agency`` and ``viewer_role`` may see it."""
    table = ViewerTable(agreement, viewer_agency, viewer_role)
    entries: list[Entry] = []
    shown: dict[str, Shown] = {}
    renamed: dict[str, str] = {}
    seen: dict[str, str] = {}
    rules: Counter[str] = Counter()
    visible: set[tuple[str, str]] = set()
    for entry in chronology.entries:
        for source in entry.sources:
            level, _ = table.for_source(entry, source, restricted)
            seen[source.agency] = _most(seen.get(source.agency, NONE), level)
        result = shape_entry(entry, table, restricted)
        if result is None:
            continue
        entries.append(result.entry)
        shown[result.entry.id] = result
        renamed[entry.id] = result.entry.id
        rules.update(rule.id for rule in result.rules)
        visible.update((s.agency, s.record_id) for s in result.entry.sources)
    flags = [_flag_as_shared(f, renamed, visible) for f in chronology.flags]
    hidden_evidence = tuple(
        len(f.evidence) - len(shared.evidence)
        for f, shared in zip(chronology.flags, flags, strict=True)
    )
    shaped = dataclasses.replace(
        chronology,
        entries=entries,
        flags=flags,
        summary=summary_as_shared(chronology.summary, entries, renamed),
    )
    return SharedStory(
        shaped,
        shown,
        len(chronology.entries) - len(entries),
        hidden_evidence,
        seen,
        dict(rules),
    )


def _flag_as_shared(flag: Flag, renamed: dict[str, str], visible: set[tuple[str, str]]) -> Flag:
    """A flag whose entries and evidence are only those the viewer sees."""
    return dataclasses.replace(
        flag,
        entries=tuple(renamed[e] for e in flag.entries if e in renamed),
        evidence=tuple(key for key in flag.evidence if key in visible),
    )


def _most(a: str, b: str) -> str:
    return a if _ORDER.index(a) <= _ORDER.index(b) else b
