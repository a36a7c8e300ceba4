"""One family's records across nine agencies, written by hand (not by ``wholestory synth``).

The shape of a rapid review: every agency sends its chronology of one family,
and nothing else is in the store. Fictional throughout. The hard cases a
worker meets are all here:

- spelling variants (Rowland, Rowlands) and nicknames (Jamie, James);
- a move of address part-way through;
- an emergency department that gives a new id for each attendance;
- twins (Ella and Evie), who share everything but a given name and an NHS number;
- a father and son of one name (James Rowland, born 1984 and 2008);
- an unrelated boy of the same name born a week after the son, across town.

``TRUTH`` says who is who. ``EXPECTED_FLAGS`` are the patterns planted in the
son's records, each on purpose (see the comments by the rows).
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Final

from wholestory.records.template import COLUMNS, RELATIONSHIP_COLUMNS


def nhs(stem: str) -> str:
    """A valid NHS number from nine digits (modulus 11; the 999 range is never issued)."""
    total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10:
        raise ValueError(f"{stem} has no valid check digit")
    return stem + str(check)


ELM = ("14 Elm Road, Millbrook", "MB4 2QT")
ELM_SHORT = ("14 Elm Rd, Millbrook", "MB4 2QT")
STATION = ("Flat 3, 22 Station Street, Millbrook", "MB7 1AD")
STATION_SHORT = ("Flat 3 22 Station St, Millbrook", "MB7 1AD")
MILL = ("8 Mill Lane, Ashby", "AB2 5RT")

JAMIE_NHS = nhs("999123457")
FATHER_NHS = nhs("999234561")
MOTHER_NHS = nhs("999345612")
ELLA_NHS = nhs("999456123")
EVIE_NHS = nhs("999561234")
OTHER_JAMES_NHS = nhs("999612345")
SANDRA_NHS = nhs("999712346")

#: Each agency's person id, and the true person it is.
TRUTH: Final[dict[str, str]] = {
    # James "Jamie" Rowland, born 14 May 2008: the boy at the centre of the review.
    **{
        k: "jamie"
        for k in (
            "POLICE:PN100",
            "CSC:C200",
            "GP:G300",
            "ED:E401",
            "ED:E402",
            "ED:E403",
            "ED:E404",
            "SCHOOL:S500",
            "CAMHS:M600",
            "YOUTH_JUSTICE:Y700",
            "HOUSING:H800",
        )
    },
    # His father, James Rowland, born 2 November 1984.
    **{k: "father" for k in ("POLICE:PN101", "GP:G301", "CSC:C201")},
    # His mother, Kerry Rowland, born Kerry Hughes on 3 February 1988.
    **{
        k: "mother"
        for k in ("POLICE:PN102", "CSC:C202", "GP:G302", "ADULT_MH:A900", "HOUSING:H801")
    },
    # His twin sisters, born 19 July 2012.
    **{k: "ella" for k in ("GP:G303", "SCHOOL:S501", "CSC:C203", "POLICE:PN103")},
    **{k: "evie" for k in ("GP:G304", "SCHOOL:S502", "CSC:C204", "POLICE:PN104")},
    # The mother's new partner.
    **{k: "lee" for k in ("POLICE:PN105", "HOUSING:H802")},
    # Another James Rowland, born 21 May 2008, no relation, and his mother.
    **{k: "other_james" for k in ("GP:G305", "SCHOOL:S503", "ED:E405")},
    "GP:G306": "sandra",
}

#: The patterns planted in Jamie's records while he was a child.
EXPECTED_FLAGS: Final = frozenset(
    {
        "DA_ESCALATION",  # three incidents at home within twelve months, Jamie present
        "CHILD_DA_VICTIM",  # present at each of them
        "WAS_NOT_BROUGHT",  # two GP appointments missed within twelve months
        "REPEAT_REFERRAL",  # referred again within twelve months of the first referral
        "MISSING_REPEAT",  # three missing episodes within twelve months
        "SELF_HARM",  # two overdoses within twelve months
        "EDUCATION_DISRUPTION",  # two suspensions within twelve months
        "EXPLOITATION_RISK",  # missing, arrested, suspended, exploitation concern, aged 15-16
        "ACE_PROFILE",  # domestic abuse; mother's depression and alcohol; parents separate
    }
)


def _person(
    given: str,
    family: str,
    born: str,
    place: tuple[str, str] | None,
    *,
    sex: str = "",
    nhs_number: str = "",
    upn: str = "",
    other_names: str = "",
) -> dict[str, str]:
    address, postcode = place or ("", "")
    return {
        "given_name": given,
        "family_name": family,
        "date_of_birth": born,
        "sex": sex,
        "nhs_number": nhs_number,
        "upn": upn,
        "other_names": other_names,
        "address": address,
        "postcode": postcode,
    }


_ids = itertools.count(1)


def _row(
    agency: str,
    person_id: str,
    who: dict[str, str],
    day: str,
    event_type: str,
    summary: str,
    *,
    role: str = "SUBJECT",
    event_id: str = "",
    outcome: str = "",
) -> dict[str, str]:
    row = {c: "" for c in COLUMNS}
    row.update(who)
    row.update(
        agency=agency,
        record_id=f"{agency[:3]}-{next(_ids):04d}",
        person_id=person_id,
        role=role,
        event_id=event_id,
        event_date=day,
        event_type=event_type,
        summary=summary,
        outcome=outcome,
    )
    return row


def _incident(number: int, day: str, place: tuple[str, str]) -> list[dict[str, str]]:
    """A police call-out to the home: mother the victim, father the suspect, children present."""
    event = f"OCC-{number}"
    said = "Domestic incident at the family home; verbal and physical assault reported."
    return [
        _row("POLICE", "PN102", _person("Kerry", "ROWLAND", "1988-02-03", place, sex="F"), day,
             "DA_INCIDENT", said, role="VICTIM", event_id=event),
        _row("POLICE", "PN101", _person("James", "ROWLAND", "1984-11-02", place, sex="M"), day,
             "DA_INCIDENT", said, role="SUSPECT", event_id=event),
        _row("POLICE", "PN100", _person("Jamie", "ROWLANDS", "2008-05-14", place, sex="M"), day,
             "DA_INCIDENT", said, role="PRESENT", event_id=event),
        _row("POLICE", "PN103", _person("Ella", "ROWLAND", "2012-07-19", place, sex="F"), day,
             "DA_INCIDENT", said, role="PRESENT", event_id=event),
        _row("POLICE", "PN104", _person("Evie", "ROWLAND", "2012-07-19", place, sex="F"), day,
             "DA_INCIDENT", said, role="PRESENT", event_id=event),
    ]  # fmt: skip


def rows() -> list[dict[str, str]]:
    """Every agency's rows about the family, oldest first within each agency."""
    jamie_gp = _person("James", "Rowland", "2008-05-14", ELM, sex="M", nhs_number=JAMIE_NHS)
    jamie_school = _person(
        "Jamie", "Rowland", "2008-05-14", ELM_SHORT, sex="M", upn="A123456789012"
    )
    jamie_new = _person("James", "Rowland", "2008-05-14", STATION, sex="M", nhs_number=JAMIE_NHS)
    kerry = _person("Kerry", "Rowland", "1988-02-03", ELM, sex="F", nhs_number=MOTHER_NHS)
    father = _person("James", "Rowland", "1984-11-02", ELM, sex="M", nhs_number=FATHER_NHS)
    ella = _person("Ella", "Rowland", "2012-07-19", ELM, sex="F", nhs_number=ELLA_NHS)
    evie = _person("Evie", "Rowland", "2012-07-19", ELM, sex="F", nhs_number=EVIE_NHS)
    other = _person("James", "Rowland", "2008-05-21", MILL, sex="M", nhs_number=OTHER_JAMES_NHS)
    found = [
        # Three domestic abuse incidents within a year, the children present.
        *_incident(1, "2022-03-05", ELM),
        *_incident(2, "2022-07-19", ELM),
        *_incident(3, "2022-12-02", ELM_SHORT),
        # Children's social care: two referrals within a year, both closed.
        _row("CSC", "C200", jamie_gp, "2022-03-08", "REFERRAL",
             "Referral from police after domestic incident; children present.", outcome="NFA"),
        _row("CSC", "C203", ella, "2022-03-08", "REFERRAL",
             "Referral from police after domestic incident; sibling of James.", outcome="NFA"),
        _row("CSC", "C204", evie, "2022-03-08", "REFERRAL",
             "Referral from police after domestic incident; sibling of James.", outcome="NFA"),
        _row("CSC", "C202", kerry, "2022-03-08", "REFERRAL",
             "Mother seen at home; says father has left.", role="PARENT", outcome="NFA"),
        _row("CSC", "C201", father, "2022-03-08", "REFERRAL",
             "Father named as alleged perpetrator.", role="PARENT", outcome="NFA"),
        # The school hears that the parents have separated (a fourth adverse experience).
        _row("SCHOOL", "S500", jamie_school, "2022-04-25", "PARENT_SEPARATION",
             "Mother tells school that father has left the family home."),
        _row("CSC", "C200", jamie_gp, "2022-12-06", "REFERRAL",
             "Third police notification this year; James withdrawn at school.", outcome="NFA"),
        # Father's health: nothing that links him to his son but the name and home.
        _row("GP", "G301", father, "2021-06-10", "APPOINTMENT_ATTENDED",
             "Back pain review."),
        # Mother's health: depression, and alcohol (household mental illness and substances).
        _row("GP", "G302", kerry, "2021-09-14", "MENTAL_HEALTH_CONTACT",
             "Depression and anxiety; started antidepressants."),
        _row("GP", "G302", kerry, "2022-05-20", "SUBSTANCE_MISUSE",
             "Disclosed alcohol dependence; referred to community alcohol team."),
        _row("ADULT_MH", "A900",
             _person("Kerry", "Hughes", "1988-02-03", None, sex="F", nhs_number=MOTHER_NHS,
                     other_names="Kerry Rowland"),
             "2022-08-01", "MENTAL_HEALTH_CONTACT", "Assessment for low mood after separation."),
        # Parents separate; mother and children move; her new partner.
        _row("HOUSING", "H801", _person("Kerry", "Rowland", "1988-02-03", STATION, sex="Female"),
             "2023-01-16", "HOMELESSNESS",
             "Homeless application after separation from partner; moved to Station Street."),
        _row("HOUSING", "H800", _person("Jamie", "Rowland", "2008-05-14", STATION),
             "2023-01-16", "HOUSE_MOVE", "Household member on mother's application.",
             role="HOUSEHOLD_MEMBER"),
        _row("HOUSING", "H802", _person("Lee", "Carter", "1990-04-11", STATION, sex="Male"),
             "2023-06-01", "NEW_PARTNER", "Added to tenancy as mother's partner."),
        _row("POLICE", "PN105", _person("Lee", "CARTER", "1990-04-11", STATION, sex="M"),
             "2023-08-12", "ARREST", "Arrested for possession with intent to supply."),
        # The twins' own records.
        _row("GP", "G303", ella, "2021-02-02", "APPOINTMENT_ATTENDED", "Asthma review."),
        _row("GP", "G304", evie, "2021-02-02", "APPOINTMENT_ATTENDED", "Asthma review."),
        _row("SCHOOL", "S501", _person("Ella", "Rowland", "2012-07-19", ELM_SHORT,
                                       upn="B234567890123"),
             "2021-09-06", "SCHOOL_START", "Started Year 5."),
        _row("SCHOOL", "S502", _person("Evie", "Rowland", "2012-07-19", ELM_SHORT,
                                       upn="C345678901234"),
             "2021-09-06", "SCHOOL_START", "Started Year 5."),
        # Jamie at his GP: two missed appointments within a year (was not brought).
        _row("GP", "G300", jamie_gp, "2021-11-03", "APPOINTMENT_MISSED",
             "Did not attend asthma review; mother not reachable."),
        _row("GP", "G300", jamie_gp, "2022-04-12", "APPOINTMENT_MISSED",
             "Was not brought to rearranged review."),
        _row("GP", "G300", jamie_new, "2023-03-01", "APPOINTMENT_ATTENDED",
             "New patient check after move; low mood, poor sleep."),
        # School: two suspensions within a year, then an attendance concern.
        _row("SCHOOL", "S500", jamie_school, "2022-10-04", "SUSPENSION",
             "Fixed-term suspension for fighting."),
        _row("SCHOOL", "S500", jamie_school, "2023-02-27", "SUSPENSION",
             "Fixed-term suspension for bringing a knife onto site."),
        _row("SCHOOL", "S500", _person("Jamie", "Rowland", "2008-05-14", STATION_SHORT,
                                       upn="A123456789012"),
             "2023-05-15", "ATTENDANCE_CONCERN", "Attendance 71% this term."),
        # Police: missing three times in a year, arrested, exploitation concern.
        _row("POLICE", "PN100", _person("Jamie", "ROWLANDS", "2008-05-14", STATION, sex="M"),
             "2023-04-02", "MISSING_EPISODE", "Reported missing overnight; found in town centre."),
        _row("POLICE", "PN100", _person("Jamie", "ROWLANDS", "2008-05-14", STATION, sex="M"),
             "2023-06-18", "MISSING_EPISODE", "Missing two nights; returned with new phone."),
        _row("POLICE", "PN100", _person("Jamie", "ROWLANDS", "2008-05-14", STATION, sex="M"),
             "2023-09-09", "MISSING_EPISODE", "Missing; found in another county."),
        _row("POLICE", "PN100", _person("Jamie", "ROWLANDS", "2008-05-14", STATION, sex="M"),
             "2023-09-10", "EXPLOITATION_CONCERN",
             "Found with cash and drugs far from home: county lines concern."),
        _row("POLICE", "PN100", _person("Jamie", "ROWLANDS", "2008-05-14", STATION, sex="M"),
             "2023-10-21", "ARREST", "Arrested for possession of a bladed article."),
        _row("YOUTH_JUSTICE", "Y700", _person("Jamie", "Rowlands", "2008-05-14", STATION,
                                              sex="M"),
             "2023-11-02", "OFFENCE_SUSPECT", "Referral order for possession of a bladed article."),
        # The emergency department: a new id for each attendance.
        _row("ED", "E401", jamie_gp, "2022-11-20", "INJURY",
             "Hand injury, says he punched a wall."),
        _row("ED", "E402", _person("Jamie", "Rowland", "2008-05-14", ELM, sex="M"),
             "2023-01-09", "SELF_HARM", "Overdose of paracetamol; discharged after treatment."),
        _row("ED", "E403", _person("James", "Rowland", "2008-05-14", STATION_SHORT, sex="M"),
             "2023-07-30", "SELF_HARM", "Second overdose; referred to CAMHS."),
        _row("ED", "E404", _person("James", "Rowlands", "2008-05-14", STATION, sex="M",
                                   nhs_number=JAMIE_NHS),
             "2023-12-28", "INJURY", "Stab wound to the thigh; police informed."),
        # CAMHS.
        _row("CAMHS", "M600", jamie_new, "2023-08-04", "CAMHS_REFERRAL",
             "Referral after second overdose; low mood, poor sleep."),
        _row("CAMHS", "M600", jamie_new, "2023-10-30", "CAMHS_DISCHARGE",
             "Discharged after two missed appointments.", outcome="DNA"),
        # The other James Rowland, a week younger, across town: never this family.
        _row("GP", "G305", other, "2021-05-05", "APPOINTMENT_ATTENDED", "Eczema review."),
        _row("SCHOOL", "S503", _person("James", "Rowland", "2008-05-21", MILL,
                                       upn="D456789012345"),
             "2022-09-05", "SCHOOL_START", "Started Year 9."),
        _row("ED", "E405", _person("James", "Rowland", "2008-05-21", MILL, sex="M"),
             "2023-03-11", "INJURY", "Sprained ankle playing football."),
        _row("GP", "G306", _person("Sandra", "Rowland", "1979-03-30", MILL, sex="F",
                                   nhs_number=SANDRA_NHS),
             "2022-01-20", "APPOINTMENT_ATTENDED", "Blood pressure check."),
    ]  # fmt: skip
    return found


