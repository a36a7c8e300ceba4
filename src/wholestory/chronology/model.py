"""What a chronology is made of: sources, entries, flags and the analysis above them.

These are plain data, built by :mod:`~wholestory.chronology.building` and read
by every output (JSON, HTML, PDF, CSV) and, later, by the web pages. The JSON
form (:meth:`Chronology.as_dict`) is the contract other systems read, so its
field names are fixed here and nowhere else.

The facts (entries) and the analysis (flags and summary) are kept apart, as
chronology guidance asks: an entry says what an agency recorded; a flag or a
summary line says what WholeStory reads into the entries, and always points
back to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Final

from wholestory.chronology.display import parse_iso
from wholestory.records.dates import precision_of_iso

_MONTH_NAMES: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def long_date(day: dt.date) -> str:
    """A day in full words, as a sentence about a death reads: "3 March 2024"."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def death_words(name: str, died: dt.date) -> str:
    """The plain words every output opens with when a chronology ends at a death."""
    who = (name[:1].upper() + name[1:]) if name else "This person"
    return f"{who} died on {long_date(died)}; this chronology is as of that date."


@dataclass(frozen=True, slots=True)
class Source:
    """One agency record behind an entry: the row as the agency wrote it."""

    agency: str
    record_id: str
    person_id: str
    name: str
    role: str
    date: str  # as recorded: YYYY, YYYY-MM or YYYY-MM-DD
    approximate: bool
    event_type: str
    inferred: bool
    summary: str
    action: str
    outcome: str
    practitioner: str
    team: str
    own: bool  # a record of the chronology's person (not of someone else in the event)
    # The restricted category code the recording agency marked the record with
    # (SEXUAL_HEALTH, ADOPTION, RESTRICTED...), "" for an ordinary record. Last, with a
    # default, so a chronology stored before the template had the column reads back.
    restricted: str = ""

    def key(self) -> dict[str, str]:
        """The record as the JSON names it: ``{agency, record_id}``."""
        return {"agency": self.agency, "record_id": self.record_id}

    def as_dict(self) -> dict[str, Any]:
        """Every field (``dataclasses.asdict`` is several times slower, and this runs per row)."""
        return {name: getattr(self, name) for name in _SOURCE_FIELDS}


_SOURCE_FIELDS: Final = tuple(f.name for f in fields(Source))


@dataclass(frozen=True, slots=True)
class Involved:
    """Someone else recorded in an entry's event, and what they are to the child."""

    person: str  # WholeStory id, or AGENCY:PERSON_ID while unlinked
    name: str
    role: str  # their part in the event: VICTIM, SUSPECT...
    relation: str  # what they are to the chronology's person: mother, mother's partner...


@dataclass(slots=True)
class Entry:
    """One thing that happened, with every agency record of it.

    ``date`` keeps the precision it was given (``2014``, ``2014-03``,
    ``2014-03-09``) and ``approximate`` says whether an agency marked it
    ``~``; ``day`` is the earliest day it can be, for ordering and windows.
    """

    id: str
    day: dt.date
    date: str
    approximate: bool
    agency: str  # the agency that recorded it first
    agencies: list[str]
    event_type: str  # the type of the first record (the agency's own or inferred)
    event_types: list[str]
    inferred: bool  # the first record's type was inferred from its summary
    role: str  # the chronology person's part; HOUSEHOLD for a household member's event
    household: bool
    summary: str
    action: str
    outcome: str
    category: str
    sources: list[Source]
    involved: list[Involved] = field(default_factory=list)
    merged_because: str = ""  # why several agencies' records are one entry, if they are

    @property
    def precision(self) -> str:
        """``day``, ``month`` or ``year``: how exactly the date is known."""
        return precision_of_iso(self.date)

    def has(self, *types: str) -> bool:
        """Whether any record of the entry is of one of ``types``."""
        return any(t in types for t in self.event_types)

    def as_dict(self) -> dict[str, Any]:
        """The entry in the JSON contract."""
        return {
            "id": self.id,
            "date": self.date,
            "approximate": self.approximate,
            "precision": self.precision,
            "agency": self.agency,
            "agencies": self.agencies,
            "event_type": self.event_type,
            "event_types": self.event_types,
            "inferred": self.inferred,
            "role": self.role,
            "household": self.household,
            "category": self.category,
            "summary": self.summary,
            "action": self.action,
            "outcome": self.outcome,
            "involved": [
                {"person": i.person, "name": i.name, "role": i.role, "relation": i.relation}
                for i in self.involved
            ],
            "merged_because": self.merged_because,
            "sources": [s.key() for s in self.sources],
            "records": [s.as_dict() for s in self.sources],
        }

    @classmethod
    def from_dict(cls, e: dict[str, Any]) -> Entry:
        """The entry again from its JSON (an undated one sorts first, as 1 Jan 1900)."""
        day = parse_iso(str(e["date"])) or dt.date(1900, 1, 1)
        return cls(
            id=str(e["id"]),
            day=day,
            date=str(e["date"]),
            approximate=bool(e.get("approximate")),
            agency=str(e["agency"]),
            agencies=list(e.get("agencies", [])),
            event_type=str(e.get("event_type", "")),
            event_types=list(e.get("event_types", [])),
            inferred=bool(e.get("inferred")),
            role=str(e.get("role", "")),
            household=bool(e.get("household")),
            summary=str(e.get("summary", "")),
            action=str(e.get("action") or ""),
            outcome=str(e.get("outcome") or ""),
            category=str(e.get("category", "")),
            sources=[Source(**r) for r in e.get("records", [])],
            involved=[Involved(**i) for i in e.get("involved", [])],
            merged_because=str(e.get("merged_because", "")),
        )


