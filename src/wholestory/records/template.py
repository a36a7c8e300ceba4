"""The agency chronology template: the product's input contract.

Everything here mirrors ``shared/spec/agency-template.md``. Keeping the
contract in one module means validation, the synthetic generator and the
documentation all read the same lists.
"""

from __future__ import annotations

from typing import Final

# THRIVE's items are its own words, kept with the rest of its language; the template names
# them as columns.
from wholestory.thrive.vocabulary import COMPLEXITY, CONTEXTUAL, EET, PROBLEMS

#: Columns of the event table, in the template's order.
COLUMNS: Final[tuple[str, ...]] = (
    "agency",
    "record_id",
    "person_id",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "nhs_number",
    "upn",
    "postcode",
    "address",
    "role",
    "event_id",
    "event_date",
    "event_time",
    "event_type",
    "summary",
    "action",
    "outcome",
    "practitioner",
    "team",
    "date_of_death",
    "address_confidential",
    "restricted",
)

#: The columns that describe the person (not the event): what identity links on.
PERSON_DETAILS: Final[tuple[str, ...]] = COLUMNS[
    COLUMNS.index("given_name") : COLUMNS.index("role")
]

#: Columns that must be present in the header and filled in on every row.
REQUIRED: Final[tuple[str, ...]] = (
    "agency",
    "record_id",
    "person_id",
    "given_name",
    "family_name",
    "event_date",
    "summary",
)

#: Columns of the optional relationships table, recognised by its header.
RELATIONSHIP_COLUMNS: Final[tuple[str, ...]] = (
    "agency",
    "person_id",
    "related_person_id",
    "relationship",
)

#: The most questions a Dash form asks (the police DASH 2009 form; SafeLives' asks 24).
DASH_MOST_QUESTIONS: Final = 27
#: Columns of the optional dash table, recognised by its header (domestic-abuse.md).
DASH_COLUMNS: Final[tuple[str, ...]] = (
    "agency",
    "record_id",
    "event_id",
    "victim_person_id",
    "perpetrator_person_id",
    "assessed_on",
    "form",
    *(f"q{n}" for n in range(1, DASH_MOST_QUESTIONS + 1)),
    "professional_judgement",
    "practitioner",
    "notes",
)
#: Columns of the dash table that must be present and filled on every row.
DASH_REQUIRED: Final[tuple[str, ...]] = (
    "agency",
    "record_id",
    "victim_person_id",
    "assessed_on",
    "form",
)

#: Columns of the optional needs table: a person's communication, information and
#: engagement needs, as the agency knows them (agency-template.md, assurance.md).
NEEDS_COLUMNS: Final[tuple[str, ...]] = (
    "agency",
    "record_id",
    "person_id",
    "need",
    "detail",
    "recorded_on",
    "review_on",
    "practitioner",
)
#: Columns of the needs table that must be present and filled on every row.
NEEDS_REQUIRED: Final[tuple[str, ...]] = ("agency", "record_id", "person_id", "need", "recorded_on")
#: The needs the template names; the words for each are ``engagement/words.py``'s.
NEEDS: Final[tuple[str, ...]] = (
    "INTERPRETER", "BSL", "EASY_READ", "LARGE_PRINT", "BRAILLE", "ADVOCATE", "CONTACT_METHOD",
    "TIMES_PLACES", "TRUSTED_ADULT", "NEURODIVERGENCE", "LEARNING_DISABILITY",
    "TRAUMA_INFORMED", "OTHER",
)  # fmt: skip
#: Needs that mean nothing without their detail: the language, how to make contact, what to avoid.
NEEDS_WITH_DETAIL: Final = frozenset({"INTERPRETER", "CONTACT_METHOD", "TRAUMA_INFORMED", "OTHER"})

