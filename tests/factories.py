"""Tiny agency files for tests, written in the template's shape."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from wholestory.records.template import COLUMNS


def event_row(n: int = 1, **values: Any) -> dict[str, str]:
    """A valid template row; keyword arguments override its cells."""
    row = {
        "agency": "POLICE",
        "record_id": f"R{n}",
        "person_id": f"PN{n:05d}",
        "given_name": "Jamie",
        "family_name": "Testperson",
        "date_of_birth": "2012-03-04",
        "sex": "M",
        "nhs_number": "9434765919",
        "postcode": "XW4 7QT",
        "role": "PRESENT",
        "event_id": f"E{n}",
        "event_date": "2020-01-05",
        "event_type": "DA_INCIDENT",
        "summary": "Domestic incident attended at home address",
    }
    row.update({k: str(v) for k, v in values.items()})
    return row


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    columns: tuple[str, ...] | list[str] = COLUMNS,
    encoding: str = "utf-8",
    newline: str = "\n",
) -> Path:
    """Write rows under ``columns`` (cells missing from a row are left empty)."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator=newline)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def rows(n: int, **values: Any) -> list[dict[str, str]]:
    return [event_row(i, **values) for i in range(1, n + 1)]
