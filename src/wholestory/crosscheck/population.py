"""Households of the fictional borough: who lives together, and the cases that trip linking.

Besides ordinary families this plants, at rates the caller sets, the cases a
linker must get right because getting them wrong joins two people's
histories: twins (one birthday, one address, different names), a father and
son of one name (juniors), unrelated children of one name born days apart in
one town (namesakes), mothers whose surname changes, and families that move.
The truth of each person is kept here; how agencies write it is elsewhere.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

from wholestory.crosscheck.names import Origin, draw_origin, family_name_for
from wholestory.crosscheck.national_numbers import NhsNumbers
from wholestory.crosscheck.places import Address, Borough

YEAR = 365.25


@dataclass
class CrosscheckPerson:
    """One real (fictional) person, as they truly are."""

    true_id: str
    kind: str  # "adult" or "child": the person's place in the household
    relation: str  # mother, father, step_parent, ex_partner, child
    household_id: str
    sex: str
    given: str
    family: str  # the family name now
    dob: date
    nhs: str
    origin: Origin
    twin_of: str = ""
    upn: str = ""  # issued when the child first starts school
    earlier_family: str = ""  # before a change of surname
    family_changed_on: date | None = None
    lives_elsewhere: Address | None = None  # an ex-partner's own home

    def family_on(self, day: date) -> str:
        if self.family_changed_on and day < self.family_changed_on:
            return self.earlier_family
        return self.family

    def age_on(self, day: date) -> float:
        return (day - self.dob).days / YEAR

    def born_by(self, day: date) -> bool:
        return self.dob <= day


@dataclass
class Household:
    """A family and its homes over time."""

    household_id: str
    members: list[CrosscheckPerson]
    homes: list[tuple[date, Address]]  # (from, address), oldest first
    social_tenant: bool
    concerns: set[str] = field(default_factory=set)  # da, social_care, parent_mh, neglect
    partner_arrived: date | None = None  # a step-parent moving in, within the window

    def home_on(self, day: date) -> Address:
        moved_in = bisect_right(self.homes, day, key=lambda home: home[0])
        return self.homes[max(moved_in - 1, 0)][1]

    def moves(self) -> list[date]:
        return [start for start, _ in self.homes[1:]]

    @property
    def mother(self) -> CrosscheckPerson:
        return next(p for p in self.members if p.relation == "mother")

    @property
    def partner(self) -> CrosscheckPerson | None:
        return next(
            (p for p in self.members if p.relation in ("father", "step_parent", "ex_partner")),
            None,
        )

    @property
    def children(self) -> list[CrosscheckPerson]:
        return [p for p in self.members if p.kind == "child"]

    @property
    def adults(self) -> list[CrosscheckPerson]:
        return [p for p in self.members if p.kind == "adult"]


@dataclass(frozen=True)
class Rates:
    """How often the hard cases are planted."""

    twins: float = 0.015  # share of births that are twins
    juniors: float = 0.008  # father-and-son households where the son has his father's names
    namesakes: float = 0.004  # households followed by one with a child of the same name
    surname_change: float = 0.10  # mothers whose surname changes within the window


@dataclass(frozen=True)
class _Namesake:
    origin: Origin
    family: str
    given: str
    sex: str
    dob: date
    town: str


def _years(day: date, years: float) -> date:
    return day + timedelta(days=round(years * YEAR))


def _between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


@dataclass(eq=False)
class Population:
    """Makes households one at a time; the only state carried is a namesake waiting."""

    rng: random.Random
    borough: Borough
    nhs: NhsNumbers
    start: date
    end: date
    rates: Rates
    _people: int = field(default=0, init=False)
    _namesake: _Namesake | None = field(default=None, init=False)
    planted: dict[str, int] = field(
        default_factory=lambda: {"twins": 0, "juniors": 0, "namesakes": 0}, init=False
    )

    def _person(
        self,
        household_id: str,
        *,
        kind: str,
        relation: str,
        sex: str,
        given: str,
        family: str,
        dob: date,
        origin: Origin,
    ) -> CrosscheckPerson:
        self._people += 1
        return CrosscheckPerson(
            f"T{self._people:07d}",
            kind,
            relation,
            household_id,
            sex,
            given,
            family,
            dob,
            self.nhs.issue(),
            origin,
        )

    def _adult(
        self,
        rng: random.Random,
        household_id: str,
        relation: str,
        origin: Origin,
        surname: str,
        mother_dob: date,
        older: tuple[float, float] | None = None,
    ) -> CrosscheckPerson:
        """A mother (born on ``mother_dob``) or a man ``older`` years older than her (drawn).

        The given name is drawn before the age gap, as each draw's place in the seed's
        sequence is what keeps a partnership the same for the same seed.
        """
        sex = "F" if relation == "mother" else "M"
        given = origin.given(rng, sex, child=False)
        dob = mother_dob if older is None else _years(mother_dob, -rng.uniform(*older))
        return self._person(
            household_id,
            kind="adult",
            relation=relation,
            sex=sex,
            given=given,
            family=family_name_for(surname, sex),
            dob=dob,
            origin=origin,
        )

    def household(self, index: int) -> Household:
        rng = self.rng
        household_id = f"H{index + 1:06d}"
        namesake, self._namesake = self._namesake, None
        origin = namesake.origin if namesake else draw_origin(rng)
        father_origin = draw_origin(rng) if rng.random() < 0.08 else origin
        if namesake:
            days_apart = timedelta(days=rng.choice((-6, -4, -3, -2, 2, 3, 5)))
            anchor = min(namesake.dob + days_apart, self.end - timedelta(days=14))
        else:
            anchor = _between(rng, _years(self.end, -17.5), self.end - timedelta(days=20))
        mother_dob = _years(anchor, -rng.uniform(17.5, 40)) - timedelta(days=rng.randint(0, 200))
        has_father = rng.random() < 0.72
        step = has_father and rng.random() < 0.15
        birth_family = origin.families.draw(rng)
        partner_family = father_origin.families.draw(rng)
        if namesake:
            if has_father and not step:
                partner_family = namesake.family
            else:
                birth_family = namesake.family
        children_family = self._children_family(
            rng, has_father and not step, birth_family, partner_family
        )
        members: list[CrosscheckPerson] = []
        mother = self._adult(rng, household_id, "mother", origin, birth_family, mother_dob)
        members.append(mother)
        partner: CrosscheckPerson | None = None
        if has_father:
            relation = "step_parent" if step else "father"
            partner = self._adult(
                rng, household_id, relation, father_origin, partner_family, mother_dob, (-2, 7)
            )
            members.append(partner)
        self._mother_surname(rng, mother, origin, birth_family, partner_family, has_father)
        members.extend(
            self._children(
                rng, household_id, anchor, mother_dob, origin, father_origin, children_family
            )
        )
        if namesake:
            self._make_namesake(members, namesake, anchor)
        self._maybe_junior(rng, members, partner)
        town = namesake.town if namesake else rng.choice(self.borough.towns)
        household = Household(
            household_id, members, self._homes(rng, town), social_tenant=rng.random() < 0.28
        )
        household.concerns = self._concerns(rng)
        if step and partner and rng.random() < 0.5:
            household.partner_arrived = _between(rng, self.start, self.end)
        if "da" in household.concerns and partner is None:
            members.append(self._ex_partner(rng, household_id, mother, origin, children_family))
        self._plan_namesake(rng, household, origin, children_family, town)
        return household

    def _children_family(
        self, rng: random.Random, with_father: bool, birth_family: str, partner_family: str
    ) -> str:
        if not with_father:
            return birth_family if rng.random() < 0.85 else partner_family
        roll = rng.random()
        if roll < 0.75 or birth_family == partner_family:
            return partner_family
        if roll < 0.9:
            return birth_family
        return f"{birth_family}-{partner_family}"

    def _mother_surname(
        self,
        rng: random.Random,
        mother: CrosscheckPerson,
        origin: Origin,
        birth_family: str,
        partner_family: str,
        has_father: bool,
    ) -> None:
        if origin.women_titles and rng.random() < 0.35:
            mother.family = rng.choice(origin.women_titles)
            return
        if not has_father or birth_family == partner_family:
            return
        roll = rng.random()
        married = family_name_for(partner_family, "F")
        if roll < self.rates.surname_change:
            mother.earlier_family = mother.family
            mother.family = married
            mother.family_changed_on = _between(rng, self.start, self.end)
        elif roll < 0.55:
            mother.family = married

    def _children(
        self,
        rng: random.Random,
        household_id: str,
        anchor: date,
        mother_dob: date,
        origin: Origin,
        father_origin: Origin,
        family: str,
    ) -> list[CrosscheckPerson]:
        count = rng.choices((1, 2, 3, 4, 5), (34, 36, 18, 9, 3))[0]
        births = [anchor]
        for _ in range(count * 3):
            if len(births) == count:
                break
            candidate = anchor + timedelta(days=rng.choice((-1, 1)) * rng.randint(330, 2600))
            if (
                _years(mother_dob, 16.5) <= candidate <= self.end - timedelta(days=14)
                and candidate >= _years(self.end, -19)
                and all(abs((candidate - b).days) > 300 for b in births)
            ):
                births.append(candidate)
        children: list[CrosscheckPerson] = []
        used: set[str] = set()
        for born in sorted(births):
            twins = 2 if rng.random() < self.rates.twins else 1
            first: CrosscheckPerson | None = None
            for _ in range(twins):
                sex = rng.choice("FM")
                name_origin = father_origin if rng.random() < 0.5 else origin
                given = self._fresh_given(rng, name_origin, sex, used, first)
                used.add(given)
                child = self._person(
                    household_id,
                    kind="child",
                    relation="child",
                    sex=sex,
                    given=given,
                    family=family_name_for(family, sex),
                    dob=born,
                    origin=name_origin,
                )
                if first is not None:
                    child.twin_of, first.twin_of = first.true_id, child.true_id
                    self.planted["twins"] += 1
                first = child
                children.append(child)
        return children

    @staticmethod
    def _fresh_given(
        rng: random.Random, origin: Origin, sex: str, used: set[str], twin: CrosscheckPerson | None
    ) -> str:
        """A name no sibling has; a twin's often shares the first letter (Ella and Emma)."""
        alliterate = twin is not None and rng.random() < 0.3
        given = origin.given(rng, sex, child=True)
        for _ in range(30):
            if given not in used and (not alliterate or twin is None or given[0] == twin.given[0]):
                return given
            given = origin.given(rng, sex, child=True)
        while given in used:
            given += "e"
        return given

    def _make_namesake(
        self, members: list[CrosscheckPerson], namesake: _Namesake, anchor: date
    ) -> None:
        child = next(c for c in members if c.kind == "child" and c.dob == anchor)
        child.given, child.sex = namesake.given, namesake.sex
        child.family = namesake.family
        self.planted["namesakes"] += 1

    def _maybe_junior(
        self, rng: random.Random, members: list[CrosscheckPerson], partner: CrosscheckPerson | None
    ) -> None:
        if partner is None or partner.relation != "father" or rng.random() >= self.rates.juniors:
            return
        sons = [c for c in members if c.kind == "child" and c.sex == "M" and not c.twin_of]
        if not sons:
            return
        son = sons[0]
        son.given, son.family = partner.given, partner.family
        self.planted["juniors"] += 1

    def _plan_namesake(
        self, rng: random.Random, household: Household, origin: Origin, family: str, town: str
    ) -> None:
        if rng.random() >= self.rates.namesakes:
            return
        child = next((c for c in household.children if not c.twin_of), None)
        if child is None:
            return
        self._namesake = _Namesake(origin, child.family, child.given, child.sex, child.dob, town)

    def _homes(self, rng: random.Random, town: str) -> list[tuple[date, Address]]:
        homes = [(date.min, self.borough.home(rng, town))]
        moves = rng.choices((0, 1, 2, 3), (55, 30, 10, 5))[0]
        for day in sorted(_between(rng, self.start, self.end) for _ in range(moves)):
            if rng.random() > 0.7:
                town = rng.choice(self.borough.towns)
            homes.append((day, self.borough.home(rng, town)))
        return homes

    @staticmethod
    def _concerns(rng: random.Random) -> set[str]:
        concerns: set[str] = set()
        if rng.random() < 0.07:
            concerns.add("da")
        if rng.random() < (0.6 if concerns else 0.09):
            concerns.add("social_care")
        if rng.random() < 0.06:
            concerns.add("parent_mh")
        if rng.random() < 0.05:
            concerns.add("neglect")
        return concerns

    def _ex_partner(
        self,
        rng: random.Random,
        household_id: str,
        mother: CrosscheckPerson,
        origin: Origin,
        family: str,
    ) -> CrosscheckPerson:
        surname = family if rng.random() < 0.5 else origin.families.draw(rng)
        ex = self._adult(rng, household_id, "ex_partner", origin, surname, mother.dob, (-3, 8))
        ex.lives_elsewhere = self.borough.home(rng)
        return ex
