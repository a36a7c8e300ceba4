"""The most frequent learning points and the findings repeated across audits.

A learning point counts once a case: "History not used" recorded by two agencies' auditors
on one child's case is one case. A *repeated finding* is something found again in more
than one of the last programmes (two by default): a yes / no / partly question answered
"no" or "partly", with how many agencies' answers said so of all that answered it, or a
learning tag, with how many cases it was recorded for of all the cases audited. Each is a
sentence with its numerator and denominator; both are counts the board sees, so they are
protected with the cases audited per programme (:mod:`.theme_suppression`). Only tags are
counted: the auditors' own words may name people and are never part of the themes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from wholestory.assurance import theme_words as words
from wholestory.assurance.programmes import Programme
from wholestory.assurance.theme_rows import Answer, CaseLearning, tool_of
from wholestory.assurance.theme_suppression import (
    Count,
    Part,
    Unit,
    hidden,
    published,
    share_parts,
)

#: How many learning tags the themes list, the most frequent first.
MOST_TAGS = 10
#: "No or partly": the answers a finding counts.
NOT_FULLY = frozenset({"no", "partly"})
#: Which figure is hidden first when one must be, to protect a small one.
CASES, FINDINGS, TAGS = 1, 2, 3


@dataclass(frozen=True, slots=True)
class TagCount:
    """A learning tag and the cases it was recorded for."""

    tag: str
    cases: Count

    def as_dict(self) -> dict[str, Any]:
        return {"tag": self.tag, "cases": self.cases.as_dict()}


@dataclass(frozen=True, slots=True)
class Finding:
    """A repeated finding as a sentence, with its counts (hidden or not)."""

    sentence: str
    numerator: Count
    denominator: Count
    found_in: int  # how many of the last programmes it was found in

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "numerator": self.numerator.as_dict(),
            "denominator": self.denominator.as_dict(),
            "found_in": self.found_in,
        }


@dataclass(frozen=True, slots=True)
class LearningThemes:
    tags: tuple[TagCount, ...]
    findings: tuple[Finding, ...]
    findings_note: str
    cases: dict[int, Count]  # cases audited, per programme


def learning_themes(
    programmes: Sequence[Programme],
    answers: Sequence[Answer],
    cases: Sequence[CaseLearning],
    last: int,
) -> LearningThemes:
    """The tags, the repeated findings and the cases audited, protected together.

    ``programmes`` in time order, oldest first; findings look at the last ``last``.
    """
    recent = [p.id for p in programmes[-last:]] if last > 0 else []
    candidates = _question_findings(programmes, answers, recent)
    candidates += _tag_findings(cases, recent)
    if len(recent) < 2:
        candidates = []
    per_programme = _case_units(programmes, cases)
    why = hidden([*per_programme, *(c.unit for c in candidates), *_tag_units(cases)])
    return LearningThemes(
        tags=_tags(cases, why),
        findings=tuple(c.finding(why) for c in sorted(candidates, key=lambda c: c.order(why))),
        findings_note=_note(recent, candidates, last),
        cases={
            p.id: published(u.parts[0].value, why.get(u.key))
            for p, u in zip(programmes, per_programme, strict=True)
        },
    )


@dataclass(frozen=True)
class _Candidate:
    """A finding before the counts are protected: its words, its counts as a share."""

    key: Hashable
    template: str
    subject: dict[str, str]
    counts_words: str
    hidden_words: str
    numerator: int
    denominator: int
    found_in: int
    last: int
    unit: Unit

    def finding(self, why: dict[Hashable, str]) -> Finding:
        shown = self.key not in why
        counts = (
            self.counts_words.format(n=f"{self.numerator:,}", d=f"{self.denominator:,}")
            if shown
            else self.hidden_words
        )
        sentence = self.template.format(**self.subject, counts=counts)
        sentence += words.FOUND_IN.format(found=self.found_in, last=self.last)
        reason = None if shown else why[self.key]
        return Finding(
            sentence,
            published(self.numerator, reason),
            published(self.denominator, reason),
            self.found_in,
        )

    def order(self, why: dict[Hashable, str]) -> tuple[bool, float, str]:
        """Shown findings first, the largest share first; hidden ones after, by their words."""
        words_of = " ".join(self.subject.values())
        if self.key in why:
            return True, 0.0, words_of
        return False, -self.numerator / self.denominator, words_of


def _question_findings(
    programmes: Sequence[Programme], answers: Sequence[Answer], recent: Sequence[int]
) -> list[_Candidate]:
    """Each yes / no / partly question answered no or partly in more than one recent
    programme, with the answers that said so of all its answers there."""
    texts = _question_texts([p for p in programmes if p.id in recent])
    mine = [a for a in answers if a.programme in recent]
    found = []
    for domain, question in sorted({(a.domain, a.question) for a in mine}):
        asked = [a for a in mine if (a.domain, a.question) == (domain, question)]
        not_fully = [a for a in asked if a.answer in NOT_FULLY]
        found_in = len({a.programme for a in not_fully})
        if found_in < 2:
            continue
        key = ("question", domain, question)
        every = frozenset((key, p, v) for p in recent for v in ("yes", "no", "partly"))
        some = frozenset(a for a in every if a[2] in NOT_FULLY)
        title, text = texts.get((domain, question), (domain, question))
        found.append(
            _Candidate(
                key=key,
                template=words.QUESTION_FINDING,
                subject={"domain": title, "question": text},
                counts_words=words.ANSWERS_COUNTS,
                hidden_words=words.HIDDEN_ANSWERS,
                numerator=len(not_fully),
                denominator=len(asked),
                found_in=found_in,
                last=len(recent),
                unit=Unit(key, share_parts(every, some, len(asked), len(not_fully)), FINDINGS),
            )
        )
    return found


def _tag_findings(cases: Sequence[CaseLearning], recent: Sequence[int]) -> list[_Candidate]:
    """Each learning tag recorded in more than one recent programme, with the cases it was
    recorded for of all the cases audited there."""
    mine = [c for c in cases if c.programme in recent]
    every = frozenset(_case_atom(c) for c in mine)
    found = []
    for tag in sorted({t for c in mine for t in c.tags}):
        tagged = [c for c in mine if tag in c.tags]
        found_in = len({c.programme for c in tagged})
        if found_in < 2:
            continue
        key = ("learning", tag)
        some = frozenset(_case_atom(c) for c in tagged)
        found.append(
            _Candidate(
                key=key,
                template=words.LEARNING_FINDING,
                subject={"tag": tag},
                counts_words=words.CASES_COUNTS,
                hidden_words=words.HIDDEN_CASES,
                numerator=len(tagged),
                denominator=len(mine),
                found_in=found_in,
                last=len(recent),
                unit=Unit(key, share_parts(every, some, len(mine), len(tagged)), FINDINGS),
            )
        )
    return found


def _case_units(programmes: Sequence[Programme], cases: Sequence[CaseLearning]) -> list[Unit]:
    """The cases audited in each programme, as the list of programmes shows them."""
    units = []
    for p in programmes:
        mine = [c for c in cases if c.programme == p.id]
        atoms = frozenset(_case_atom(c) for c in mine)
        units.append(Unit(("cases", p.id), (Part(atoms, len(mine)),), CASES))
    return units


def _tag_units(cases: Sequence[CaseLearning]) -> list[Unit]:
    """Each tag's cases across every programme, as the list of learning points shows them."""
    counted = Counter(t for c in cases for t in c.tags)
    return [
        Unit(
            ("tag", tag),
            (Part(frozenset(_case_atom(c) for c in cases if tag in c.tags), count),),
            TAGS,
        )
        for tag, count in sorted(counted.items())
    ]


