"""A chronology made fit to publish: people become roles, identifiers go.

A local child safeguarding practice review is published, and the
chronology that goes with it must not identify the child or family, nor
name the practitioners, while still letting a reader follow what happened,
in what order, and what each agency knew. :func:`anonymise` makes such a
copy; the original is never changed. What it chose, and why:

* **People become roles.** The child is "the child", or "the young person"
  when 13 or over on the chronology's "as of" date (the words reviews use).
  Everyone else is named by what they are to the child (``Involved.relation``):
  "the mother", "the mother's partner"; two people with one relation are
  numbered ("sibling 1", "sibling 2") so the text still tells them apart;
  someone whose relation is unknown is "another person 1", "another person 2".
  This is done in every field, including inside free text (summary, action,
  outcome, flag explanations, the summary's own text), by full name, by each
  given name and family name alone (a family name shared by several people
  becomes "[name]", and "the Smith family" becomes "the family"), and with
  titles (Mr, Mrs, Ms, Miss, Mx, Dr).
* **Practitioners are removed, their teams kept.** The review is about the
  system, not individual workers, and a team tells the reader which service.
* **Engagement needs are kept** (how to work with the family is part of the
  learning), each person named by their role; who recorded them goes.
* **Identifiers are removed.** Addresses (whole, and each part of them),
  postcodes, NHS numbers, UPNs, telephone numbers and e-mail addresses go,
  whether held in a field or written in the text (recognised by their shape as
  well as by the values held); free text shows ``[address]``, ``[postcode]``,
  ``[NHS number]``, ``[UPN]`` and so on where something was taken out, so a
  reader knows there was something there.
* **Record ids become stable placeholders.** ``(POLICE, PL13-004417)``
  becomes ``(POLICE, "record 3")``, shown as "POLICE record 3", numbered per
  agency in date order, so a flag's evidence still points at the right rows
  of the published document. Entry ids become "entry 1", "entry 2"... in the
  chronology's order. Agencies' person ids and WholeStory ids are removed.
* **Dates of birth are reduced to the year** (the child's and the
  household's, wherever they appear), and an event dated on the child's
  day of birth is shown to the month. A date of birth is the strongest single
  identifier. Other event dates are kept at the precision recorded: the sequence
  and the intervals between events are the review's evidence. A partnership
  that needs more (months only, say) edits the published copy; this is the
  least any published copy needs.
* Sex, agencies, event types, roles, categories and flags are kept: they are
  the analysis, and do not identify anyone on their own.

Free-text matching is deliberately greedy (case-insensitive, whole words):
in a document for publication, taking out a word that was not a name is a
small cost, and leaving a name in is not.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

from wholestory.chronology.display import parse_iso
from wholestory.chronology.model import Chronology, Entry, Flag, Involved, Source, Subject
from wholestory.chronology.scrubbing import ScrubPlan, Who, make_plan, norm, scrub_text, unknown


def _source(source: Source, plan: ScrubPlan, involved: dict[str, Who]) -> Source:
    if source.own:
        name = plan.subject.name
    else:
        name = involved.get(norm(source.name), plan.by_name.get(norm(source.name), unknown())).name
    return replace(
        source,
        date=source.date[:7] if source.date in plan.child_births else source.date,
        record_id=plan.records[(source.agency, source.record_id)],
        person_id="",
        name=name,
        summary=scrub_text(source.summary, plan),
        action=scrub_text(source.action, plan),
        outcome=scrub_text(source.outcome, plan),
        practitioner="",
        team=scrub_text(source.team, plan),
    )


def _involved(who: Involved, plan: ScrubPlan) -> Involved:
    role = plan.people.get(who.person or norm(who.name), unknown())
    return Involved(person="", name=role.name, role=who.role, relation=who.relation)


def _entry(entry: Entry, plan: ScrubPlan) -> Entry:
    names = {
        norm(i.name): plan.people.get(i.person or norm(i.name), unknown()) for i in entry.involved
    }
    date, day = entry.date, entry.day
    if date in plan.child_births:  # an event on the day of birth would give it away
        date, day = date[:7], day.replace(day=1)
    return replace(
        entry,
        id=plan.entries[entry.id],
        date=date,
        day=day,
        summary=scrub_text(entry.summary, plan),
        action=scrub_text(entry.action, plan),
        outcome=scrub_text(entry.outcome, plan),
        sources=[_source(s, plan, names) for s in entry.sources],
        involved=[_involved(i, plan) for i in entry.involved],
        merged_because=scrub_text(entry.merged_because, plan),
        agencies=list(entry.agencies),
        event_types=list(entry.event_types),
    )


def _flag(flag: Flag, plan: ScrubPlan) -> Flag:
    return replace(
        flag,
        title=scrub_text(flag.title, plan),
        explanation=scrub_text(flag.explanation, plan),
        entries=tuple(plan.entries.get(e, "entry") for e in flag.entries),
        evidence=tuple((a, plan.records[(a, r)]) for a, r in flag.evidence),
    )


def _year(text: str) -> str:
    day = parse_iso(text)
    return str(day.year) if day else ""


#: Keys whose values, wherever they appear in the summary or household, are handled by meaning.
_REMOVED_KEYS: Final = frozenset(
    {
        "address",
        "addresses",
        "postcode",
        "nhs_number",
        "upn",
        "practitioner",
        "person_id",
        "related_person_id",
        "given_name",
        "family_name",
        "other_names",
        "wholestory_id",
        "recorded_by",
    }
)


def _walk(value: Any, plan: ScrubPlan, key: str = "") -> Any:
    """Any JSON-shaped value (summary, household) with the same rules applied by key and text."""
    if isinstance(value, dict):
        return _walk_dict(value, plan)
    if isinstance(value, list):
        return [_walk(v, plan, key) for v in value]
    if not isinstance(value, str):
        return value
    if key in _REMOVED_KEYS:
        return ""
    if key in ("date_of_birth", "dob") or value in plan.births:
        return _year(value)
    if key in ("entry", "entries", "earlier", "entry_id") or value in plan.entries:
        return plan.entries.get(value, scrub_text(value, plan))
    if key in ("name", "names") and norm(value) in plan.by_name:
        return plan.by_name[norm(value)].name
    if key == "person":
        return plan.people.get(value, unknown()).name
    return scrub_text(value, plan)


def _walk_dict(value: dict[str, Any], plan: ScrubPlan) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        new_key = scrub_text(key, plan) if isinstance(key, str) else key
        if key in _REMOVED_KEYS and isinstance(item, list):
            out[new_key] = []
        else:
            out[new_key] = _walk(item, plan, key)
    agency, record = value.get("agency"), value.get("record_id")
    if isinstance(agency, str) and isinstance(record, str):
        out["record_id"] = plan.records.get((agency, record), "record")
    return out


def _person(person: Subject, plan: ScrubPlan) -> Subject:
    year = _year(person.date_of_birth or "")
    return Subject(
        id="anonymised",
        names=[plan.subject.name],
        dates_of_birth=sorted({_year(d) for d in person.dates_of_birth} - {""}),
        date_of_birth=year or None,
        sex=person.sex,
        source_records=[],
        addresses=[],
        identifiers={},
        date_of_death=person.date_of_death,  # the day the chronology ends, shown in full
    )


def anonymise(chronology: Chronology) -> Chronology:
    """A copy of ``chronology`` fit to publish (see the module's docstring).

    The original is untouched: the published copy is made alongside it, never instead of it.
    """
    plan = make_plan(chronology)
    return Chronology(
        person=_person(chronology.person, plan),
        as_of=chronology.as_of,
        produced_at=chronology.produced_at,
        entries=[_entry(e, plan) for e in chronology.entries],
        flags=[_flag(f, plan) for f in chronology.flags],
        summary=_walk(chronology.summary, plan),
        household=_walk(chronology.household, plan),
        is_child=chronology.is_child,
        needs=_needs(chronology, plan),
    )


def _needs(chronology: Chronology, plan: ScrubPlan) -> list[dict[str, Any]]:
    """The family's needs kept, the people in them named by their role, never by name."""
    out = []
    for member in chronology.needs:
        person = str(member.get("person") or "")
        who = plan.subject if person == chronology.person.id else plan.people.get(person)
        rest = _walk({k: v for k, v in member.items() if k not in ("person", "name")}, plan)
        out.append({**rest, "person": "", "name": (who or unknown()).name})
    return out