RELATIONSHIPS: Final = (
    ("CSC", "C200", "C202", "MOTHER"),
    ("CSC", "C200", "C201", "FATHER"),
    ("CSC", "C203", "C202", "MOTHER"),
    ("CSC", "C204", "C202", "MOTHER"),
    ("CSC", "C200", "C203", "SIBLING"),
    ("CSC", "C200", "C204", "SIBLING"),
    ("CSC", "C203", "C204", "SIBLING"),
)


def _earlier(date: str, years: int) -> str:
    return f"{int(date[:4]) - years:04d}{date[4:]}" if date else date


def write_family(folder: Path, *, years_earlier: int = 0, later: str | None = None) -> Path:
    """Write the family's files into ``folder`` (created), one CSV per agency.

    ``years_earlier`` moves every date (births too) back by that many years;
    ``later`` adds one unrelated record on that date (a stranger's GP visit).
    Together they make a store that runs to long after the boy turned 18.
    """
    folder.mkdir(parents=True, exist_ok=True)
    found = [
        {
            **row,
            "event_date": _earlier(row["event_date"], years_earlier),
            "date_of_birth": _earlier(row["date_of_birth"], years_earlier),
        }
        for row in rows()
    ]
    if later:
        stranger = _person("Priya", "Shah", "1990-01-01", ("3 High St, Ashby", "AB1 1AA"),
                           sex="F", nhs_number=nhs("999812348"))  # fmt: skip
        found.append(_row("GP", "G999", stranger, later, "APPOINTMENT_ATTENDED", "Review."))
    by_agency: dict[str, list[dict[str, str]]] = {}
    for row in found:
        by_agency.setdefault(row["agency"], []).append(row)
    for agency, agency_rows in by_agency.items():
        with (folder / f"{agency.lower()}.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
            writer.writeheader()
            writer.writerows(agency_rows)
    with (folder / "relationships.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(RELATIONSHIP_COLUMNS)
        writer.writerows(RELATIONSHIPS)
    (folder / "agencies.yaml").write_text("agencies:\n  ED: {person_ids: episode}\n")
    _write_truth(folder / "ground_truth")
    return folder


#: Who each true person is, in the shape ``wholestory.identity.evaluation`` reads.
PERSONS: Final = {
    "jamie": ("child", "rowland", ""),
    "father": ("adult", "rowland", ""),
    "mother": ("adult", "rowland", ""),
    "ella": ("child", "rowland", "evie"),
    "evie": ("child", "rowland", "ella"),
    "lee": ("adult", "rowland", ""),
    "other_james": ("child", "mill", ""),
    "sandra": ("adult", "mill", ""),
}


def _write_truth(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    with (folder / "people.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["agency", "person_id", "true_id"])
        writer.writerows([*key.split(":", 1), who] for key, who in sorted(TRUTH.items()))
    with (folder / "persons.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["true_id", "kind", "household_id", "twin_of"])
        writer.writerows([who, *facts] for who, facts in PERSONS.items())
