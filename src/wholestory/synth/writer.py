"""CSV output: one file per agency, the police's dash table, relationships, the agencies file,
ground truth, a manifest; with a feed (:mod:`wholestory.synth.feed`), the agency files of
its days beside them.

Rows are written as households are generated, so memory stays flat. The
writer also plants the deliberately bad rows (about one in 2,000, on routine
records only, so no indicator depends on them) and lists each in
``ground_truth/bad_rows.csv`` with the column at fault.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any, Final

from wholestory.records.csv_files import CsvFiles
from wholestory.records.template import (
    COLUMNS,
    CURRENT_VIEW_COLUMNS,
    DASH_COLUMNS,
    EVENT_TYPES,
    NEEDS_COLUMNS,
    RELATIONSHIP_COLUMNS,
    THRIVE_COLUMNS,
)
from wholestory.synth import thrive, thrive_truth
from wholestory.synth.agencies import AGENCIES
from wholestory.synth.dash_rows import DASH_FILE
from wholestory.synth.feed import ALERT_COLUMNS, ALERTS_FILE, FEED, Written, feed_file
from wholestory.synth.measures_truth import CASE_COLUMNS, CASES_FILE, MEASURE_COLUMNS, MEASURES_FILE
from wholestory.synth.needs_rows import NEEDS_FILE
from wholestory.synth.needs_rows import TRUTH_COLUMNS as NEEDS_TRUTH_COLUMNS
from wholestory.synth.views import TRUTH_COLUMNS as VIEWS_TRUTH_COLUMNS
from wholestory.synth.views import TRUTH_FILE as VIEWS_TRUTH
from wholestory.synth.views import VIEW_COLUMNS, VIEWS_FILE

GROUND_TRUTH: Final = "ground_truth"
#: Ground truth files and their columns.
TRUTH_FILES: Final[dict[str, tuple[str, ...]]] = {
    "people.csv": ("agency", "person_id", "true_id", "registered"),
    "persons.csv": (
        "true_id", "kind", "given_name", "family_name", "date_of_birth", "sex",
        "household_id", "twin_of", "nhs_number",
    ),
    "events.csv": ("agency", "record_id", "true_event_id", "true_event_type"),
    "patterns.csv": ("true_id", "code", "kind", "note"),
    "bad_rows.csv": ("agency", "record_id", "column", "problem"),
    "marac_candidates.csv": ("true_id", "criterion", "note"),  # synth/marac_truth.py
    "confidential_addresses.csv": ("household_id", "postcode", "address", "from"),
    "needs.csv": NEEDS_TRUTH_COLUMNS,  # synth/needs_rows.py
}  # fmt: skip
#: The looks at chronologies planted around assessments, and the practice measures' truth.
USAGE_FILES: Final[dict[str, tuple[str, ...]]] = {
    VIEWS_FILE: VIEW_COLUMNS,  # synth/views.py
    VIEWS_TRUTH: VIEWS_TRUTH_COLUMNS,
    CASES_FILE: CASE_COLUMNS,  # synth/measures_truth.py
    MEASURES_FILE: MEASURE_COLUMNS,
}
#: THRIVE's tables and their ground truth (synth/thrive.py, synth/thrive_truth.py).
THRIVE_FILES: Final[dict[str, tuple[str, ...]]] = {
    thrive.THRIVE_FILE: THRIVE_COLUMNS,
    thrive.CURRENT_VIEW_FILE: CURRENT_VIEW_COLUMNS,
    thrive.GROUPINGS_FILE: thrive.GROUPINGS_COLUMNS,
    thrive_truth.UNMET_FILE: thrive_truth.UNMET_COLUMNS,
    thrive_truth.WAITS_FILE: thrive_truth.WAITS_COLUMNS,
}
#: Codes that look like an agency's own but are not in the template's vocabulary.
BAD_CODES: Final = tuple(
    code
    for code in ("APPT_ATTENDED", "SCHOOL_STRT", "CONTACT_MADE", "HOUSEMOVE", "DNA_APPT")
    if code not in EVENT_TYPES
)
_BAD_EVERY: Final = (1_500, 2_500)
#: The partnership-wide agencies file: what each agency's person ids mean.
AGENCIES_FILE: Final = "agencies.yaml"
_COLUMN: Final = {name: i for i, name in enumerate(COLUMNS)}


def agency_file(agency: str) -> str:
    """The file name of an agency's export."""
    return f"{agency.lower()}.csv"