#: Columns of the optional thrive table: a child's THRIVE grouping as the agency recorded it
#: (issue 16). ``grouping`` and ``agreement`` take THRIVE's codes or words
#: (``thrive/vocabulary.py``), in any case.
THRIVE_COLUMNS: Final[tuple[str, ...]] = (
    "agency", "record_id", "person_id", "grouping", "recorded_on", "practitioner", "reason",
    "childs_view", "agreement", "goals", "success_by", "review_on",
)  # fmt: skip
#: Columns of the thrive table that a file must have. A row must fill them too, but for the
#: child's and family's view when they were not asked or could not give one; whether they
#: agreed is never assumed. Getting Help and Getting More Help need goals and a success date.
THRIVE_REQUIRED: Final[tuple[str, ...]] = (
    "agency", "record_id", "person_id", "grouping", "recorded_on", "reason", "childs_view",
    "agreement", "review_on",
)  # fmt: skip
#: Columns of the optional current_view table: one Current View a row, then a column for each
#: of the tool's items named by its code (THRIVE's items: ``thrive/vocabulary.py``).
CURRENT_VIEW_KEY_COLUMNS: Final[tuple[str, ...]] = (
    "agency", "record_id", "person_id", "recorded_on", "practitioner",
)  # fmt: skip
CURRENT_VIEW_ITEMS: Final[tuple[str, ...]] = (*PROBLEMS, *COMPLEXITY, *CONTEXTUAL, *EET)
CURRENT_VIEW_COLUMNS: Final[tuple[str, ...]] = (*CURRENT_VIEW_KEY_COLUMNS, *CURRENT_VIEW_ITEMS)
#: Columns of the current_view table that a file must have; an item left out is "not known".
CURRENT_VIEW_REQUIRED: Final[tuple[str, ...]] = ("agency", "record_id", "person_id", "recorded_on")

RELATIONSHIPS: Final[frozenset[str]] = frozenset(
    {
        "MOTHER",
        "FATHER",
        "STEP_PARENT",
        "PARENT_PARTNER",
        "SIBLING",
        "HALF_SIBLING",
        "GRANDPARENT",
        "CARER",
        "OTHER",
    }
)

ROLES: Final[frozenset[str]] = frozenset(
    {
        "SUBJECT",
        "VICTIM",
        "WITNESS",
        "PRESENT",
        "PARENT",
        "CARER",
        "SIBLING",
        "SUSPECT",
        "HOUSEHOLD_MEMBER",
        "OTHER",
    }
)
DEFAULT_ROLE: Final = "SUBJECT"

#: Agency codes named by the template. Other codes are accepted (a partnership
#: has agencies of its own) as long as they look like codes.
KNOWN_AGENCIES: Final[dict[str, str]] = {
    "POLICE": "Police",
    "CSC": "Children's social care",
    "EARLY_HELP": "Early help",
    "HEALTH_VISITING": "Health visiting",
    "SCHOOL_NURSING": "School nursing",
    "GP": "GP practice",
    "ED": "Emergency department",
    "CAMHS": "Child and adolescent mental health services",
    "ADULT_MH": "Adult mental health services",
    "SCHOOL": "School",
    "HOUSING": "Housing",
    "PROBATION": "Probation",
    "DA_SERVICE": "Domestic abuse service",
    "YOUTH_JUSTICE": "Youth justice",
}

