"""``wholestory spc``: the chart engine on a series in a CSV file (issue 16).

The engine's rules are tested in tests/test_spc.py; these check that the command reads a
file as people keep one, says which rule marked each point and gives the limits, and
that a bad row is set aside with its row and column while the good ones are charted.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path

from typer.testing import CliRunner, Result

from wholestory.cli.main import app

runner = CliRunner()

#: Twelve months alternating 9 and 11 (mean 10, every moving range 2, limits 10 ± 5.32),
#: then a month at 20: outside the upper limit of the thirteen points' own limits too.
VALUES = [9, 11] * 6 + [20]


def _months(values: Sequence[float | str], column: str = "share") -> str:
    lines = [f"month,{column}"]
    lines += [f"2025-{i + 1:02d},{v}" if i < 12 else f"2026-01,{v}" for i, v in enumerate(values)]
    return "\n".join(lines) + "\n"


def _run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def test_each_point_gives_its_rule_and_the_output_gives_the_limits(tmp_path: Path) -> None:
    path = tmp_path / "measure.csv"
    path.write_text(_months(VALUES))
    result = _run("spc", str(path), "--measure", "share", "--json", "--direction", "higher")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    points = found["points"]
    assert [p["period"] for p in points][-1] == "2026-01"
    assert [p["value"] for p in points] == VALUES
    # The last point is a special cause above the limit: an improvement, higher being better.
    assert points[-1]["signals"][0] == {"rule": "outside_limits", "side": "high"}
    assert points[-1]["point_class"] == "improvement"
    assert not any(p["signals"] for p in points[:-1])
    (section,) = found["sections"]
    mean = sum(VALUES) / len(VALUES)
    ranges = [abs(b - a) for a, b in itertools.pairwise(VALUES)]
    # Screening leaves the last, very large moving range (9) out: 9 >= 3.267 × 31 / 12.
    kept = [r for r in ranges if r < 3.267 * (sum(ranges) / len(ranges))]
    limit = 2.66 * sum(kept) / len(kept)
    assert section["mean"] == mean
    assert section["upper_limit"] == mean + limit
    assert section["lower_limit"] == mean - limit


def test_the_text_output_names_the_rule_and_the_limits(tmp_path: Path) -> None:
    path = tmp_path / "measure.csv"
    path.write_text(_months(VALUES))
    result = _run("spc", str(path), "--measure", "share", "--direction", "lower")
    assert result.exit_code == 0, result.output
    last = next(line for line in result.output.splitlines() if "2026-01" in line)
    assert "20" in last and "concern" in last.lower() and "limit" in last.lower()
    assert "limits" in result.output and "From 2025-01: mean" in result.output


def test_screening_can_be_turned_off(tmp_path: Path) -> None:
    path = tmp_path / "measure.csv"
    path.write_text(_months(VALUES))
    on = json.loads(_run("spc", str(path), "--measure", "share", "--json").output)
    off = json.loads(_run("spc", str(path), "--measure", "share", "--json", "--no-screen").output)
    assert on["sections"][0]["screened_out"] == 1
    assert off["sections"][0]["screened_out"] == 0
    assert off["sections"][0]["upper_limit"] > on["sections"][0]["upper_limit"]


def test_bad_rows_are_set_aside_with_row_and_column_and_the_rest_charted(tmp_path: Path) -> None:
    path = tmp_path / "measure.csv"
    path.write_text(_months([9, "n/a", 11, "", '"1,200"', "45%"]))
    result = _run("spc", str(path), "--measure", "share", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert [p["value"] for p in found["points"]] == [9, 11, 1200, 45]
    assert found["set_aside"] == [
        {"row": 3, "column": "share", "reason": "'n/a' is not a number"},
        {"row": 5, "column": "share", "reason": "no value for 2025-04"},
    ]
    text = _run("spc", str(path), "--measure", "share").output
    assert f"Set aside: {path}, row 3, column share: 'n/a' is not a number" in text


def test_a_file_that_cannot_be_charted_is_one_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "measure.csv"
    path.write_text(_months(VALUES))
    missing = _run("spc", str(path), "--measure", "rate")
    assert missing.exit_code == 2
    assert f"{path}: there is no column 'rate' (columns: month, share)" in missing.output
    assert "Traceback" not in missing.output
    empty = tmp_path / "empty.csv"
    empty.write_text("month,share\n2025-01,\n")
    nothing = _run("spc", str(empty), "--measure", "share")
    assert nothing.exit_code == 2 and "no row has a period and a number" in nothing.output
    gone = _run("spc", str(tmp_path / "nowhere.csv"), "--measure", "share")
    assert gone.exit_code == 2 and "no such file" in gone.output
    bad = _run("spc", str(path), "--measure", "share", "--direction", "up")
    assert bad.exit_code == 2 and "--direction must be higher, lower or neutral" in bad.output


def test_dates_out_of_order_and_rebase_points(tmp_path: Path) -> None:
    path = tmp_path / "dated.csv"
    path.write_text("date,count\n2025-02-01,4\n2025-01-01,5\n2025-03-01,6\n")
    result = _run("spc", str(path), "--measure", "count")
    assert result.exit_code == 2 and "time order" in result.output
    path.write_text("".join(f"2025-{m:02d}-01,{v}\n" for m, v in enumerate(VALUES[:12], 1)))
    path.write_text("date,count\n" + path.read_text())
    rebased = _run("spc", str(path), "--measure", "count", "--rebase", "2025-07-01", "--json")
    assert rebased.exit_code == 0, rebased.output
    assert [s["first"] for s in json.loads(rebased.output)["sections"]] == [
        "2025-01-01",
        "2025-07-01",
    ]
    unknown = _run("spc", str(path), "--measure", "count", "--rebase", "2030-01-01")
    assert unknown.exit_code == 2 and "not a period in the file" in unknown.output


def test_the_chart_is_written_as_svg(tmp_path: Path) -> None:
    path = tmp_path / "measure.csv"
    path.write_text(_months(VALUES))
    svg = tmp_path / "chart.svg"
    result = _run("spc", str(path), "--measure", "share", "--svg", str(svg))
    assert result.exit_code == 0, result.output
    text = svg.read_text()
    assert text.startswith("<svg") and "<title" in text and "share" in text
