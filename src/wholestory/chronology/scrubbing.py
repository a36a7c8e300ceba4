"""What an anonymised copy takes out, and taking it out of free text.

:func:`make_plan` reads a chronology once for everything that could identify
someone (names and their spellings, practitioners, identifiers, record ids,
addresses) and gives each its replacement; :func:`scrub_text` applies the plan
to a piece of free text. :mod:`~wholestory.chronology.anonymise` applies it to
the whole chronology and says what the published copy keeps and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from wholestory.chronology.display import age_on, parse_iso
from wholestory.chronology.model import Chronology
from wholestory.records.keys import split_key

YOUNG_PERSON_AGE: Final = 13
TITLES: Final = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")
#: Words that are titles or job prefixes in practitioner names, never names themselves.
_NOT_NAMES: Final = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "dc", "pc", "ds", "di", "sgt", "hv", "sw", "the"}
)
_UNKNOWN_RELATIONS: Final = frozenset({"", "other", "unknown", "not known", "none"})

#: Shapes of identifiers written into free text, with what replaces them.
_SHAPES: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b[A-Z]\d{11}[0-9A-Z]\b", re.IGNORECASE), "[UPN]"),
    (re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b"), "[NHS number]"),
    (re.compile(r"\b(?:\+44\s?|0)\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b"), "[phone]"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE), "[postcode]"),
    (
        re.compile(
            r"\b(?:(?:flat|apartment|unit)\s+\d+[a-z]?,?\s+)?\d+[a-z]?,?\s+"
            r"(?:[A-Z][\w'-]*\s+){1,3}(?:road|rd|street|st|lane|ln|avenue|ave|close|drive|way|"
            r"court|crescent|place|gardens|grove|terrace|walk|row|hill|mews|square|view|rise|"
            r"green|parade)\b",
            re.IGNORECASE,
        ),
        "[address]",
    ),
    (re.compile(r"\b(?:flat|apartment)\s+\d+[a-z]?\b", re.IGNORECASE), "[address]"),
    (
        re.compile(
            r"\b(?:[A-Z][a-z'-]+\s+){1,2}(?:Road|Street|Lane|Avenue|Close|Drive|Crescent|"
            r"Gardens|Grove|Terrace|Row|Mews|Rise|Parade)\b"
        ),
        "[address]",
    ),
    (
        re.compile(
            r"\b(?:(?:St|[A-Z][a-z'-]+)\.?\s+){1,3}(?:Primary|Infant|Junior|Academy|School|"
            r"Nursery|College|High)(?:\s+(?:School|Academy))?\b"
        ),
        "[school]",
    ),
)


@dataclass(slots=True)
class Who:
    """Role labels: ``name`` for a field, ``text`` for use inside a sentence."""

    name: str
    text: str


@dataclass(slots=True)
class ScrubPlan:
    """Everything the copy replaces, worked out once from the whole chronology."""

    subject: Who
    people: dict[str, Who] = field(default_factory=dict)  # person id -> role
    by_name: dict[str, Who] = field(default_factory=dict)  # casefolded full name -> role
    records: dict[tuple[str, str], str] = field(default_factory=dict)  # -> "record 3"
    record_text: dict[str, str] = field(default_factory=dict)  # record id -> "POLICE record 3"
    entries: dict[str, str] = field(default_factory=dict)  # entry id -> "entry 1"
    literals: list[tuple[str, str]] = field(default_factory=list)  # held values -> marker
    names: dict[str, str] = field(default_factory=dict)  # casefolded name or token -> text
    births: set[str] = field(default_factory=set)  # full dates of birth: shown as the year
    child_births: set[str] = field(default_factory=set)
    name_re: re.Pattern[str] | None = None
    family_re: re.Pattern[str] | None = None


def norm(text: str) -> str:
    """A name as the plan keys it: spaces collapsed, case folded, so spellings meet."""
    return " ".join(text.split()).casefold()


def _subject_label(chronology: Chronology) -> str:
    birth = parse_iso(chronology.person.date_of_birth or "")
    if birth is not None and age_on(birth, chronology.as_of) >= YOUNG_PERSON_AGE:
        return "the young person"
    return "the child"


def _relation_words(relation: str) -> str:
    return " ".join(relation.replace("_", " ").split()).lower()


def _assign_roles(chronology: Chronology, plan: ScrubPlan) -> None:
    """A role for every other person, numbered when two share one relation."""
    first_seen: dict[str, str] = {}
    for entry in chronology.entries:
        for who in entry.involved:
            key = who.person or norm(who.name)
            first_seen.setdefault(key, _relation_words(who.relation))
    for member in chronology.household:
        key = str(member.get("person") or norm(str(member.get("name") or "")))
        if key:
            first_seen.setdefault(key, _relation_words(str(member.get("relation") or "")))
    counts: dict[str, int] = {}
    for relation in first_seen.values():
        counts[relation] = counts.get(relation, 0) + 1
    numbered: dict[str, int] = {}
    for key, relation in first_seen.items():
        if relation in _UNKNOWN_RELATIONS:
            numbered[""] = numbered.get("", 0) + 1
            label = f"another person {numbered['']}"
            plan.people[key] = Who(label, label)
        elif counts[relation] > 1:
            numbered[relation] = numbered.get(relation, 0) + 1
            label = f"{relation} {numbered[relation]}"
            plan.people[key] = Who(label, label)
        else:
            plan.people[key] = Who(relation, f"the {relation}")


def _collect_names(chronology: Chronology, plan: ScrubPlan) -> None:
    """Every full name held, mapped to its person's role; tokens too, where unambiguous."""
    owners: dict[str, set[str]] = {}

    def add(name: str, who: Who) -> None:
        if not name.strip():
            return
        plan.by_name.setdefault(norm(name), who)
        plan.names.setdefault(norm(name), who.text)
        for token in _tokens(name):
            owners.setdefault(token.casefold(), set()).add(who.text)

    for name in chronology.person.names:
        add(name, plan.subject)
    for entry in chronology.entries:
        for who in entry.involved:
            add(who.name, plan.people.get(who.person or norm(who.name), unknown()))
        for source in entry.sources:
            if source.own:
                add(source.name, plan.subject)
    for entry in chronology.entries:
        for source in entry.sources:
            if not source.own and norm(source.name) not in plan.by_name:
                add(source.name, unknown())
            _practitioner(source.practitioner, owners)
    for member in chronology.household:
        key = str(member.get("person") or norm(str(member.get("name") or "")))
        add(str(member.get("name") or ""), plan.people.get(key, unknown()))
    for token, labels in owners.items():
        if token not in plan.names:
            plan.names[token] = next(iter(labels)) if len(labels) == 1 else "[name]"


