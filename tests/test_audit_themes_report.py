"""The themes' CSV and themed PDF report for the board (issue 15, item 4), on both databases.

Real children are planted (names, dates of birth, agency ids, NHS numbers, linked to
WholeStory ids), chosen for programmes, audited with small numbers among large ones, and
given learning points whose words name them. The PDF's text (extracted, as a reader's
copy would be) and the CSV must hold none of those children's names, dates of birth, ids
or NHS numbers, none of the auditors' words, and no count from 1 to 4 as a count; and the
PDF must hold what the board reads: title, period, programmes, distributions, learning
tags, repeated findings, charts and the method and suppression note.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from assurance_support import planted
from factories import event_row
from themes_support import audit, graded, learn, programme
from wholestory.assurance.theme_report import themes_csv, themes_html, themes_pdf
from wholestory.assurance.themes import Themes, themes
from wholestory.records.identifiers import nhs_check_digit
from wholestory.store import Store

#: Counts as the board may see them: 0, 5 or more, or hidden in words.
SAFE = re.compile(r"0|[1-9][0-9]*,?[0-9]*|fewer than 5|not shown")
GRADES = ("Outstanding", "Good", "Requires improvement", "Inadequate")


def _nhs(n: int) -> str:
    """A valid NHS number, different for each ``n``."""
    for start in range(n * 1000, n * 1000 + 100):
        first = f"94{start:07d}"
        check = nhs_check_digit(first)
        if check is not None:
            return f"{first}{check}"
    raise AssertionError("no NHS number")


CHILDREN = [
    {"person_id": f"CSC-{700 + n}", "given_name": given, "family_name": family,
     "date_of_birth": born, "nhs_number": _nhs(n + 1)}
    for n, (given, family, born) in enumerate([
        ("Zebedee", "Quartermaine", "2013-07-19"), ("Ottoline", "Fairweather", "2011-02-03"),
        ("Barnaby", "Winterbottom", "2014-11-27"), ("Philippa", "Ravensworth", "2012-05-08"),
        ("Cosmo", "Applethwaite", "2015-09-14"), ("Marigold", "Thistlewood", "2010-12-01"),
        ("Rufus", "Hollingberry", "2016-03-22"), ("Seraphina", "Dunkerley", "2013-01-30"),
        ("Tobias", "Merriweather", "2011-08-16"), ("Ianthe", "Blackwood", "2014-04-04"),
        ("Lysander", "Pennywhistle", "2012-10-10"), ("Wilhelmina", "Crabtree", "2015-06-06"),
    ])
]  # fmt: skip


@pytest.fixture
def audited(store: Store, tmp_path: Path) -> Store:
    """Twelve named children in two programmes (six each), audited by children's social
    care, the police and, for three, health: small counts beside large ones; learning points
    whose words name the child."""
    rows = [
        event_row(n, agency="CSC", record_id=f"R{n}", event_id=f"E{n}", role="SUBJECT",
                  event_type="CONTACT", event_date="2025-02-01", **child)
        for n, child in enumerate(CHILDREN, start=1)
    ]  # fmt: skip
    planted(store, tmp_path, rows)
    people = [f"WS-{c['person_id']}" for c in CHILDREN]
    for half, end in ((people[:6], "2025-03-31"), (people[6:], "2025-06-30")):
        _, cases = programme(store, "Use of history", end, 6, people=half)
        for i, case in enumerate(cases):
            audit(store, case, "CSC", graded({"assessment": GRADES[i % 2 + 1], "overall": "Good"},
                                             assessment__uses_history="no"))  # fmt: skip
            audit(store, case, "POLICE", graded({"assessment": "Good", "overall": GRADES[i % 4]}))
            if i < 3 and end.endswith("06-30"):
                audit(store, case, "HEALTH", graded({"overall": "Inadequate"}))
            child = CHILDREN[people.index(half[i])]
            learn(store, case, "CSC", "History not used",
                  f"{child['given_name']} {child['family_name']} ({child['nhs_number']}) was "
                  f"assessed without the police history")  # fmt: skip
    return store


def _pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    return " ".join(text.split()) + "\n" + re.sub(r"\s+", "", text)  # wrapped lines joined


def _identifying(store: Store) -> list[str]:
    """Everything that could identify a planted child, in the forms it might be printed."""
    found: list[str] = []
    for c in CHILDREN:
        year, month, day = c["date_of_birth"].split("-")
        nhs = c["nhs_number"]
        found += [c["given_name"], c["family_name"], c["person_id"], f"WS-{c['person_id']}",
                  c["date_of_birth"], f"{day}/{month}/{year}", nhs,
                  f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"]  # fmt: skip
    found += [str(p) for (p,) in store.query("SELECT ws_person_id FROM ws_assurance_case")]
    return found


def test_the_pdf_names_no_child_and_shows_no_small_count(audited: Store) -> None:
    found = themes(audited)
    text = _pdf_text(themes_pdf(found))
    assert not [s for s in _identifying(audited) if s in text]
    assert "assessed without the police history" not in text  # no free text
    for heading in ("Themes across case file audits", "Programmes ending at any time",
                    "No. 1: Use of history, 2024-10-02 to 2025-03-31", "Grades by domain",
                    "Grades by agency", "Grades by period", "The most frequent learning points",
                    "History not used", "Repeated findings", "Change over time",
                    "Assessment: share of grades Good or better", "How these figures are made",
                    "Small numbers", "fewer than 5"):  # fmt: skip
        assert heading in text, heading
    finding = "Assessment: Did it use the history other agencies held"
    assert finding in text and "No or only partly in 12 of 12 agencies' answers." in text
    assert "Trial limits: fewer than 12 points." in text  # a chart's words, drawn in the PDF
    # Health's three grades, as the PDF prints them: hidden, never as a count of 3.
    health = re.search(r"Health((?:\s+(?:\d+|fewer than 5|not shown)){5})", text)
    assert health is not None and "fewer than 5" in health.group(1)
    assert not re.search(r"\b[1-4]\b", health.group(1))
    assert _report_counts(found) and all(SAFE.fullmatch(c) for c in _report_counts(found))


def test_the_csv_has_a_row_per_domain_agency_and_grade_and_no_small_count(
    audited: Store,
) -> None:
    found = themes(audited)
    text = themes_csv(found)
    assert not [s for s in _identifying(audited) if s in text]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["domain", "domain_title", "agency", "agency_name", "grade", "grades"]
    assert len(rows) - 1 == 7 * 3 * 4  # seven domains, three agencies, four grades
    assert {r[2] for r in rows[1:]} == {"CSC", "HEALTH", "POLICE"}
    counts = [r[5] for r in rows[1:]]
    assert all(SAFE.fullmatch(c) for c in counts)
    assert not [c for c in counts if c.isdigit() and 0 < int(c) < 5]
    overall_health = next(r for r in rows if r[0] == "overall" and r[2] == "HEALTH"
                          and r[4] == "Inadequate")  # fmt: skip
    assert overall_health[5] == "fewer than 5"
    assessment_csc = {r[4]: r[5] for r in rows if r[0] == "assessment" and r[2] == "CSC"}
    assert assessment_csc["Good"] == "6" and assessment_csc["Requires improvement"] == "6"


def _report_counts(found: Themes) -> list[str]:
    """The text of every count cell in the report's HTML (the PDF is laid out from it)."""
    html = themes_html(found)
    return re.findall(r'<td class="count">([^<]*)</td>', html)
