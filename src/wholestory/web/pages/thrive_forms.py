"""The forms of a child's THRIVE record: the Current View and the grouping. Each error is put
on the field it is about, so the GOV.UK error summary links to it.

The Current View's complexity factors that the records evidence come in as ``proposed``:
each gets a tick box of its own beside the practitioner's answer. Nothing is filled in for
them: only a tick confirms a factor (recorded Yes, and kept as confirmed); unticked, the
factor is recorded as the practitioner answered it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms

from wholestory.thrive import child_words as w
from wholestory.thrive.current_view import NOT_KNOWN, PARTS
from wholestory.thrive.groupings import GroupingError
from wholestory.thrive.vocabulary import AGREEMENT, GROUPINGS
from wholestory.web.pages.fields import optional_textarea, required_text


def _day(label: str, message: str, *, required: bool = True, hint: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=hint or "For example 2026-03-01",
        error_messages={"required": message, "invalid": message},
    )  # fmt: skip


def item_field(part: str, code: str) -> str:
    """The form field of one Current View item: ``problems__self_harm``."""
    return f"{part}__{code}"


def confirm_field(code: str) -> str:
    return f"confirm__{code}"


class CurrentViewForm(forms.Form):
    """Every item of the Current View (blank: Not known), and a tick for each proposal."""

    recorded_on = _day("Day of the Current View", w.RECORDED_ON)

    def __init__(self, *args: Any, proposed: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposed = tuple(proposed)
        for part, (items, scale) in PARTS.items():
            for code, words in items.items():
                self.fields[item_field(part, code)] = forms.ChoiceField(
                    label=words, choices=list(scale.items()), initial=NOT_KNOWN, required=False
                )
        for code in self.proposed:
            label = w.CONFIRM.format(factor=PARTS["complexity"][0][code])
            self.fields[confirm_field(code)] = forms.BooleanField(label=label, required=False)

    def part(self, name: str) -> list[forms.BoundField]:
        """The fields of one part, in the tool's order, for the template."""
        return [self[item_field(name, code)] for code in PARTS[name][0]]

    def answers(self) -> tuple[dict[str, dict[str, str]], list[str]]:
        """The answers by part, and the proposed factors ticked (each answered Yes)."""
        data = self.cleaned_data
        ticked = [c for c in self.proposed if data.get(confirm_field(c))]
        answers = {
            part: {code: str(data.get(item_field(part, code)) or NOT_KNOWN) for code in items}
            for part, (items, _) in PARTS.items()
        }
        for code in ticked:
            answers["complexity"][code] = "yes"
        return answers, ticked


class GroupingForm(forms.Form):
    """A grouping, with the child's and family's view, agreement, goals and review date."""

    grouping = forms.ChoiceField(
        label="Grouping", choices=list(GROUPINGS.items()), widget=forms.RadioSelect,
        error_messages={"required": w.CHOOSE_GROUPING, "invalid_choice": w.CHOOSE_GROUPING},
    )  # fmt: skip
    reason = required_text("Reason", 2000, w.REASON_MISSING, widget=forms.Textarea)
    childs_view = required_text(
        "The child's and family's view", 2000, w.VIEW_MISSING, w.VIEW_FIELD_HINT,
        widget=forms.Textarea,
    )  # fmt: skip
    agreement = forms.ChoiceField(
        label="Whether the child and family agreed", choices=list(AGREEMENT.items()),
        widget=forms.RadioSelect,
        error_messages={"required": w.CHOOSE_AGREEMENT, "invalid_choice": w.CHOOSE_AGREEMENT},
    )  # fmt: skip
    goals = optional_textarea("Goals", w.GOALS_HINT, 2000)
    success_by = _day("By when", w.DAY_INVALID, required=False, hint=w.SUCCESS_HINT)
    recorded_on = _day("Day of the grouping", w.DAY_INVALID)
    review_on = _day("Review date", w.REVIEW_MISSING)

    def put_faults(self, error: GroupingError) -> None:
        """Each fault the core found on the field it names (the summary links to it)."""
        for fault in error.found:
            field = fault.field if fault.field in self.fields else None
            self.add_error(field, str(fault))


def today_initial(today: dt.date, **more: Any) -> dict[str, Any]:
    """A form's first values: the day is today (as text: a date input takes 2026-03-01, and
    a template would show a date object in words)."""
    return {"recorded_on": today.isoformat(), **more}
