"""A hand-built chronology for output tests: invented people, realistic shape.

Kacey Marlowe (born 14 June 2009) lives with her mother Donna, her brother
Jayden and, from 2012, her mother's partner Reece Tallack. Police, children's
social care, health, school, housing, CAMHS and youth justice each hold part
of her story. Everything here is invented; no real person is in it.

The content deliberately carries what an anonymised copy must not: names
(and a misspelling, "Casey Marlow"), addresses, postcodes, NHS numbers, a
UPN, practitioners and agency ids written into free text as well as fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wholestory.chronology.model import Chronology, Entry, Flag, Involved, Source, Subject
from wholestory.records.template import EVENT_GROUP_OF

CHILD = "Kacey Marlowe"
MOTHER = Involved("WS-0000201", "Donna Marlowe", "VICTIM", "mother")
PARTNER = Involved("WS-0000202", "Reece Tallack", "SUSPECT", "mother's partner")
BROTHER = Involved("WS-0000203", "Jayden Marlowe", "SIBLING", "sibling")
SISTER = Involved("WS-0000204", "Skye Marlowe", "SIBLING", "sibling")
NEIGHBOUR = Involved("POLICE:PN0077120", "Gary Pinchbeck", "WITNESS", "")
HOME = "14 Wrenfield Close, Ashby Moor, XW4 7QT"
SECOND_HOME = "Flat 3, 88 Tannery Row, Ashby Moor, XW9 2LP"
NHS = "9434765919"
UPN = "H801200001001"
PERSON_IDS = {"POLICE": "PN0003186", "CSC": "CSC-003407", "GP": "00004988", "SCHOOL": "PUP0004448"}


def source(
    agency: str,
    record_id: str,
    date: str,
    event_type: str,
    summary: str,
    **values: Any,
) -> Source:
    """One agency record, by default of the child herself."""
    fields: dict[str, Any] = {
        "agency": agency,
        "record_id": record_id,
        "person_id": PERSON_IDS.get(agency, f"{agency[:2]}-77{len(record_id)}"),
        "name": CHILD,
        "role": "SUBJECT",
        "date": date,
        "approximate": False,
        "event_type": event_type,
        "inferred": False,
        "summary": summary,
        "action": "",
        "outcome": "",
        "practitioner": "",
        "team": "",
        "own": True,
    }
    fields.update(values)
    return Source(**fields)


def entry(n: int, *sources: Source, **values: Any) -> Entry:
    """An entry made of its sources; the first source sets its date, type and text."""
    first = sources[0]
    day = dt.date.fromisoformat((first.date.lstrip("~") + "-01-01")[:10])
    if len(first.date.lstrip("~")) == 7:
        day = dt.date.fromisoformat(first.date.lstrip("~") + "-01")
    fields: dict[str, Any] = {
        "id": f"{first.agency}:{first.record_id}",
        "day": day,
        "date": first.date.lstrip("~"),
        "approximate": first.approximate,
        "agency": first.agency,
        "agencies": list(dict.fromkeys(s.agency for s in sources)),
        "event_type": first.event_type,
        "event_types": [s.event_type for s in sources],
        "inferred": first.inferred,
        "role": first.role,
        "household": False,
        "summary": first.summary,
        "action": first.action,
        "outcome": first.outcome,
        "category": EVENT_GROUP_OF.get(first.event_type, "other"),
        "sources": list(sources),
    }
    fields.update(values)
    return Entry(**fields)


def _entries() -> list[Entry]:
    hv = {"practitioner": "HV Sandra Pellow", "team": "0-19 team north"}
    police = {"practitioner": "PC Osei Farraday", "team": "Public Protection Unit"}
    sw = {"practitioner": "Bethan Quilliam", "team": "Assessment team 2"}
    return [
        entry(
            1,
            source(
                "HEALTH_VISITING",
                "HV-2009-0611",
                "2009-06-24",
                "APPOINTMENT_ATTENDED",
                f"New birth visit at {HOME}. Kacey feeding well; Donna tearful, lives with "
                "Jayden (2).",
                action="Universal plus offered for maternal mood",
                outcome="Accepted",
                **hv,
            ),
        ),
        entry(
            2,
            source(
                "GP",
                "GP-00991204",
                "2010-03",
                "APPOINTMENT_MISSED",
                f"Kacey not brought to 9-month check. NHS {NHS[:3]} {NHS[3:6]} {NHS[6:]}.",
            ),
        ),
        entry(
            3,
            source(
                "HEALTH_VISITING",
                "HV-2011-0087",
                "~2011",
                "PARENT_SEPARATION",
                "Mother reports Kacey's father has left the home.",
                approximate=True,
                name=MOTHER.name,
                own=False,
                role="HOUSEHOLD_MEMBER",
                **hv,
            ),
            household=True,
            role="HOUSEHOLD",
            involved=[MOTHER],
        ),
        entry(
            4,
            source(
                "POLICE",
                "PL13-004417",
                "2013-02-17",
                "DA_INCIDENT",
                "Officers attended after Donna Marlowe reported that Reece Tallack pushed her "
                "into a door. Kacey (3) was present and crying. Neighbour Gary Pinchbeck "
                "called 999.",
                role="PRESENT",
                action="DASH completed (medium). Referral to CSC.",
                outcome="Suspect arrested",
                **police,
            ),
            source(
                "DA_SERVICE",
                "DAS-118",
                "2013-02-17",
                "DA_SERVICE_CONTACT",
                "Ms Marlowe contacted the outreach service after the police call-out.",
                role="PRESENT",
            ),
            role="PRESENT",
            involved=[MOTHER, PARTNER, NEIGHBOUR],
            merged_because="same day, same household, domestic abuse (police and DA service)",
        ),
        entry(
            5,
            source(
                "SCHOOL",
                "SCH-ENC-0042",
                "2013-02-18",
                "ENCOMPASS_NOTIFICATION",
                "Operation Encompass notification received by nursery before the session started.",
                action="Key worker told; Kacey observed through the day",
                team="Little Acorns Nursery",
            ),
        ),
        entry(
            6,
            source(
                "CSC",
                "CSC-0038410",
                "2013-05",
                "REFERRAL_NFA",
                "Referral from police (PL13-004417). Mother says Mr Tallack has moved out. "
                f"UPN {UPN} on file.",
                outcome="No further action",
                **sw,
            ),
        ),
        entry(
            7,
            source(
                "POLICE",
                "PL13-009921",
                "2013-09-09",
                "DA_INCIDENT",
                "Verbal argument between Donna and Reece at the address; children at "
                "grandmother's.",
                role="HOUSEHOLD_MEMBER",
                name=MOTHER.name,
                own=False,
                **police,
            ),
            household=True,
            role="HOUSEHOLD",
            involved=[MOTHER, PARTNER],
        ),
        entry(
            8,
            source(
                "POLICE",
                "PL14-000310",
                "2014-01-20",
                "DA_INCIDENT",
                "Reece Tallack assaulted Donna Marlowe; Kacey and Jayden present. Call from 07700 "
                "900123.",
                role="PRESENT",
                action="Arrest; DASH high risk; Marac referral",
                **police,
            ),
            role="PRESENT",
            involved=[MOTHER, PARTNER, BROTHER],
        ),
        entry(
            9,
            source(
                "CSC",
                "CSC-0039002",
                "2014-01-22",
                "STRATEGY_DISCUSSION",
                "Strategy discussion: section 47 enquiry agreed for Kacey and Jayden.",
                **sw,
            ),
        ),
        entry(
            10,
            source(
                "CSC",
                "CSC-0039140",
                "2014-03-10",
                "CP_PLAN_START",
                "Initial child protection conference: plan under category emotional abuse.",
                action="CP plan; core group within 10 days",
                **sw,
            ),
        ),
        entry(
            11,
            source(
                "GP",
                "GP-00991877",
                "2014-06-03",
                "APPOINTMENT_MISSED",
                "Kacey not brought to asthma review (third time).",
                action="",
            ),
        ),
        entry(
            12,
            source(
                "HOUSING",
                "HSG-22-771",
                "2014-08-15",
                "HOUSE_MOVE",
                f"Family moved from {HOME} to {SECOND_HOME} after a management move.",
                name=MOTHER.name,
                own=False,
                role="HOUSEHOLD_MEMBER",
            ),
            household=True,
            role="HOUSEHOLD",
            involved=[MOTHER],
        ),
        entry(
            13,
            source(
                "CSC",
                "CSC-0041001",
                "2015-04-02",
                "CP_PLAN_END",
                "Review conference: plan ended; stepped down to early help.",
                **sw,
            ),
        ),
        entry(
            14,
            source(
                "SCHOOL",
                "SCH-2016-0901",
                "2016-09",
                "SCHOOL_START",
                "Started at Brookfield Primary, Year 2.",
                team="Brookfield Primary",
            ),
        ),
        entry(
            15,
            source(
                "SCHOOL",
                "SCH-2018-1112",
                "2018-11-12",
                "ATTENDANCE_CONCERN",
                "Attendance 84% this term. Casey Marlow often late; mum says she looks after Skye.",
                action="Letter to parent",
            ),
        ),
        entry(
            16,
            source(
                "EARLY_HELP",
                "EH-19-0204",
                "2019-02-04",
                "EARLY_HELP_START",
                "Early help assessment completed with Donna and Kacey; family support worker "
                "allocated.",
                action="Team around the family every 6 weeks",
            ),
        ),
        entry(
            17,
            source(
                "POLICE",
                "PL20-055301",
                "2020-05-30",
                "MISSING_EPISODE",
                "Kacey reported missing overnight; found at a friend's address in Tannery Row.",
                outcome="Return home interview offered",
                **police,
            ),
        ),
        entry(
            18,
            source(
                "POLICE",
                "PL20-061877",
                "2020-07-04",
                "MISSING_EPISODE",
                "Missing again; located in town centre with older males.",
                **police,
            ),
        ),
        entry(
            19,
            source(
                "POLICE",
                "PL20-070112",
                "2020-09-19",
                "MISSING_EPISODE",
                "Third missing episode this year. Intelligence of exploitation concern.",
                action="Referral to exploitation panel",
                **police,
            ),
        ),
        entry(
            20,
            source(
                "SCHOOL",
                "SCH-2021-0114",
                "2021-01-14",
                "SUSPENSION",
                '=HYPERLINK("http://example.invalid/x","Click here") — fixed-term suspension, '
                "3 days.",
                team="Ashby Moor Academy",
            ),
        ),
        entry(
            21,
            source(
                "ED",
                "ED-771-2021-03",
                "2021-03-02",
                "SELF_HARM",
                "Attended with superficial cuts to forearm; says things at home are bad.",
                inferred=True,
                outcome="Discharged with CAMHS referral",
            ),
            inferred=True,
        ),
        entry(
            22,
            source(
                "CAMHS",
                "CAMHS-5521",
                "2021-03-05",
                "CAMHS_REFERRAL",
                "Referral received from ED; triaged as routine.",
                action="Waiting list",
            ),
        ),
        entry(
            23,
            source(
                "SCHOOL",
                "SCH-2022-0601",
                "2022-06",
                "SCHOOL_MOVE",
                "Moved to Harlow Fields School after managed move.",
            ),
        ),
        entry(
            24,
            source(
                "CSC",
                "CSC-0061220",
                "2023-10-01",
                "REFERRAL",
                "Referral from school: Kacey disclosed Reece is back living at the flat. "
                "Earlier referrals (2013, 2014) not mentioned in the referral.",
                **sw,
            ),
        ),
        entry(
            25,
            source(
                "CSC",
                "CSC-0061990",
                "2023-11-15",
                "CIN_PLAN_START",
                "Child in need plan agreed.",
                action="Monthly CIN meetings",
                **sw,
            ),
        ),
        entry(
            26,
            source(
                "YOUTH_JUSTICE",
                "YJ-24-0031",
                "2024-05-12",
                "OFFENCE_SUSPECT",
                "Out of court disposal for shoplifting with two older youths.",
                outcome="Youth caution",
                team="Youth justice service",
            ),
        ),
    ]


def _flags(entries: list[Entry]) -> list[Flag]:
    by_n = {n: e for n, e in enumerate(entries, start=1)}

    def flag(code: str, title: str, severity: str, numbers: list[int], explanation: str) -> Flag:
        chosen = [by_n[n] for n in numbers]
        return Flag(
            code=code,
            title=title,
            severity=severity,
            first=min(e.day for e in chosen),
            last=max(e.day for e in chosen),
            explanation=explanation,
            entries=tuple(e.id for e in chosen),
            evidence=tuple((s.agency, s.record_id) for e in chosen for s in e.sources),
            grounding="See spec/indicators.md",
        )

    return [
        flag(
            "DA_ESCALATION",
            "Domestic abuse escalating",
            "high",
            [4, 7, 8],
            "3 domestic abuse incidents in Kacey's household within 12 months (Donna Marlowe the "
            "victim each time).",
        ),
        flag(
            "CHILD_DA_VICTIM",
            "Child a victim of domestic abuse",
            "high",
            [4, 8],
            "Kacey was present at 2 domestic abuse incidents.",
        ),
        flag(
            "WAS_NOT_BROUGHT",
            "Was not brought",
            "medium",
            [11],
            "A health appointment was missed while Kacey was on a child protection plan.",
        ),
        flag(
            "MISSING_REPEAT",
            "Repeatedly missing",
            "medium",
            [17, 18, 19],
            "3 missing episodes within 12 months.",
        ),
        flag(
            "EXPLOITATION_RISK",
            "Risk of exploitation",
            "high",
            [18, 19, 20, 26],
            "Aged 10 to 17 with missing episodes, a suspension and an offence within 12 months.",
        ),
        flag("SELF_HARM", "Self-harm", "medium", [21], "A self-harm presentation at ED."),
        flag(
            "REPEAT_REFERRAL",
            "Start again: repeat referral",
            "low",
            [6, 24],
            "A referral in 2023 repeats the concerns of 2013 with no mention of them.",
        ),
        flag(
            "ACE_PROFILE",
            "Four or more adverse childhood experiences",
            "high",
            [3, 4, 8, 24],
            "Parental separation, domestic abuse, emotional abuse and a parent's partner "
            "returning.",
        ),
    ]


def _summary(entries: list[Entry]) -> dict[str, Any]:
    ids = [e.id for e in entries]
    by_agency: dict[str, list[Entry]] = {}
    by_cat: dict[str, dict[str, int]] = {}
    for e in entries:
        for a in e.agencies:
            by_agency.setdefault(a, []).append(e)
        year = str(e.day.year)
        by_cat.setdefault(e.category, {})
        by_cat[e.category][year] = by_cat[e.category].get(year, 0) + 1
    return {
        "involvement": [
            {
                "agency": a,
                "first": es[0].day.isoformat(),
                "last": es[-1].day.isoformat(),
                "entries": len(es),
            }
            for a, es in by_agency.items()
        ],
        "plans": [
            {"kind": "CP plan", "start": "2014-03-10", "end": "2015-04-02", "agency": "CSC"},
            {
                "kind": "Early help",
                "start": "2015-04-02",
                "end": "2015-12-18",
                "agency": "EARLY_HELP",
            },
            {
                "kind": "Early help",
                "start": "2019-02-04",
                "end": "2019-10-30",
                "agency": "EARLY_HELP",
            },
            {"kind": "CIN plan", "start": "2023-11-15", "end": None, "agency": "CSC"},
        ],
        "by_category_year": by_cat,
        "aces": [
            {
                "category": "domestic abuse in the household",
                "entries": [ids[3], ids[6], ids[7]],
                "first": "2013-02-17",
            },
            {"category": "parental separation", "entries": [ids[2]], "first": "2011-01-01"},
            {"category": "emotional abuse", "entries": [ids[9]], "first": "2014-03-10"},
            {"category": "household member in prison", "entries": [ids[7]], "first": "2014-01-20"},
        ],
        "moves": [
            {
                "date": "2014-08-15",
                "kind": "home",
                "summary": entries[11].summary,
                "entry": ids[11],
            },
            {"date": "2016-09", "kind": "school", "summary": entries[13].summary, "entry": ids[13]},
            {"date": "2022-06", "kind": "school", "summary": entries[22].summary, "entry": ids[22]},
        ],
        "silences": [
            {
                "start": "2015-04-02",
                "end": "2018-11-12",
                "days": 1320,
                "after": "CP plan ended (CSC CSC-0041001)",
            },
        ],
        "start_again": [
            {
                "date": "2023-10-01",
                "agency": "CSC",
                "summary": entries[23].summary,
                "entry": ids[23],
                "earlier": [ids[5], ids[7]],
            },
        ],
        "counts": {
            "entries": len(entries),
            "records": sum(len(e.sources) for e in entries),
            "agencies": len(by_agency),
            "household_entries": 3,
        },
        "drift": {
            "open_plans_without_review": [
                {"plan": "CIN plan", "since": "2023-11-15", "note": "No review recorded for Kacey"}
            ]
        },
    }


def make_chronology(as_of: dt.date = dt.date(2025, 1, 31)) -> Chronology:
    """The whole invented chronology, as :mod:`wholestory.chronology.building` would give it."""
    entries = _entries()
    person = Subject(
        id="WS-0000200",
        names=[CHILD, "Kacey-Ann Marlowe", "Casey Marlow"],
        dates_of_birth=["2009-06-14"],
        date_of_birth="2009-06-14",
        sex="F",
        source_records=[{"agency": a, "person_id": p} for a, p in PERSON_IDS.items()],
        addresses=[HOME, SECOND_HOME],
        identifiers={"nhs_number": [NHS], "upn": [UPN]},
    )
    household = [
        {
            "person": MOTHER.person,
            "name": MOTHER.name,
            "relation": "mother",
            "date_of_birth": "1988-11-02",
            "from": "2009-06-14",
            "to": None,
        },
        {
            "person": BROTHER.person,
            "name": BROTHER.name,
            "relation": "sibling",
            "date_of_birth": "2007-04-30",
            "from": "2009-06-14",
            "to": None,
        },
        {
            "person": SISTER.person,
            "name": SISTER.name,
            "relation": "sibling",
            "date_of_birth": "2016-12-01",
            "from": "2016-12-01",
            "to": None,
        },
        {
            "person": PARTNER.person,
            "name": PARTNER.name,
            "relation": "mother's partner",
            "date_of_birth": "1985-07-19",
            "from": "2012-03-01",
            "to": "2014-02-01",
        },
    ]
    return Chronology(
        person=person,
        as_of=as_of,
        produced_at="2025-01-31T14:05:00+00:00",
        entries=entries,
        flags=_flags(entries),
        summary=_summary(entries),
        household=household,
    )
