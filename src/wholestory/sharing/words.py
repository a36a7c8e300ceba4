"""The agreement in plain sentences, for the data protection impact assessment.

Written from what :func:`~wholestory.sharing.decide.level_for` actually
decides, not from the rules' wording, so the report can never say something
the system does not do.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Final

from wholestory.access import NO_CASE_DATA, ROLES
from wholestory.chronology.vocabulary import agency_name
from wholestory.records.template import KNOWN_AGENCIES
from wholestory.sharing import agreement as isa
from wholestory.sharing.agreement import Agreement, Rule
from wholestory.sharing.decide import level_for
from wholestory.sharing.story import SharedStory, sharing_of
from wholestory.words import count_words

#: Every category, in a steady order: the report asks about each.
_CATEGORIES = tuple(sorted(isa.EVENT_CATEGORIES))
#: The roles whose sharing the report spells out, in this order.
_CASE_ROLES = tuple(role for role in ROLES if role not in NO_CASE_DATA)


def agencies_of(agreement: Agreement) -> list[str]:
    """Every agency the report speaks about: the template's and any the agreement names."""
    named = {a for rule in agreement.rules for a in (*rule.sources, *rule.viewers) if a != isa.ANY}
    named |= {a for members in agreement.groups.values() for a in members}
    return list(KNOWN_AGENCIES) + sorted(named - set(KNOWN_AGENCIES))


def report(agreement: Agreement) -> list[str]:
    """The whole agreement as paragraphs of plain sentences."""
    agencies = agencies_of(agreement)
    lines = [f"{agreement.name} ({agreement.origin})."]
    lines.append("Every agency sees its own records in full. " + restricted_sentence(agreement))
    for viewer in agencies:
        for roles in _role_classes(agreement, viewer, agencies):
            lines.extend(_viewer_sentences(agreement, viewer, roles, agencies))
    lines.append(
        "Board members, administrators, data officers and partnership information "
        "governance see no one's records."
    )
    lines.append(relationship_sentence(agreement))
    lines.extend(f"Lawful basis {name}: {text}." for name, text in agreement.bases.items())
    return lines


def restricted_sentence(agreement: Agreement) -> str:
    """What happens to restricted records, in words."""
    kinds = ", ".join(code.replace("_", " ").lower() for code in sorted(agreement.restricted))
    elsewhere = (
        'Other agencies see only that "a restricted record" exists, and its date'
        if agreement.restricted_elsewhere == "marker"
        else "Other agencies do not see them at all"
    )
    return (
        f"Records an agency marks as restricted ({kinds}) are shown only to that agency. "
        f"{elsewhere}; breaking glass never opens them."
    )


def relationship_sentence(agreement: Agreement) -> str:
    """How holding records relates an agency's staff to a person, in words."""
    team = sorted(agreement.team_agencies)
    if agreement.relationship_default == isa.TEAM:
        return "Staff see a person their own team holds records of, in every agency."
    if not team:
        return "Staff see a person their agency holds records of, in every agency."
    names = _and([agency_name(a) for a in team])
    return (
        f"In {names}, staff see a person only when their own team holds records of them "
        "(a record with no team counts for the whole agency); in every other agency, "
        "when their agency holds records of them. Breaking glass covers the rest."
    )


def _answers(
    agreement: Agreement, viewer: str, role: str, agencies: list[str]
) -> dict[tuple[str, bool, str], tuple[str, Rule]]:
    """What one viewer class gets of each agency's records, by category and household."""
    return {
        (source, household, category): level_for(
            agreement, viewer, role, source, category, household, False
        )
        for source in agencies
        if source != viewer
        for household in (False, True)
        for category in _CATEGORIES
    }


def _role_classes(agreement: Agreement, viewer: str, agencies: list[str]) -> list[list[str]]:
    """The case roles of an agency, grouped where the agreement treats them alike."""
    classes: dict[tuple[tuple[str, str], ...], list[str]] = defaultdict(list)
    for role in _CASE_ROLES:
        answers = _answers(agreement, viewer, role, agencies)
        key = tuple((level, rule.id) for level, rule in answers.values())
        classes[key].append(role)
    return list(classes.values())


