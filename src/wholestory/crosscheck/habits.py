"""Each agency's record-keeping habits, as numbers.

Agencies differ in what they hold and how carefully: a GP register has the
NHS number nearly always and spells names from documents; a police custody
system is typed in capitals from what a person says, rarely holds an NHS
number and often only a partial date of birth; schools use the name a child
is known by; a housing system lists the children of a tenancy with little
more than a name. These habits are the cross-check's own, chosen to be
plausible, not copied from the main generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Habit:
    """How one agency writes people down. Rates are per registration unless said."""

    code: str
    id_shape: str  # format for the agency's person id, given a number
    record_prefix: str
    nhs_held: float  # share of registrations holding the NHS number
    slip: float  # a name misspelt at registration
    nickname: float  # the name the person is known by, not the formal one
    capitals: float  # per row: names typed in capitals
    swap: float  # given and family names in each other's boxes
    dob_missing: float
    dob_slip: float
    address_held: float  # per row
    abbreviates: float
    lag_days: int  # how long before a move or a new surname reaches the record
    old_surname: float  # never updates a surname change
    strips_accents: float
    sex_words: bool = False  # "Female" rather than "F"
    teams: tuple[str, ...] = ("",)


#: Each agency's habits: its code, id shape and record prefix; then the rates in
#: :class:`Habit`'s order (NHS number held, slip, nickname, capitals, swap, date of
#: birth missing, date of birth slipped, address held, abbreviates, lag in days, old
#: surname kept, accents stripped); then its wording of sex and its teams.
HABITS: Final[dict[str, Habit]] = {
    h.code: h
    for h in (
        Habit("POLICE", "PN{:07d}", "OCC",
              0.03, 0.07, 0.08, 0.65, 0.015, 0.05, 0.04, 0.9, 0.5, 20, 0.35, 0.8,
              teams=("Public Protection Unit", "Response")),
        Habit("CSC", "CS{:06d}", "CSR",
              0.55, 0.03, 0.03, 0.03, 0.005, 0.02, 0.02, 0.95, 0.2, 40, 0.2, 0.4,
              teams=("Front Door", "Assessment Team 2", "Child Protection Team")),
        Habit("GP", "{:08d}", "GPE",
              0.985, 0.012, 0.01, 0.0, 0.002, 0.0, 0.004, 0.98, 0.1, 14, 0.05, 0.15,
              teams=("Larchfield Surgery", "Quayside Medical")),
        Habit("ED", "RX{:07d}", "EDA",
              0.82, 0.07, 0.1, 0.25, 0.02, 0.01, 0.04, 0.9, 0.6, 0, 0.1, 0.7,
              teams=("Emergency Department",)),
        Habit("HEALTH_VISITING", "HV{:06d}", "HVC",
              0.97, 0.015, 0.02, 0.0, 0.003, 0.0, 0.005, 0.97, 0.2, 10, 0.05, 0.3,
              teams=("0-19 Team North", "0-19 Team South")),
        Habit("SCHOOL", "SP{:06d}", "SCH",
              0.03, 0.02, 0.12, 0.0, 0.003, 0.003, 0.01, 0.9, 0.3, 60, 0.3, 0.3,
              teams=("Pastoral",)),
        Habit("HOUSING", "TEN{:06d}", "HSG",
              0.02, 0.04, 0.05, 0.45, 0.01, 0.15, 0.03, 1.0, 0.8, 0, 0.4, 0.9,
              sex_words=True, teams=("Tenancy Services",)),
        Habit("CAMHS", "CM{:06d}", "CMH",
              0.95, 0.02, 0.05, 0.0, 0.004, 0.005, 0.01, 0.95, 0.2, 20, 0.1, 0.3,
              teams=("CAMHS Core",)),
        Habit("YOUTH_JUSTICE", "YJ{:05d}", "YJS",
              0.4, 0.04, 0.1, 0.2, 0.01, 0.02, 0.02, 0.9, 0.4, 20, 0.3, 0.5,
              teams=("Youth Justice Service",)),
        Habit("ADULT_MH", "AMH{:06d}", "AMH",
              0.95, 0.02, 0.03, 0.0, 0.004, 0.005, 0.01, 0.95, 0.2, 20, 0.1, 0.3,
              teams=("Community Mental Health Team",)),
        Habit("DA_SERVICE", "DAS{:05d}", "DAS",
              0.05, 0.05, 0.12, 0.0, 0.01, 0.25, 0.05, 0.3, 0.4, 0, 0.2, 0.5,
              teams=("IDVA Service", "Outreach")),
    )
}  # fmt: skip

#: The agency that gives a new person id for many repeat attendances.
EPISODE_AGENCY: Final = "ED"

#: Agencies whose relationships table is written.
RELATIONSHIP_AGENCIES: Final = ("CSC", "HEALTH_VISITING")

#: Health agencies: an NHS number is part of the record, though a few are mistyped.
HEALTH: Final = frozenset({"GP", "ED", "HEALTH_VISITING", "CAMHS", "ADULT_MH"})

#: Share of held NHS numbers keyed wrongly (the check digit then fails).
NHS_MISTYPED: Final = 0.006

#: Practitioners are named "initial. family name"; each agency has a few.
PRACTITIONERS_PER_AGENCY: Final = 6
