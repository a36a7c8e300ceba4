"""The THRIVE population view (issue 16, item 4): how many children are in each grouping,
where they live, how old they are, how groupings change, who waits for CAMHS and who has
need and no help; every count from 1 to 4 hidden, and anything that would reveal one.

Read as a few set-based queries into Polars frames, never child by child, so it runs for
100,000 children in seconds (the board pack calls :func:`summary`). A child is a person
with a stored chronology who is under 18 on the day (their chronology's own judgement
when it has no full date of birth), as ``assurance.children`` reads children.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import polars as pl

from wholestory.figures import suppressed
from wholestory.store import Store
from wholestory.thrive import population_words as words
from wholestory.thrive.population_flows import flows, waiting
from wholestory.thrive.population_need import unmet_need
from wholestory.thrive.population_tables import Table, crosstab
from wholestory.thrive.vocabulary import GROUPINGS

#: The breakdowns the view offers (crossed by grouping).
BREAKDOWNS: Final = ("grouping", "district", "age", "sex")
_AGE_LIMIT: Final = 18
_BAND_STARTS: Final = ((16, 3), (11, 2), (5, 1), (0, 0))


def children(store: Store, as_of: dt.date) -> pl.DataFrame:
    """One row a child on ``as_of``: person, age band, sex, district and latest grouping."""
    people = store.query_frame(
        "SELECT ws_person_id, date_of_birth, is_child FROM ws_chronology",
        [],
        {"person": pl.Utf8(), "born": pl.Utf8(), "is_child": pl.Boolean()},
    )
    day = pl.lit(as_of)
    born = pl.col("born").str.to_date("%Y-%m-%d", strict=False)
    years = (day.dt.year() - born.dt.year()) - (
        (day.dt.month() * 100 + day.dt.day()) < (born.dt.month() * 100 + born.dt.day())
    ).cast(pl.Int32)
    people = people.with_columns(age=years).filter(
        pl.when(pl.col("age").is_null())
        .then(pl.col("is_child"))
        .otherwise((pl.col("age") >= 0) & (pl.col("age") < _AGE_LIMIT))
    )
    return (
        people.with_columns(age=_band(pl.col("age")))
        .join(_details(store), on="person", how="left")
        .join(latest_groupings(store, as_of), on="person", how="left")
        .with_columns(
            pl.col("sex").fill_null(words.UNKNOWN),
            pl.col("district").fill_null(words.UNKNOWN),
            pl.col("grouping").fill_null(""),
        )
        .select("person", "age", "sex", "district", "grouping")
    )


def _band(age: pl.Expr) -> pl.Expr:
    expr: Any = pl.when(age.is_null()).then(pl.lit(words.UNKNOWN))
    for start, index in _BAND_STARTS:
        expr = expr.when(age >= start).then(pl.lit(words.AGE_BANDS[index]))
    band: pl.Expr = expr.otherwise(pl.lit(words.UNKNOWN))
    return band


def _details(store: Store) -> pl.DataFrame:
    """Each person's sex and postcode district: the first in order of those recorded, so one
    answer however many agencies know them."""
    rows = store.query_frame(
        "SELECT COALESCE(ws_person_id, key), MIN(NULLIF(sex, '')), MIN(NULLIF(postcode, '')) "
        "FROM ws_source_person GROUP BY COALESCE(ws_person_id, key)",
        [],
        {"person": pl.Utf8(), "sex": pl.Utf8(), "postcode": pl.Utf8()},
    )
    outward = pl.col("postcode").str.to_uppercase().str.strip_chars().str.split(" ").list.first()
    return rows.with_columns(
        sex=pl.col("sex").str.to_titlecase(),
        district=pl.when(pl.col("postcode").str.contains(" "))
        .then(outward)
        .otherwise(
            pl.col("postcode")
            .str.to_uppercase()
            .str.slice(0, pl.col("postcode").str.len_chars() - 3)
        ),
    ).select("person", "sex", "district")


def latest_groupings(store: Store, as_of: dt.date) -> pl.DataFrame:
    """Each child's latest grouping recorded on or before ``as_of`` (the later record id
    breaks a tie on one day, so the answer is the same every time)."""
    frame = grouping_records(store).filter(pl.col("day") <= as_of.isoformat())
    return frame.sort("day", "record_id").group_by("person").agg(pl.col("grouping").last())


def grouping_records(store: Store) -> pl.DataFrame:
    """Every grouping kept, with its child's WholeStory id where the agency's id is linked."""
    return store.query_frame(
        "SELECT COALESCE(s.ws_person_id, t.person_id), t.grouping, t.recorded_on, t.record_id "
        "FROM ws_thrive_grouping t LEFT JOIN ws_source_person s "
        "ON s.key = t.agency || ':' || t.person_id",
        [],
        {"person": pl.Utf8(), "grouping": pl.Utf8(), "day": pl.Utf8(), "record_id": pl.Utf8()},
    )


def breakdown(store: Store, as_of: dt.date, by: str, frame: pl.DataFrame | None = None) -> Table:
    """Children on ``as_of`` by ``by`` crossed by latest grouping, suppressed."""
    frame = children(store, as_of) if frame is None else frame
    columns = [*GROUPINGS, ""]
    if by == "grouping":
        counts = frame.group_by("grouping").len()
        cells = {(g, "all"): n for g, n in counts.iter_rows()}
        return crosstab(words.BY[by], [(g, words.grouping_title(g)) for g in columns],
                        [("all", words.TOTAL)], cells)  # fmt: skip
    counts = frame.group_by(by, "grouping").len()
    cells = {(r, g): n for r, g, n in counts.iter_rows()}
    rows = sorted({r for r, _ in cells}, key=_row_order(by))
    return crosstab(
        words.BY[by], [(r, r) for r in rows], [(g, words.grouping_title(g)) for g in columns], cells
    )


def _row_order(by: str) -> Any:
    if by == "age":
        order = {b: n for n, b in enumerate(words.AGE_BANDS)}
        return lambda r: order.get(r, len(order))
    return lambda r: (r == words.UNKNOWN, r)


def summary(store: Store, as_of: dt.date) -> dict[str, Any]:
    """Everything the view shows, suppressed, as plain data: for the board pack and --json."""
    frame = children(store, as_of)
    need = unmet_need(store, as_of)
    return {
        "as_of": as_of.isoformat(),
        "breakdowns": {by: breakdown(store, as_of, by, frame).as_dict() for by in BREAKDOWNS},
        "flows": flows(store, as_of).as_dict(),
        "waiting": waiting(store, as_of),
        "unmet_need": _unmet(need),
    }


def _unmet(need: list[Any]) -> dict[str, Any]:
    reasons = {code: sum(code in n.codes for n in need) for code in words.REASONS}
    cells = {(code, "all"): n for code, n in reasons.items()}
    table = crosstab(words.UNMET, [(c, t) for c, t in words.REASONS.items()],
                     [("all", words.TOTAL)], cells, totals=False)  # fmt: skip
    return {"children": suppressed(len(need)), "by_reason": table.as_dict()}
