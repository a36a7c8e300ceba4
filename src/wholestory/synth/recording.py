"""Writing true events down as agency rows, each agency in its own way.

An agency holds a record of a person, made the first time it meets them and
kept from then on: one ``person_id``, one way of writing the given name
(nickname or slip included), one date of birth (missing or transposed now and
then). That is why two agencies' records of one true person differ. Surnames
follow the person's true name history (a mother's marriage shows in later
rows, the old name in ``other_names``), except at the agencies that never
update theirs.

Not every agency keeps to one id per person (:mod:`wholestory.synth.options`):
the emergency department registers about half of a person's repeat
attendances afresh, under a new id, and any other agency now and then
registers someone again when it first sees them after a move, with a detail
that differs (the reason its search missed the first record); their later
records carry the new id. ``ground_truth/people.csv`` holds every id, each
against its true person, with how it came about (``first``, ``episode``,
``again``). These choices draw on a random stream of their own, so turning
them off leaves every other choice as it was. So does the choice of the records
an agency marks as restricted (:mod:`wholestory.synth.restricted`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Final

from wholestory.synth.agencies import STYLES, TEAMS
from wholestory.synth.dash_rows import DASH_FILE, dash_row
from wholestory.synth.events import Record, Story, TrueEvent
from wholestory.synth.identifiers import Counter, invalid_nhs_variant
from wholestory.synth.noise import familiar, short_address, surname_as_recorded, swapped_dob, typo
from wholestory.synth.options import Options
from wholestory.synth.places import Home, World
from wholestory.synth.population import Household, SynthPerson
from wholestory.synth.restricted import restricted_code
from wholestory.synth.truth import dash_yes
from wholestory.synth.wording import UNTYPED, say
from wholestory.synth.writer import PartnershipWriter

#: Share of classifiable records written with an empty event_type (about 5% of rows).
UNTYPED_SHARE: Final = 0.065
#: Share of routine records written with a month, year or approximate date.
IMPRECISE_SHARE: Final = 0.015
_MISSING_DOB: Final = 0.03
_SWAPPED_DOB: Final = 0.01
_BAD_NHS: Final = 0.005
_STALE_SURNAME: Final = 0.12
_CP_TYPES: Final = frozenset(
    {"STRATEGY_DISCUSSION", "S47_ENQUIRY", "CP_CONFERENCE", "CP_PLAN_START", "CP_PLAN_END"}
)
#: Teams that always handle a kind of record (others are picked from the agency's teams).
_TEAM_OF: Final[dict[tuple[str, str], str]] = {
    ("CSC", "REFERRAL"): "Front Door (MASH)",
    ("CSC", "REFERRAL_NFA"): "Front Door (MASH)",
    ("CSC", "CONTACT"): "Front Door (MASH)",
    ("CSC", "ASSESSMENT"): "Assessment Team 1",
    ("CSC", "ASSESSMENT_NFA"): "Assessment Team 2",
    ("CSC", "CIN_PLAN_START"): "Child in Need Team",
    ("CSC", "CIN_PLAN_END"): "Child in Need Team",
    ("CSC", "CASE_CLOSED"): "Child in Need Team",
    ("CSC", "CONCERN"): "Child in Need Team",
    ("POLICE", "MISSING_EPISODE"): "Missing Persons Unit",
    ("POLICE", "EXPLOITATION_CONCERN"): "Public Protection Unit",
    ("POLICE", "MARAC_REFERRAL"): "Public Protection Unit",
    ("POLICE", "DASH_ASSESSMENT"): "Public Protection Unit",
    ("POLICE", "CONCERN"): "Response South",
    ("ED", "SELF_HARM"): "Paediatric Emergency Department",
}
_NIGHT_HOURS: Final = (0, 1, 2, 16, 17, 18, 19, 20, 21, 22, 23, 23, 22, 21, 20)


@dataclass(slots=True)
class Held:
    """How one agency holds one person: fixed when the agency first meets them."""

    person_id: str
    given: str
    dob: str
    sex: str
    nhs: str
    upn: str
    typo_family: bool
    stale: str  # the family name the agency never updated from, or ""
    families: dict[str, str] = field(default_factory=dict)  # true name -> as recorded
    home: Home | None = None  # where the person lived when the agency last saw them
    again: bool = False  # a new id for someone already held: its choices use the habits' stream


class Registry:
    """Agency person, record and event ids: unique across the whole partnership."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"ids:{seed}")
        self._people = {a: Counter(rng, rng.randint(100, 5_000)) for a in STYLES}
        self._records = {a: Counter(rng, rng.randint(10_000, 90_000)) for a in STYLES}
        self._events = {a: Counter(rng, rng.randint(1_000, 9_000)) for a in STYLES}

    def person_id(self, agency: str) -> str:
        style = STYLES[agency]
        return f"{style.person_prefix}{self._people[agency].next(3):0{style.person_width}d}"

    def record_id(self, agency: str) -> str:
        return f"{STYLES[agency].record_prefix}-{self._records[agency].next():08d}"

    def event_id(self, agency: str) -> str:
        return f"{STYLES[agency].record_prefix}-E{self._events[agency].next(2):07d}"


