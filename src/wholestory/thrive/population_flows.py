"""How groupings change over time, and how long children wait for CAMHS (issue 16, item 4).

**Flows**: each child of today's population (children on the as-of day) is placed in their
latest grouping at each quarter's snapshot over the year before (five snapshots, a year
apart at the ends), "no grouping recorded" when none was yet; each step from one snapshot
to the next is a table of from-grouping by to-grouping. Keeping one population makes every
step add up to the same children, so the flows can be drawn as one diagram.

**Waiting**: the days from a CAMHS_REFERRAL to the first contact on or after its day, a
contact being a MENTAL_HEALTH_CONTACT (any agency) or an APPOINTMENT_ATTENDED sent by
CAMHS; a referral with no contact by the as-of day is still waiting. Per quarter of
referral: how many, the median and 90th percentile of days (only when 5 or more had
contact, so no child's wait stands out), and how many still wait.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Final

import polars as pl

from wholestory.figures import SUPPRESS_BELOW, suppressed
from wholestory.store import Store
from wholestory.thrive import population_words as words
from wholestory.thrive.population_tables import Table, crosstab
from wholestory.thrive.vocabulary import GROUPINGS

#: Snapshots a quarter apart, oldest first, ending on the as-of day.
SNAPSHOTS: Final = 5
_QUARTER_MONTHS: Final = 3


def snapshot_days(as_of: dt.date) -> list[dt.date]:
    """The snapshot days, oldest first: the as-of day and each quarter before it."""
    return [_months_before(as_of, _QUARTER_MONTHS * n) for n in range(SNAPSHOTS - 1, -1, -1)]


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, last)
        except ValueError:
            continue
    raise ValueError(day)


class Flows:
    """Each snapshot's counts by grouping, and each step's from-by-to table, suppressed."""

    def __init__(self, days: list[dt.date], steps: list[Table]) -> None:
        self.days = days
        self.steps = steps

    def as_dict(self) -> dict[str, Any]:
        """Plain data: the snapshot days and each step's table."""
        return {"days": [d.isoformat() for d in self.days],
                "steps": [s.as_dict() for s in self.steps]}  # fmt: skip


def flows(store: Store, as_of: dt.date, population: pl.DataFrame | None = None) -> Flows:
    """Today's children's groupings at each snapshot, and the flows between them."""
    from wholestory.thrive.population import children, grouping_records

    people = (children(store, as_of) if population is None else population).select("person")
    records = grouping_records(store).sort("day", "record_id")
    days = snapshot_days(as_of)
    placed = []
    for day in days:
        latest = (
            records.filter(pl.col("day") <= day.isoformat())
            .group_by("person")
            .agg(pl.col("grouping").last())
        )
        placed.append(
            people.join(latest, on="person", how="left").with_columns(
                pl.col("grouping").fill_null("")
            )
        )
    headings = [(g, words.grouping_title(g)) for g in [*GROUPINGS, ""]]
    steps = []
    for (start, before), (end, after) in itertools.pairwise(zip(days, placed, strict=True)):
        pairs = (
            before.join(after, on="person", suffix="_to").group_by("grouping", "grouping_to").len()
        )
        cells = {(f, t): n for f, t, n in pairs.iter_rows()}
        title = f"{start.isoformat()} to {end.isoformat()}"
        steps.append(crosstab(title, headings, headings, cells))
    return Flows(days, steps)


def waiting(store: Store, as_of: dt.date) -> list[dict[str, Any]]:
    """Per quarter of referral: referrals, median and 90th percentile days to first
    contact, and how many still wait on ``as_of``."""
    own = (
        "SELECT COALESCE(s.ws_person_id, s.key), r.event_type, r.agency, "
        "CAST(r.event_date_start AS TEXT) "
        "FROM ws_record r JOIN ws_source_person s ON s.key = r.agency || ':' || r.person_id "
        "WHERE r.event_date_start <= ? AND (r.event_type IN "
        "('CAMHS_REFERRAL', 'MENTAL_HEALTH_CONTACT') OR (r.event_type = 'APPOINTMENT_ATTENDED' "
        "AND r.agency = 'CAMHS'))"
    )
    frame = store.query_frame(
        own, [as_of.isoformat()],
        {"person": pl.Utf8(), "kind": pl.Utf8(), "agency": pl.Utf8(), "day": pl.Utf8()},
    ).with_columns(pl.col("day").str.slice(0, 10).str.to_date("%Y-%m-%d"))  # fmt: skip
    referrals = frame.filter(pl.col("kind") == "CAMHS_REFERRAL").select("person", "day").unique()
    contacts = frame.filter(pl.col("kind") != "CAMHS_REFERRAL").select("person", contact="day")
    first = (
        referrals.join(contacts, on="person", how="left")
        .filter(pl.col("contact").is_null() | (pl.col("contact") >= pl.col("day")))
        .group_by("person", "day")
        .agg(pl.col("contact").min())
    )
    quarters = first.with_columns(
        quarter=pl.col("day").dt.year().cast(pl.Utf8)
        + " Q"
        + pl.col("day").dt.quarter().cast(pl.Utf8),
        days=(pl.col("contact") - pl.col("day")).dt.total_days(),
    )
    return [_quarter(q, part) for (q,), part in sorted(quarters.group_by("quarter"))]


def _quarter(quarter: str, part: pl.DataFrame) -> dict[str, Any]:
    seen = part["days"].drop_nulls()
    show = len(seen) >= SUPPRESS_BELOW
    return {
        "quarter": quarter,
        "referrals": suppressed(len(part)),
        "median_days": _quantile(seen, 0.5) if show else None,
        "p90_days": _quantile(seen, 0.9) if show else None,
        "still_waiting": suppressed(int(part["days"].null_count())),
    }


def _quantile(values: pl.Series, q: float) -> float:
    return float(values.quantile(q, interpolation="linear") or 0.0)
