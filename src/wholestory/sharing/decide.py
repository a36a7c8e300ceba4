"""Applying the agreement: what level of each record a viewer sees, and the entry they see.

Deciding is done once per viewer class (agency and role), not per entry: a
:class:`ViewerTable` remembers each answer, and a chronology has a handful of
distinct (source agency, category, household, restricted) keys, so a build of
thousands of entries costs a few rule walks and dictionary look-ups.

Three things come before any rule, and no agreement can change them: roles
that see no case data see nothing, an agency sees its own records in full, and
a restricted record is never shown to another agency (breaking glass does
not change the level, only whether the person can be opened at all).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Final

from wholestory.access import NO_CASE_DATA
from wholestory.chronology.model import Entry, Source
from wholestory.chronology.vocabulary import agency_name, category_of
from wholestory.records.template import RESTRICTED_GENERIC
from wholestory.sharing.agreement import (
    ANY,
    FULL,
    INVOLVEMENT,
    NONE,
    RESTRICTED,
    TEAM,
    Agreement,
    Rule,
)

#: The built-in rules, so that every answer names the rule behind it.
OWN_RECORDS: Final = Rule(
    id="own-records", sources=(ANY,), categories=(ANY,), viewers=(ANY,), roles=(ANY,),
    through_household=None, level=FULL, purpose="the agency's own work with the person",
    basis="the agency's own records", reason="an agency always sees what it recorded itself",
)  # fmt: skip
RESTRICTED_MARKER: Final = dataclasses.replace(
    OWN_RECORDS, id="restricted", level=RESTRICTED, purpose="protecting restricted records",
    basis="the recording agency's duty of confidence",
    reason="a restricted record is only ever shown to the agency that recorded it",
)  # fmt: skip
RESTRICTED_HIDDEN: Final = dataclasses.replace(RESTRICTED_MARKER, level=NONE)
NO_CASE_DATA_RULE: Final = dataclasses.replace(
    OWN_RECORDS, id="no-case-data", level=NONE, purpose="running the system and its oversight",
    basis="", reason="this role does its work without reading anyone's story",
)  # fmt: skip
NO_RULE: Final = dataclasses.replace(
    OWN_RECORDS, id="no-rule", level=NONE, purpose="", basis="",
    reason="no rule of the agreement shares these records with this viewer",
)  # fmt: skip
#: What an entry's event type becomes when only the marker of a restricted record is shown.
RESTRICTED_TYPE: Final = "RESTRICTED"
RESTRICTED_WORDS: Final = "A restricted record"

_Key = tuple[str, str, bool, bool]


def level_for(
    agreement: Agreement,
    viewer_agency: str,
    viewer_role: str,
    source_agency: str,
    category: str,
    household_adult_health: bool,
    restricted: bool,
) -> tuple[str, Rule]:
    """The level one viewer class sees of one kind of record, and the rule that says so.

    Pure and uncached: for a whole chronology use :meth:`ViewerTable.level`,
    which asks this once per distinct kind of record.
    """
    if viewer_role in NO_CASE_DATA:
        return NONE, NO_CASE_DATA_RULE
    if viewer_agency == source_agency:
        return FULL, OWN_RECORDS
    if restricted:
        marker = agreement.restricted_elsewhere == "marker"
        return (RESTRICTED, RESTRICTED_MARKER) if marker else (NONE, RESTRICTED_HIDDEN)
    household = household_adult_health and source_agency in agreement.health
    return _first_rule(agreement, viewer_agency, viewer_role, source_agency, category, household)


def _first_rule(
    agreement: Agreement, viewer: str, role: str, source: str, category: str, household: bool
) -> tuple[str, Rule]:
    """The first rule that fits decides; none fitting shares nothing."""
    for rule in agreement.rules:
        if rule.fits(viewer, role, source, category, household):
            return rule.level, rule
    return NONE, NO_RULE


@dataclass(slots=True)
class ViewerTable:
    """One viewer class's answers, worked out once each and then looked up."""

    agreement: Agreement
    viewer_agency: str
    viewer_role: str
    known: dict[_Key, tuple[str, Rule]] = dataclasses.field(default_factory=dict)

    def level(
        self, source_agency: str, category: str, household_adult_health: bool, restricted: bool
    ) -> tuple[str, Rule]:
        """The level and rule for one kind of record, remembered for the next entry."""
        key = (source_agency, category, household_adult_health, restricted)
        found = self.known.get(key)
        if found is None:
            found = level_for(self.agreement, self.viewer_agency, self.viewer_role, *key)
            self.known[key] = found
        return found

    def for_source(
        self, entry: Entry, source: Source, restricted: Collection[tuple[str, str]] = ()
    ) -> tuple[str, Rule]:
        """The level of one record of an entry.

        A record is restricted when its agency marked it so in the import
        (``source.restricted``, a category code) or when its (agency, record
        id) is in ``restricted``, the set callers may still pass. A record of
        someone other than the chronology's person (a parent's, in a household
        entry or joined to the child's own record of the same event) is theirs,
        not the child's: its sharing follows the household rules.
        """
        household = not source.own
        is_restricted = bool(source.restricted) or (source.agency, source.record_id) in restricted
        return self.level(source.agency, category_of(source.event_type), household, is_restricted)


