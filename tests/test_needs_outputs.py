"""How to work with this family in every way a chronology is given out (issue 14).

The chronology is the hand-built one of ``chronology_factory``: Kacey, her mother Donna
and the rest of the household. The mother needs a Polish interpreter; Kacey's trusted
adult is named in the detail. The JSON, the report (HTML and PDF) carry both; the
anonymised copy keeps the needs but not the names, of the family or of who recorded
them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

import pypdfium2
import pytest

from chronology_factory import CHILD, MOTHER, make_chronology
from wholestory.chronology.model import Chronology
from wholestory.chronology.render import output, to_html
from wholestory.engagement.analysis import contacts_of_json
from wholestory.engagement.family import THIS_PERSON, Member, engagement_of
from wholestory.engagement.needs import Need

TODAY = dt.date(2025, 1, 31)


def need(kind: str, detail: str, **more: object) -> Need:
    values: dict[str, object] = {
        "agency": "CSC", "record_id": "N1", "person_id": "C77", "need": kind, "detail": detail,
        "recorded_on": "2024-05-01", "review_on": "2024-11-01", "practitioner": "Sam Worker",
        "recorded_in_app": False, "recorded_by": "",
    }  # fmt: skip
    return Need(**(values | more))  # type: ignore[arg-type]


@pytest.fixture
def chronology() -> Chronology:
    made = make_chronology()
    family = [
        Member(made.person.id, CHILD, THIS_PERSON,
               (need("TRUSTED_ADULT", "Mrs Fenwick, her form tutor", review_on=None),)),
        Member(MOTHER.person, MOTHER.name, "mother",
               (need("INTERPRETER", "Polish", agency="HEALTH_VISITING", recorded_in_app=True,
                     recorded_by="hv.worker"),)),
    ]  # fmt: skip
    return dataclasses.replace(made, needs=[m.as_dict(TODAY) for m in family])


def test_the_json_carries_the_needs_and_reads_back(chronology: Chronology) -> None:
    data = json.loads(output(chronology, "json").data)
    child, mother = data["needs"]
    assert (child["name"], child["relation"]) == (CHILD, THIS_PERSON)
    assert mother["needs"][0]["detail"] == "Polish"
    assert mother["needs"][0]["review"] == "Review overdue: it was due on 1 November 2024"
    assert Chronology.from_dict(data).needs == chronology.needs


def test_the_report_shows_them_first(chronology: Chronology) -> None:
    html = to_html(chronology)
    section = html[html.index('id="needs"') : html.index('id="analysis"')]
    assert "How to work with this family" in section
    assert f"{MOTHER.name} (mother)" in section
    assert "Needs an interpreter</strong>: Polish" in section
    assert "Health visiting, recorded 1 May 2024 by hv.worker" in section
    assert "Mrs Fenwick, her form tutor" in section and "No review date set" in section
    pdf = pypdfium2.PdfDocument(io.BytesIO(output(chronology, "pdf").data))
    text = " ".join(pdf[0].get_textpage().get_text_range().split())
    assert "How to work with this family" in text and "Polish" in text


def test_the_anonymised_copy_keeps_the_needs_not_the_names(chronology: Chronology) -> None:
    data = json.loads(output(chronology, "json", anonymise=True).data)
    text = json.dumps(data["needs"])
    for name in (CHILD, MOTHER.name, "Kacey", "Donna", "hv.worker", "Sam Worker", "C77"):
        assert name not in text, name
    child, mother = data["needs"]
    assert child["name"] != CHILD and mother["name"] == "mother"
    assert mother["needs"][0]["detail"] == "Polish" and mother["needs"][0]["words"] == (
        "Needs an interpreter"
    )
    html = to_html(chronology, anonymise=True)
    assert "Needs an interpreter" in html and MOTHER.name not in html


def test_a_chronology_without_needs_has_no_section() -> None:
    html = to_html(make_chronology())
    assert (
        'id="needs"' not in html
        and json.loads(output(make_chronology(), "json").data)["needs"] == []
    )


def test_the_report_has_the_engagement_section(chronology: Chronology) -> None:
    members = [Member(chronology.person.id, CHILD, THIS_PERSON, ())]
    contacts = contacts_of_json([e.as_dict() for e in chronology.entries])
    section = engagement_of(chronology.person.id, contacts, members)
    assert section["by_agency"], "the factory child has appointments"
    given = dataclasses.replace(chronology, summary={**chronology.summary, "engagement": section})
    html = to_html(given)
    assert "Engagement: appointments by agency" in html
    assert "Missed appointments in a row, and what followed" in html
    assert json.loads(output(given, "json").data)["summary"]["engagement"] == section
