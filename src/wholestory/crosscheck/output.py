"""The partnership folder, written as it is made so memory stays flat.

One CSV per agency, ``relationships.csv``, ``agencies.yaml`` (which agencies
give an id per episode), and ``ground_truth/`` with who each agency id really
is and each true person's kind, household and twin. Files are opened the
first time an agency has a row, and closed together at the end.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

from wholestory.crosscheck.habits import EPISODE_AGENCY
from wholestory.crosscheck.rows import EVENT_COLUMNS, RELATIONSHIP_COLUMNS

PEOPLE_COLUMNS: Final = ("agency", "person_id", "true_id")
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


class FolderWriter:
    """CSV writers for one partnership folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        (folder / "ground_truth").mkdir(parents=True, exist_ok=True)
        (folder / "agencies.yaml").write_text(agencies_yaml(), encoding="utf-8")
        self._handles: list[IO[str]] = []
        self._agencies: dict[str, Any] = {}
        self.rows = 0
        self.relationships = 0
        self._relationship = self._open(folder / "relationships.csv", RELATIONSHIP_COLUMNS)
        self._people = self._open(folder / "ground_truth" / "people.csv", PEOPLE_COLUMNS)
        self._persons = self._open(folder / "ground_truth" / "persons.csv", PERSONS_COLUMNS)

    def _open(self, path: Path, header: tuple[str, ...]) -> Any:
        handle = path.open("w", newline="", encoding="utf-8")
        self._handles.append(handle)
        writer = csv.writer(handle)
        writer.writerow(header)
        return writer

    def events(self, agency: str, rows: list[list[str]]) -> None:
        writer = self._agencies.get(agency)
        if writer is None:
            writer = self._open(self.folder / f"{agency.lower()}.csv", EVENT_COLUMNS)
            self._agencies[agency] = writer
        writer.writerows(rows)
        self.rows += len(rows)

    def relationship_rows(self, rows: list[list[str]]) -> None:
        self._relationship.writerows(rows)
        self.relationships += len(rows)

    def truth(self, people: list[list[str]], persons: list[list[str]]) -> None:
        self._people.writerows(people)
        self._persons.writerows(persons)

    def files(self) -> list[str]:
        return sorted([f"{a.lower()}.csv" for a in self._agencies] + ["relationships.csv"])

    def close(self) -> None:
        for handle in self._handles:
            handle.close()

    def __enter__(self) -> FolderWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