@dataclass(frozen=True, slots=True)
class Flag:
    """An indicator raised on a chronology: a prompt for judgement, never a verdict."""

    code: str
    title: str
    severity: str  # high, medium or low
    first: dt.date
    last: dt.date
    explanation: str
    entries: tuple[str, ...]  # entry ids
    evidence: tuple[tuple[str, str], ...]  # (agency, record_id) of every record behind it
    grounding: str
    age_first: int | None = None  # whole years on the first evidence day (None: not known)
    age_last: int | None = None  # ... and on the last

    @property
    def ages(self) -> str:
        """The age at which the pattern happened: "aged 14", "aged 14 to 15", or ""."""
        return age_words(self.age_first, self.age_last)

    def heading(self) -> tuple[str, str, str, str, str]:
        """Code, title, severity, first and last day: how every table of flags begins a row."""
        return self.code, self.title, self.severity, self.first.isoformat(), self.last.isoformat()

    def as_dict(self) -> dict[str, Any]:
        """The flag in the JSON contract."""
        return {
            "code": self.code,
            "title": self.title,
            "severity": self.severity,
            "first_date": self.first.isoformat(),
            "last_date": self.last.isoformat(),
            "explanation": self.explanation,
            "grounding": self.grounding,
            "entries": list(self.entries),
            "evidence": [{"agency": a, "record_id": r} for a, r in self.evidence],
            "age_first": self.age_first,
            "age_last": self.age_last,
        }

    @classmethod
    def from_dict(cls, f: dict[str, Any]) -> Flag:
        """The flag again from its JSON."""
        return cls(
            code=str(f["code"]),
            title=str(f["title"]),
            severity=str(f["severity"]),
            first=dt.date.fromisoformat(f["first_date"]),
            last=dt.date.fromisoformat(f["last_date"]),
            explanation=str(f.get("explanation", "")),
            entries=tuple(f.get("entries", [])),
            evidence=tuple((str(e["agency"]), str(e["record_id"])) for e in f.get("evidence", [])),
            grounding=str(f.get("grounding", "")),
            age_first=f.get("age_first"),
            age_last=f.get("age_last"),
        )


def age_words(first: int | None, last: int | None) -> str:
    """An age or an age range in words: "aged 14", "aged 14 to 15", or "" when not known."""
    if first is None or last is None:
        return ""
    return f"aged {first}" if first == last else f"aged {first} to {last}"


@dataclass(slots=True)
class Subject:
    """Who the chronology is about, as every agency recorded them."""

    id: str
    names: list[str]
    dates_of_birth: list[str]
    date_of_birth: str | None  # the most agreed date of birth
    sex: str
    source_records: list[dict[str, str]]  # {agency, person_id}
    addresses: list[str]
    identifiers: dict[str, list[str]]  # nhs_number, upn
    date_of_death: str | None = None  # YYYY-MM-DD, where an agency records that they died

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, p: dict[str, Any]) -> Subject:
        """The person again from their JSON (a missing field is empty)."""
        return cls(
            id=str(p.get("id", "")),
            names=list(p.get("names", [])),
            dates_of_birth=list(p.get("dates_of_birth", [])),
            date_of_birth=p.get("date_of_birth"),
            sex=str(p.get("sex", "")),
            source_records=list(p.get("source_records", [])),
            addresses=list(p.get("addresses", [])),
            identifiers=dict(p.get("identifiers", {})),
            date_of_death=p.get("date_of_death"),
        )


@dataclass(slots=True)
class Chronology:
    """One person's whole story: the facts, then what WholeStory reads into them."""

    person: Subject
    as_of: dt.date
    produced_at: str
    entries: list[Entry]
    flags: list[Flag]
    summary: dict[str, Any]
    household: list[dict[str, Any]]
    is_child: bool = False  # under the age limit on the as-of date (flags need not be)
    #: How to work with this family: each member's engagement needs, read when the
    #: chronology is given out (``engagement.family.with_engagement``), never kept with it.
    needs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def died(self) -> bool:
        """Whether the chronology ends at the person's death (it is as of that day)."""
        return self.person.date_of_death == self.as_of.isoformat()

    def death_words(self, name: str | None = None) -> str:
        """ "Ava Stone died on 3 March 2024; this chronology is as of that date.", or ""."""
        if not self.died:
            return ""
        return death_words(name or (self.person.names[0] if self.person.names else ""), self.as_of)

    def entries_text(self) -> list[str]:
        """Every record's summary and action: the free text other agencies are named in."""
        return [t for e in self.entries for s in e.sources for t in (s.summary, s.action) if t]

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract (see the README): person, entries, flags, summary."""
        return {
            "person": self.person.as_dict(),
            "as_of": self.as_of.isoformat(),
            "produced_at": self.produced_at,
            "household": self.household,
            "needs": self.needs,
            "summary": self.summary,
            "flags": [f.as_dict() for f in self.flags],
            "entries": [e.as_dict() for e in self.entries],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chronology:
        """A chronology again from its JSON (the stored form), for pictures and files.

        ``is_child`` is not in the JSON, so it comes back False.
        """
        return cls(
            person=Subject.from_dict(data.get("person", {})),
            as_of=dt.date.fromisoformat(data["as_of"]),
            produced_at=str(data.get("produced_at", "")),
            entries=[Entry.from_dict(e) for e in data.get("entries", [])],
            flags=[Flag.from_dict(f) for f in data.get("flags", [])],
            summary=dict(data.get("summary", {})),
            household=list(data.get("household", [])),
            needs=list(data.get("needs", [])),
        )
