"""The THRIVE population view on a small hand-made store where every answer is known:
unmet need for each reason (and not when help is recorded), groupings, districts, flows,
waiting days, and small numbers hidden so that totals cannot reveal them."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from thrive_population_support import ACES, AS_OF, FLOWING, build
from wholestory.cli.main import app
from wholestory.store import Store
from wholestory.thrive.population import breakdown, children, summary
from wholestory.thrive.population_flows import flows, waiting
from wholestory.thrive.population_need import unmet_need
from wholestory.thrive.population_tables import crosstab


@pytest.fixture
def population(store: Store, tmp_path: Path) -> Store:
    return build(store, tmp_path)


def test_unmet_need_for_each_reason_and_not_when_help_is_recorded(population: Store) -> None:
    found = {n.ws_person_id: n for n in unmet_need(population, AS_OF)}
    assert {p: n.codes for p, n in found.items()} == {
        "WS-S1": ("self_harm",),
        "WS-E1": ("exclusions",),
        "WS-A1": ("aces",),
        "WS-V1": ("severe_problem",),
    }
    exclusions = found["WS-E1"].reasons[0].entries
    assert [e.day for e in exclusions] == ["2025-03-01", "2025-05-01"]
    assert found["WS-V1"].reasons[0].entries[0].day == "2025-11-01"
    assert len(found["WS-A1"].reasons[0].entries) == len(ACES)


def test_need_outside_the_twelve_months_is_not_counted(population: Store) -> None:
    later = {n.ws_person_id for n in unmet_need(population, dt.date(2026, 7, 1))}
    assert "WS-S1" not in later and "WS-E1" not in later
    assert "WS-S1" in {n.ws_person_id for n in unmet_need(population, dt.date(2026, 5, 31))}


def test_each_childs_grouping_district_age_and_sex(population: Store) -> None:
    rows = {r["person"]: r for r in children(population, AS_OF).to_dicts()}
    assert "WS-P1" not in rows  # an adult
    assert rows["WS-T1"] == {"person": "WS-T1", "age": "5 to 10", "sex": "Female",
                             "district": "AB1", "grouping": "advice"}  # fmt: skip
    assert rows["WS-G1"]["grouping"] == "help" and rows["WS-S1"]["grouping"] == ""
    assert rows["WS-S1"]["district"] == "XW4"  # the factory's postcode
    before = {
        r["person"]: r["grouping"] for r in children(population, dt.date(2025, 6, 1)).to_dicts()
    }
    assert before["WS-T1"] == "thriving" and before["WS-G1"] == ""


def test_counts_are_shown_from_five_and_hidden_below(population: Store) -> None:
    table = breakdown(population, AS_OF, "district")
    assert table.cells[("AB1", "advice")].value == len(FLOWING)
    assert table.cells[("AB1", "thriving")].value == 0
    by_grouping = breakdown(population, AS_OF, "grouping")
    assert by_grouping.cells[("advice", "all")].value == len(FLOWING) + 1
    assert by_grouping.cells[("help", "all")].words == "fewer than 5"
    children_now = len(children(population, AS_OF))
    assert by_grouping.total is not None and by_grouping.total.value in (children_now, None)


def test_flows_between_snapshots(population: Store) -> None:
    f = flows(population, AS_OF)
    assert [d.isoformat() for d in f.days] == ["2024-12-31", "2025-03-31", "2025-06-30",
                                               "2025-09-30", "2025-12-31"]  # fmt: skip
    start = f.steps[0].cells[("", "thriving")]
    assert start.value == len(FLOWING) + 1
    moved = f.steps[2].cells[("thriving", "advice")]
    assert moved.value == len(FLOWING) + 1
    assert f.steps[3].cells[("", "help")].words == "fewer than 5"


def test_waiting_days_and_still_waiting(population: Store) -> None:
    found = {q["quarter"]: q for q in waiting(population, AS_OF)}
    assert set(found) == {"2025 Q1", "2025 Q3"}
    assert found["2025 Q1"]["referrals"] == "fewer than 5"
    assert found["2025 Q1"]["median_days"] is None  # one wait: not shown
    assert found["2025 Q3"]["still_waiting"] == "fewer than 5"


def test_summary_and_command_show_no_count_from_one_to_four(
    population: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shown = summary(population, AS_OF)
    assert not _small_numbers(json.dumps(shown))
    monkeypatch.setenv("WHOLESTORY_DATABASE_URL", population.url.raw)
    monkeypatch.chdir(tmp_path)
    for by in ("grouping", "district", "age", "sex"):
        for extra in ([], ["--json"]):
            result = CliRunner().invoke(
                app, ["thrive", "population", "--by", by, "--as-of", str(AS_OF), *extra]
            )
            assert result.exit_code == 0, result.output
            assert "All children" in result.output
            assert not _small_numbers(result.output), result.output


def _small_numbers(text: str) -> list[str]:
    """Every count from 1 to 4 standing alone (not part of a day, a quarter or a band)."""
    text = re.sub(
        r"\d{4}-\d\d-\d\d|\d{4} Q\d|\d+ to \d+|\d+ or more|fewer than 5|AB1|\"[a-z_]*\d[a-z_]*\"",
        "",
        text,
    )
    return [n for n in re.findall(r"(?<![\w.])\d+(?![\w.])", text) if 0 < int(n) < 5]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda rows: st.lists(
            st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=rows, max_size=rows
        )
    )
)
def test_no_hidden_count_can_be_worked_out_from_those_shown(counts: list[list[int]]) -> None:
    rows = [(f"r{n}", f"r{n}") for n in range(len(counts))]
    cols = [(f"c{n}", f"c{n}") for n in range(3)]
    cells = {(f"r{i}", f"c{j}"): v for i, row in enumerate(counts) for j, v in enumerate(row)}
    t = crosstab("t", rows, cols, cells)
    atoms = list(cells)
    shown: list[list[int]] = []
    figures = [(c.value, {k}) for k, c in t.cells.items()]
    figures += [(c.value, {(r, k) for r, _ in rows}) for k, c in t.column_totals.items()]
    figures += [(c.value, {(k, c2) for c2, _ in cols}) for k, c in t.row_totals.items()]
    figures += [(t.total.value if t.total else None, set(atoms))]
    zero = {a for v, s in figures if v == 0 for a in s}
    for value, members in figures:
        if value is not None:
            shown.append([int(a in members and a not in zero) for a in atoms])
    matrix = np.array(shown or [[0] * len(atoms)])
    for key, c in t.cells.items():
        if c.value is None and 0 < cells[key] < 5:
            target = [int(a == key) for a in atoms]
            assert np.linalg.matrix_rank(np.vstack([matrix, target])) > np.linalg.matrix_rank(
                matrix
            )
