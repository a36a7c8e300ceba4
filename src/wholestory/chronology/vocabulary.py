"""Words the chronology uses about event types, agencies and relationships.

Kept in one place so that the entries, the indicators, the summary and every
output call a thing by the same name.
"""

from __future__ import annotations

import re
from typing import Final

from wholestory.records.template import KNOWN_AGENCIES

#: Event types by category: the template's vocabulary groups, plus positive events.
CATEGORIES: Final[dict[str, frozenset[str]]] = {
    "domestic abuse": frozenset(
        {"DA_INCIDENT", "DASH_ASSESSMENT", "MARAC_REFERRAL", "MARAC_MEETING",
         "DA_SERVICE_CONTACT", "ENCOMPASS_NOTIFICATION"}
    ),
    "social care": frozenset(
        {"REFERRAL", "REFERRAL_NFA", "ASSESSMENT", "ASSESSMENT_NFA", "STRATEGY_DISCUSSION",
         "S47_ENQUIRY", "CP_CONFERENCE", "CP_PLAN_START", "CP_PLAN_END", "CIN_PLAN_START",
         "CIN_PLAN_END", "LOOKED_AFTER_START", "LOOKED_AFTER_END", "EARLY_HELP_START",
         "EARLY_HELP_END", "CASE_CLOSED"}
    ),
    "health": frozenset(
        {"APPOINTMENT_ATTENDED", "APPOINTMENT_MISSED", "ED_ATTENDANCE", "HOSPITAL_ADMISSION",
         "INJURY", "SELF_HARM", "MENTAL_HEALTH_CONTACT", "CAMHS_REFERRAL", "CAMHS_DISCHARGE",
         "SUBSTANCE_MISUSE"}
    ),
    "education": frozenset(
        {"SCHOOL_START", "SCHOOL_MOVE", "SUSPENSION", "PERMANENT_EXCLUSION",
         "ATTENDANCE_CONCERN", "ELECTIVE_HOME_EDUCATION", "CHILD_MISSING_EDUCATION",
         "SEN_SUPPORT", "EHCP"}
    ),
    "police and justice": frozenset(
        {"MISSING_EPISODE", "ARREST", "OFFENCE_VICTIM", "OFFENCE_SUSPECT",
         "EXPLOITATION_CONCERN", "CUSTODY", "RELEASE"}
    ),
    "household": frozenset(
        {"HOUSE_MOVE", "HOMELESSNESS", "EVICTION", "PARENT_SEPARATION", "BEREAVEMENT",
         "PARENT_IMPRISONMENT", "PARENT_MENTAL_HEALTH", "PARENT_SUBSTANCE_MISUSE", "NEW_PARTNER"}
    ),
}  # fmt: skip

_CATEGORY_OF: Final[dict[str, str]] = {t: c for c, types in CATEGORIES.items() for t in types}


def category_of(event_type: str) -> str:
    """The category an event type belongs to; ``other`` for CONCERN, CONTACT and unknown codes."""
    return _CATEGORY_OF.get(event_type, "other")


#: A household member's records that touch the child (issue: DA, a parent's mental
#: illness, substance misuse or imprisonment, moves, evictions, new partners).
HOUSEHOLD_TYPES: Final = frozenset(
    {"DA_INCIDENT", "DASH_ASSESSMENT", "MARAC_REFERRAL", "MARAC_MEETING", "DA_SERVICE_CONTACT",
     "MENTAL_HEALTH_CONTACT", "SUBSTANCE_MISUSE", "CUSTODY", "RELEASE", "PARENT_MENTAL_HEALTH",
     "PARENT_SUBSTANCE_MISUSE", "PARENT_IMPRISONMENT", "HOUSE_MOVE", "EVICTION", "HOMELESSNESS",
     "NEW_PARTNER", "PARENT_SEPARATION", "BEREAVEMENT"}
)  # fmt: skip

#: How another agency's referral or notice names an agency ("Referral from GP: ...").
AGENCY_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "POLICE": ("police", "officers"),
    "SCHOOL": ("school", "dsl", "teacher"),
    "GP": ("gp", "general practice", "surgery"),
    "HEALTH_VISITING": ("health visitor", "health visiting"),
    "SCHOOL_NURSING": ("school nurse", "school nursing"),
    "ED": ("emergency department", "a&e", "hospital"),
    "CAMHS": ("camhs",),
    "ADULT_MH": ("mental health",),
    "HOUSING": ("housing",),
    "PROBATION": ("probation",),
    "DA_SERVICE": ("domestic abuse service", "idva"),
    "YOUTH_JUSTICE": ("youth justice", "yot"),
    "EARLY_HELP": ("early help",),
}


#: Each agency's words as one whole-word pattern: "Referral from police" names POLICE.
AGENCY_PATTERNS: Final[dict[str, re.Pattern[str]]] = {
    agency: re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    for agency, words in AGENCY_WORDS.items()
}


def agency_name(code: str) -> str:
    """An agency's plain name: the template's name, or the code read as words."""
    if code in KNOWN_AGENCIES:
        return KNOWN_AGENCIES[code]
    return code.replace("_", " ").strip().capitalize() or code


#: What a relationship code (what the other person is to the child) is called in prose.
RELATION_WORDS: Final[dict[str, str]] = {
    "MOTHER": "mother",
    "FATHER": "father",
    "STEP_PARENT": "step-parent",
    "PARENT_PARTNER": "parent's partner",
    "SIBLING": "sibling",
    "HALF_SIBLING": "half-sibling",
    "GRANDPARENT": "grandparent",
    "CARER": "carer",
    "CHILD": "child",
    "STEP_CHILD": "step-child",
    "PARTNER_CHILD": "partner's child",
    "GRANDCHILD": "grandchild",
    "CARED_FOR": "cared-for person",
    "OTHER": "other relative",
}


def relation_words(codes: str | None) -> str:
    """``MOTHER`` → ``mother``; several codes agencies disagree on are joined with " or "."""
    if not codes:
        return ""
    words = [RELATION_WORDS.get(c.strip(), c.strip().lower()) for c in codes.split(",")]
    return " or ".join(dict.fromkeys(w for w in words if w))
