"""The true people and households of the synthetic partnership, as plain records.

A :class:`Household` holds a mother, her children, their fathers and the
partners who come and go, with their homes and the children's school spells
over time; every question "who, where, which school, on this day" is answered
here from that true timeline. How households are built is in
:mod:`wholestory.synth.population`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wholestory.synth.places import Home, School
from wholestory.synth.timeline import YEAR


@dataclass(slots=True, eq=False)
class SynthPerson:
    """One true person. Agencies each record them a little differently."""

    true_id: str
    kind: str  # "child" or "adult"
    given: str
    dob: dt.date
    sex: str
    household_id: str
    nhs: str
    families: list[tuple[dt.date, str]]  # family name from a date, oldest first
    twin_of: str = ""
    upn: str = ""
    careful: bool = False  # shares a name with a household member: agencies note the DOB
    own_home: Home | None = None  # an adult who does not live with the household
    seen: bool = False  # written to some file; only seen people go in persons.csv

    @property
    def family(self) -> str:
        """The family name now (on AS_OF)."""
        return self.families[-1][1]

    def family_at(self, day: dt.date) -> str:
        """The family name this person went by on ``day``."""
        current = self.families[0][1]
        for start, name in self.families:
            if start > day:
                break
            current = name
        return current

    def age_at(self, day: dt.date) -> float:
        """Age in years on ``day``."""
        return (day - self.dob).days / YEAR


@dataclass(slots=True)
class Stay:
    """A partner of the mother living in the household from ``start`` to ``end``."""

    person: SynthPerson
    start: dt.date
    end: dt.date | None


@dataclass(slots=True)
class SchoolSpell:
    """A child on a school's roll from ``start``; ``school`` None means on no roll.

    ``noted`` spells were written into the story by a planted pattern (an
    exclusion, home education), so the routine history does not record them again.
    """

    start: dt.date
    school: School | None
    noted: bool = False


@dataclass(slots=True, eq=False)
class Household:
    """A mother, her children, the men in their lives, homes and schools over time."""

    number: int
    ident: str
    mother: SynthPerson
    children: list[SynthPerson]
    fathers: dict[str, SynthPerson]  # child true_id -> biological father
    adults: list[SynthPerson]
    stays: list[Stay]
    homes: list[Home]
    schools: dict[str, list[SchoolSpell]]
    practice: str
    social_housing: bool
    quiet: bool
    married_partner: str = ""  # true_id of a partner who married the mother

    def home_at(self, day: dt.date) -> Home:
        """The household's home on ``day`` (its first home before it existed)."""
        current = self.homes[0]
        for home in self.homes:
            if home.start > day:
                break
            current = home
        return current

    def address_of(self, person: SynthPerson, day: dt.date) -> Home:
        """Where ``person`` lived on ``day``: their own home once they have left."""
        if person.own_home is not None and not self.lives_here(person, day):
            return person.own_home
        return self.home_at(day)

    def lives_here(self, person: SynthPerson, day: dt.date) -> bool:
        """Whether ``person`` was part of the household on ``day``."""
        if person is self.mother or person.kind == "child":
            return True
        return any(
            s.person is person and s.start <= day and (s.end is None or day < s.end)
            for s in self.stays
        )

    def partner_at(self, day: dt.date) -> SynthPerson | None:
        """The mother's partner living with her on ``day``, if any."""
        for stay in self.stays:
            if stay.start <= day and (stay.end is None or day < stay.end):
                return stay.person
        return None

    def children_on(self, day: dt.date) -> list[SynthPerson]:
        """Children already born on ``day``."""
        return [c for c in self.children if c.dob <= day]

    def school_at(self, child: SynthPerson, day: dt.date) -> School | None:
        """The school whose roll ``child`` was on, on ``day``."""
        current: School | None = None
        for spell in self.schools.get(child.true_id, []):
            if spell.start > day:
                break
            current = spell.school
        return current

    def pupils_on(self, day: dt.date) -> list[SynthPerson]:
        """Children on a school roll on ``day``."""
        return [c for c in self.children if self.school_at(c, day) is not None]

    def set_schools_from(self, child: SynthPerson, day: dt.date, spells: list[SchoolSpell]) -> None:
        """Replace ``child``'s school history from ``day`` on (an exclusion, home education)."""
        kept = [s for s in self.schools.get(child.true_id, []) if s.start < day]
        self.schools[child.true_id] = kept + spells


@dataclass(frozen=True, slots=True)
class Spec:
    """What a household must look like for the story planned for it.

    ``target_age`` is the age band (years on AS_OF) of the oldest child, the
    one a child-level pattern is planted in.
    """

    children: tuple[int, int] = (1, 5)
    target_age: tuple[float, float] | None = None
    youngest_min_age: float = 0.0
    quiet: bool = False  # background adds only routine events
    stable: bool = False  # no background separations or new partners
    namesake: SynthPerson | None = None  # copy this child's name and birth date