def _practitioner(name: str, owners: dict[str, set[str]]) -> None:
    """A practitioner's name (and each part of it) is removed wherever it is written."""
    if not name.strip():
        return
    owners.setdefault(norm(name), set()).add("[practitioner]")
    for token in _tokens(name):
        owners.setdefault(token.casefold(), set()).add("[practitioner]")


def _tokens(name: str) -> set[str]:
    """The words of a name that could be written alone: "Kacey-Ann" gives it, "Kacey", "Ann"."""
    words = set(re.findall(r"[^\W\d_][\w'-]*", name))
    words |= {part for word in words for part in re.split(r"[-']", word)}
    return {w for w in words if len(w) >= 2 and w.casefold() not in _NOT_NAMES}


def unknown() -> Who:
    """The label of someone the plan has no role for: never their name."""
    return Who("another person", "another person")


def _collect_identifiers(chronology: Chronology, plan: ScrubPlan) -> None:
    """Record ids get placeholders; other held identifiers are removed wherever written."""
    per_agency: dict[str, int] = {}
    for number, entry in enumerate(chronology.entries, start=1):
        plan.entries[entry.id] = f"entry {number}"
        for source in entry.sources:
            key = (source.agency, source.record_id)
            if key not in plan.records:
                per_agency[source.agency] = per_agency.get(source.agency, 0) + 1
                plan.records[key] = f"record {per_agency[source.agency]}"
                plan.record_text.setdefault(
                    source.record_id, f"{source.agency} {plan.records[key]}"
                )
    for flag in chronology.flags:  # evidence can name records no entry holds
        for agency, record_id in flag.evidence:
            if (agency, record_id) not in plan.records:
                per_agency[agency] = per_agency.get(agency, 0) + 1
                plan.records[(agency, record_id)] = f"record {per_agency[agency]}"
                plan.record_text.setdefault(
                    record_id, f"{agency} {plan.records[(agency, record_id)]}"
                )
    person = chronology.person
    literals: list[tuple[str, str]] = [(i, "[id]") for i in _ids(chronology)]
    literals += [(v, "[NHS number]") for v in person.identifiers.get("nhs_number", [])]
    literals += [(v, "[UPN]") for v in person.identifiers.get("upn", [])]
    for kind, values in person.identifiers.items():
        if kind not in ("nhs_number", "upn"):
            literals += [(v, "[id]") for v in values]
    literals += [(a, "[address]") for a in _address_parts(_addresses(chronology))]
    plan.child_births = {d for d in person.dates_of_birth if len(d) == 10}
    plan.births = plan.child_births | {
        str(m.get("date_of_birth")) for m in chronology.household if m.get("date_of_birth")
    }
    literals += [(d, "[date of birth]") for d in plan.births if len(d) == 10]
    plan.literals = sorted(
        ((v, m) for v, m in literals if v.strip()), key=lambda p: len(p[0]), reverse=True
    )