class PartnershipWriter(CsvFiles):
    """Open CSV writers for every output file, with row counts."""

    def __init__(self, out: Path, seed: int, feed_from: dt.date | None = None) -> None:
        super().__init__()
        self.out = out
        (out / GROUND_TRUTH).mkdir(parents=True, exist_ok=True)
        self.counts: dict[str, int] = {}
        self._writers: dict[str, Any] = {}
        for agency in AGENCIES:
            self._open(agency_file(agency), COLUMNS)
        self.feed_from = feed_from  # rows of this day on go to feed/; None: no feed
        self.written: list[Written] = []  # a household's rows, for its ground truth
        if feed_from is not None:
            (out / FEED).mkdir(exist_ok=True)
            for agency in AGENCIES:
                self._open(feed_file(agency_file(agency)), COLUMNS)
            self._open(ALERTS_FILE, ALERT_COLUMNS)
        self._open("relationships.csv", RELATIONSHIP_COLUMNS)
        self._open(DASH_FILE, DASH_COLUMNS)
        self._open(NEEDS_FILE, NEEDS_COLUMNS)
        for name, header in TRUTH_FILES.items():
            self._open(f"{GROUND_TRUTH}/{name}", header)
        (out / VIEWS_FILE).parent.mkdir(exist_ok=True)
        for name, header in (USAGE_FILES | THRIVE_FILES).items():
            self._open(name, header)
        for name in AGENCIES:
            self._writers[name] = self._writers[agency_file(name)]
        self._others: list[str] = []  # files written whole, not as rows
        self._bad_rng = random.Random(f"bad-rows:{seed}")
        self._countdown = self._bad_rng.randint(*_BAD_EVERY)
        self.bad_rows = 0

    def _open(self, name: str, header: tuple[str, ...]) -> None:
        self._writers[name] = self.open_csv(self.out / name, header)
        self.counts[name] = 0

    def event_row(
        self,
        row: list[str],
        true_event: str,
        true_type: str,
        corruptible: bool,
        day: dt.date,
        person: str,
    ) -> None:
        """One agency row and its ground-truth event; now and then a bad row.

        ``day`` is the record's true day, ``person`` the true id of the row's person. With
        a feed, a row of its days goes to the feed's file of the agency. Every row is kept
        in :attr:`written` until the household's ground truth (alerts, practice measures)
        is written.
        """
        agency = row[0]
        self._countdown -= 1
        bad = corruptible and self._countdown <= 0
        if bad:
            self._corrupt(row)
            self._countdown = self._bad_rng.randint(*_BAD_EVERY)
        name = agency_file(agency)
        written = row[_COLUMN["person_id"]], row[_COLUMN["event_date"]]
        self.written.append(Written(person, agency, row[1], day, true_type, bad, *written))
        if self.feed_from is not None and day >= self.feed_from:
            name = feed_file(name)
        self._writers[name].writerow(row)
        self.counts[name] += 1
        self._writers["ground_truth/events.csv"].writerow((agency, row[1], true_event, true_type))
        self.counts["ground_truth/events.csv"] += 1

    def _corrupt(self, row: list[str]) -> None:
        """Spoil one required value the way broken exports do, and note it."""
        kind = self._bad_rng.choice(("date", "type", "summary"))
        if kind == "date":
            year = row[_COLUMN["event_date"]][:4]
            bad = self._bad_rng.choice(("02-30", "02-31", "04-31", "09-31", "13-01"))
            column, value, problem = "event_date", f"{year}-{bad}", "impossible date"
        elif kind == "type":
            value = self._bad_rng.choice(BAD_CODES)
            column, problem = "event_type", "event type not in the vocabulary"
        else:
            column, value, problem = "summary", "", "required summary missing"
        row[_COLUMN[column]] = value
        self.write("ground_truth/bad_rows.csv", (row[0], row[1], column, f"{problem}: '{value}'"))
        self.bad_rows += 1

    def write(self, name: str, row: tuple[str, ...] | list[str]) -> None:
        """A row of a non-agency file (relationships or ground truth)."""
        self._writers[name].writerow(row)
        self.counts[name] += 1

    def agencies(self, episode: tuple[str, ...]) -> None:
        """``agencies.yaml``: the agencies that give a new person id per episode.

        Agencies not named give one id per person (the default), so only the
        episode agencies are listed, in the shape the partnership's own file has::

            agencies:
              ED: {person_ids: episode}
        """
        lines = ["agencies:"] + [f"  {code}: {{person_ids: episode}}" for code in episode]
        body = "\n".join(lines) + "\n" if episode else "agencies: {}\n"
        (self.out / AGENCIES_FILE).write_text(body, encoding="utf-8")
        self._others.append(AGENCIES_FILE)

    def agency_rows(self, agency: str) -> int:
        """The rows written for ``agency``: its base file's and its feed's."""
        name = agency_file(agency)
        return self.counts[name] + self.counts.get(feed_file(name), 0)

    def files(self) -> list[Path]:
        """Every file written, the manifest included."""
        written = [*self.counts, *self._others, "manifest.json"]
        return [self.out / name for name in written]

    def manifest(self, details: dict[str, Any]) -> None:
        """manifest.json: how the files were made and how many rows each has."""
        body = {**details, "files": dict(sorted(self.counts.items()))}
        text = json.dumps(body, indent=2, sort_keys=True) + "\n"
        (self.out / "manifest.json").write_text(text, encoding="utf-8")