_Group = tuple[bool, str, str, tuple[str, ...]]  # household, level, rule id, categories (() = all)


def _viewer_sentences(
    agreement: Agreement, viewer: str, roles: list[str], agencies: list[str]
) -> list[str]:
    """One sentence per level, rule and set of categories for one viewer class."""
    answers = _answers(agreement, viewer, roles[0], agencies)
    groups: dict[_Group, list[str]] = defaultdict(list)
    rules: dict[str, Rule] = {}
    for source in agencies:
        if source == viewer:
            continue
        plain = [answers[(source, False, c)] for c in _CATEGORIES]
        for household in (False, True):
            got = [answers[(source, household, c)] for c in _CATEGORIES]
            if household and got == plain:
                continue  # the household makes no difference for this agency's records
            by_rule: dict[tuple[str, str], list[str]] = defaultdict(list)
            for category, (level, rule) in zip(_CATEGORIES, got, strict=True):
                by_rule[(level, rule.id)].append(category)
                rules[rule.id] = rule
            for (level, rule_id), categories in by_rule.items():
                every = len(categories) == len(_CATEGORIES)
                groups[(household, level, rule_id, () if every else tuple(categories))].append(
                    source
                )
    who = f"{agency_name(viewer)} {_and([ROLES[r].lower() + 's' for r in roles])}"
    return [
        sentence(who, level, sources, rules[rule_id], household, categories)
        for (household, level, rule_id, categories), sources in groups.items()
    ]


def sentence(
    who: str,
    level: str,
    sources: list[str],
    rule: Rule,
    household: bool,
    categories: tuple[str, ...] = (),
) -> str:
    """One plain sentence: who sees what of whose records, and why."""
    whose = _and([agency_name(s) for s in sources])
    about = f" about {_or(list(categories))}" if categories else ""
    through = " about an adult in a child's household" if household else ""
    entries = f"{whose} entries{about}{through}"
    if level == isa.FULL:
        what = f"{entries} as they were written"
    elif level == isa.INVOLVEMENT:
        what = f"the date, type and outcome of {entries}, not what was written"
    else:
        what = f"nothing of {entries}"
    why = f", because {rule.reason}" if rule.reason else ""
    named = f"{rule.basis_name} (below)" if rule.basis_name else rule.basis
    basis = f" Purpose: {rule.purpose}. Lawful basis: {named}." if rule.basis else ""
    return f"{who} see {what}{why} (rule {rule.id}).{basis}"


def _or(items: list[str]) -> str:
    """A list of alternatives in words: "a, b or c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def _and(items: list[str]) -> str:
    """A list in words: "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


#: What each level shows of a record, in the words an entry carries.
LEVEL_WORDS: Final = {
    isa.FULL: "As recorded",
    isa.INVOLVEMENT: "Date, type and outcome only",
    isa.RESTRICTED: "A restricted record: only that it exists, and when",
    isa.NONE: "Not shown",
}


def entry_words(sharing: dict[str, Any]) -> str:
    """How one entry is shared, for its row: "Date, type and outcome only (rule police-...)".

    ``sharing`` is an entry's ``sharing`` in the shared JSON
    (:func:`wholestory.sharing.story.sharing_of`).
    """
    rules = ", ".join(sharing.get("rules", []))
    words = f"{LEVEL_WORDS.get(sharing.get('level', ''), '')} (rule {rules})"
    hidden = int(sharing.get("hidden_records", 0))
    if hidden:
        words += f"; {count_words(hidden, 'more record')} of this event not shown to you"
    return words


def levels_words(levels: dict[str, str]) -> str:
    """What a look showed of each agency's records, for "who has looked":
    "Police: as recorded; GP: date, type and outcome only"."""
    return "; ".join(
        f"{agency_name(agency)}: {LEVEL_WORDS.get(level, level).lower()}"
        for agency, level in sorted(levels.items(), key=lambda item: agency_name(item[0]))
    )


def shown_words(shared: SharedStory) -> dict[str, str]:
    """Each entry's sharing in words, by its id as shown: what a report or a file prints
    beside the entry, so its reader knows under which rule they see it."""
    return {key: entry_words(sharing_of(found)) for key, found in shared.shown.items()}
