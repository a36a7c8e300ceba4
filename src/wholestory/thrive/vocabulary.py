"""THRIVE's shared language: the five needs-based groupings and the Current View tool.

From ``../shared/spec/thrive.md`` (gathered from implementingthrive.org, the Anna Freud
Centre and CORC). A grouping describes a child's need at a point in time, not a service
or a diagnosis; the Current View is what a practitioner records at first contact. The
codes are WholeStory's (lower case, for files and forms); the titles are THRIVE's words,
which every page and export uses so that the partnership speaks one language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

#: The five groupings, in THRIVE's order (from no need to risk support), code -> title.
GROUPINGS: Final[dict[str, str]] = {
    "thriving": "Thriving",
    "advice": "Getting Advice and Signposting",
    "help": "Getting Help",
    "more_help": "Getting More Help",
    "risk_support": "Getting Risk Support",
}
#: Groupings that are help with goals: "an agreed view from the start of what success
#: looks like and by when", so recording one asks for the goals and a date.
WITH_GOALS: Final = frozenset({"help", "more_help"})

#: The 30 provisional problem descriptions, code -> words, in the tool's order.
PROBLEMS: Final[dict[str, str]] = {
    "anxious_away": "Anxious away from caregivers",
    "anxious_social": "Anxious in social situations",
    "anxious_general": "Anxious generally",
    "compelled": "Compelled to do or think things",
    "panics": "Panics",
    "avoids_going_out": "Avoids going out",
    "avoids_specific": "Avoids specific things",
    "repetitive": "Repetitive problematic behaviours",
    "low_mood": "Depression or low mood",
    "self_harm": "Self-harm",
    "extremes_of_mood": "Extremes of mood",
    "delusions": "Delusional beliefs and hallucinations",
    "drugs_alcohol": "Drug and alcohol difficulties",
    "concentration": "Difficulties sitting still or concentrating",
    "behaviour": "Behavioural difficulties",
    "risk_to_others": "Poses risk to others",
    "carer_management": "Carer management of the child's behaviour",
    "toileting": "Doesn't get to the toilet in time",
    "trauma": "Disturbed by a traumatic event",
    "eating": "Eating issues",
    "family_relationships": "Family relationship difficulties",
    "attachment": "Problems in attachment to parent or carer",
    "peer_relationships": "Peer relationship difficulties",
    "relationships_others": "Persistent difficulties managing relationships with others",
    "does_not_speak": "Does not speak",
    "gender_discomfort": "Gender discomfort issues",
    "physical_symptoms": "Unexplained physical symptoms",
    "developmental": "Unexplained developmental difficulties",
    "self_care": "Self-care issues",
    "health_adjustment": "Adjustment to health issues",
}
#: How severe a problem is, mildest first, then "not known".
SEVERITIES: Final[dict[str, str]] = {
    "none": "None",
    "mild": "Mild",
    "moderate": "Moderate",
    "severe": "Severe",
    "not_known": "Not known",
}

#: The 14 complexity factors, code -> words.
COMPLEXITY: Final[dict[str, str]] = {
    "looked_after": "Looked after",
    "young_carer": "Young carer",
    "learning_disability": "Learning disability",
    "physical_health": "Serious physical health issues",
    "pervasive_developmental": "Pervasive developmental disorders",
    "neurological": "Neurological issues",
    "protection_plan": "Current protection plan",
    "child_in_need": "Child in need",
    "refugee": "Refugee or asylum seeker",
    "war_torture_trafficking": "War, torture or trafficking",
    "abuse_neglect": "Abuse or neglect",
    "parental_health": "Parental health issues",
    "youth_justice": "Youth justice contact",
    "financial": "Financial difficulty",
}
#: The complexity factors' answers.
YES_NO: Final[dict[str, str]] = {"yes": "Yes", "no": "No", "not_known": "Not known"}

#: The 4 contextual problems (rated on the problems' scale), code -> words.
CONTEXTUAL: Final[dict[str, str]] = {
    "home": "Home",
    "school_work_training": "School, work or training",
    "community": "Community",
    "service_engagement": "Service engagement",
}
#: Education, employment and training (rated on the problems' scale), code -> words.
EET: Final[dict[str, str]] = {
    "attendance": "Attendance difficulties",
    "attainment": "Attainment difficulties",
}

#: Whether the child and family agreed the grouping: recorded, never assumed
#: (shared decision making is a THRIVE principle).
AGREEMENT: Final[dict[str, str]] = {
    "agreed": "Agreed",
    "partly": "Partly agreed",
    "disagreed": "Did not agree",
    "not_asked": "Not asked",
    "unable": "Could not give a view",
}

#: The THRIVE principles the implementation assessment scores 1-4 (3 or more is
#: "THRIVE-like"), code -> words.
PRINCIPLES: Final[dict[str, str]] = {
    "common_language": "Common language",
    "needs_led": "Needs-led",
    "shared_decisions": "Shared decision making",
    "prevention": "Proactive prevention and promotion",
    "partnership": "Partnership working",
    "outcome_informed": "Outcome-informed",
    "reducing_stigma": "Reducing stigma",
    "accessibility": "Accessibility",
}
#: The score from which a principle is "THRIVE-like".
THRIVE_LIKE: Final = 3


def code_of(text: str, choices: Mapping[str, str]) -> str | None:
    """The code of a choice given as its code or its words, in any case ("Getting Help",
    "help", "more help"): "" for a blank, None for a choice ``choices`` does not have.

    One reading for the web form and an agency's file, so both take the same answers.
    """
    key = text.strip().lower()
    if not key:
        return ""
    for code, words in choices.items():
        if key in {code, words.lower(), code.replace("_", " ")}:
            return code
    return None


def choices_words(choices: Mapping[str, str]) -> str:
    """The choices in THRIVE's words, as every fault lists them: "None, Mild, ..."."""
    return ", ".join(choices.values())
