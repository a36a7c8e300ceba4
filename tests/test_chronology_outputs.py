"""The chronology's outputs: HTML report, timeline SVG, PDF, CSV rows, and the anonymised copy."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from chronology_factory import make_chronology
from wholestory.chronology.anonymise import anonymise
from wholestory.chronology.display import show_date
from wholestory.chronology.entries_csv import CSV_COLUMNS, to_csv_rows, write_chronology_csv
from wholestory.chronology.model import Chronology, Subject
from wholestory.chronology.render import to_html, to_pdf
from wholestory.chronology.timeline import timeline_svg
from wholestory.chronology.vocabulary import agency_name
from wholestory.exporting import FORMULA_STARTS

SVG = "{http://www.w3.org/2000/svg}"
A4_LANDSCAPE = (841.89, 595.28)  # points


@pytest.fixture(scope="module")
def chronology() -> Chronology:
    return make_chronology()


@pytest.fixture(scope="module")
def html(chronology: Chronology) -> str:
    return to_html(chronology)


@pytest.fixture(scope="module")
def pdf(chronology: Chronology) -> bytes:
    return to_pdf(chronology)


def pdf_pages_text(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


# ---------------------------------------------------------------- HTML


def test_html_is_self_contained(html: str) -> None:
    attributes = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", html, re.IGNORECASE)
    assert attributes, "the report links its entries internally"
    assert all(a.startswith("#") for a in attributes), attributes
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html)
    assert "<style>" in html and "<svg" in html


def test_analysis_comes_before_summary_timeline_and_table(
    html: str, chronology: Chronology
) -> None:
    table = html.index('<table class="chronology">')
    order = [html.index(f'id="{s}"') for s in ("analysis", "summary", "timeline", "chronology")]
    assert order == sorted(order)
    for flag in chronology.flags:
        assert html.index(flag.title) < order[1] < table


def test_header_names_child_agencies_and_date(html: str) -> None:
    header = html[: html.index('id="analysis"')]
    assert "Kacey Marlowe" in header
    assert "14 Jun 2009" in header and "aged 15" in header
    for name in ("Police", "Children's social care", "Youth justice", "Domestic abuse service"):
        assert name.replace("'", "&#39;") in header
    assert "31 Jan 2025" in header


def test_flags_show_severity_dates_explanation_and_evidence(html: str) -> None:
    analysis = html[html.index('id="analysis"') : html.index('id="summary"')]
    assert analysis.index("sev-high") < analysis.index("sev-medium") < analysis.index("sev-low")
    assert "Domestic abuse escalating" in analysis
    assert "17 Feb 2013 to 20 Jan 2014" in analysis
    assert "POLICE PL13-004417" in analysis and "DA_SERVICE DAS-118" in analysis
    assert '<a href="#entry-4">#4</a>' in analysis
    # a flag starting on a month-precision entry shows the month, not the 1st
    assert "May 2013 to 1 Oct 2023" in analysis


def test_table_shows_dates_types_and_sources_as_recorded(html: str) -> None:
    table = html[html.index('<table class="chronology">') :]
    assert table.count("<tr id=") == 26
    assert "Mar 2010" in table and "~2011" in table and "Sep 2016" in table
    assert "(inferred)" in table
    assert "No action recorded" in table
    assert "HOUSEHOLD" in table.upper() and "Donna Marlowe (mother, victim)" in table
    assert "POLICE PL13-004417" in table and "DA_SERVICE DAS-118" in table
    assert table.index("Police") < table.index("Domestic abuse service")


def test_every_summary_key_is_rendered(html: str, chronology: Chronology) -> None:
    summary = html[html.index('id="summary"') : html.index('id="timeline"')]
    for key in chronology.summary:
        assert f'id="summary-{key}"' in summary
    assert "Open plans without review" in summary  # a key no template knows
    assert "1 year 3 months so far" in summary  # the open CIN plan
    assert '<th scope="col" class="num">2017</th>' in summary  # a year with nothing


def test_text_is_escaped(chronology: Chronology) -> None:
    hostile = copy.deepcopy(chronology)
    hostile.entries[0].summary = '<script>alert("x")</script><img src="http://x/y.png">'
    out = to_html(hostile)
    assert "<script>" not in out and '<img src="http' not in out
    assert "&lt;script&gt;" in out


def test_an_empty_chronology_still_renders() -> None:
    person = Subject("WS-1", [], [], None, "U", [], [], {})
    empty = Chronology(person, dt.date(2025, 1, 1), "2025-01-01", [], [], {}, [])
    out = to_html(empty)
    assert "No flags were raised" in out
    ET.fromstring(timeline_svg(empty))


# ---------------------------------------------------------------- timeline


def lanes(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {
        g.get("data-lane", ""): g
        for g in root.iter(f"{SVG}g")
        if "lane" in (g.get("class") or "").split()
    }


def test_timeline_has_a_lane_per_agency_household_flags_and_plans(
    chronology: Chronology,
) -> None:
    svg = timeline_svg(chronology)
    found = lanes(svg)
    agencies = {a for e in chronology.entries for a in e.agencies}
    assert set(found) == agencies | {"Household", "Flags", "Plans"}
    labels = {t.text for t in ET.fromstring(svg).iter(f"{SVG}text")}
    assert {agency_name(a) for a in agencies if len(agency_name(a)) <= 30} <= labels
    assert "Household" in labels
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None


def test_timeline_marks_every_agency_of_an_entry_and_household_entries(
    chronology: Chronology,
) -> None:
    found = lanes(timeline_svg(chronology))
    for key, lane in found.items():
        if key in ("Flags", "Plans"):
            continue
        marks = [g for g in lane.iter(f"{SVG}g") if g.get("class") == "mark"]
        if key == "Household":
            expected = sum(e.household for e in chronology.entries)
        else:
            expected = sum(key in e.agencies for e in chronology.entries)
        assert len(marks) == expected, key
    merged = next(e for e in chronology.entries if len(e.agencies) > 1)
    assert all(len(list(found[a].iter(f"{SVG}circle"))) >= 1 for a in merged.agencies)


def test_timeline_shows_flags_with_severity_and_plans(chronology: Chronology) -> None:
    root = ET.fromstring(timeline_svg(chronology))
    flags = {
        g.get("data-code"): g.get("data-severity")
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "flag"
    }
    assert flags == {f.code: f.severity for f in chronology.flags}
    plans = [g for g in root.iter(f"{SVG}g") if g.get("class") == "plan"]
    assert len(plans) == len(chronology.summary["plans"])
    shades = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "plan-shade"]
    assert len(shades) == len(plans)


def test_timeline_is_inline_in_the_report(html: str) -> None:
    section = html[html.index('id="timeline"') : html.index('id="chronology"')]
    assert section.count("<svg") == 1 and 'role="img"' in section


# ---------------------------------------------------------------- PDF


def test_pdf_pages_are_a4_landscape_marked_numbered_and_not_blank(pdf: bytes) -> None:
    document = pdfium.PdfDocument(pdf)
    assert len(document) >= 1
    for index in range(len(document)):
        page = document[index]
        width, height = page.get_size()
        assert (round(width, 1), round(height, 1)) == pytest.approx(A4_LANDSCAPE, abs=0.5)
        image = page.render(scale=0.5).to_pil().convert("L")
        dark = sum(image.histogram()[:200])
        assert dark > 0.005 * image.width * image.height, f"page {index + 1} looks blank"
    texts = pdf_pages_text(pdf)
    for number, text in enumerate(texts, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2  # header and footer
        assert f"Page {number} of {len(texts)}" in text
    assert "Kacey Marlowe" in texts[0]
    assert "Domestic abuse escalating" in texts[0]


def test_pdf_repeats_the_table_header_on_every_page_of_the_table(pdf: bytes) -> None:
    texts = pdf_pages_text(pdf)
    start = next(n for n, t in enumerate(texts) if "Full chronology" in t)
    table_pages = texts[start:]
    assert len(table_pages) >= 2, "the test needs a table longer than a page"
    for text in table_pages:
        assert "Event and role" in text and "Sources" in text


# ---------------------------------------------------------------- CSV


def test_csv_rows_neutralise_formula_text(chronology: Chronology) -> None:
    rows = to_csv_rows(chronology)
    assert len(rows) == len(chronology.entries)
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    summaries = [row[CSV_COLUMNS.index("summary")] for row in rows]
    assert any(s.startswith("'=HYPERLINK(") for s in summaries)
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                float(cell)


def test_write_chronology_csv_round_trips_and_never_overwrites(
    chronology: Chronology, tmp_path: Path
) -> None:
    path = tmp_path / "chronology.csv"
    write_chronology_csv(chronology, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[4][CSV_COLUMNS.index("sources")] == "POLICE PL13-004417; DA_SERVICE DAS-118"
    assert rows[2][CSV_COLUMNS.index("date")] == "2010-03"
    with pytest.raises(FileExistsError):
        write_chronology_csv(chronology, path)


# ---------------------------------------------------------------- anonymised


def forbidden(chronology: Chronology) -> set[str]:
    """Everything that identifies someone in the original and must not be published."""
    people: set[str] = set(chronology.person.names)
    found: set[str] = {chronology.person.id, chronology.person.date_of_birth or ""}
    found |= {r["person_id"] for r in chronology.person.source_records}
    for values in chronology.person.identifiers.values():
        found |= set(values)
    for address in chronology.person.addresses:
        parts = [p.strip() for p in address.split(",")]
        found |= {address, *parts, *(re.sub(r"^\d+\s+", "", p) for p in parts)}
    for entry in chronology.entries:
        found.add(entry.id)
        for s in entry.sources:
            found |= {s.record_id, s.person_id}
            people |= {s.name, s.practitioner}
            if s.team.endswith(("Primary", "Academy", "Nursery")):
                found.add(s.team)  # a school's name places the child
        for i in entry.involved:
            found.add(i.person)
            people.add(i.name)
    for member in chronology.household:
        people.add(member["name"])
        found |= {member["person"], member["date_of_birth"]}
    titles = {"HV", "PC", "Ms", "Mr"}
    for name in people:
        found |= {t for t in re.split(r"[\s-]+", name) if len(t) >= 3 and t not in titles}
    return {f for f in found if f}


def leaks(text: str, words: set[str]) -> list[str]:
    return sorted(
        w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE)
    )


def test_forbidden_values_are_really_in_the_original(chronology: Chronology, html: str) -> None:
    words = forbidden(chronology)
    everywhere = html + json.dumps(chronology.as_dict(), default=str)
    assert len(leaks(everywhere, words)) == len(words)  # so the tests below test something


def test_anonymised_html_and_json_hold_no_identifier(chronology: Chronology) -> None:
    words = forbidden(chronology)
    published = anonymise(chronology)
    assert leaks(json.dumps(published.as_dict(), default=str), words) == []
    assert leaks(to_html(chronology, anonymise=True), words) == []


def test_anonymised_pdf_holds_no_identifier(chronology: Chronology) -> None:
    text = "\n".join(pdf_pages_text(to_pdf(chronology, anonymise=True)))
    assert "The young person" in text and "OFFICIAL-SENSITIVE" in text
    assert leaks(text, forbidden(chronology)) == []


def test_anonymise_leaves_the_original_untouched(chronology: Chronology) -> None:
    before = json.dumps(chronology.as_dict(), default=str)
    anonymise(chronology)
    assert json.dumps(chronology.as_dict(), default=str) == before


def test_anonymised_people_are_roles(chronology: Chronology) -> None:
    published = anonymise(chronology)
    assert published.person.names == ["the young person"]
    assert published.person.date_of_birth == "2009"
    assert published.person.addresses == [] and published.person.identifiers == {}
    text = " ".join(e.summary for e in published.entries)
    assert "the mother's partner pushed her" in text
    assert "The young person (3) was present" in text
    assert "sibling 1" in text and "sibling 2" in text
    roles = {i.name for e in published.entries for i in e.involved}
    assert roles == {"mother", "mother's partner", "sibling 1", "another person 1"}
    assert all(
        s.practitioner == "" and s.person_id == "" for e in published.entries for s in e.sources
    )
    assert {m["name"] for m in published.household} == {
        "mother",
        "sibling 1",
        "sibling 2",
        "mother's partner",
    }
    assert {m["date_of_birth"] for m in published.household} == {"1988", "2007", "2016", "1985"}
    younger = anonymise(make_chronology(as_of=dt.date(2019, 1, 1)))
    assert younger.person.names == ["the child"]


def test_anonymised_evidence_still_points_at_its_rows(chronology: Chronology) -> None:
    published = anonymise(chronology)
    held = {(s.agency, s.record_id) for e in published.entries for s in e.sources}
    ids = {e.id for e in published.entries}
    for flag in published.flags:
        assert set(flag.evidence) <= held
        assert set(flag.entries) <= ids
    assert ("POLICE", "record 1") in held
    out = to_html(chronology, anonymise=True)
    assert "POLICE record 1" in out and "Referral from police (POLICE record 1)" in out
    assert published.summary["start_again"][0]["earlier"] == ["entry 6", "entry 8"]


def test_dates_show_their_precision() -> None:
    assert show_date("2014-03-09") == "9 Mar 2014"
    assert show_date("2014-03") == "Mar 2014"
    assert show_date("2014", approximate=True) == "~2014"
    assert show_date("~2014-03") == "~Mar 2014"
    assert show_date("not a date") == "not a date"
    assert show_date(None) == ""


def test_a_field_a_known_table_does_not_show_gets_its_own_column(
    chronology: Chronology,
) -> None:
    changed = copy.deepcopy(chronology)
    changed.summary["silences"][0]["summary"] = "Nothing recorded for 1320 days"
    out = to_html(changed)
    section = out[out.index('id="summary-silences"') : out.index('id="summary-start_again"')]
    assert "Nothing recorded for 1320 days" in section and ">Summary</th>" in section


def test_the_templates_ship_inside_the_package() -> None:
    from importlib import resources

    folder = resources.files("wholestory.chronology").joinpath("templates")
    assert folder.joinpath("report.html.j2").is_file() and folder.joinpath("report.css").is_file()
