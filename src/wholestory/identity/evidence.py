"""The linking model's evidence in words: each field as people say it, and how far its
weight moves the case for "the same person".

One definition for the review page and ``wholestory review``, so a reviewer reads the
same words wherever they decide.
"""

from __future__ import annotations

from typing import Final

#: The model's field names as people say them.
FIELD_WORDS: Final = {
    "given_name": "given name",
    "family_name": "family name",
    "date_of_birth": "date of birth",
    "nhs": "NHS number",
    "upn": "UPN",
    "address": "address",
    "postcode": "postcode",
    "sex": "sex",
    "agency": "the agencies holding the records",
    "name": "name",
}


def field_words(field: str) -> str:
    """A field of the model as people say it (its own name, spaced, if it has no words)."""
    return FIELD_WORDS.get(field, field.replace("_", " "))


def weight_words(weight: float | None) -> str:
    """A field's match weight in words: how far it moves the case for "the same person"."""
    if weight is None:
        return "not compared"
    if weight >= 3:
        return "strong evidence for"
    if weight >= 1:
        return "evidence for"
    if weight >= 0.05:
        return "weak evidence for"
    if weight > -0.05:
        return "no evidence either way"
    if weight > -1:
        return "weak evidence against"
    if weight > -3:
        return "evidence against"
    return "strong evidence against"


def fields_for_and_against(evidence: dict[str, float]) -> str:
    """Fields for and against, strongest first: "for: date of birth +10.6; against: ..."."""
    fields = sorted(
        ((k, v) for k, v in evidence.items() if k != "prior" and abs(v) >= 0.05),
        key=lambda kv: -abs(kv[1]),
    )
    agree = ", ".join(f"{field_words(k)} {v:+.1f}" for k, v in fields if v > 0)
    disagree = ", ".join(f"{field_words(k)} {v:+.1f}" for k, v in fields if v < 0)
    return f"for: {agree or 'nothing'}; against: {disagree or 'nothing'}"
