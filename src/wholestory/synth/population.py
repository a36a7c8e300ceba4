"""People and households: who lives with whom, where, and at which school, when.

A household is the unit of generation: a mother, her children, their fathers
and the partners who come and go, with the homes they live in and the schools
the children attend. Everything an agency later records about a person (name,
address, school) is read from this true timeline at the date of the record,
so a move of home shows as a changed postcode in later rows, and a mother's
marriage as a new surname.

Households are built one at a time and dropped once written, which keeps the
generator's memory flat however many children it makes. The records
themselves (:class:`SynthPerson`, :class:`Household`, ...) are in
:mod:`wholestory.synth.people` and stay importable from here.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

from wholestory.synth import names
from wholestory.synth.identifiers import NhsNumbers, Upns
from wholestory.synth.people import Household, SchoolSpell, Spec, Stay, SynthPerson
from wholestory.synth.places import Home, School, World, home_elsewhere, home_in
from wholestory.synth.timeline import (
    AS_OF,
    EARLIEST_CHILD_DOB,
    YEAR,
    between,
    days,
    next_weekday,
    school_years,
    years,
)

#: The records, kept importable from here where the generator's modules import them.
__all__ = [
    "TWIN_RATE",
    "Household",
    "Population",
    "SchoolSpell",
    "Spec",
    "Stay",
    "SynthPerson",
    "add_partner",
    "household_size",
]

TWIN_RATE: Final = 0.033  # per gap between births: about 1.5% of maternities are twins (UK)


def household_size(rng: random.Random) -> int:
    """Children in a family with children: mostly one or two, a few large families."""
    return rng.choices((1, 2, 3, 4, 5), weights=(44, 38, 12, 4, 2))[0]


class Population:
    """Builds households: numbering people, issuing NHS numbers, placing homes."""

    def __init__(self, world: World, nhs: NhsNumbers, upns: Upns) -> None:
        self.world = world
        self.nhs = nhs
        self.upns = upns

    def household(self, rng: random.Random, number: int, n_children: int, spec: Spec) -> Household:
        """A household with ``n_children`` children shaped by ``spec``."""
        ident = f"H{number:06d}"
        dobs, twins = _birth_dates(rng, n_children, spec)
        builder = _Builder(self, rng, number, ident)
        return builder.build(dobs, twins, spec)


class _Builder:
    """The steps of making one household, sharing its random stream."""

    def __init__(self, population: Population, rng: random.Random, number: int, ident: str):
        self.pop = population
        self.rng = rng
        self.number = number
        self.ident = ident
        self.count = 0
        self.adults: list[SynthPerson] = []

    def person(self, kind: str, given: str, dob: dt.date, sex: str, family: str) -> SynthPerson:
        """A new true person of this household with a fresh NHS number."""
        self.count += 1
        return SynthPerson(
            true_id=f"T{self.number:06d}-{self.count:02d}",
            kind=kind,
            given=given,
            dob=dob,
            sex=sex,
            household_id=self.ident,
            nhs=self.pop.nhs.issue(),
            families=[(dob, family)],
        )

    def build(self, dobs: list[dt.date], twins: set[int], spec: Spec) -> Household:
        rng = self.rng
        oldest = dobs[0]
        mother_age = rng.triangular(17.0, 41.0, 28.0)
        mother_dob = oldest - years(mother_age) - days(rng.randint(0, 300))
        maiden = rng.choice(names.SURNAMES)
        surname = spec.namesake.family if spec.namesake else rng.choice(names.SURNAMES)
        married = spec.namesake is not None or rng.random() < 0.5
        mother = self.person("adult", rng.choice(names.WOMEN), mother_dob, "F", maiden)
        father_dob = mother_dob - years(rng.triangular(-3.0, 10.0, 2.0))
        father = self.person("adult", rng.choice(names.MEN), father_dob, "M", surname)
        start = oldest - days(rng.randint(60, 900))
        if married:
            wedding = max(mother_dob + years(18.5), start - days(rng.randint(0, 900)))
            mother.families.append((min(wedding, oldest), surname))
        homes = self.homes(start)
        self.adults = [mother, father]
        household = Household(
            number=self.number,
            ident=self.ident,
            mother=mother,
            children=[],
            fathers={},
            adults=self.adults,
            stays=[],
            homes=homes,
            schools={},
            practice=self.rng.choice(self.pop.world.practices[homes[0].district]),
            social_housing=rng.random() < 0.18,
            quiet=spec.quiet,
        )
        resident = spec.stable or rng.random() < 0.82
        if resident:
            household.stays.append(Stay(father, start, None))
        else:
            father.own_home = self.own_home()
        self.children(household, dobs, twins, father, married, surname, maiden, spec)
        if resident and not spec.stable and not self.blend(household, father):
            self.maybe_separate(household, father)
        for child in household.children:
            spells = self.schools(household, child)
            household.schools[child.true_id] = spells
            first = spells[0].school if spells else None
            if first is not None:
                child.upn = self.pop.upns.issue(first.establishment, spells[0].start.year)
        return household

    def children(
        self,
        household: Household,
        dobs: list[dt.date],
        twins: set[int],
        father: SynthPerson,
        married: bool,
        surname: str,
        maiden: str,
        spec: Spec,
    ) -> None:
        """The children, named, with twins marked and the odd shared name."""
        rng = self.rng
        family = surname
        if not married:
            pick = rng.random()
            if pick < 0.28:
                family = maiden
            elif pick < 0.35:
                family = f"{maiden}-{surname}" if rng.random() < 0.5 else f"{surname}-{maiden}"
        used: set[str] = set()
        for i, dob in enumerate(dobs):
            sex = "F" if rng.random() < 0.49 else "M"
            pool = names.GIRLS if sex == "F" else names.BOYS
            # Siblings never share a name; twins' names differ in their first letters too,
            # so that telling twins apart is hard only in the ways it really is.
            avoid = household.children[-1].given[:3] if i in twins else "#"
            given = rng.choice([n for n in pool if n not in used and not n.startswith(avoid)])
            child = self.person("child", given, dob, sex, family)
            if i == 0 and spec.namesake is not None:
                child.given, child.sex = spec.namesake.given, spec.namesake.sex
                child.families = [(dob, spec.namesake.family)]
            used.add(child.given)
            if i in twins:
                elder = household.children[-1]
                child.twin_of, elder.twin_of = elder.true_id, child.true_id
            household.children.append(child)
            household.fathers[child.true_id] = father
        self.shared_names(household, father)

    def shared_names(self, household: Household, father: SynthPerson) -> None:
        """Now and then a son named after his father, or a daughter after her mother."""
        rng = self.rng
        for child in household.children:
            if child.twin_of:
                continue
            if child.sex == "M" and child.family == father.family and rng.random() < 0.02:
                child.given = father.given
                child.careful = father.careful = True
                return
            if child.sex == "F" and rng.random() < 0.01:
                child.given = household.mother.given
                child.careful = household.mother.careful = True
                return

    def blend(self, household: Household, father: SynthPerson) -> bool:
        """Sometimes the youngest child is a new partner's: half-siblings, a stepfather."""
        rng = self.rng
        kids = household.children
        if len(kids) < 2 or rng.random() > 0.15 or (kids[-1].dob - kids[-2].dob).days < 700:
            return False
        last = kids[-1]
        split = between(rng, kids[-2].dob + days(100), last.dob - days(520))
        arrive = split + days(rng.randint(60, 200))
        partner = self.partner(household.mother)
        household.stays[0].end = split
        father.own_home = self.own_home()
        household.stays.append(Stay(partner, arrive, None))
        household.fathers[last.true_id] = partner
        surname = partner.family if rng.random() < 0.6 else household.mother.family_at(last.dob)
        last.families = [(last.dob, surname)]
        if rng.random() < 0.4:
            self.marry(household, partner, arrive + days(rng.randint(200, 1500)))
        return True

    def partner(self, mother: SynthPerson) -> SynthPerson:
        """A new man in the mother's life, added to the household's adults."""
        dob = mother.dob - years(self.rng.triangular(-6.0, 10.0, 2.0))
        partner = self.person(
            "adult", self.rng.choice(names.MEN), dob, "M", self.rng.choice(names.SURNAMES)
        )
        self.adults.append(partner)
        return partner

    def maybe_separate(self, household: Household, father: SynthPerson) -> None:
        """Parents who separate; some mothers find a new partner, some marry him."""
        rng = self.rng
        youngest = household.children[-1].dob
        if rng.random() > 0.3 or youngest > AS_OF - days(120):
            return
        split = between(rng, youngest - days(200), AS_OF - days(60))
        split = max(split, household.children[0].dob + days(150))
        household.stays[0].end = split
        father.own_home = self.own_home()
        if rng.random() > 0.45:
            return
        arrive = split + days(rng.randint(120, 900))
        if arrive > AS_OF - days(30):
            return
        partner = self.partner(household.mother)
        leave = arrive + days(rng.randint(200, 1500)) if rng.random() < 0.3 else None
        if leave is not None and leave > AS_OF:
            leave = None
        household.stays.append(Stay(partner, arrive, leave))
        if leave is None and rng.random() < 0.35:
            self.marry(household, partner, arrive + days(rng.randint(300, 1500)))
        if leave is not None:
            partner.own_home = self.own_home()

    def marry(self, household: Household, partner: SynthPerson, wedding: dt.date) -> None:
        """The mother takes her new husband's name; some children take it too."""
        if wedding > AS_OF - days(10):
            return
        household.married_partner = partner.true_id
        household.mother.families.append((wedding, partner.family))
        for child in household.children:
            if child.age_at(wedding) < 12 and self.rng.random() < 0.3:
                child.families.append((wedding + days(self.rng.randint(0, 200)), partner.family))

    def homes(self, start: dt.date) -> list[Home]:
        """Homes from ``start``: families move every few years, mostly nearby."""
        rng = self.rng
        world = self.pop.world
        district = rng.randrange(len(world.districts))
        homes = [self.home_in(start, district)]
        day = start
        while True:
            day = day + days(rng.expovariate(1 / (6.0 * YEAR)) + 60)
            if day > AS_OF:
                return homes
            if rng.random() < 0.4:
                district = rng.randrange(len(world.districts))
            homes.append(self.home_in(day, district))

    def home_in(self, start: dt.date, district: int) -> Home:
        """An invented address in a district."""
        return home_in(self.pop.world, self.rng, start, district)

    def own_home(self) -> Home:
        """A home of an adult who has left (or never lived with) the household."""
        return home_elsewhere(self.pop.world, self.rng)

    def schools(self, household: Household, child: SynthPerson) -> list[SchoolSpell]:
        """Reception at four, secondary at eleven, a change of school after some moves."""
        world = self.pop.world
        reception, year7, leaves = school_years(child.dob)
        share = self.rng.random()
        spells: list[SchoolSpell] = []
        for start, end, phase in (
            (reception, year7, world.primaries),
            (year7, leaves, world.secondaries),
        ):
            if start > AS_OF:
                break
            current = _pick(phase[household.home_at(start).district], share)
            spells.append(SchoolSpell(start, current))
            for home in household.homes[1:]:
                if not start < home.start < end or self.rng.random() > 0.7:
                    continue
                nearest = _pick(phase[home.district], share)
                moved = next_weekday(home.start + days(self.rng.randint(3, 20)))
                if nearest is not current and moved < end and moved <= AS_OF:
                    spells.append(SchoolSpell(moved, nearest))
                    current = nearest
        if leaves <= AS_OF:
            spells.append(SchoolSpell(leaves, None))
        return spells