#: How an agency person id came about, in ground_truth/people.csv.
FIRST: Final = "first"  # the agency's first registration of the person
EPISODE: Final = "episode"  # a new id for a repeat attendance (an episode agency)
AGAIN: Final = "again"  # a second registration of someone the agency already held
#: Agencies that give a new person id for many episodes (attendances).
EPISODE_AGENCIES: Final = ("ED",)


#: Agencies that know a family has fled, and mark the new address confidential; the
#: others (a school, a GP) record it as any address, and WholeStory hides it for them.
KNOW_THE_REFUGE: Final = frozenset({"POLICE", "DA_SERVICE", "CSC"})


class Recorder:
    """Turns a household's story into agency rows and ground truth."""

    def __init__(
        self,
        registry: Registry,
        writer: PartnershipWriter,
        world: World,
        options: Options | None = None,
    ) -> None:
        self.registry = registry
        self.writer = writer
        self.world = world
        self.options = options or Options()
        self.ids: dict[str, int] = {FIRST: 0, EPISODE: 0, AGAIN: 0}  # person ids, by how made

    def write(
        self,
        household: Household,
        story: Story,
        rng: random.Random,
        habits: random.Random | None = None,
        marks: random.Random | None = None,
    ) -> dict[tuple[str, str], str]:
        """Every record of every event, in date order, then relationships and persons;
        returns the person id each agency holds each person under (by agency and true id).

        ``habits`` is the random stream for new ids (episodes, registrations
        again), ``marks`` the one for restricted records; by default each one
        of the household's own, independent of ``rng``.
        """
        job = _Job(
            self,
            household,
            rng,
            habits or random.Random(f"habits:{household.ident}"),
            marks or random.Random(f"restricted:{household.ident}"),
        )
        ordered = sorted(
            (
                (r.day, i, j, e, r)
                for i, e in enumerate(story.events)
                for j, r in enumerate(e.records)
            ),
            key=lambda item: (item[0], item[1], item[2]),
        )
        for _, _, _, event, record in ordered:
            job.record(event, record)
        job.relationships()
        for person in household.adults + household.children:
            if person.seen:
                self.writer.write("ground_truth/persons.csv", _person_row(person))
        for home in household.homes:
            if home.confidential:
                row = (household.ident, home.postcode, home.address, home.start.isoformat())
                self.writer.write("ground_truth/confidential_addresses.csv", row)
        return {key: held.person_id for key, held in job.held.items()}


def _person_row(person: SynthPerson) -> tuple[str, ...]:
    return (
        person.true_id, person.kind, person.given, person.family, person.dob.isoformat(),
        person.sex, person.household_id, person.twin_of, person.nhs,
    )  # fmt: skip


