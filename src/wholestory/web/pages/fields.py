"""Form fields the pages' forms declare alike: a text box that must be filled, with the
words the error summary shows when it is not, and an optional text area with its hint.
"""

from __future__ import annotations

from typing import Any

from django import forms


def required_text(
    label: str, max_length: int, missing: str, help_text: str = "", **more: Any
) -> forms.CharField:
    """A text box that must be filled: ``missing`` is what the error summary says if it is not."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        error_messages={"required": missing},
        **more,
    )


def optional_textarea(label: str, help_text: str, max_length: int) -> forms.CharField:
    """A text area that may be left empty, with a hint of what to write in it."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.Textarea,
    )
