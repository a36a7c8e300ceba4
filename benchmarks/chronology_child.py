"""The one child of the chronology benchmark: a long, invented life across agencies.

One child born in 2009 with 2,000 rows from CSC, police, school and health,
written as agency files to be imported beside a demo-sized partnership; the
benchmark then times that child's chronology and flags.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from benchmarks.ingest_bench import OUT
from wholestory.records.template import COLUMNS

#: The seed of the child's rows and of the partnerships they are imported beside.
SEED = 7
CHILD_FOLDER = OUT / "chronology-child"


def _nhs(first_nine: str) -> str:
    weights = range(10, 1, -1)
    check = 11 - sum(int(d) * w for d, w in zip(first_nine, weights, strict=True)) % 11
    if check == 10:
        raise ValueError(first_nine)
    return first_nine + str(0 if check == 11 else check)


BORN = dt.date(2009, 11, 20)
AS_OF = dt.date(2026, 10, 31)

#: Where the family lived: (from, postcode, address).
HOMES = (
    (dt.date(2009, 1, 1), "XW4 7QT", "12 Alder Close, Marlbury"),
    (dt.date(2012, 6, 14), "XW6 2LP", "Flat 3, 88 Quarry Lane, Marlbury"),
    (dt.date(2015, 3, 2), "XV2 9DN", "41 Kestrel Way, Caddington Row"),
    (dt.date(2018, 8, 20), "XW4 1RB", "7 Millstream Court, Marlbury"),
    (dt.date(2021, 1, 11), "XV5 3HS", "Room 2, 19 Station Road, Wexcombe"),
    (dt.date(2022, 9, 5), "XV2 4AA", "26 Bramble Rise, Caddington Row"),
)


def _home(day: dt.date) -> tuple[str, str]:
    postcode, address = HOMES[0][1], HOMES[0][2]
    for start, code, place in HOMES:
        if day >= start:
            postcode, address = code, place
    return postcode, address


PEOPLE = {
    "child": ("Riley", "Marchbank", BORN.isoformat(), "M", _nhs("999431287")),
    "mother": ("Donna", "Marchbank", "1989-04-02", "F", _nhs("999431295")),
    "partner": ("Lee", "Carver", "1985-09-17", "M", _nhs("999431309")),
}


class ChildWriter:
    """Rows for the bench child and the two adults, one CSV per agency."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.rows: dict[str, list[dict[str, str]]] = {}
        self.count = 0

    def row(
        self,
        agency: str,
        who: str,
        day: dt.date,
        event_type: str,
        summary: str,
        *,
        role: str = "SUBJECT",
        event_id: str = "",
        outcome: str = "",
        action: str = "",
    ) -> None:
        given, family, dob, sex, nhs = PEOPLE[who]
        postcode, address = _home(day)
        self.count += 1
        rows = self.rows.setdefault(agency, [])
        self.rows[agency].append(
            {
                "agency": agency,
                "record_id": f"{agency[:3]}-BENCH-{len(rows) + 1:05d}",
                "person_id": f"{agency}-BENCH-{who[0].upper()}",
                "given_name": given,
                "family_name": family,
                "date_of_birth": dob,
                "sex": sex,
                "nhs_number": "" if agency in ("POLICE", "SCHOOL", "HOUSING") else nhs,
                "postcode": postcode,
                "address": address,
                "role": role,
                "event_id": event_id,
                "event_date": day.isoformat(),
                "event_type": event_type,
                "summary": summary,
                "action": action,
                "outcome": outcome,
                "practitioner": "Bench practitioner",
                "team": f"{agency.title()} team",
            }
        )

    def days(self, start: dt.date, end: dt.date, n: int) -> list[dt.date]:
        span = (min(end, AS_OF) - start).days
        return sorted(start + dt.timedelta(days=self.random.randrange(span)) for _ in range(n))

    def write(self, folder: Path) -> int:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.csv"):
            old.unlink()
        for agency, rows in self.rows.items():
            with (folder / f"bench-{agency.lower()}.csv").open(
                "w", newline="", encoding="utf-8"
            ) as f:
                writer = csv.DictWriter(f, COLUMNS, restval="")
                writer.writeheader()
                writer.writerows(rows)
        with (folder / "relationships.csv").open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["agency", "person_id", "related_person_id", "relationship"])
            for agency in ("CSC", "HEALTH_VISITING", "POLICE"):
                out.writerow([agency, f"{agency}-BENCH-C", f"{agency}-BENCH-M", "MOTHER"])
                out.writerow([agency, f"{agency}-BENCH-C", f"{agency}-BENCH-P", "PARENT_PARTNER"])
        return self.count


