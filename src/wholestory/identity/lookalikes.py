"""Look-alike sets: many records with one name, date of birth and address.

A messy file (a placeholder name typed into every row, an export that gave
each row a new id) can bring hundreds of records that share a name, a date of
birth and an address. Scored pair by pair, 2,000 of them make about two
million pairs: linking runs out of memory and the review queue floods. Such a
set is not a question about two people, so it is not scored at all: its
records stay apart (each their own person), and the review queue shows one
item, "2,000 records look alike: check this file", naming the files and
agencies they came from, for a person to take up with the agency.

Why more than :data:`LOOKALIKE_LIMIT` (50): a real person has a few ids at
each of a dozen or so agencies; in a synthetic partnership of 3,000 children
(an emergency department giving a new id for about half of repeat attendances)
the largest set of records sharing all three details is 6. Fifty is well clear
of that and still small enough that 50 records (1,225 pairs) score in moments.
An emergency department's frequent attender with more than 50 attendances
under the same details is held too: a person checking 50 records is the safe
side of linking them by machine.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final

import polars as pl

from wholestory.store.connection import Store

#: A set of more records than this sharing a name, date of birth and address is not scored.
LOOKALIKE_LIMIT: Final = 50

#: The details a look-alike set shares, as the model frame holds them (normalised).
SHARED: Final = ("given", "family", "dob", "address")


def find_lookalikes(frame: pl.DataFrame, limit: int = LOOKALIKE_LIMIT) -> pl.DataFrame:
    """The records of sets larger than ``limit``: columns ``key`` and ``set_id``.

    A set needs a given name, a family name and a date of birth; a missing
    address counts as one shared "no address" (2,000 records with no address
    flood the queue just the same). ``set_id`` is a hash of the shared
    details, so a set keeps its id from one run to the next.
    """
    if frame.is_empty():
        return pl.DataFrame(schema={"key": pl.String, "set_id": pl.String})
    details = frame.select(
        pl.col("unique_id").alias("key"),
        *[pl.col(c).cast(pl.String).fill_null("") for c in SHARED],
    ).filter(pl.col("given") != "", pl.col("family") != "", pl.col("dob") != "")
    large = details.filter(pl.len().over(SHARED) > limit)
    return large.select(
        "key",
        pl.concat_str(list(SHARED), separator="|")
        .map_elements(_set_id, return_dtype=pl.String)
        .alias("set_id"),
    )


def _set_id(shared: str) -> str:
    """A short, stable id for a set (not a secret: it names a set, it hides nothing)."""
    return hashlib.sha256(shared.encode()).hexdigest()[:16]


def without_lookalikes(frame: pl.DataFrame, sets: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the records of look-alike sets taken out, to train and score on."""
    if sets.is_empty():
        return frame
    return frame.filter(~pl.col("unique_id").is_in(sets["key"].implode()))


def save_lookalikes(store: Store, sets: pl.DataFrame) -> None:
    """Replace the stored sets with ``sets`` (found over every record, so all of them)."""
    with store.transaction():
        store.execute("DELETE FROM ws_lookalike")
        store.insert_frame("ws_lookalike", sets.select("key", "set_id"))


@dataclass(frozen=True)
class LookalikeSet:
    """One look-alike set as the review queue shows it."""

    set_id: str
    records: int
    agencies: tuple[str, ...]
    files: tuple[str, ...]
    given_name: str
    family_name: str
    date_of_birth: str
    address: str

    @property
    def headline(self) -> str:
        """What the queue says: "2,000 records look alike: check this file"."""
        files = "this file" if len(self.files) <= 1 else "these files"
        return f"{self.records:,} records look alike: check {files}"


def lookalike_sets(store: Store, agency: str | None = None) -> list[LookalikeSet]:
    """The stored sets, largest first; only those with ``agency``'s records when given.

    One query per set for its files and an example record: there are few sets
    (each has more than 50 records), so this never reads the records in bulk.
    """
    where, params = ("", []) if agency is None else (" WHERE s.agency = ?", [agency])
    rows = store.query(
        "SELECT l.set_id, COUNT(*), MIN(l.key) FROM ws_lookalike l "
        "JOIN ws_source_person s ON s.key = l.key"
        f"{where} GROUP BY l.set_id ORDER BY COUNT(*) DESC, l.set_id",
        params,
    )
    return [_one_set(store, str(set_id), int(n), str(first)) for set_id, n, first in rows]


def lookalike_count(store: Store, agency: str | None = None) -> int:
    """How many look-alike sets wait (``agency``'s only when given)."""
    where, params = ("", []) if agency is None else (" WHERE s.agency = ?", [agency])
    return int(
        store.scalar(
            "SELECT COUNT(DISTINCT l.set_id) FROM ws_lookalike l "
            f"JOIN ws_source_person s ON s.key = l.key{where}",
            params,
        )
        or 0
    )


def _one_set(store: Store, set_id: str, records: int, first: str) -> LookalikeSet:
    agencies = store.query(
        "SELECT DISTINCT s.agency FROM ws_lookalike l JOIN ws_source_person s ON s.key = l.key "
        "WHERE l.set_id = ? ORDER BY s.agency",
        [set_id],
    )
    files = store.query(
        "SELECT DISTINCT i.file_name FROM ws_lookalike l "
        "JOIN ws_source_person s ON s.key = l.key "
        "JOIN ws_record r ON r.agency = s.agency AND r.person_id = s.person_id "
        "JOIN ws_import i ON i.id = r.import_id WHERE l.set_id = ? ORDER BY i.file_name",
        [set_id],
    )
    example = store.query(
        "SELECT given_name, family_name, date_of_birth, address FROM ws_source_person "
        "WHERE key = ?",
        [first],
    )
    given, family, born, address = example[0] if example else ("", "", "", "")
    return LookalikeSet(
        set_id,
        records,
        tuple(str(a) for (a,) in agencies),
        tuple(str(f) for (f,) in files),
        str(given or ""),
        str(family or ""),
        str(born or ""),
        str(address or ""),
    )