@dataclass(frozen=True, slots=True)
class Shown:
    """An entry as one viewer may see it, and which rules shaped it.

    ``rules`` names the rule behind each record shown, in the records' order;
    ``hidden`` counts the entry's records this viewer does not see at all.
    """

    entry: Entry
    level: str  # the most the viewer sees of any record in it
    rules: tuple[Rule, ...]
    hidden: int


def reduce_to_involvement(source: Source) -> Source:
    """A record at involvement level: the agency, date, event type and outcome, nothing written.

    Who recorded it (practitioner and team) goes too: a team's name ("sexual
    health clinic", "perinatal mental health") can say what the record is about.
    """
    return dataclasses.replace(source, summary="", action="", practitioner="", team="")


def restricted_marker(source: Source) -> Source:
    """A restricted record as another agency may see it: that one exists, and its date.

    Its category code is not shown either ("SEXUAL_HEALTH" says what the record
    is about): the marker is restricted, category unsaid. Nor is the name or id
    it was recorded under (a new identity under witness protection).
    """
    return dataclasses.replace(
        source, event_type=RESTRICTED_TYPE, summary="", action="", outcome="", practitioner="",
        team="", inferred=False, restricted=RESTRICTED_GENERIC, name="", person_id="",
    )  # fmt: skip


def shape_entry(
    entry: Entry, table: ViewerTable, restricted: Collection[tuple[str, str]] = ()
) -> Shown | None:
    """The entry as the table's viewer may see it; ``None`` when they see none of its records.

    An entry can join several agencies' records of one event, each shared at its
    own level: its text is rebuilt from the records shown in full only, and its
    outcome from those shown at involvement or above.
    """
    kept: list[tuple[Source, str, Rule]] = []
    for source in entry.sources:
        level, rule = table.for_source(entry, source, restricted)
        if level == FULL:
            kept.append((source, level, rule))
        elif level == INVOLVEMENT:
            kept.append((reduce_to_involvement(source), level, rule))
        elif level == RESTRICTED:
            kept.append((restricted_marker(source), level, rule))
    if not kept:
        return None
    hidden = len(entry.sources) - len(kept)
    levels = [level for _, level, _ in kept]
    rules = tuple(rule for _, _, rule in kept)
    if hidden == 0 and all(level == FULL for level in levels):
        return Shown(entry, FULL, rules, 0)
    return Shown(_rebuilt(entry, kept), _most(levels), rules, hidden)


def _most(levels: Iterable[str]) -> str:
    order = (FULL, INVOLVEMENT, RESTRICTED)
    return min(levels, key=order.index)


def _rebuilt(entry: Entry, kept: list[tuple[Source, str, Rule]]) -> Entry:
    """The entry's fields from the records shown, so no hidden text survives in it."""
    sources = [source for source, _, _ in kept]
    full = [source for source, level, _ in kept if level == FULL]
    told = [source for source, level, _ in kept if level in (FULL, INVOLVEMENT)]
    primary = (full or told or sources)[0]
    summary = " | ".join(
        s.summary if i == 0 else f"{agency_name(s.agency)}: {s.summary}" for i, s in enumerate(full)
    )
    if not told:
        summary = RESTRICTED_WORDS
    return dataclasses.replace(
        entry,
        id=f"{primary.agency}:{primary.record_id}",
        date=primary.date,
        approximate=primary.approximate,
        agency=primary.agency,
        agencies=list(dict.fromkeys(s.agency for s in sources)),
        event_type=primary.event_type,
        event_types=list(dict.fromkeys(s.event_type for s in sources)),
        inferred=primary.inferred,
        summary=summary,
        action=_joined(s.action for s in full),
        outcome=_joined(s.outcome for s in told),
        category=category_of(primary.event_type) if told else "other",
        sources=sources,
        involved=list(entry.involved) if full else [],
        merged_because=entry.merged_because if full else "",
    )


def _joined(values: Iterable[str]) -> str:
    return "; ".join(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def holds_relationship(
    agreement: Agreement, viewer_agency: str, viewer_team: str, record_agency: str, record_team: str
) -> bool:
    """Whether a record gives its viewer's agency (or team) a relationship with the person.

    For an agency the agreement makes team-level, only the team holding the
    record is related; a record with no team counts for the whole agency, so
    that a gap in an agency's export never hides a child from it.
    """
    if viewer_agency != record_agency:
        return False
    if agreement.grain(record_agency) != TEAM or not _team(record_team):
        return True
    return _team(viewer_team) == _team(record_team)


def _team(name: str) -> str:
    """Teams compared as people write them: case and spacing do not matter."""
    return " ".join(name.split()).casefold()
