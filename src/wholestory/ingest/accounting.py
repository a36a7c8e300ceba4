"""Row accounting: for every file, read = inserted + updated + unchanged + quarantined."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

COUNTS = ("read", "inserted", "updated", "unchanged", "quarantined", "warnings")


@dataclass
class FileResult:
    """What one file's import did. ``error`` is set when the file could not be read at all."""

    file: str
    kind: str = "events"
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    warnings: int = 0
    error: str | None = None
    ignored_columns: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: int(getattr(self, name)) for name in COUNTS}

    def balanced(self) -> bool:
        """The invariant that proves no row was lost."""
        return self.read == self.inserted + self.updated + self.unchanged + self.quarantined

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "kind": self.kind, **self.counts()}
        out["error"] = self.error
        out["ignored_columns"] = self.ignored_columns
        return out


@dataclass
class IngestResult:
    """The accounting for one ingest run, over all its files."""

    files: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.error]

    def totals(self) -> dict[str, int]:
        return {name: sum(getattr(f, name) for f in self.files) for name in COUNTS}

    def as_dict(self) -> dict[str, Any]:
        return {**self.totals(), "files": [f.as_dict() for f in self.files]}


def accounting_words(t: dict[str, int]) -> str:
    """The row accounting in one sentence, as the command line and the upload page say it."""
    return (
        f"Read {t['read']:,} rows: {t['inserted']:,} new, {t['updated']:,} updated, "
        f"{t['unchanged']:,} already up to date, {t['quarantined']:,} quarantined."
    )