def write_child(folder: Path = CHILD_FOLDER, seed: int = SEED) -> int:
    """Write the bench child's agency files; returns how many rows."""
    w = ChildWriter(seed)

    def age(years: float) -> dt.date:
        return BORN + dt.timedelta(days=round(365.25 * years))

    # Health visiting, birth to five; GP throughout.
    for day in w.days(BORN, age(5), 170):
        w.row("HEALTH_VISITING", "child", day, "APPOINTMENT_ATTENDED", "Health visitor contact")
    for day in w.days(BORN, age(5), 25):
        w.row("HEALTH_VISITING", "child", day, "APPOINTMENT_MISSED", "Not brought to clinic")
    for day in w.days(BORN, AS_OF, 420):
        w.row("GP", "child", day, "APPOINTMENT_ATTENDED", "Seen in surgery", outcome="")
    for day in w.days(BORN, AS_OF, 45):
        w.row("GP", "child", day, "APPOINTMENT_MISSED", "Was not brought to appointment")
    # School from four; school nursing.
    w.row("SCHOOL", "child", age(4.8), "SCHOOL_START", "Joined Alder Primary School")
    w.row("SCHOOL", "child", age(11.8), "SCHOOL_MOVE", "Moved to Kestrel Academy")
    w.row("SCHOOL", "child", age(14.2), "SCHOOL_MOVE", "Managed move to Quarry High School")
    for day in w.days(age(5), AS_OF, 260):
        w.row("SCHOOL", "child", day, "CONTACT", "Pastoral check-in with tutor")
    for day in w.days(age(7), AS_OF, 90):
        w.row("SCHOOL", "child", day, "ATTENDANCE_CONCERN", "Attendance below 90% this half term")
    for day in w.days(age(12), AS_OF, 14):
        w.row("SCHOOL", "child", day, "SUSPENSION", "Fixed-term suspension for disruption")
    for day in w.days(age(6), age(9), 4):
        w.row("SCHOOL", "child", day, "SEN_SUPPORT", "SEN support plan reviewed")
    for day in w.days(age(5), AS_OF, 110):
        w.row("SCHOOL_NURSING", "child", day, "APPOINTMENT_ATTENDED", "School nurse drop-in")
    # Emergency department: injuries early, self-harm later.
    for day in w.days(BORN, AS_OF, 40):
        w.row("ED", "child", day, "ED_ATTENDANCE", "Attended ED with minor illness")
    for day in w.days(age(1), age(8), 12):
        w.row("ED", "child", day, "INJURY", "Attended ED with bruising to the arm")
    for day in w.days(age(13), AS_OF, 6):
        w.row("ED", "child", day, "SELF_HARM", "Presented after cutting forearm")
    # CAMHS.
    w.row("CAMHS", "child", age(13.1), "CAMHS_REFERRAL", "Referred by GP for low mood")
    for day in w.days(age(13.2), AS_OF, 120):
        w.row("CAMHS", "child", day, "MENTAL_HEALTH_CONTACT", "CAMHS session")
    # Social care and early help.
    for day in w.days(BORN, AS_OF, 22):
        w.row("CSC", "child", day, "REFERRAL", "Referral received from health", outcome="")
    for day in w.days(BORN, AS_OF, 9):
        w.row("CSC", "child", day, "REFERRAL_NFA", "Referral, no further action", outcome="NFA")
    for day in w.days(BORN, AS_OF, 14):
        w.row("CSC", "child", day, "ASSESSMENT", "Child and family assessment completed")
    for start, end, kind in ((2.0, 3.5, "CIN"), (6.0, 7.2, "CP"), (11.0, 12.5, "CIN")):
        w.row("CSC", "child", age(start), f"{kind}_PLAN_START", f"{kind} plan started")
        w.row("CSC", "child", age(end), f"{kind}_PLAN_END", f"{kind} plan ended")
    w.row("CSC", "child", age(15.5), "CP_PLAN_START", "Child protection plan started")
    for day in w.days(BORN, AS_OF, 300):
        w.row("CSC", "child", day, "CONTACT", "Home visit by social worker")
    for day in w.days(BORN, AS_OF, 6):
        w.row("CSC", "child", day, "STRATEGY_DISCUSSION", "Strategy discussion held")
    w.row("EARLY_HELP", "child", age(9), "EARLY_HELP_START", "Early help plan started")
    w.row("EARLY_HELP", "child", age(10), "EARLY_HELP_END", "Early help plan ended")
    for day in w.days(age(9), age(10), 60):
        w.row("EARLY_HELP", "child", day, "CONTACT", "Family support worker visit")
    # Police: call-outs the child was at, with mother and partner; missing episodes.
    for n, day in enumerate(w.days(age(0.5), AS_OF, 70), 1):
        event = f"POL-BENCH-E{n:04d}"
        text = "Domestic incident attended at home address"
        w.row("POLICE", "child", day, "DA_INCIDENT", text, role="PRESENT", event_id=event)
        w.row("POLICE", "mother", day, "DA_INCIDENT", text, role="VICTIM", event_id=event)
        w.row("POLICE", "partner", day, "DA_INCIDENT", text, role="SUSPECT", event_id=event)
    for day in w.days(age(13), AS_OF, 24):
        w.row("POLICE", "child", day, "MISSING_EPISODE", "Reported missing overnight")
    for day in w.days(age(13), AS_OF, 5):
        w.row("POLICE", "child", day, "EXPLOITATION_CONCERN", "Found with older males, cash")
    for day in w.days(age(14), AS_OF, 6):
        w.row("YOUTH_JUSTICE", "child", day, "CONTACT", "Youth justice appointment")
    # Housing: the family's moves.
    for moved, _, place in HOMES[1:]:
        for who in ("child", "mother"):
            w.row("HOUSING", who, moved, "HOUSE_MOVE", f"Tenancy started at {place}")
    # The adults' own records that touch the child.
    for day in w.days(BORN, AS_OF, 90):
        w.row("ADULT_MH", "mother", day, "MENTAL_HEALTH_CONTACT", "Adult mental health review")
    for day in w.days(BORN, AS_OF, 40):
        w.row("DA_SERVICE", "mother", day, "DA_SERVICE_CONTACT", "IDVA support session")
    for day in w.days(age(3), AS_OF, 10):
        w.row("PROBATION", "partner", day, "SUBSTANCE_MISUSE", "Positive drug test")
    for years in (4.0, 8.5, 12.0):
        w.row("PROBATION", "partner", age(years), "CUSTODY", "Sentenced to custody")
        w.row("PROBATION", "partner", age(years + 0.6), "RELEASE", "Released on licence")
    return w.write(folder)
