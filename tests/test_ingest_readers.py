"""The fast CSV reader and the careful one agree, row for row and number for number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from factories import event_row, write_csv
from wholestory.ingest.reading import FastCsvTable, RowTable, open_table
from wholestory.ingest.tables import _record_blocks
from wholestory.records.template import COLUMNS

TODAY = dt.date(2026, 11, 26)


def tricky_rows() -> list[dict[str, str]]:
    return [
        event_row(1, summary='Said "get out"\nthen left, slamming the door'),
        event_row(2, summary="Comma, in, the, summary", given_name="Zoë"),
        event_row(3, summary='=HYPERLINK("x")'),
        event_row(4, summary="Line one\r\nline two"),
        event_row(5, event_date="2020-02-30"),
    ]


def frames(path: Path, careful: bool) -> pl.DataFrame:
    table = open_table(path, careful=careful)
    assert isinstance(table, RowTable if careful else FastCsvTable)
    return pl.concat([c.frame for c in table.chunks(2)]).with_columns(
        pl.col(pl.String).fill_null("")
    )


def test_fast_and_careful_readers_agree(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", tricky_rows(), encoding="utf-8-sig", newline="\r\n")
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("\r\n")  # a blank line, then one more row
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(",".join(event_row(6).get(c, "") for c in COLUMNS) + "\r\n")
    fast, careful = frames(path, careful=False), frames(path, careful=True)
    assert fast.equals(careful)
    assert fast["source_row"].to_list() == [2, 3, 4, 5, 6, 8]
    assert 'Said "get out"\nthen left' in fast["c17"].to_list()[0]


def test_blocks_end_at_record_boundaries(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", tricky_rows() * 50)
    body = path.read_bytes()
    offset = body.index(b"\n") + 1
    blocks = list(_record_blocks(path, offset, block_bytes=97))
    assert b"".join(blocks) == body[offset:]
    for block in blocks:
        assert block.count(b'"') % 2 == 0 and block.endswith(b"\n")


def test_cr_only_files_are_read_carefully_and_never_as_no_rows(tmp_path: Path) -> None:
    import pytest

    from wholestory.ingest.limits import Limits
    from wholestory.ingest.reading import FastPathUnavailable

    path = write_csv(tmp_path / "mac.csv", tricky_rows(), newline="\r")
    table = open_table(path)
    assert isinstance(table, RowTable)  # the fast reader does not see CR alone as a line end
    assert [c.frame["source_row"].to_list() for c in table.chunks(10)] == [[2, 3, 4, 5, 6]]
    header_end = path.read_bytes().index(b"\r") + 1
    fast = FastCsvTable(path, table.header, header_end, Limits())
    with pytest.raises(FastPathUnavailable):  # had it been given one, it says so
        list(fast.chunks(10))
