import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholestory.exporting import FORMULA_STARTS, neutralise, write_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("@cmd", "'@cmd"),
        ("-2+3", "'-2+3"),
        ("-3", "-3"),
        ("Jamie", "Jamie"),
        ("", ""),
    ],
)
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected


@given(st.text())
def test_no_neutralised_cell_starts_a_formula(value: str) -> None:
    out = neutralise(value)
    if out.startswith(FORMULA_STARTS):
        float(out)  # only plain numbers may keep a leading sign


def test_write_csv_refuses_to_overwrite_and_neutralises(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv(path, ["name"], [["=1+1"], [None]])
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [["name"], ["'=1+1"], [""]]
    with pytest.raises(FileExistsError):
        write_csv(path, ["name"], [["x"]])
    write_csv(path, ["name"], [["x"]], force=True)
    assert "x" in path.read_text(encoding="utf-8-sig")
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
