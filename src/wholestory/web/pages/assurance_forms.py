"""The answer form of a case file audit, made from the programme's own tool.

Each question becomes the field its answer type needs: radios for a grade (the tool's
scale, best first) and for yes, no or partly, a number box (within the question's
bounds) and a text area. Every field may be left empty while the auditor saves as they
go; the core (``assurance.answers.submit``) says what is still to grade on submitting,
and checks every answer against the tool again whatever the form let through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django import forms

from wholestory.assurance.answers import LONGEST_TEXT, Answer
from wholestory.assurance.tools import GRADE, NUMBER, TEXT, YES_NO_PARTLY, Question, Tool
from wholestory.web.pages.assurance_presenting import grade_choices

YES_NO_PARTLY_CHOICES: Final = [("yes", "Yes"), ("partly", "Partly"), ("no", "No")]
#: How a field's name joins a domain's code and a question's (codes are [a-z0-9_]).
JOIN: Final = "__"


def field_name(domain: str, question: str) -> str:
    return f"{domain}{JOIN}{question}"


class AnswersForm(forms.Form):
    """One field per question of ``tool``, filled with the answers ``kept``."""

    def __init__(
        self,
        data: Any = None,
        *,
        tool: Tool,
        kept: Mapping[tuple[str, str], Answer] | None = None,
    ) -> None:
        initial = {field_name(d, q): a.answer for (d, q), a in (kept or {}).items()}
        super().__init__(data, initial=initial)
        self.tool = tool
        for d in tool.domains:
            for q in d.questions:
                self.fields[field_name(d.code, q.code)] = _field(q, tool)

    def given(self, kept: Mapping[tuple[str, str], Answer]) -> dict[tuple[str, str], str]:
        """The answers to keep: every one filled in, and a text emptied that had words."""
        found: dict[tuple[str, str], str] = {}
        for d in self.tool.domains:
            for q in d.questions:
                value = self.cleaned_data.get(field_name(d.code, q.code))
                text = "" if value is None else str(value).strip()
                if text or (q.answer == TEXT and (d.code, q.code) in kept):
                    found[(d.code, q.code)] = text
        return found


def _field(q: Question, tool: Tool) -> forms.Field:
    if q.answer == GRADE:
        return forms.ChoiceField(label=q.text, required=False, choices=grade_choices(tool.scale))
    if q.answer == YES_NO_PARTLY:
        return forms.ChoiceField(label=q.text, required=False, choices=YES_NO_PARTLY_CHOICES)
    if q.answer == NUMBER:
        wrong = _number_words(q)
        return forms.IntegerField(
            label=q.text, required=False, min_value=q.lowest, max_value=q.highest,
            error_messages={k: wrong for k in ("invalid", "min_value", "max_value")},
        )  # fmt: skip
    return forms.CharField(
        label=q.text, required=False, max_length=LONGEST_TEXT, widget=forms.Textarea
    )


def _number_words(q: Question) -> str:
    if q.lowest is not None and q.highest is not None:
        return f"{q.text}: enter a whole number from {q.lowest} to {q.highest}"
    if q.lowest is not None:
        return f"{q.text}: enter a whole number of {q.lowest} or more"
    if q.highest is not None:
        return f"{q.text}: enter a whole number of {q.highest} or fewer"
    return f"{q.text}: enter a whole number"


def domain_fields(tool: Tool, form: AnswersForm) -> list[dict[str, Any]]:
    """The form's fields, domain by domain, each with the kind of answer it takes."""
    return [
        {
            "code": d.code,
            "title": d.title,
            "fields": [
                {"field": form[field_name(d.code, q.code)], "answer": q.answer} for q in d.questions
            ],
        }
        for d in tool.domains
    ]


def answered_rows(tool: Tool, kept: Mapping[tuple[str, str], Answer]) -> list[dict[str, Any]]:
    """Submitted answers to read, domain by domain ("Not answered" where none was given)."""
    shown = dict(YES_NO_PARTLY_CHOICES)
    return [
        {
            "title": d.title,
            "rows": [
                (q.text, _answer_words(kept.get((d.code, q.code)), q, shown)) for q in d.questions
            ],
        }
        for d in tool.domains
    ]


def _answer_words(answer: Answer | None, q: Question, shown: dict[str, str]) -> str:
    if answer is None or not answer.answer:
        return "Not answered"
    return shown.get(answer.answer, answer.answer) if q.answer == YES_NO_PARTLY else answer.answer
