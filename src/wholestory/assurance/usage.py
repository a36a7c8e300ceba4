"""A synthetic partnership's looks at chronologies, replayed into WholeStory's audit log.

The first practice measure reads who opened a child's chronology from the audit log,
which no agency exports. Both synthetic generators therefore write what their invented
users looked at beside the agency files, in ``usage/chronology_views.csv`` (the
contract: one row a look, with the columns of :data:`COLUMNS`; the child named as one
agency's records hold them; the time in UTC). Once the partnership is imported and
linked, :func:`replay` turns each row into the entry a page would have written: the same
action (``view`` for the chronology, ``download`` for its PDF), actor, agency, role,
person (the WholeStory person the agency's id is linked to, or the agency's key while it
is unlinked, as pages name people), page and outcome, at the time of the look. Every
entry says, in its reason and its detail, that it was replayed from a synthetic
partnership and that no one looked.

A look at a child no record in the store names (its agency's rows never arrived) cannot
be replayed: it is counted and listed in :class:`Replayed`, never dropped unsaid. A store
that already holds replayed looks is left as it is, so running the demo twice does not
count every look twice.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import quote

from wholestory import audit
from wholestory.audit.actions import Action
from wholestory.records.keys import source_key
from wholestory.store import Store

#: Where a partnership's looks are, inside its folder.
VIEWS_FILE: Final = "usage/chronology_views.csv"
COLUMNS: Final = (
    "viewer", "viewer_agency", "viewer_role", "page", "child_agency", "child_person_id", "at",
)  # fmt: skip
#: The page of each look, and what a look at it writes: the action and the path's tail.
PAGES: Final[dict[str, tuple[str, str]]] = {
    "chronology": (Action.VIEW.value, ""),
    "download": (Action.DOWNLOAD.value, "/chronology.pdf"),
}
#: The reason every replayed entry gives: it marks them, so they are never replayed twice.
REASON: Final = "Replayed from a synthetic partnership's usage file: no one looked."


class UsageFileError(ValueError):
    """A usage file that cannot be read: the message names the file, the row and what is wrong."""


@dataclass(frozen=True, slots=True)
class Look:
    """One row of the usage file."""

    row: int  # the file's row number, the header being row 1
    viewer: str
    agency: str
    role: str
    page: str
    child: str  # AGENCY:PERSON_ID
    at: dt.datetime


@dataclass(slots=True)
class Replayed:
    """What a replay wrote, and what it could not."""

    written: int = 0
    unlinked: int = 0  # written under the agency's key: the child is not linked to anyone
    unknown: list[str] = field(default_factory=list)  # "row N: AGENCY:ID", no record names
    already: bool = False  # the store held replayed looks: nothing was written

    def words(self) -> str:
        """What happened, in a sentence for the command line."""
        if self.already:
            return "Looks at chronologies were replayed before: none written again."
        said = f"{self.written:,} looks at chronologies replayed into the audit log"
        if self.unlinked:
            said += f" ({self.unlinked:,} of children not yet linked, under their agency's id)"
        if self.unknown:
            said += f"; {len(self.unknown):,} not replayed: no record names the child"
        return said + "."


def read_looks(folder: Path) -> list[Look]:
    """The looks in ``folder``'s usage file (none if it has none), or :class:`UsageFileError`."""
    path = folder / VIEWS_FILE
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise UsageFileError(f"{path}: no column {', '.join(missing)} in the header")
        return [_look(path, n, row) for n, row in enumerate(reader, start=2)]


def replay(store: Store, folder: Path) -> Replayed:
    """Write an audit entry for each look in ``folder``'s usage file (see the module note)."""
    done = Replayed()
    if store.query("SELECT 1 FROM ws_audit WHERE reason = ? LIMIT 1", [REASON]):
        done.already = True
        return done
    looks = read_looks(folder)
    people = _people(store, sorted({look.child for look in looks}))
    for look in sorted(looks, key=lambda k: (k.at, k.row)):
        person = people.get(look.child)
        if person is None:
            done.unknown.append(f"row {look.row}: {look.child}")
            continue
        audit.append(store, _event(look, person, folder), now=look.at)
        done.written += 1
        done.unlinked += int(person == look.child)
    return done


def replay_views(store: Store, folder: Path) -> int:
    """Replay ``folder``'s looks (:func:`replay`); the number of audit entries written."""
    return replay(store, folder).written


def _event(look: Look, person: str, folder: Path) -> audit.Event:
    """The entry a page view of ``person`` by the look's user writes (``guard.person_page``)."""
    action, tail = PAGES[look.page]
    return audit.Event(
        actor=look.viewer,
        action=action,
        agency=look.agency,
        role=look.role,
        person=person,
        target=f"/people/{quote(person, safe=':')}{tail}",
        reason=REASON,
        outcome="allowed",
        detail={
            "replayed": "synthetic partnership",
            "file": f"{folder.name}/{VIEWS_FILE}",
            "row": look.row,
            "child": look.child,
            "query": {},
        },
    )


def _people(store: Store, keys: list[str]) -> dict[str, str]:
    """Each agency key's WholeStory person, or the key itself while it is unlinked."""
    if not keys:
        return {}
    condition, params = store.keys_in("key", keys)
    return {
        str(key): str(person or key)
        for key, person in store.query(
            f"SELECT key, ws_person_id FROM ws_source_person WHERE {condition}", params
        )
    }


def _look(path: Path, number: int, row: dict[str, str]) -> Look:
    """One row as a :class:`Look`, or :class:`UsageFileError` naming what is wrong."""
    where = f"{path}, row {number}"
    if row["page"] not in PAGES:
        raise UsageFileError(f"{where}, page: '{row['page']}' is not one of {', '.join(PAGES)}")
    try:
        at = dt.datetime.fromisoformat(row["at"])
    except ValueError:
        raise UsageFileError(f"{where}, at: '{row['at']}' is not a date and time") from None
    if at.tzinfo is None:
        raise UsageFileError(f"{where}, at: '{row['at']}' gives no time zone (UTC is +00:00)")
    empty = [c for c in COLUMNS if not (row.get(c) or "").strip()]
    if empty:
        raise UsageFileError(f"{where}: {', '.join(empty)} empty")
    return Look(
        row=number,
        viewer=row["viewer"].strip(),
        agency=row["viewer_agency"].strip().upper(),
        role=row["viewer_role"].strip(),
        page=row["page"],
        child=source_key(row["child_agency"].strip(), row["child_person_id"].strip()),
        at=at.astimezone(dt.UTC),
    )
