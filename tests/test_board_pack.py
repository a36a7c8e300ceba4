"""The Quality and Impact Executive board pack (issue 17, item 4), on both databases: built
for a quarter and kept; its charts' special-cause marks are the engine's on the same
series; its PDF names no child and shows no date of birth or identifier; every count in it
reads "fewer than 5" from 1 to 4; the command line writes it and refuses a bad quarter.

The children are ``assurance_support.selection_rows``'; a practice measure is planted month
by month with a shift half way, and a review, a recommendation and two actions are made.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from assurance_support import planted, selection_rows
from test_recommendations import T0, users
from wholestory.assurance.measure_history import DIRECTIONS
from wholestory.board.pack import build, latest, pack
from wholestory.board.quarter import Quarter, QuarterError
from wholestory.board.render import body_html, pdf
from wholestory.charts.spc import ChartOptions, xmr_chart
from wholestory.cli.main import app
from wholestory.reviews.cases import open_review
from wholestory.reviews.recommendations import add_action, add_recommendation
from wholestory.reviews.timescales import Timescales
from wholestory.store import Store

CODE = "history_read_first"
#: 12 months near 50 per cent, then 12 near 75: a shift the engine marks.
SHARES = [50, 52, 48, 51, 49, 50, 53, 47, 50, 51, 49, 50,
          75, 77, 73, 76, 74, 75, 78, 72, 75, 76, 74, 75]  # fmt: skip
MONTHS = [f"{2024 + (m // 12)}-{m % 12 + 1:02d}" for m in range(9, 9 + len(SHARES))]
BUILT = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)


def _measures(store: Store) -> None:
    store.executemany(
        "INSERT INTO ws_assurance_measure (code, month, numerator, denominator, value, "
        "computed_at) VALUES (?, ?, ?, 100, ?, '2026-10-01 00:00:00+00:00')",
        [(CODE, month, share, share / 100) for month, share in zip(MONTHS, SHARES, strict=True)],
    )


@pytest.fixture
def partnership(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.delenv("WHOLESTORY_REVIEW_TIMESCALES", raising=False)
    planted(store, tmp_path, selection_rows())
    users(store)
    _measures(store)
    open_review(store, "CSC", "C01", dt.date(2026, 8, 3), "bo.business", title="Rapid review R1",
                settings=Timescales(), now=T0)  # fmt: skip
    rec = add_recommendation(store, "review", "Rapid review R1", "Read the history first",
                             dt.date(2026, 8, 20), "bo.business", measures=(CODE,),
                             now=T0)  # fmt: skip
    for text in ("Brief every team", "Audit twenty assessments"):
        add_action(store, rec.id, text, "CSC", "otto.owner", dt.date(2026, 9, 1), "bo.business",
                   now=T0)  # fmt: skip
    return store


def test_quarters_are_read_as_the_board_writes_them() -> None:
    q = Quarter.parse("2026q3")
    assert (q.start, q.end, q.months) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30),
                                          ("2026-07", "2026-08", "2026-09"))  # fmt: skip
    assert Quarter.parse("2025Q4").end == dt.date(2025, 12, 31)
    assert Quarter.parse("2026Q1").words() == "January to March 2026"
    with pytest.raises(QuarterError, match="write it as 2026Q3"):
        Quarter.parse("Q3 2026")


def test_a_pack_is_built_kept_and_its_marks_are_the_engines(partnership: Store) -> None:
    kept = build(partnership, Quarter(2026, 3), "bo.business", BUILT)
    assert pack(partnership, kept.id) == kept and latest(partnership) == kept
    chart = next(m for m in kept.contents["measures"] if m["key"] == CODE)
    engine = xmr_chart(list(zip(MONTHS, [float(s) for s in SHARES], strict=True)),
                       ChartOptions(direction=DIRECTIONS[CODE]))  # fmt: skip
    expected = [str(p.period) for p in engine.points if p.signals]
    assert expected and chart["marks"] == expected  # the shift is marked, as the engine marks it
    assert chart["svg"].startswith("<svg") and chart["reading"]
    assert [r["title"] for r in kept.contents["reviews"]] == ["Rapid review R1"]
    assert kept.contents["tracker"]["overall"]["actions"] == "fewer than 5"


def _pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return "".join(page.get_textpage().get_text_range() for page in document)


def test_the_pdf_names_no_child_and_every_count_is_safe(partnership: Store) -> None:
    kept = build(partnership, Quarter(2026, 3), "bo.business", BUILT)
    text = _pdf_text(pdf(kept))
    assert "Quality and Impact Executive board pack" in text and "Rapid review R1" in text
    people = partnership.query(
        "SELECT c.ws_person_id, c.display_name, c.date_of_birth, s.person_id "
        "FROM ws_chronology c JOIN ws_source_person s ON s.ws_person_id = c.ws_person_id"
    )
    assert people
    for ws_id, name, born, person_id in people:
        assert str(ws_id) not in text and str(person_id) not in text
        assert not name or str(name) not in text
        assert not born or str(born) not in text
    assert "WS-" not in text
    html = str(body_html(kept))
    counts = re.findall(r'class="count">([^<]*)<', html)
    assert counts, "the pack shows counts in count cells"
    for shown in counts:
        assert shown.strip() not in {"1", "2", "3", "4"}, shown
    assert "fewer than 5" in text


def test_the_command_writes_the_pdf_and_refuses_a_bad_quarter(
    store_env: Store, tmp_path: Path
) -> None:
    out = tmp_path / "pack.pdf"
    bad = CliRunner().invoke(app, ["board-pack", "--quarter", "Q9", "--out", str(out)])
    assert bad.exit_code == 2 and "is not a quarter" in bad.output and not out.exists()
    made = CliRunner().invoke(
        app, ["board-pack", "--quarter", "2026Q3", "--out", str(out), "--html",
              str(tmp_path / "pack.html")],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert out.read_bytes().startswith(b"%PDF") and "<svg" not in _pdf_text(out.read_bytes())
    assert (tmp_path / "pack.html").read_text().startswith("<!DOCTYPE html>")
    again = CliRunner().invoke(app, ["board-pack", "--quarter", "2026Q3", "--out", str(out)])
    assert again.exit_code == 2 and "give --force" in again.output
