"""The forms of THRIVE quality improvement: a PDSA cycle's plan, its study and decision, and
an implementation assessment. Each error is put on the field it is about."""

from __future__ import annotations

from typing import Any

from django import forms

from wholestory.assurance.words import MEASURE_TITLES
from wholestory.thrive import improvement_words as w
from wholestory.thrive.pdsa_measures import MeasureError, parse_measures
from wholestory.thrive.vocabulary import PRINCIPLES
from wholestory.web.pages.fields import optional_textarea, required_text

#: The measures offered as boxes: the kept practice measures and the agreed share.
MEASURE_CHOICES: list[tuple[str, str]] = [
    *MEASURE_TITLES.items(),
    ("thrive_agreed", w.THRIVE_AGREED),
]
QUERY_HINT = (
    "Optional. Count events per month, written as YAML, for example: "
    "events: [CAMHS_REFERRAL], agencies: [SCHOOL], children_only: true, better: lower, "
    "title: School referrals to CAMHS. Event types are the template's codes."
)


def _day(label: str, message: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text="For example 2026-03-01",
        error_messages={"required": message, "invalid": message},
    )  # fmt: skip


class CycleForm(forms.Form):
    """A cycle's Plan and the day of its Do."""

    title = required_text("Title", 200, w.REQUIRED.format(field="title"))
    aim = required_text("Aim", 2000, w.REQUIRED.format(field="aim"), widget=forms.Textarea)
    change_idea = required_text(
        "Change idea", 2000, w.REQUIRED.format(field="change idea"), widget=forms.Textarea
    )
    chosen = forms.MultipleChoiceField(
        label="Measures", required=False, choices=MEASURE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Charted month by month, before and after the change.",
    )  # fmt: skip
    query = optional_textarea("A count of events (optional)", QUERY_HINT, 2000)
    prediction = required_text(
        "Prediction", 2000, w.REQUIRED.format(field="prediction"), widget=forms.Textarea
    )
    changed_on = _day("The day the change was made", w.CHANGED_ON)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        chosen, query = data.get("chosen") or [], str(data.get("query") or "").strip()
        data["measures"] = []
        if not chosen and not query:
            self.add_error("chosen", w.NO_MEASURES)
            return data
        for field, text in (("chosen", yaml_list(chosen)), ("query", query)):
            try:
                data["measures"] += parse_measures(text) if text else []
            except MeasureError as error:
                self.add_error(field, str(error))
        return data


def yaml_list(chosen: list[str]) -> str:
    """The boxes ticked as a YAML list the measures' reader takes ("" when none)."""
    return "\n".join("- thrive_agreed: true" if c == "thrive_agreed" else f"- {c}" for c in chosen)


class StudyForm(forms.Form):
    """What the cycle found and, when made, the decision and its day."""

    study = required_text("What did you find?", 4000, w.REQUIRED.format(field="study"),
                          widget=forms.Textarea)  # fmt: skip
    decision = forms.ChoiceField(
        label="Decision", required=False, choices=[("", "Not decided yet"), *w.DECISIONS.items()]
    )
    decided_on = _day("The day of the decision", w.DECIDED_ON, required=False)


class AssessmentForm(forms.Form):
    """One assessment: the day, and each principle's score (1 to 4) and notes."""

    assessed_on = _day("The day of the assessment", w.ASSESSED_ON)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, words in PRINCIPLES.items():
            self.fields[f"score_{code}"] = forms.ChoiceField(
                label=words, choices=[(str(s), t) for s, t in w.SCORES.items()],
                error_messages={"required": w.SCORE, "invalid_choice": w.SCORE},
            )  # fmt: skip
            self.fields[f"notes_{code}"] = optional_textarea(f"Notes: {words}", "", 2000)

    def principles(self) -> list[tuple[forms.BoundField, forms.BoundField, str]]:
        """Each principle's score and notes fields, with its words, for the template."""
        return [(self[f"score_{c}"], self[f"notes_{c}"], t) for c, t in PRINCIPLES.items()]