def _ids(chronology: Chronology) -> set[str]:
    """Person ids: WholeStory ids and every agency's own ids for the people in it."""
    ids = {chronology.person.id}
    ids |= {r.get("person_id", "") for r in chronology.person.source_records}
    for entry in chronology.entries:
        ids |= {s.person_id for s in entry.sources}
        ids |= {i.person for i in entry.involved}
        ids |= {split_key(i.person)[1] or i.person for i in entry.involved}
    for member in chronology.household:
        ids |= {str(member.get(k) or "") for k in ("person", "person_id")}
    return {i for i in ids if len(i) >= 3}


def _addresses(chronology: Chronology) -> list[str]:
    found = list(chronology.person.addresses)
    for member in chronology.household:
        for key in ("address", "addresses", "postcode"):
            value = member.get(key)
            found += value if isinstance(value, list) else [str(value or "")]
    return [a for a in found if a]


def _address_parts(addresses: Iterable[str]) -> set[str]:
    """Whole addresses and each part between commas (a town alone still narrows it)."""
    parts = set()
    for address in addresses:
        parts.add(address.strip())
        for part in (p.strip() for p in address.split(",")):
            if len(part) >= 4:
                parts.add(part)
            street = re.sub(r"^\d+[a-z]?\s+", "", part, flags=re.IGNORECASE)
            if street != part and len(street) >= 4:
                parts.add(street)  # "Tannery Row" written without its number
    return parts


def _compile(plan: ScrubPlan) -> None:
    if not plan.names:
        return
    alternatives = "|".join(
        r"\s+".join(re.escape(w) for w in name.split())
        for name in sorted(plan.names, key=len, reverse=True)
    )
    titles = "|".join(TITLES)
    plan.name_re = re.compile(
        rf"(?<![\w-])(?:(?:{titles})\.?\s+)?(?:{alternatives})(?![\w-])", re.IGNORECASE
    )
    plan.family_re = re.compile(rf"\bthe\s+(?:{alternatives})\s+family\b", re.IGNORECASE)


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?\n"


def scrub_text(text: str, plan: ScrubPlan) -> str:
    """Free text with names, practitioners, identifiers and record ids taken out."""
    if not text:
        return text
    for record_id, placeholder in sorted(plan.record_text.items(), key=lambda p: -len(p[0])):
        text = re.sub(rf"(?<![\w-]){re.escape(record_id)}(?![\w-])", placeholder, text)
    for value, marker in plan.literals:
        pattern = r"[\s,-]*".join(re.escape(c) for c in value if not c.isspace())
        text = re.sub(rf"(?<![\w]){pattern}(?![\w])", marker, text, flags=re.IGNORECASE)
    for shape, marker in _SHAPES:
        text = shape.sub(marker, text)
    if plan.family_re is not None:
        text = plan.family_re.sub("the family", text)
    if plan.name_re is not None:
        text = plan.name_re.sub(lambda m: _name_for(m, plan), text)
    return text


def _name_for(match: re.Match[str], plan: ScrubPlan) -> str:
    found = re.sub(rf"^(?:{'|'.join(TITLES)})\.?\s+", "", match.group(0), flags=re.IGNORECASE)
    label = plan.names.get(norm(found), "[name]")
    if _sentence_start(match.string, match.start()):
        return label[:1].upper() + label[1:]
    return label


def make_plan(chronology: Chronology) -> ScrubPlan:
    """Everything the copy replaces, read from the whole chronology before any of it changes."""
    subject = _subject_label(chronology)
    plan = ScrubPlan(subject=Who(subject, subject))
    _assign_roles(chronology, plan)
    _collect_identifiers(chronology, plan)
    _collect_names(chronology, plan)
    _compile(plan)
    return plan
