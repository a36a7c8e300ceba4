"""Domestic abuse figures for the strategy and the board (issue 13), by month.

The records are test_incidents' (an incident at Rhian's in November 2025, three
children in the household), with a second incident in March 2026 (a repeat within
12 months), a police Marac referral in November and children's social care's repeat
referral in February.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from test_incidents import load, record
from wholestory.domestic_abuse.encompass import refresh_notices
from wholestory.domestic_abuse.figures import (
    NO_POPULATION,
    POPULATION_ENV,
    RECOMMENDED_PER_10K,
    Month,
    PopulationError,
    domestic_abuse_figures,
)
from wholestory.store import Store

MORE = [
    record(30, "POLICE", "V1", "VICTIM", "2026-03-01", "DA_INCIDENT", event_id="INC2"),
    record(31, "POLICE", "S1", "SUSPECT", "2026-03-01", "DA_INCIDENT", event_id="INC2"),
    record(32, "POLICE", "V1", "VICTIM", "2025-11-20", "MARAC_REFERRAL", event_id="M1"),
    record(33, "CSC", "CV1", "VICTIM", "2026-02-01", "MARAC_REFERRAL", event_id="M2"),
]


def test_each_series_by_month(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(store, tmp_path, MORE)
    refresh_notices(store)
    monkeypatch.delenv(POPULATION_ENV, raising=False)
    found = domestic_abuse_figures(store, as_of=dt.date(2026, 6, 1))
    assert found.months == [
        Month("2025-11", incidents=1, children_affected=3, marac_referrals=1),
        Month("2026-02", marac_referrals=1, repeat_marac_referrals=1, referrals_not_police=1),
        Month("2026-03", incidents=1, children_affected=3, repeat_incidents=1),
    ]
    assert found.months[1].share_not_police == 1.0 and found.months[0].share_not_police == 0.0
    assert found.months[2].share_not_police is None  # no referral that month
    november, march = found.encompass  # Kit and Mae are owed notices for each incident
    assert (november.month, november.owed, november.unsent) == ("2025-11", 2, 2)
    assert (march.month, march.owed) == ("2026-03", 2)
    assert found.marac_cases_last_year == 2
    assert found.marac_per_10k is None and found.notes == [NO_POPULATION]
    earlier = domestic_abuse_figures(store, as_of=dt.date(2025, 12, 31))
    assert [m.month for m in earlier.months] == ["2025-11"]  # nothing after as_of


def test_marac_volume_per_10000_adult_women_from_the_population_setting(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(store, tmp_path, MORE)
    population = tmp_path / "population.yaml"
    population.write_text("adult_females: 500\n", encoding="utf-8")
    monkeypatch.setenv(POPULATION_ENV, str(population))
    found = domestic_abuse_figures(store, as_of=dt.date(2026, 6, 1))
    assert found.marac_per_10k == 40.0 == RECOMMENDED_PER_10K  # 2 cases among 500 women
    assert found.notes == []
    population.write_text("adult_females: lots\n", encoding="utf-8")
    with pytest.raises(PopulationError, match=r"population\.yaml: adult_females must be"):
        domestic_abuse_figures(store)
