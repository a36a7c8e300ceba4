"""A Current View, as a practitioner records it at first contact, checked item by item.

The same reading serves the web form and an imported file, so a rating the tool does not
have is refused in the same words wherever it comes from, naming the item. An item left
out is "not known": the tool has that answer, and it is what a blank on the form means.
Nothing here is ever filled in for the practitioner: what the records evidence is only
proposed, for them to confirm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from wholestory.thrive.vocabulary import (
    COMPLEXITY,
    CONTEXTUAL,
    EET,
    PROBLEMS,
    SEVERITIES,
    YES_NO,
    choices_words,
    code_of,
)

NOT_KNOWN: Final = "not_known"
#: Each part of the tool: its items and the answers each item takes.
PARTS: Final[dict[str, tuple[dict[str, str], dict[str, str]]]] = {
    "problems": (PROBLEMS, SEVERITIES),
    "complexity": (COMPLEXITY, YES_NO),
    "contextual": (CONTEXTUAL, SEVERITIES),
    "eet": (EET, SEVERITIES),
}
#: The part each item is in (an item's code is its own across the tool).
PART_OF: Final[dict[str, str]] = {
    code: name for name, (items, _) in PARTS.items() for code in items
}


class CurrentViewError(ValueError):
    """Answers the tool does not take: every fault, each naming its item."""

    def __init__(self, faults: list[str]) -> None:
        super().__init__("; ".join(faults))
        self.faults = faults


@dataclass(frozen=True)
class CurrentView:
    """One Current View: every item of every part answered ("not_known" when left out)."""

    person: str
    recorded_on: dt.date
    recorded_by: str
    agency: str
    problems: dict[str, str] = field(default_factory=dict)
    complexity: dict[str, str] = field(default_factory=dict)
    contextual: dict[str, str] = field(default_factory=dict)
    eet: dict[str, str] = field(default_factory=dict)
    #: The complexity factors WholeStory proposed from the records that the practitioner
    #: confirmed (``thrive.evidence``), in the tool's order: kept, so that what the records
    #: said and what the practitioner knew stay told apart.
    confirmed: tuple[str, ...] = ()

    def part(self, name: str) -> dict[str, str]:
        return dict(getattr(self, name))

    def rated(self, severity: str) -> list[str]:
        """The problems rated ``severity``, in the tool's order."""
        return [code for code in PROBLEMS if self.problems.get(code) == severity]

    def as_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "recorded_on": self.recorded_on.isoformat(),
            "recorded_by": self.recorded_by,
            "agency": self.agency,
            **{name: self.part(name) for name in PARTS},
            "confirmed": list(self.confirmed),
        }


def read_answers(answers: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Every part's answers checked and completed: ``{"problems": {"self_harm": "severe"}}``.

    Answers may be codes or the tool's words, in any case ("Moderate", "moderate"); an
    item or a part the tool does not have, or an answer an item does not take, is a fault.
    """
    faults = [f"The Current View has no part '{name}'." for name in answers if name not in PARTS]
    read: dict[str, dict[str, str]] = {}
    for name, (items, scale) in PARTS.items():
        given = answers.get(name, {})
        unknown = sorted(set(given) - set(items))
        faults += [f"'{code}' is not one of the {name} items." for code in unknown]
        read[name] = {}
        for code, words in items.items():
            fault = item_fault(code, given.get(code, ""))
            if fault:
                faults.append(f"{words}: {fault}")
            read[name][code] = code_of(given.get(code, ""), scale) or NOT_KNOWN
    if faults:
        raise CurrentViewError(faults)
    return read


def item_fault(code: str, given: str) -> str | None:
    """Why ``given`` is no answer to the item ``code`` (words that follow the item's name or
    column), or None when it is one: a code or words of the item's scale, or a blank."""
    scale = PARTS[PART_OF[code]][1]
    if code_of(given, scale) is None:
        return f"'{given}' is not one of {choices_words(scale)}."
    return None


def current_view(
    person: str,
    recorded_on: dt.date,
    recorded_by: str,
    agency: str,
    answers: Mapping[str, Mapping[str, str]],
    today: dt.date,
    confirmed: Sequence[str] = (),
) -> CurrentView:
    """A checked Current View; a day after ``today`` is a fault like any other.

    ``confirmed`` names the factors proposed from the records that the practitioner
    confirmed: each must be a complexity factor they answered "Yes".
    """
    faults: list[str] = []
    if recorded_on > today:
        faults.append(f"The day recorded, {recorded_on:%d %B %Y}, is in the future.")
    try:
        read = read_answers(answers)
    except CurrentViewError as error:
        raise CurrentViewError(faults + error.faults) from None
    faults += [
        f"{COMPLEXITY.get(code, repr(code))}: confirmed from the records, but not answered Yes."
        for code in confirmed
        if read["complexity"].get(code) != "yes"
    ]
    if faults:
        raise CurrentViewError(faults)
    kept = tuple(code for code in COMPLEXITY if code in set(confirmed))
    return CurrentView(person, recorded_on, recorded_by, agency, **read, confirmed=kept)
