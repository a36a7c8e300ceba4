"""The chronology's entries as CSV: one row per entry, the facts only, safe in a spreadsheet.

Agency text such as ``=HYPERLINK(...)`` would run as a formula in a
spreadsheet, so every cell goes through :func:`~wholestory.exporting.neutralise`
here, whichever writer the rows are given to. The analysis (flags, summary)
has its own outputs: the report (:mod:`wholestory.chronology.render`) and the
review pack.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Final

from wholestory.chronology.anonymise import anonymise as make_anonymous
from wholestory.chronology.display import role_label
from wholestory.chronology.model import Chronology
from wholestory.exporting import neutralise, write_csv

#: How each entry was shared with the reader, by entry id, in words (issue 18): a report of a
#: chronology shaped by the sharing agreement says under which rule each entry is shown.
Sharing = dict[str, str]


#: The CSV's columns: one row per entry, the facts only (the analysis has its own outputs).
CSV_COLUMNS: Final[tuple[str, ...]] = (
    "number",
    "date",
    "precision",
    "approximate",
    "agencies",
    "event_type",
    "event_types",
    "inferred",
    "category",
    "role",
    "household",
    "involved",
    "summary",
    "action",
    "outcome",
    "sources",
    "merged_because",
)


def to_csv_rows(chronology: Chronology, sharing: Sharing | None = None) -> list[list[str]]:
    """The entries as CSV rows under :data:`CSV_COLUMNS`, every cell neutralised.

    With ``sharing``, each row ends with how the entry was shared (a ``shared``
    column after :data:`CSV_COLUMNS`).

    Agency text such as ``=HYPERLINK(...)`` would run as a formula in a
    spreadsheet; each cell goes through :func:`~wholestory.exporting.neutralise`
    here, so the rows are safe whichever writer they are given to.
    """
    rows = []
    for number, entry in enumerate(chronology.entries, start=1):
        row = [
            str(number),
            entry.date,
            entry.precision,
            "yes" if entry.approximate else "no",
            "; ".join(entry.agencies or [entry.agency]),
            entry.event_type,
            "; ".join(dict.fromkeys(entry.event_types)),
            "yes" if entry.inferred else "no",
            entry.category,
            entry.role,
            "yes" if entry.household else "no",
            "; ".join(involved_words(i.name, i.relation, i.role) for i in entry.involved),
            entry.summary,
            entry.action,
            entry.outcome,
            "; ".join(f"{s.agency} {s.record_id}" for s in entry.sources),
            entry.merged_because,
        ]
        if sharing is not None:
            row.append(sharing.get(entry.id, ""))
        rows.append([neutralise(cell) for cell in row])
    return rows


def csv_text(
    chronology: Chronology, anonymise: bool = False, sharing: Sharing | None = None
) -> str:
    """The whole CSV as text: a byte-order mark (so spreadsheets read accented names right),
    the header, then :func:`to_csv_rows`. With ``sharing``, a last ``shared`` column."""
    if anonymise:
        chronology = make_anonymous(chronology)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([*CSV_COLUMNS, "shared"] if sharing is not None else CSV_COLUMNS)
    writer.writerows(to_csv_rows(chronology, sharing))
    return out.getvalue()


def write_chronology_csv(
    chronology: Chronology, path: Path, anonymise: bool = False, force: bool = False
) -> None:
    """Write the entries' CSV with :func:`~wholestory.exporting.write_csv` (never overwrites
    unless ``force``)."""
    if anonymise:
        chronology = make_anonymous(chronology)
    write_csv(path, CSV_COLUMNS, to_csv_rows(chronology), force=force)


def involved_words(name: str, relation: str, role: str) -> str:
    """ "Donna Marlowe (mother, victim)"; a part already in the name is not said twice."""
    relation = relation.replace("_", " ").lower()
    parts = [p for p in dict.fromkeys([relation, role_label(role)]) if p]
    details = ", ".join(p for p in parts if p.casefold() not in name.casefold())
    return f"{name} ({details})" if details else name
