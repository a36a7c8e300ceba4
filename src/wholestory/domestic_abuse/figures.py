"""Domestic abuse figures for the partnership's strategy and its board, by month.

The partnership reports progress on its domestic abuse strategy "with a focus on
victims and meeting the needs of children". These are the figures that report
charts (the board issue draws them with the one chart engine), each a series by
month so that a run chart can show change:

- police domestic abuse incidents, and the children affected (named or in the household);
- repeat incidents: a victim's incident within 12 months of her last;
- Marac referrals, repeat referrals (within 12 months of the last for the same victim),
  and the share made by agencies other than the police;
- Operation Encompass timeliness (:func:`wholestory.domestic_abuse.encompass.timeliness`);
- Marac volume over the last 12 months per 10,000 adult women, beside the 40 SafeLives
  recommends. The number of adult women is a partnership setting (:data:`POPULATION_ENV`,
  a YAML file with ``adult_females``); without it that figure is None and says why.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from wholestory.domestic_abuse.encompass import MonthTimeliness, timeliness
from wholestory.domestic_abuse.incidents import Incident, police_incidents
from wholestory.domestic_abuse.marac import REFERRAL, Event, read_events
from wholestory.settings_file import read_settings
from wholestory.store.connection import Store

#: Where the partnership's population figures are read from.
POPULATION_ENV: Final = "WHOLESTORY_POPULATION"
#: SafeLives' recommended Marac volume: cases a year per 10,000 adult women.
RECOMMENDED_PER_10K: Final = 40
#: A repeat is within this many days of the last incident or referral (SafeLives: 12 months).
REPEAT_DAYS: Final = 365
NO_POPULATION: Final = (
    f"Set {POPULATION_ENV} to a file with adult_females (the partnership's women aged 16 "
    "and over) to compare Marac volume with the recommended 40 per 10,000."
)


class PopulationError(ValueError):
    """The population file cannot be used; the message names it and says why."""


@dataclass(frozen=True, slots=True)
class Month:
    """One month's domestic abuse figures (``month`` is ``YYYY-MM``)."""

    month: str
    incidents: int = 0
    children_affected: int = 0
    repeat_incidents: int = 0
    marac_referrals: int = 0
    repeat_marac_referrals: int = 0
    referrals_not_police: int = 0

    @property
    def share_not_police(self) -> float | None:
        """The share of the month's Marac referrals made by agencies other than the police."""
        return (
            None if not self.marac_referrals else self.referrals_not_police / self.marac_referrals
        )


@dataclass(frozen=True, slots=True)
class Figures:
    """Every series, and the Marac volume for the 12 months to ``as_of``."""

    as_of: dt.date
    months: list[Month]
    encompass: list[MonthTimeliness]
    marac_cases_last_year: int
    adult_females: int | None
    notes: list[str] = field(default_factory=list)

    @property
    def marac_per_10k(self) -> float | None:
        """Marac cases in 12 months per 10,000 adult women; None without the population."""
        if not self.adult_females:
            return None
        return self.marac_cases_last_year * 10_000 / self.adult_females


def domestic_abuse_figures(store: Store, as_of: dt.date | None = None) -> Figures:
    """The partnership's domestic abuse figures by month, up to ``as_of`` (today)."""
    as_of = as_of or dt.date.today()
    incidents = [i for i in police_incidents(store) if i.day <= as_of]
    referrals = [e for e in read_events(store) if e.kind == REFERRAL and e.day <= as_of]
    months: dict[str, Counter[str]] = defaultdict(Counter)
    _count_incidents(incidents, months)
    _count_referrals(referrals, months)
    last_year = [e for e in referrals if (as_of - e.day).days < REPEAT_DAYS]
    females, notes = adult_females()
    return Figures(
        as_of,
        [Month(m, **dict(c)) for m, c in sorted(months.items())],
        timeliness(store),
        len(last_year),
        females,
        notes,
    )


def _count_incidents(incidents: list[Incident], months: dict[str, Counter[str]]) -> None:
    """Incidents, distinct children affected and repeat incidents, each in its month."""
    children: dict[str, set[str]] = defaultdict(set)
    last: dict[str, dt.date] = {}
    for i in sorted(incidents, key=lambda i: i.day):
        month = i.day.strftime("%Y-%m")
        months[month]["incidents"] += 1
        children[month] |= {c.person for c in i.children}
        if any(v in last and (i.day - last[v]).days <= REPEAT_DAYS for v in i.victims):
            months[month]["repeat_incidents"] += 1
        last |= dict.fromkeys(i.victims, i.day)
    for month, found in children.items():
        months[month]["children_affected"] = len(found)


def _count_referrals(referrals: list[Event], months: dict[str, Counter[str]]) -> None:
    """Marac referrals, repeat referrals and those not from the police, each in its month."""
    last: dict[str, dt.date] = {}
    for e in sorted(referrals, key=lambda e: e.day):
        month = e.day.strftime("%Y-%m")
        months[month]["marac_referrals"] += 1
        if e.agency != "POLICE":
            months[month]["referrals_not_police"] += 1
        if any(v in last and (e.day - last[v]).days <= REPEAT_DAYS for v in e.victims):
            months[month]["repeat_marac_referrals"] += 1
        last |= dict.fromkeys(e.victims, e.day)


def adult_females() -> tuple[int | None, list[str]]:
    """The partnership's adult women from its population file, or None and why not."""
    named = os.environ.get(POPULATION_ENV)
    if not named:
        return None, [NO_POPULATION]
    data = read_settings(Path(named), "population file", PopulationError)
    value = data.get("adult_females") if isinstance(data, dict) else None
    if not isinstance(value, int) or value <= 0:
        raise PopulationError(
            f"{named}: adult_females must be a whole number above 0, not {value!r}"
        )
    return value, []
