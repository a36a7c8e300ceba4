"""The small vocabulary a THRIVE suggestion rule is written in, and how each word is checked.

A rule file (``default_rules.yaml``) combines these conditions; each is checked against
what WholeStory knows of one child on one day (:class:`Facts`): the newest Current View
recorded by then, if any, and the child's chronology and its flags as they stood. Every
check gives a :class:`Finding`: whether it is met, and in words why or why not, with the
Current View items and the chronology entries it rests on, so that a suggestion always
shows its reasons and its evidence.

The conditions:

* ``problems`` / ``contextual`` / ``eet``: how many of that part of the Current View are
  rated at a severity or above (``rated: moderate`` means Moderate or Severe); with
  ``item``, one named item (``problem`` is the same as ``problems`` with an ``item``).
* ``complexity``: how many complexity factors are answered Yes.
* ``events``: how many of the child's own chronology entries of some event types fall in
  the months up to the day.
* ``flags``: whether the chronology carries a flag by code, at a severity.
* ``any``, ``all``, ``not``: combinations.

With no Current View a condition on it is not met, and says so.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from wholestory.assurance.evidence_story import in_sentence
from wholestory.chronology.display import event_label
from wholestory.chronology.indicators import flag_title
from wholestory.chronology.model import Entry, Flag, long_date
from wholestory.chronology.view import View
from wholestory.thrive.current_view import PARTS, CurrentView
from wholestory.thrive.vocabulary import SEVERITIES, YES_NO
from wholestory.words import count_words

#: The severities in order, mildest first: "rated: moderate" means this one or later.
ORDER: Final = ("none", "mild", "moderate", "severe")
#: What one item of each rated part is called in a sentence (singular, plural).
NOUNS: Final[dict[str, tuple[str, str]]] = {
    "problems": ("problem", "problems"),
    "contextual": ("contextual problem", "contextual problems"),
    "eet": ("education, employment or training difficulty",
            "education, employment or training difficulties"),
    "complexity": ("complexity factor", "complexity factors"),
}  # fmt: skip
NO_VIEW: Final = "No Current View is recorded"


@dataclass(frozen=True, slots=True)
class Facts:
    """What a rule is checked against: one child on one day."""

    view: CurrentView | None
    chronology: View  # the child's entries up to ``as_of``
    flags: tuple[Flag, ...]
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class RatedItem:
    """One Current View item a reason rests on, with its rating."""

    part: str
    item: str
    rating: str

    @property
    def words(self) -> str:
        return PARTS[self.part][0][self.item]

    @property
    def rating_words(self) -> str:
        return PARTS[self.part][1][self.rating]

    def as_dict(self) -> dict[str, str]:
        return {"part": self.part, "item": self.item, "words": self.words,
                "rating": self.rating, "rating_words": self.rating_words}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    """Whether a condition is met, why (or why not) in words, and what it rests on."""

    met: bool
    words: tuple[str, ...]
    items: tuple[RatedItem, ...] = ()
    entries: tuple[Entry, ...] = ()


class Condition(Protocol):
    def check(self, facts: Facts) -> Finding: ...


def at_or_above(rating: str, severity: str) -> bool:
    """Whether ``rating`` is ``severity`` or worse ("not known" never is)."""
    return rating in ORDER and ORDER.index(rating) >= ORDER.index(severity)


def severity_words(severity: str) -> str:
    """ "Moderate or above"; "Severe" alone, as nothing is above it."""
    words = SEVERITIES[severity]
    return words if severity == ORDER[-1] else f"{words} or above"


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True, slots=True)
class Rated:
    """Items of a part of the Current View rated ``rated`` or above: at least ``at_least``
    of them, or the one ``item`` named."""

    part: str  # problems, contextual or eet
    rated: str
    at_least: int = 1
    item: str | None = None

    def check(self, facts: Facts) -> Finding:
        if facts.view is None:
            return Finding(False, (f"{NO_VIEW}, so nothing is rated.",))
        ratings = facts.view.part(self.part)
        if self.item is not None:
            return self._item(ratings.get(self.item, "not_known"))
        found = tuple(  # in the tool's order
            RatedItem(self.part, code, ratings[code])
            for code in PARTS[self.part][0]
            if at_or_above(ratings.get(code, ""), self.rated)
        )
        return Finding(len(found) >= self.at_least, (self._counted(found),), found)

    def _item(self, rating: str) -> Finding:
        item = RatedItem(self.part, str(self.item), rating)
        met = at_or_above(rating, self.rated)
        said = f"{item.words} is rated {item.rating_words} on the Current View"
        if not met:
            said += f", not {severity_words(self.rated)}"
        return Finding(met, (f"{said}.",), (item,) if met else ())

    def _counted(self, found: Sequence[RatedItem]) -> str:
        one, many = NOUNS[self.part]
        level = severity_words(self.rated)
        if not found:
            return f"No {one} is rated {level} on the Current View."
        verb = "is" if len(found) == 1 else "are"
        listed = "; ".join(f"{i.words} ({i.rating_words})" for i in found)
        said = f"{count_words(len(found), one, many)} {verb} rated {level}: {listed}"
        short = len(found) < self.at_least
        return f"{said}{f', fewer than {self.at_least}' if short else ''}."


@dataclass(frozen=True, slots=True)
class Complexity:
    """At least ``at_least`` complexity factors answered Yes."""

    at_least: int

    def check(self, facts: Facts) -> Finding:
        if facts.view is None:
            return Finding(False, (f"{NO_VIEW}, so no complexity factor is answered.",))
        answers = facts.view.complexity
        found = tuple(
            RatedItem("complexity", code, "yes")
            for code in PARTS["complexity"][0]
            if answers.get(code) == "yes"
        )
        one, many = NOUNS["complexity"]
        if not found:
            said = f"No {one} is answered {YES_NO['yes']}."
        else:
            verb = "is" if len(found) == 1 else "are"
            listed = ", ".join(i.words for i in found)
            short = f", fewer than {self.at_least}" if len(found) < self.at_least else ""
            said = f"{count_words(len(found), one, many)} {verb} answered Yes: {listed}{short}."
        return Finding(len(found) >= self.at_least, (said,), found)


@dataclass(frozen=True, slots=True)
class Events:
    """At least ``at_least`` of the child's own chronology entries of ``types`` in the
    ``within_months`` months up to the day."""

    types: tuple[str, ...]
    at_least: int = 1
    within_months: int = 12

    def check(self, facts: Facts) -> Finding:
        start = months_before(facts.as_of, self.within_months)
        found = tuple(e for e in facts.chronology.own(self.types) if start < e.day <= facts.as_of)
        kinds = " or ".join(in_sentence(event_label(t)) for t in self.types)
        counted = count_words(len(found), "entry") if found else "no entries"
        said = (
            f"The chronology has {counted} for {kinds} in the {self.within_months} months to "
            f"{long_date(facts.as_of)}"
        )
        met = len(found) >= self.at_least
        short = f", fewer than {self.at_least}" if found and not met else ""
        return Finding(met, (f"{said}{short}.",), entries=found if met else ())


@dataclass(frozen=True, slots=True)
class Flags:
    """A flag of the child's chronology with one of ``codes`` (at ``severity``, and with
    evidence in the ``within_months`` months up to the day, if given)."""

    codes: tuple[str, ...]
    severity: str | None = None
    within_months: int | None = None

    def check(self, facts: Facts) -> Finding:
        start = months_before(facts.as_of, self.within_months) if self.within_months else None
        found = [
            f
            for f in facts.flags
            if f.code in self.codes
            and (self.severity is None or f.severity == self.severity)
            and (start is None or f.last > start)
        ]
        if not found:
            titles = " or ".join(f"'{flag_title(c)}'" for c in self.codes)
            level = f" of {self.severity} severity" if self.severity else ""
            when = f" in the {self.within_months} months to {long_date(facts.as_of)}"
            said = f"The chronology has no flag {titles}{level}{when if start else ''}."
            return Finding(False, (said,))
        flagged = tuple(
            f"The chronology is flagged '{f.title}' ({f.severity}): {f.explanation}" for f in found
        )
        wanted = {i for f in found for i in f.entries}
        entries = tuple(e for e in facts.chronology.entries if e.id in wanted)
        return Finding(True, flagged, entries=entries)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Met when one or more of ``conditions`` is; its reasons are those met."""

    conditions: tuple[Condition, ...]

    def check(self, facts: Facts) -> Finding:
        found = [c.check(facts) for c in self.conditions]
        met = [f for f in found if f.met]
        return _joined(bool(met), met or found)


@dataclass(frozen=True, slots=True)
class AllOf:
    """Met when every one of ``conditions`` is; not met, its reasons are those not met."""

    conditions: tuple[Condition, ...]

    def check(self, facts: Facts) -> Finding:
        found = [c.check(facts) for c in self.conditions]
        missed = [f for f in found if not f.met]
        return _joined(not missed, missed or found)


@dataclass(frozen=True, slots=True)
class Not:
    """Met when ``condition`` is not; its words say how things stand either way."""

    condition: Condition

    def check(self, facts: Facts) -> Finding:
        found = self.condition.check(facts)
        return Finding(not found.met, found.words)


def _joined(met: bool, findings: Sequence[Finding]) -> Finding:
    """One finding of several: their words, items and entries, each once, in order."""
    words = tuple(dict.fromkeys(w for f in findings for w in f.words))
    items = tuple(dict.fromkeys(i for f in findings for i in f.items))
    seen: dict[str, Entry] = {}
    for f in findings:
        for e in f.entries:
            seen.setdefault(e.id, e)
    return Finding(met, words, items if met else (), tuple(seen.values()) if met else ())
