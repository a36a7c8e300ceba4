"""How each agency keeps its records: id shapes, habits, teams.

Agencies differ in what they record about a person and how carefully: health
services hold the NHS number, schools the UPN, the police write surnames in
capitals and know people by nickname. These habits are what identity linking
must see through, so they are set per agency here rather than scattered
through the generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Style:
    """One agency's record-keeping habits. Rates are per person the agency holds."""

    person_prefix: str  # person id shape: prefix + zero-padded number
    person_width: int
    record_prefix: str  # record and event ids
    health: bool  # health records almost always carry a date of birth
    nhs_rate: float  # share of people whose NHS number is recorded
    upn_rate: float  # share of pupils whose UPN is recorded
    nickname_rate: float  # share of people recorded under a familiar name
    typo_rate: float  # share with a one-character slip in a name
    sex_words: bool  # writes "Female" rather than "F"
    upper_family: bool  # writes family names in capitals
    keeps_aliases: bool  # records previous names in other_names
    time_rate: float  # share of rows with an event time
    address_rate: float  # share of rows with postcode and address


#: Columns, in Style's order: id prefix, digits, record prefix, health, NHS, UPN,
#: nickname, typo, "Female", CAPITALS, aliases, event time, address.
STYLES: Final[dict[str, Style]] = {
    "POLICE": Style("PN", 7, "POL", False, 0.0, 0.0, 0.10, 0.03, False, True, True, 1.0, 0.97),
    "CSC": Style("CSC-", 6, "CSC", False, 0.35, 0.25, 0.05, 0.02, False, False, True, 0.1, 0.95),
    "EARLY_HELP": Style("EH", 6, "EHM", False, 0.2, 0.3, 0.06, 0.02, False, False, True, 0, 0.9),
    "HEALTH_VISITING": Style(
        "HV", 7, "HVS", True, 0.97, 0.0, 0.02, 0.01, False, False, False, 0.4, 0.97
    ),
    "SCHOOL_NURSING": Style(
        "SN", 7, "SNS", True, 0.92, 0.2, 0.04, 0.01, False, False, False, 0.2, 0.9
    ),
    "GP": Style("", 8, "GPR", True, 0.96, 0.0, 0.02, 0.01, False, False, False, 0.6, 0.98),
    "ED": Style("MRN", 7, "EDA", True, 0.85, 0.0, 0.06, 0.03, False, True, False, 1.0, 0.95),
    "CAMHS": Style("CAM", 6, "CMH", True, 0.93, 0.0, 0.04, 0.01, False, False, False, 0.2, 0.95),
    "ADULT_MH": Style("AMH", 6, "AMH", True, 0.93, 0.0, 0.03, 0.01, False, False, False, 0.2, 0.95),
    "SCHOOL": Style("PUP", 7, "SCH", False, 0.0, 1.0, 0.08, 0.02, False, False, False, 0.1, 0.9),
    "HOUSING": Style("HSG", 6, "HSG", False, 0.0, 0.0, 0.05, 0.02, True, False, True, 0, 1.0),
    "PROBATION": Style("X", 6, "PRB", False, 0.0, 0.0, 0.08, 0.02, False, True, True, 0, 0.9),
    "DA_SERVICE": Style("DAS", 5, "DAS", False, 0.0, 0.0, 0.06, 0.02, True, False, True, 0.2, 0.6),
    "YOUTH_JUSTICE": Style(
        "YJ", 5, "YJS", False, 0.1, 0.2, 0.08, 0.02, False, False, True, 0, 0.95
    ),
}

#: Agencies in file order: every one gets a file, even when it has no rows.
AGENCIES: Final[tuple[str, ...]] = tuple(STYLES)

#: Agencies that record NHS-held health appointments ("was not brought" counts here).
HEALTH: Final[frozenset[str]] = frozenset(a for a, s in STYLES.items() if s.health)

#: Teams per agency, by the kind of work. Schools and GP practices are named
#: per household instead (see :mod:`wholestory.synth.population`).
TEAMS: Final[dict[str, tuple[str, ...]]] = {
    "POLICE": ("Response North", "Response South", "Neighbourhood Policing Team"),
    "CSC": ("Front Door (MASH)", "Assessment Team 1", "Assessment Team 2", "Child in Need Team"),
    "CSC_CP": ("Child Protection Team East", "Child Protection Team West"),
    "EARLY_HELP": ("Family Help North", "Family Help South", "Targeted Youth Support"),
    "HEALTH_VISITING": ("0-19 Service North", "0-19 Service South", "0-19 Service Central"),
    "SCHOOL_NURSING": ("0-19 School Health Team", "School Nursing Central"),
    "ED": ("Paediatric Emergency Department", "Emergency Department"),
    "CAMHS": ("CAMHS Core Team", "CAMHS Getting Help", "CAMHS Crisis and Home Treatment"),
    "ADULT_MH": ("Community Mental Health Team", "Primary Care Mental Health Service"),
    "HOUSING": ("Tenancy Services", "Housing Options"),
    "PROBATION": ("Probation Delivery Unit",),
    "DA_SERVICE": ("IDVA Service", "Community Outreach"),
    "YOUTH_JUSTICE": ("Youth Justice Service",),
}

#: How practitioners sign their records, per agency: a format with {initial} and {surname}.
SIGNATURES: Final[dict[str, str]] = {
    "POLICE": "PC {number} {surname}",
    "CSC": "{initial}. {surname} (SW)",
    "EARLY_HELP": "{initial}. {surname} (FSW)",
    "HEALTH_VISITING": "{initial}. {surname} (HV)",
    "SCHOOL_NURSING": "{initial}. {surname} (SN)",
    "GP": "Dr {initial}. {surname}",
    "ED": "Dr {initial}. {surname}",
    "CAMHS": "{initial}. {surname} (CAMHS)",
    "ADULT_MH": "{initial}. {surname} (CPN)",
    "SCHOOL": "{initial}. {surname} (DSL)",
    "HOUSING": "{initial}. {surname}",
    "PROBATION": "{initial}. {surname} (PO)",
    "DA_SERVICE": "{initial}. {surname} (IDVA)",
    "YOUTH_JUSTICE": "{initial}. {surname} (YJ)",
}