def _tags(cases: Sequence[CaseLearning], why: dict[Hashable, str]) -> tuple[TagCount, ...]:
    """The most frequent tags: those shown, the most cases first; then those hidden, by name
    (in their true order they would say which of them is larger)."""
    counted = Counter(t for c in cases for t in c.tags)
    shown = sorted((t for t in counted if ("tag", t) not in why), key=lambda t: (-counted[t], t))
    kept = sorted(t for t in counted if ("tag", t) in why)
    return tuple(TagCount(t, published(counted[t], why.get(("tag", t)))) for t in [*shown, *kept])[
        :MOST_TAGS
    ]


def _case_atom(case: CaseLearning) -> tuple[str, int, frozenset[str]]:
    """The finest cell a case falls in: its programme and the set of its tags. Two cases
    of one programme with the same tags are one cell: no figure tells them apart."""
    return "case", case.programme, case.tags


def _question_texts(programmes: Sequence[Programme]) -> dict[tuple[str, str], tuple[str, str]]:
    """(domain title, question text) by (domain, question), the newest tool's words last."""
    texts = {}
    for p in programmes:
        for d in tool_of(p).domains:
            for q in d.questions:
                texts[(d.code, q.code)] = (d.title, q.text)
    return texts


def _note(recent: Sequence[int], candidates: Sequence[_Candidate], last: int) -> str:
    if len(recent) < 2:
        return words.ONE_PROGRAMME
    return "" if candidates else words.NO_FINDINGS.format(last=last)
