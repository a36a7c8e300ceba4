"""Records an agency marks as restricted (issue 18): the template's ``restricted`` column, end
to end, from the file to the chronology's records and the level another agency sees.

Everyone here is invented: a girl of 16 whose GP marks some of her consultations restricted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronology_factory import entry
from factories import event_row, write_csv
from wholestory.chronology.model import Source
from wholestory.chronology.stored import build_all, chronology_of, stored_chronology
from wholestory.ingest import ingest_file
from wholestory.ingest.profiles import Profile
from wholestory.ingest.validation import Reading, validate_events
from wholestory.records.template import COLUMNS, RESTRICTED_CODE
from wholestory.sharing import FULL, RESTRICTED, ViewerTable, default_agreement, shape_entry
from wholestory.sharing.decide import OWN_RECORDS, RESTRICTED_MARKER, RESTRICTED_TYPE
from wholestory.store import Store
from wholestory.store.imports import list_quarantine
from wholestory.store.records import with_content_hash

TODAY = dt.date(2026, 11, 30)
GIRL = "GP:GP0101"
#: The template as it was before the column: what an agency's older export has.
OLD_COLUMNS = tuple(c for c in COLUMNS if c != "restricted")


def _consultation(n: int, restricted: str = "", **more: str) -> dict[str, str]:
    more.setdefault("summary", f"Consultation {n}")
    return event_row(
        n,
        agency="GP",
        record_id=f"GPR{n}",
        person_id="GP0101",
        given_name="Tamsin",
        family_name="Quarrell",
        date_of_birth="2010-02-11",
        sex="F",
        nhs_number="",
        role="SUBJECT",
        event_id="",
        event_date=f"2026-{(n - 1) % 9 + 1:02d}-10",
        event_type="APPOINTMENT_ATTENDED",
        restricted=restricted,
        **more,
    )


def _stored(store: Store) -> dict[str, str | None]:
    return dict(store.query("SELECT record_id, restricted FROM ws_record"))


def test_a_restricted_row_is_imported_with_its_code_and_reaches_the_chronology(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        _consultation(1, "SEXUAL_HEALTH", summary="Confidential consultation: contraception"),
        _consultation(2, " sexual_health "),  # read whatever the case, trimmed
        _consultation(3, "Yes"),  # restricted, category not said
        _consultation(4, "no"),  # ordinary, as a blank is
        _consultation(5),
        _consultation(6, "PARTNERSHIP_CODE_7"),  # a partnership's own code
    ]
    result = ingest_file(store, write_csv(tmp_path / "gp.csv", rows), today=TODAY)
    assert (result.inserted, result.quarantined, result.ignored_columns) == (6, 0, [])
    assert _stored(store) == {
        "GPR1": "SEXUAL_HEALTH",
        "GPR2": "SEXUAL_HEALTH",
        "GPR3": "RESTRICTED",
        "GPR4": None,
        "GPR5": None,
        "GPR6": "PARTNERSHIP_CODE_7",
    }
    build_all(store, as_of=TODAY)
    sources = {s.record_id: s for e in chronology_of(store, GIRL, TODAY).entries for s in e.sources}
    assert sources["GPR1"].restricted == "SEXUAL_HEALTH"
    assert sources["GPR1"].summary == "Confidential consultation: contraception"
    assert {k: s.restricted for k, s in sources.items()} == {
        "GPR1": "SEXUAL_HEALTH",
        "GPR2": "SEXUAL_HEALTH",
        "GPR3": "RESTRICTED",
        "GPR4": "",
        "GPR5": "",
        "GPR6": "PARTNERSHIP_CODE_7",
    }
    stored = stored_chronology(store, GIRL)
    assert stored is not None
    records = {r["record_id"]: r for e in stored["entries"] for r in e["records"]}
    assert records["GPR1"]["restricted"] == "SEXUAL_HEALTH" and records["GPR5"]["restricted"] == ""


def test_a_profile_maps_an_exports_own_column_and_codes(store: Store, tmp_path: Path) -> None:
    profile = Profile(
        columns={"restricted": "Sensitivity"}, codes={"restricted": {"SH": "SEXUAL_HEALTH"}}
    )
    rows = [_consultation(1), _consultation(2), _consultation(3)]
    for row, said in zip(rows, ("sh", "", "Adoption"), strict=True):
        row["Sensitivity"] = said
    path = write_csv(tmp_path / "gp.csv", rows, columns=[*OLD_COLUMNS, "Sensitivity"])
    result = ingest_file(store, path, profile=profile, today=TODAY)
    assert (result.inserted, result.quarantined) == (3, 0)
    assert _stored(store) == {"GPR1": "SEXUAL_HEALTH", "GPR2": None, "GPR3": "ADOPTION"}


@pytest.mark.parametrize(
    "value",
    ["maybe?", "sexual health", "SEXUAL-HEALTH", "1st", "_HIDDEN", "A" * 41, "yes please"],
)
def test_a_value_that_is_not_a_code_quarantines_the_row_and_the_rest_go_in(
    store: Store, tmp_path: Path, value: str
) -> None:
    rows = [_consultation(1, "SEXUAL_HEALTH"), _consultation(2, value), _consultation(3)]
    result = ingest_file(store, write_csv(tmp_path / "gp.csv", rows), today=TODAY)
    assert (result.inserted, result.quarantined) == (2, 1)
    [held] = list_quarantine(store)
    assert (held.file_name, held.row_number, held.columns) == ("gp.csv", 3, "restricted")
    assert held.reason == (
        f"restricted: '{value}' is not a restricted category code (letters, digits and _ "
        "such as SEXUAL_HEALTH, or yes; blank for an ordinary record)"
    )
    assert held.raw["restricted"] == value
    assert _stored(store) == {"GPR1": "SEXUAL_HEALTH", "GPR3": None}  # never in as ordinary


_CODE = re.compile(RESTRICTED_CODE)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=12),
            st.from_regex(RESTRICTED_CODE, fullmatch=True),
            st.sampled_from(["yes", " Y ", "true", "1", "No", "n", "FALSE", "0", "", "  "]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_every_value_is_a_code_ordinary_or_quarantined_never_lost(values: list[str]) -> None:
    """A property: no value that says anything but blank or no is ever stored as ordinary."""
    rows = [_consultation(n, value) for n, value in enumerate(values, start=1)]
    chunk = pl.DataFrame(
        {
            **{f"c{i}": [row.get(c, "") for row in rows] for i, c in enumerate(COLUMNS)},
            "source_row": list(range(2, len(rows) + 2)),
        },
        schema={**{f"c{i}": pl.String for i in range(len(COLUMNS))}, "source_row": pl.Int64},
    )
    reading = Reading(list(COLUMNS), dict(enumerate(COLUMNS)), Profile(), TODAY)
    checked = validate_events(chunk, reading)
    kept = dict(zip(checked.good["source_row"], checked.good["restricted"], strict=True))
    rejected = {r.row for r in checked.rejected}
    for row, value in enumerate(values, start=2):
        assert (row in kept) != (row in rejected), value
        said = value.strip().upper()
        if row in rejected:
            assert "restricted" in {r.columns for r in checked.rejected if r.row == row}
        elif kept[row] is None:  # ordinary only when the cell says nothing, or no
            assert said in ("", "NO", "N", "FALSE", "0"), value
        else:
            assert _CODE.match(kept[row]) and kept[row] in (said, "RESTRICTED"), value
        if re.fullmatch(r" *[A-Za-z0-9_]+ *", value):  # plain text: the expected reading
            if said in ("YES", "Y", "TRUE", "1"):
                assert kept[row] == "RESTRICTED", value
            elif said not in ("NO", "N", "FALSE", "0") and _CODE.match(said):
                assert kept[row] == said, value


def test_an_old_file_without_the_column_is_unchanged_on_import_again(
    store: Store, tmp_path: Path
) -> None:
    rows = [_consultation(1), _consultation(2, date_of_death="2026-05-01")]
    old = write_csv(tmp_path / "old.csv", rows, columns=OLD_COLUMNS)
    first = ingest_file(store, old, today=TODAY)
    assert (first.inserted, first.ignored_columns) == (2, [])
    again = ingest_file(store, old, today=TODAY)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    blank = ingest_file(store, write_csv(tmp_path / "new.csv", rows), today=TODAY)
    assert (blank.updated, blank.unchanged) == (0, 2)  # an empty column changes nothing
    rows[1]["restricted"] = "SEXUAL_HEALTH"
    marked = ingest_file(store, write_csv(tmp_path / "marked.csv", rows), today=TODAY)
    assert (marked.updated, marked.unchanged) == (1, 1)
    assert _stored(store) == {"GPR1": None, "GPR2": "SEXUAL_HEALTH"}
    assert store.scalar("SELECT COUNT(*) FROM ws_record_version WHERE record_id = 'GPR2'") == 1


def test_a_rows_hash_takes_in_the_later_columns_it_fills_and_no_others() -> None:
    """A row stored before ``restricted`` existed keeps its hash; a filled one changes it."""
    base = {"agency": ["GP"] * 4, "record_id": ["A", "B", "C", "D"], "summary": ["s"] * 4}
    death = ["2026-05-01", "2026-05-01", None, None]
    before = pl.DataFrame({**base, "date_of_death": death})
    after = before.with_columns(
        pl.Series("restricted", [None, "SEXUAL_HEALTH", "SEXUAL_HEALTH", None], dtype=pl.String)
    )
    old, new = with_content_hash(before)["row_hash"], with_content_hash(after)["row_hash"]
    assert new[0] == old[0] and new[3] == old[3]  # restricted empty: as before the column
    assert new[1] != old[1] and new[2] != old[2]
    # Both later columns count: a row with a death and a mark differs from either alone.
    only_mark = with_content_hash(
        after.with_columns(pl.lit(None, pl.String).alias("date_of_death"))
    )
    assert new[1] != only_mark["row_hash"][1]
    assert new[2] == only_mark["row_hash"][2]


def _source(agency: str, restricted: str = "") -> Source:
    return Source(
        agency=agency, record_id="GPR1", person_id="GP0101", name="Tamsin Quarrell",
        role="SUBJECT", date="2026-01-10", approximate=False, event_type="APPOINTMENT_ATTENDED",
        inferred=False, summary="Confidential consultation: contraception", action="Advice",
        outcome="", practitioner="Dr A. Penrose", team="Harbourside Surgery", own=True,
        restricted=restricted,
    )  # fmt: skip


def test_a_marked_record_is_restricted_elsewhere_and_full_at_its_own_agency() -> None:
    marked, ordinary = _source("GP", "SEXUAL_HEALTH"), _source("GP")
    agreement = default_agreement()
    csc = ViewerTable(agreement, "CSC", "practitioner")
    gp = ViewerTable(agreement, "GP", "practitioner")
    assert csc.for_source(entry(1, marked), marked) == (RESTRICTED, RESTRICTED_MARKER)
    assert gp.for_source(entry(1, marked), marked) == (FULL, OWN_RECORDS)
    # The same record unmarked is shared by the agreement's rules: the mark is what restricts.
    level, rule = csc.for_source(entry(1, ordinary), ordinary)
    assert level == FULL and rule.id == "health-to-social-care"
    # The (agency, record id) set callers pass still restricts an unmarked record.
    assert csc.for_source(entry(1, ordinary), ordinary, {("GP", "GPR1")})[0] == RESTRICTED
    shown = shape_entry(entry(1, marked), csc)
    assert shown is not None and shown.level == RESTRICTED
    [seen] = shown.entry.sources
    assert (seen.event_type, seen.summary, seen.action, seen.practitioner, seen.team) == (
        RESTRICTED_TYPE, "", "", "", ""
    )  # fmt: skip
    assert seen.restricted == "RESTRICTED"  # restricted, but not what about
    assert "SEXUAL_HEALTH" not in repr(shown.entry) and "contraception" not in repr(shown.entry)


def test_a_chronology_stored_before_the_column_reads_back() -> None:
    old = {k: v for k, v in _source("GP").as_dict().items() if k != "restricted"}
    assert Source(**old) == _source("GP")
    assert Source(**_source("GP", "ADOPTION").as_dict()).restricted == "ADOPTION"
    assert dataclasses.fields(Source)[-1].name == "restricted"
