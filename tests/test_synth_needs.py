"""``NEEDS_NOT_MET`` in the synthetic partnership (issue 14): the generator's reading of it,
and plants that change no other row.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from wholestory.synth import generate, unmet_needs
from wholestory.synth.dash_rows import DASH_FILE
from wholestory.synth.needs_rows import NEEDS_FILE, TrueNeed
from wholestory.synth.needs_truth import met_words
from wholestory.synth.population import SynthPerson
from wholestory.synth.truth import ALTERNATIVES, CANONICAL, Fact, evaluate

CODE = "NEEDS_NOT_MET"
CHILD = SynthPerson("T1", "child", "Ava", dt.date(2014, 1, 1), "F", "H1", "9990000000", [])
MOTHER = SynthPerson("T0", "adult", "Mia", dt.date(1990, 1, 1), "F", "H1", "9990000002", [])
SISTER = SynthPerson("T2", "child", "Isla", dt.date(2012, 1, 1), "F", "H1", "9990000003", [])


def _contact(day: str, event: str, people: frozenset[str] = frozenset(), action: str = "") -> Fact:
    return Fact(
        day=dt.date.fromisoformat(day),
        etype="APPOINTMENT_ATTENDED",
        agency="GP",
        event=event,
        own=True,
        shared=True,
        household=False,
        summary="Seen by GP",
        outcome="",
        victims=frozenset(),
        suspects=frozenset(),
        people=frozenset({CHILD.true_id}) | people,
        action=action,
    )


def _need(person: SynthPerson = CHILD, need: str = "INTERPRETER") -> TrueNeed:
    return TrueNeed(person, "GP", "N1", need, "Polish", dt.date(2022, 1, 10))


def test_two_contacts_after_a_need_with_no_sign_raise_it() -> None:
    two = [_contact("2022-02-01", "e1"), _contact("2022-05-01", "e2")]
    assert CODE in evaluate(two, CHILD, CANONICAL, [_need()])
    assert CODE not in evaluate(two[:1], CHILD, CANONICAL, [_need()])
    assert CODE not in evaluate(two, CHILD, CANONICAL)  # no need recorded
    assert CODE not in evaluate(two, CHILD, CANONICAL, [_need(need="TRUSTED_ADULT")])
    same_event = [_contact("2022-02-01", "e1"), _contact("2022-02-02", "e1")]
    assert CODE not in evaluate(same_event, CHILD, CANONICAL, [_need()])


def test_a_contact_that_met_it_starts_the_count_again() -> None:
    met = _contact("2022-03-01", "e2", action=met_words("INTERPRETER", "Polish"))
    facts = [_contact("2022-02-01", "e1"), met, _contact("2022-05-01", "e3")]
    assert CODE not in evaluate(facts, CHILD, CANONICAL, [_need()])
    assert CODE in evaluate([*facts, _contact("2022-06-01", "e4")], CHILD, CANONICAL, [_need()])


def test_the_window_is_read_as_every_reading_reads_a_year() -> None:
    late = [_contact("2022-02-01", "e1"), _contact("2023-01-10", "e2")]  # 365 days after
    assert CODE in evaluate(late, CHILD, CANONICAL, [_need()])
    shorter = next(r for r in ALTERNATIVES if r.year < 365)
    assert CODE not in evaluate(late, CHILD, shorter, [_need()])


def test_a_parents_need_counts_where_she_took_part() -> None:
    mother = frozenset({MOTHER.true_id})
    with_her = [_contact("2022-02-01", "e1", mother), _contact("2022-05-01", "e2", mother)]
    assert CODE in evaluate(with_her, CHILD, CANONICAL, [_need(MOTHER)])
    without = [_contact("2022-02-01", "e1", mother), _contact("2022-05-01", "e2")]
    assert CODE not in evaluate(without, CHILD, CANONICAL, [_need(MOTHER)])
    sister = frozenset({SISTER.true_id})  # aged 10: not a carer
    with_sister = [_contact("2022-02-01", "e1", sister), _contact("2022-05-01", "e2", sister)]
    assert CODE not in evaluate(with_sister, CHILD, CANONICAL, [_need(SISTER)])


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_plants_change_no_other_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row without the plants is written with them; a near miss's contacts differ only
    in the words of meeting the need, added to their action."""
    generate(1_500, 4, tmp_path / "with")
    monkeypatch.setattr(unmet_needs, "PLANTED_SHARE", 0.0)
    monkeypatch.setattr(unmet_needs, "NEAR_SHARE", 0.0)
    generate(1_500, 4, tmp_path / "without")
    patterns = _read(tmp_path / "with" / "ground_truth" / "patterns.csv")
    assert {"planted", "near_miss"} <= {p["kind"] for p in patterns if p["code"] == CODE}
    for name in ("needs.csv", "ground_truth/needs.csv", "ground_truth/patterns.csv"):
        before, after = _read(tmp_path / "without" / name), _read(tmp_path / "with" / name)
        assert all(row in after for row in before), name
        added = [r for r in after if r not in before]
        assert all(r.get("code") == CODE or "-U" in r["record_id"] for r in added), name
    changed = 0
    for path in sorted((tmp_path / "without").glob("*.csv")):
        if path.name in (NEEDS_FILE, DASH_FILE, "relationships.csv"):
            continue
        before, after = _read(path), _read(tmp_path / "with" / path.name)
        assert len(before) == len(after), path.name
        for old, new in zip(before, after, strict=True):
            if old != new:
                changed += 1
                assert {k for k in old if old[k] != new[k]} == {"action"}, path.name
                assert new["action"].startswith(old["action"].rstrip("."))
                assert "throughout" in new["action"] or "given in" in new["action"]
    met = [p for p in patterns if p["code"] == CODE and p["note"].endswith("met at each contact")]
    assert met and changed >= len(met)