#: The event vocabulary, by group.
EVENT_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "domestic abuse": (
        "DA_INCIDENT",
        "DASH_ASSESSMENT",
        "MARAC_REFERRAL",
        "MARAC_MEETING",
        "DA_SERVICE_CONTACT",
        "ENCOMPASS_NOTIFICATION",
    ),
    "children's social care": (
        "REFERRAL",
        "REFERRAL_NFA",
        "ASSESSMENT",
        "ASSESSMENT_NFA",
        "STRATEGY_DISCUSSION",
        "S47_ENQUIRY",
        "CP_CONFERENCE",
        "CP_PLAN_START",
        "CP_PLAN_END",
        "CIN_PLAN_START",
        "CIN_PLAN_END",
        "LOOKED_AFTER_START",
        "LOOKED_AFTER_END",
        "EARLY_HELP_START",
        "EARLY_HELP_END",
        "CASE_CLOSED",
    ),
    "health": (
        "APPOINTMENT_ATTENDED",
        "APPOINTMENT_MISSED",
        "ED_ATTENDANCE",
        "HOSPITAL_ADMISSION",
        "INJURY",
        "SELF_HARM",
        "MENTAL_HEALTH_CONTACT",
        "CAMHS_REFERRAL",
        "CAMHS_DISCHARGE",
        "SUBSTANCE_MISUSE",
    ),
    "education": (
        "SCHOOL_START",
        "SCHOOL_MOVE",
        "SUSPENSION",
        "PERMANENT_EXCLUSION",
        "ATTENDANCE_CONCERN",
        "ELECTIVE_HOME_EDUCATION",
        "CHILD_MISSING_EDUCATION",
        "SEN_SUPPORT",
        "EHCP",
    ),
    "police and justice": (
        "MISSING_EPISODE",
        "ARREST",
        "OFFENCE_VICTIM",
        "OFFENCE_SUSPECT",
        "EXPLOITATION_CONCERN",
        "CUSTODY",
        "RELEASE",
    ),
    "household": (
        "HOUSE_MOVE",
        "HOMELESSNESS",
        "EVICTION",
        "PARENT_SEPARATION",
        "BEREAVEMENT",
        "PARENT_IMPRISONMENT",
        "PARENT_MENTAL_HEALTH",
        "PARENT_SUBSTANCE_MISUSE",
        "NEW_PARTNER",
    ),
    "other": ("CONCERN", "CONTACT", "OTHER"),
}

EVENT_TYPES: Final[frozenset[str]] = frozenset(
    code for codes in EVENT_GROUPS.values() for code in codes
)

#: The group each event code belongs to, for summaries by category.
EVENT_GROUP_OF: Final[dict[str, str]] = {
    code: group for group, codes in EVENT_GROUPS.items() for code in codes
}

SEXES: Final[dict[str, str]] = {
    "F": "F",
    "FEMALE": "F",
    "GIRL": "F",
    "M": "M",
    "MALE": "M",
    "BOY": "M",
    "U": "U",
    "UNKNOWN": "U",
    "NOT KNOWN": "U",
    "NOT STATED": "U",
}

#: An agency's code, as every file, account and sharing agreement writes it: upper case,
#: at most 32 characters (POLICE, CSC, a partnership's own such as YOUTH_HUB).
AGENCY_CODE: Final = r"^[A-Z][A-Z0-9_]{0,31}$"
#: A restricted category code in the ``restricted`` column, as the store holds it (upper
#: case, at most 40 characters): SEXUAL_HEALTH, TERMINATION, GENDER_IDENTITY, ADOPTION,
#: WITNESS_PROTECTION, or a partnership's own code.
RESTRICTED_CODE: Final = r"^[A-Z][A-Z0-9_]{0,39}$"
#: The code a plain "yes" in ``restricted`` stands for: restricted, category not said.
RESTRICTED_GENERIC: Final = "RESTRICTED"
#: Words (upper-cased) that mark a record restricted without naming a category.
RESTRICTED_YES: Final[frozenset[str]] = frozenset({"YES", "Y", "TRUE", "1"})
#: Words (upper-cased) that say a record is ordinary, as a blank cell does: an export's
#: yes/no column needs no rewriting.
RESTRICTED_NO: Final[frozenset[str]] = frozenset({"NO", "N", "FALSE", "0"})

#: Words (upper-cased) in ``address_confidential`` that hide the row's address: the
#: template's ``Y`` and an export's other ways of saying yes.
CONFIDENTIAL_YES: Final[frozenset[str]] = frozenset({"Y", "YES", "TRUE", "1"})
#: Words (upper-cased) that leave an address as it is, as a blank cell does.
CONFIDENTIAL_NO: Final[frozenset[str]] = frozenset({"N", "NO", "FALSE", "0"})

#: The longest text we accept in one cell. A 100,000-character summary is a
#: real (if unusual) case note; a multi-megabyte cell is a broken export.
MAX_CELL_CHARS: Final = 1_000_000
