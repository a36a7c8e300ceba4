"""Loading a generated partnership and comparing THRIVE's readings with its planted truth:
the suggested groupings against the true ones (the agreement rate), and unmet need.

Both generators write the same truth files (``ground_truth/thrive_groupings.csv``,
``thrive_unmet_need.csv``, ``camhs_waits.csv``); children whose records linking did not
make whole are set aside and counted, as the practice measures' truth test does.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from wholestory.assurance.measure_evaluation import not_whole, read_truth
from wholestory.chronology.evaluation import people_of_children, stored_flags
from wholestory.store import Store
from wholestory.thrive.suggest import suggest
from wholestory.thrive.vocabulary import GROUPINGS


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load(store: Store, folder: Path) -> None:
    """Ingest, link and build the chronologies of ``folder`` into an empty store."""
    from wholestory.chronology.stored import build_all
    from wholestory.identity import LinkThresholds, link_all
    from wholestory.ingest import ingest_paths

    loaded = ingest_paths(store, [folder])
    if loaded.failed:
        raise ValueError(f"{loaded.failed[0].file}: {loaded.failed[0].error}")
    link_all(store, thresholds=LinkThresholds())
    build_all(store)


@dataclass(frozen=True)
class Linked:
    """Each whole true child's WholeStory person, and the children set aside."""

    person_of: dict[str, str]
    set_aside: frozenset[str]


def linked(store: Store, folder: Path) -> Linked:
    truth = read_truth(folder)
    keys, _ = stored_flags(store)
    _, affected = not_whole(keys, truth.owner, truth.children)
    person_of = people_of_children(keys, truth.owner, truth.children)
    whole = {c: p for c, p in person_of.items() if c not in affected}
    return Linked(whole, frozenset(affected))


@dataclass
class Agreement:
    """Suggested against planted true groupings: a confusion table (true, suggested)."""

    table: Counter[tuple[str, str]] = field(default_factory=Counter)
    set_aside: int = 0

    @property
    def children(self) -> int:
        return sum(self.table.values())

    @property
    def rate(self) -> float:
        same = sum(n for (t, s), n in self.table.items() if t == s)
        return same / self.children if self.children else 0.0

    def rate_of(self, grouping: str) -> tuple[int, int]:
        """(agreed, children) for one true grouping."""
        mine = {s: n for (t, s), n in self.table.items() if t == grouping}
        return mine.get(grouping, 0), sum(mine.values())

    def markdown(self) -> str:
        """The confusion table, true groupings down, suggestions across."""
        across = [*GROUPINGS, "none"]
        lines = ["| true \\ suggested | " + " | ".join(across) + " | agreed |",
                 "| --- " * (len(across) + 2) + "|"]  # fmt: skip
        for true in GROUPINGS:
            agreed, n = self.rate_of(true)
            cells = [str(self.table.get((true, s), 0)) for s in across]
            share = f"{agreed}/{n}" + (f" ({agreed / n:.0%})" if n else "")
            lines.append(f"| {true} | " + " | ".join(cells) + f" | {share} |")
        return "\n".join(lines)


def agreement(store: Store, folder: Path, who: Linked, as_of: dt.date) -> Agreement:
    """Suggest a grouping for each whole child with a planted Current View, as of
    ``as_of``, and count it against the planted true grouping."""
    result = Agreement()
    for row in rows(folder / "ground_truth/thrive_groupings.csv"):
        person = who.person_of.get(row["child"])
        if person is None:
            result.set_aside += 1
            continue
        suggested = suggest(store, person, as_of).grouping or "none"
        result.table[(row["true_grouping"], suggested)] += 1
    return result


def camhs_days(store: Store, person: str) -> dict[str, set[str]]:
    """The days of the person's own CAMHS referrals and contacts in the store, by type."""
    found: dict[str, set[str]] = {"CAMHS_REFERRAL": set(), "MENTAL_HEALTH_CONTACT": set()}
    for etype, day in store.query(
        "SELECT r.event_type, r.event_date FROM ws_record r JOIN ws_source_person s"
        " ON s.agency = r.agency AND s.person_id = r.person_id"
        " WHERE r.agency = 'CAMHS' AND r.role = 'SUBJECT' AND s.ws_person_id = ?"
        " AND r.event_type IN ('CAMHS_REFERRAL', 'MENTAL_HEALTH_CONTACT')",
        [person],
    ):
        found[str(etype)].add(str(day))
    return found


#: Words in a reason of the product's that name each of the truth's reasons. Four or more
#: adversities is not in the truth files (see wholestory.synth.thrive_truth).
REASON_WORDS = {"self_harm": "self", "exclusions": "exclu", "current_view_severe": "severe"}
ACES = ("ace", "advers")


def truth_reasons(reasons: object) -> frozenset[str]:
    """The truth's reason codes a product reason (or list of them) names, ACEs left out."""
    said = [reasons] if isinstance(reasons, str) else list(reasons)  # type: ignore[call-overload]
    words = " ".join(str(r) for r in said).lower().replace("-", "_").replace(" ", "_")
    return frozenset(code for code, word in REASON_WORDS.items() if word in words)


@dataclass
class UnmetComparison:
    """Unmet need as the product reads it against the truth, whole children only."""

    agreed: int = 0
    missing: list[str] = field(default_factory=list)  # in the truth, not found
    extra: list[str] = field(default_factory=list)  # found, not in the truth
    differing: list[tuple[str, str, str]] = field(default_factory=list)
    aces_only: int = 0  # found for adversities alone: not in the truth files


def compare_unmet(
    found: dict[str, frozenset[str]], truth: dict[str, frozenset[str]], who: Linked
) -> UnmetComparison:
    """``found``: the product's reasons by WholeStory person; ``truth``: by true child."""
    result = UnmetComparison()
    child_of = {p: c for c, p in who.person_of.items()}
    for person, reasons in sorted(found.items()):
        child = child_of.get(person)
        if child is None:
            continue  # not a whole true child: set aside
        if not reasons:
            result.aces_only += 1
        elif child not in truth:
            result.extra.append(child)
        elif truth[child] != reasons:
            result.differing.append(
                (child, ";".join(sorted(truth[child])), ";".join(sorted(reasons)))
            )
        else:
            result.agreed += 1
    for child in sorted(set(truth) - {child_of.get(p) for p in found}):
        if child in who.person_of:
            result.missing.append(child)
    return result