class _Job:
    """One household's writing: the agencies' holdings of its people."""

    def __init__(
        self,
        recorder: Recorder,
        household: Household,
        rng: random.Random,
        habits: random.Random,
        marks: random.Random,
    ) -> None:
        self.rec = recorder
        self.hh = household
        self.rng = rng
        self.habits = habits
        self.marks = marks
        self.held: dict[tuple[str, str], Held] = {}
        self.event_ids: dict[int, str] = {}

    def record(self, event: TrueEvent, record: Record) -> None:
        """The rows of one record: one per person taking part."""
        rng, agency = self.rng, record.agency
        style = STYLES[agency]
        typed = record.etype
        summary = record.summary
        if typed in UNTYPED and rng.random() < UNTYPED_SHARE:
            typed, summary = "", rng.choice(UNTYPED[record.etype])
        date_text, precise = self._date(record)
        time = record.time or (self._time(agency) if rng.random() < style.time_rate else "")
        team = self._team(record)
        practitioner = rng.choice(self.rec.world.practitioners[agency])
        event_id = self._event_id(record)
        corruptible = record.routine and precise and typed != ""
        action = record.action
        restricted = restricted_code(record, self.marks)
        if restricted:
            worded, action, _ = say(self.marks, "gp_sexual_health")
            if typed:  # an untyped record keeps the words its type is inferred from
                summary = worded
        for person, role in record.parts:
            held = self.attending(agency, person, record.day)
            family, other = self._surname(agency, held, person, record.day)
            postcode, address, hidden = self._address(agency, person, record.day)
            # A restricted or confidential row also fills date_of_death (empty),
            # address_confidential and restricted; others end at team.
            marked = ["", hidden, restricted] if restricted or hidden else []
            row = [
                agency, self.rec.registry.record_id(agency), held.person_id, held.given, family,
                other, held.dob, held.sex, held.nhs, held.upn, postcode, address, role, event_id,
                date_text, time, typed, summary, action, record.outcome, practitioner, team,
                *marked,
            ]  # fmt: skip
            self.rec.writer.event_row(
                row, event.ident, record.etype, corruptible, record.day, person.true_id
            )
            if record.etype == "DASH_ASSESSMENT" and agency == "POLICE" and role == "VICTIM":
                self._dash(record, row[1], event_id, held.person_id, practitioner)

    def _dash(
        self, record: Record, record_id: str, event_id: str, victim: str, practitioner: str
    ) -> None:
        """The police's structured checklist of a Dash record (synth/dash_rows.py)."""
        suspects = [
            p for p, role in (record.joins.parts if record.joins else []) if role == "SUSPECT"
        ]
        held = self.held.get(("POLICE", suspects[0].true_id)) if suspects else None
        row = dash_row(record_id, event_id, victim, held.person_id if held else "", record.day,
                       dash_yes(record.summary), practitioner)  # fmt: skip
        self.rec.writer.write(DASH_FILE, row)

    def _event_id(self, record: Record) -> str:
        """The agency's event id: shared by the rows of a record and by joined records."""
        anchor = record.joins or record
        if id(anchor) in self.event_ids:
            return self.event_ids[id(anchor)]
        if (
            len(anchor.parts) < 2
            and record.joins is None
            and record.agency not in ("POLICE", "CSC")
        ):
            return ""
        event_id = self.rec.registry.event_id(record.agency)
        self.event_ids[id(anchor)] = event_id
        return event_id

    def _date(self, record: Record) -> tuple[str, bool]:
        """The event date as written: now and then only a month, a year, or approximate."""
        text = record.day.isoformat()
        if not record.routine or self.rng.random() >= IMPRECISE_SHARE:
            return text, True
        pick = self.rng.random()
        if pick < 0.45:
            return text[:7], False
        if pick < 0.55:
            return text[:4], False
        return "~" + text, False

    def _time(self, agency: str) -> str:
        if agency == "POLICE":
            hour = self.rng.choice(_NIGHT_HOURS)
        elif agency == "ED":
            hour = self.rng.randrange(24)
        else:
            hour = self.rng.randint(9, 16)
        return f"{hour:02d}:{self.rng.randrange(60):02d}"

    def _team(self, record: Record) -> str:
        agency = record.agency
        if agency == "SCHOOL":
            school = self.hh.school_at(record.parts[0][0], record.day) if record.parts else None
            return school.name if school else ""
        if agency == "GP":
            return self.hh.practice
        if agency == "CSC" and record.etype in _CP_TYPES:
            return self.rng.choice(TEAMS["CSC_CP"])
        fixed = _TEAM_OF.get((agency, record.etype))
        return fixed if fixed is not None else self.rng.choice(TEAMS[agency])

    def _address(self, agency: str, person: SynthPerson, day: dt.date) -> tuple[str, str, str]:
        """(postcode, address, "Y" where the agency marks the address confidential)."""
        if self.rng.random() >= STYLES[agency].address_rate:
            return "", "", ""
        home = self.hh.address_of(person, day)
        postcode, address = home.postcode, home.address
        if agency == "ED":
            address = short_address(address)
            if self.rng.random() < 0.2:
                postcode = postcode.replace(" ", "")
        hidden = "Y" if home.confidential and agency in KNOW_THE_REFUGE else ""
        return postcode, address, hidden

    def _surname(
        self, agency: str, held: Held, person: SynthPerson, day: dt.date
    ) -> tuple[str, str]:
        """(family name as recorded, other names) on ``day``."""
        true = held.stale or person.family_at(day)
        recorded = held.families.get(true)
        if recorded is None:
            rng = self.habits if held.again else self.rng
            recorded = surname_as_recorded(rng, true)
            if held.typo_family:
                recorded = typo(rng, recorded)
            if STYLES[agency].upper_family:
                recorded = recorded.upper()
            held.families[true] = recorded
        other = ""
        if STYLES[agency].keeps_aliases:
            before = [name for start, name in person.families if start <= day and name != true]
            other = ";".join(dict.fromkeys(before))
        return recorded, other

    def holding(self, agency: str, person: SynthPerson, day: dt.date) -> Held:
        """The agency's record of ``person``, made on first meeting."""
        key = (agency, person.true_id)
        held = self.held.get(key)
        if held is None:
            held = self._register(agency, person, self._meet(agency, person, day, self.rng), FIRST)
        return held

    def attending(self, agency: str, person: SynthPerson, day: dt.date) -> Held:
        """The record ``agency`` writes ``person``'s row of ``day`` under.

        Usually the one it holds; a new id for a repeat attendance at an
        episode agency, or a second registration of someone seen for the first
        time since a move, as :class:`~wholestory.synth.options.Options` sets.
        """
        held = self.held.get((agency, person.true_id))
        home = self.hh.address_of(person, day)
        if held is None:
            held = self.holding(agency, person, day)
        elif agency in EPISODE_AGENCIES:
            if self.habits.random() < self.rec.options.ed_new_id_share:
                held = self._register(agency, person, self._meet(agency, person, day), EPISODE)
        elif (
            held.home is not None
            and home is not held.home
            and self.habits.random() < self.rec.options.reregister_after_move
        ):
            again = self._drift(self._meet(agency, person, day), person, STYLES[agency].health)
            held = self._register(agency, person, again, AGAIN)
        held.home = home
        return held

    def _register(self, agency: str, person: SynthPerson, held: Held, how: str) -> Held:
        """``held`` becomes the agency's record of ``person`` from now on; ground truth notes it."""
        held.again = how != FIRST
        self.held[(agency, person.true_id)] = held
        person.seen = True
        self.rec.ids[how] += 1
        self.rec.writer.write(
            "ground_truth/people.csv", (agency, held.person_id, person.true_id, how)
        )
        return held

    def _drift(self, held: Held, person: SynthPerson, health: bool) -> Held:
        """A second registration differs in a detail: why the search missed the first.

        Another spelling of the given name, no NHS number or UPN to search by,
        a date of birth missing (or, at health agencies, day and month swapped),
        or a slip in the family name.
        """
        rng = self.habits
        pick = rng.random()
        if pick < 0.4:
            varied = familiar(rng, person.given) or typo(rng, person.given)
            if varied != person.given:
                held.given = varied
                return held
        elif pick < 0.6 and (held.nhs or held.upn):
            held.nhs = held.upn = ""
            return held
        elif pick < 0.8 and not person.careful:
            swapped = swapped_dob(person.dob)
            if not health or swapped:
                held.dob = swapped if health and swapped else ""
                return held
        held.typo_family = True
        return held

    def _meet(
        self, agency: str, person: SynthPerson, day: dt.date, rng: random.Random | None = None
    ) -> Held:
        """How ``agency`` records ``person`` on registering them (``rng``: the habits' stream
        unless given)."""
        rng = self.habits if rng is None else rng
        style = STYLES[agency]
        given = person.given
        pick = rng.random()
        if pick < style.nickname_rate:
            given = familiar(rng, given) or given
        elif pick < style.nickname_rate + style.typo_rate:
            given = typo(rng, given)
        nhs = person.nhs if rng.random() < style.nhs_rate else ""
        if nhs and rng.random() < _BAD_NHS:
            nhs = invalid_nhs_variant(nhs, rng)
        at_school = person.kind == "child" and self.hh.school_at(person, day) is not None
        upn = person.upn if person.upn and at_school and rng.random() < style.upn_rate else ""
        sex = person.sex
        if style.sex_words:
            sex = {"F": "Female", "M": "Male"}[sex]
        if not style.health and rng.random() < 0.02:
            sex = ""
        stale = person.family_at(day) if rng.random() < _STALE_SURNAME else ""
        return Held(
            person_id=self.rec.registry.person_id(agency),
            given=given,
            dob=self._dob(style.health, person, rng),
            sex=sex,
            nhs=nhs,
            upn=upn,
            typo_family=rng.random() < style.typo_rate,
            stale=stale,
        )

    def _dob(self, health: bool, person: SynthPerson, rng: random.Random) -> str:
        """The date of birth as held: sometimes missing outside health, sometimes swapped."""
        if person.careful:
            return person.dob.isoformat()
        if not health and rng.random() < _MISSING_DOB:
            return ""
        if rng.random() < _SWAPPED_DOB:
            return swapped_dob(person.dob) or person.dob.isoformat()
        return person.dob.isoformat()

    def relationships(self) -> None:
        """Family relationships as social care and health visiting record them."""
        hh, rng = self.hh, self.rng
        for agency, share, with_father in (("CSC", 0.85, 0.8), ("HEALTH_VISITING", 0.45, 0.6)):
            known = [c for c in hh.children if (agency, c.true_id) in self.held]
            if not known or rng.random() >= share:
                continue
            for child in known:
                for related, relation in self._relatives(child, with_father, known):
                    self._relationship(agency, child, related, relation)

    def _relatives(
        self, child: SynthPerson, with_father: float, known: list[SynthPerson]
    ) -> list[tuple[SynthPerson, str]]:
        hh = self.hh
        father = hh.fathers[child.true_id]
        out: list[tuple[SynthPerson, str]] = [(hh.mother, "MOTHER")]
        if self.rng.random() < with_father:
            out.append((father, "FATHER"))
        for stay in hh.stays:
            if stay.person is not father and stay.start <= child.dob + dt.timedelta(days=6570):
                married = hh.married_partner == stay.person.true_id
                out.append((stay.person, "STEP_PARENT" if married else "PARENT_PARTNER"))
        for sibling in known:
            if sibling is not child:
                same = hh.fathers[sibling.true_id] is father
                out.append((sibling, "SIBLING" if same else "HALF_SIBLING"))
        return out

    def _relationship(
        self, agency: str, child: SynthPerson, related: SynthPerson, relation: str
    ) -> None:
        mine = self.holding(agency, child, dt.date.max).person_id
        theirs = self.holding(agency, related, dt.date.max).person_id
        self.rec.writer.write("relationships.csv", (agency, mine, theirs, relation))
