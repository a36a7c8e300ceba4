"""The partnership folder, written as it is made so memory stays flat.

One CSV per agency, ``relationships.csv``, ``agencies.yaml`` (which agencies
give an id per episode), the needs agencies recorded (``needs.csv``), the users' looks at
chronologies (``usage/chronology_views.csv``), and ``ground_truth/`` with who each agency
id really is, each true person's kind, household and twin, the indicator patterns planted
(``patterns.csv``), what each look was meant to test and the practice measures' cases and
sums. Files are opened the
first time an agency has a row, and closed together at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from wholestory.crosscheck.habits import EPISODE_AGENCY
from wholestory.crosscheck.looks import INTENT_COLUMNS, INTENT_FILE, LOOK_COLUMNS, LOOKS_FILE, Look
from wholestory.crosscheck.practice import CASE_COLUMNS, CASES_FILE, SUM_COLUMNS, SUMS_FILE
from wholestory.crosscheck.rows import EVENT_COLUMNS
from wholestory.records.csv_files import CsvFiles
from wholestory.records.template import NEEDS_COLUMNS, RELATIONSHIP_COLUMNS

PEOPLE_COLUMNS: Final = ("agency", "person_id", "true_id")
#: The indicator patterns planted, as the product's evaluation reads them.
PATTERN_COLUMNS: Final = ("true_id", "code", "kind", "note")
NEEDS_FILE: Final = "needs.csv"
PERSONS_COLUMNS: Final = (
    "true_id",
    "kind",
    "household_id",
    "twin_of",
    "given_name",
    "family_name",
    "date_of_birth",
)


def agencies_yaml() -> str:
    """The partnership-wide agencies file: only the episode agency needs saying."""
    return f"agencies:\n  {EPISODE_AGENCY}: {{person_ids: episode}}\n"


class FolderWriter(CsvFiles):
    """CSV writers for one partnership folder."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        (folder / "ground_truth").mkdir(parents=True, exist_ok=True)
        (folder / "agencies.yaml").write_text(agencies_yaml(), encoding="utf-8")
        self._agencies: dict[str, Any] = {}
        self.rows = 0
        self.relationships = 0
        self._relationship = self.open_csv(folder / "relationships.csv", RELATIONSHIP_COLUMNS)
        self._people = self.open_csv(folder / "ground_truth" / "people.csv", PEOPLE_COLUMNS)
        self._persons = self.open_csv(folder / "ground_truth" / "persons.csv", PERSONS_COLUMNS)
        self._needs = self.open_csv(folder / NEEDS_FILE, NEEDS_COLUMNS)
        self._patterns = self.open_csv(folder / "ground_truth" / "patterns.csv", PATTERN_COLUMNS)
        (folder / LOOKS_FILE).parent.mkdir(exist_ok=True)
        self._looks = self.open_csv(folder / LOOKS_FILE, LOOK_COLUMNS)
        self._intents = self.open_csv(folder / INTENT_FILE, INTENT_COLUMNS)
        self._cases = self.open_csv(folder / CASES_FILE, CASE_COLUMNS)
        self._sums = self.open_csv(folder / SUMS_FILE, SUM_COLUMNS)
        self.looks = 0

    def events(self, agency: str, rows: list[list[str]]) -> None:
        writer = self._agencies.get(agency)
        if writer is None:
            writer = self.open_csv(self.folder / f"{agency.lower()}.csv", EVENT_COLUMNS)
            self._agencies[agency] = writer
        writer.writerows(rows)
        self.rows += len(rows)

    def relationship_rows(self, rows: list[list[str]]) -> None:
        self._relationship.writerows(rows)
        self.relationships += len(rows)

    def truth(self, people: list[list[str]], persons: list[list[str]]) -> None:
        self._people.writerows(people)
        self._persons.writerows(persons)

    def need(self, row: list[str], patterns: list[list[str]]) -> None:
        """A need as its agency exports it, and the patterns it plants (crosscheck/needs.py)."""
        self._needs.writerow(row)
        self._patterns.writerows(patterns)

    def look_rows(self, looks: list[Look]) -> None:
        """Looks at chronologies (crosscheck/looks.py), and what each was meant to test."""
        self._looks.writerows(look.row() for look in looks)
        self._intents.writerows(look.intent() for look in looks)
        self.looks += len(looks)

    def practice(self, cases: list[list[str]], sums: list[list[str]] | None = None) -> None:
        """The practice measures' cases, and at the end their sums (crosscheck/practice.py)."""
        self._cases.writerows(cases)
        if sums is not None:
            self._sums.writerows(sums)

    def files(self) -> list[str]:
        agencies = [f"{a.lower()}.csv" for a in self._agencies]
        return sorted([*agencies, "relationships.csv", NEEDS_FILE, LOOKS_FILE])