def _pick(schools: tuple[School, ...], share: float) -> School:
    """The household's usual choice of school in a district (stable across moves)."""
    return schools[int(share * len(schools))]


def _birth_dates(rng: random.Random, n: int, spec: Spec) -> tuple[list[dt.date], set[int]]:
    """Birth dates oldest first, and the indexes of second-born twins.

    Retries with fewer children when the family cannot fit the ages asked for.
    """
    max_age = 17.99 * YEAR
    for attempt in range(60):
        if attempt and attempt % 12 == 0 and n > spec.children[0]:
            n -= 1
        gaps: list[int] = []
        twins: set[int] = set()
        for i in range(1, n):
            if rng.random() < TWIN_RATE and (i - 1) not in twins:
                gaps.append(0)
                twins.add(i)
            else:
                gaps.append(rng.randint(430, 1900))
        span = sum(gaps)
        low = spec.youngest_min_age * YEAR
        high = max_age - span
        if spec.target_age is not None:
            low = max(low, spec.target_age[0] * YEAR - span)
            high = min(high, spec.target_age[1] * YEAR - span)
        if spec.namesake is not None:
            fixed = (AS_OF - spec.namesake.dob).days - span
            low, high = (fixed, fixed) if low <= fixed <= high else (1, 0)
        if low > high:
            continue
        youngest_age = rng.uniform(low, high)
        youngest = AS_OF - days(youngest_age)
        dobs = [youngest]
        for gap in reversed(gaps):
            dobs.append(dobs[-1] - dt.timedelta(days=gap))
        dobs.reverse()
        if dobs[0] < EARLIEST_CHILD_DOB:
            continue
        return dobs, twins
    raise RuntimeError(f"cannot fit {n} children to {spec}")


def add_partner(
    population: Population,
    rng: random.Random,
    household: Household,
    arrive: dt.date,
    leave: dt.date | None,
) -> SynthPerson:
    """A new partner moving in after the household was built (a story needs one)."""
    number = len(household.adults) + len(household.children) + 1
    dob = household.mother.dob - years(rng.triangular(-6.0, 10.0, 2.0))
    partner = SynthPerson(
        true_id=f"T{household.number:06d}-{number:02d}",
        kind="adult",
        given=rng.choice(names.MEN),
        dob=dob,
        sex="M",
        household_id=household.ident,
        nhs=population.nhs.issue(),
        families=[(dob, rng.choice(names.SURNAMES))],
    )
    household.adults.append(partner)
    household.stays.append(Stay(partner, arrive, leave))
    household.stays.sort(key=lambda s: s.start)
    return partner
