"""A childhood's story stays: flags when the child has grown up or died, on both databases.

The stores here hold a boy whose childhood raised flags, loaded beside records
of a partnership that run years past his 18th birthday, and a girl who died,
with records of others long after her death. All names and ids are invented.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import event_row, write_csv
from wholestory.chronology import render
from wholestory.chronology.pack import write_pack
from wholestory.chronology.stored import (
    FlagsSettingError,
    build_all,
    chronology_of,
    flagged_children,
    flags_up_to_age,
    stored_chronology,
)
from wholestory.cli.main import app
from wholestory.ingest import ingest_file
from wholestory.store import Store
from wholestory.store.imports import list_quarantine

TODAY = dt.date(2026, 11, 30)
BOY = "POLICE:PB001"
BORN = "2004-05-10"  # 18 on 2022-05-10
#: What his records raise, and the age each pattern happened at.
EXPECTED = {
    "DA_ESCALATION": (13, 14),
    "CHILD_DA_VICTIM": (13, 14),
    "MISSING_REPEAT": (16, 16),
    "EXPLOITATION_RISK": (16, 16),
    "SELF_HARM": (16, 17),
}


def _boy(n: int, when: str, event_type: str, role: str = "SUBJECT", **more: str) -> dict[str, str]:
    return event_row(
        n,
        record_id=f"B{n}",
        person_id="PB001",
        given_name="Corin",
        family_name="Ashdown",
        date_of_birth=BORN,
        nhs_number="",
        role=role,
        event_id=f"EB{n}",
        event_date=when,
        event_type=event_type,
        summary=event_type.replace("_", " ").lower(),
        **more,
    )


def _boy_rows() -> list[dict[str, str]]:
    return [
        _boy(1, "2017-06-01", "DA_INCIDENT", "PRESENT"),
        _boy(2, "2017-11-20", "DA_INCIDENT", "PRESENT"),
        _boy(3, "2018-05-20", "DA_INCIDENT", "PRESENT"),
        _boy(4, "2020-07-02", "MISSING_EPISODE"),
        _boy(5, "2020-09-15", "MISSING_EPISODE"),
        _boy(6, "2021-01-20", "MISSING_EPISODE"),
        _boy(7, "2021-02-03", "SELF_HARM"),
        _boy(8, "2021-11-30", "SELF_HARM"),
        # As an adult: his own adult events raise nothing.
        _boy(9, "2023-03-01", "MISSING_EPISODE"),
        _boy(10, "2023-04-01", "MISSING_EPISODE"),
        _boy(11, "2023-05-01", "MISSING_EPISODE"),
    ]


def _later(n: int, when: str) -> dict[str, str]:
    """Someone else's record, years later: the partnership's newest."""
    return event_row(
        n,
        record_id=f"L{n}",
        person_id=f"PL{n:03d}",
        given_name="Wren",
        family_name="Halloway",
        date_of_birth="1980-01-01",
        nhs_number="",
        role="SUBJECT",
        event_id=f"EL{n}",
        event_date=when,
        event_type="CONTACT",
        summary="Contact about housing",
    )


@pytest.fixture
def grown_up(store: Store, tmp_path: Path) -> Store:
    """The boy's records, and another person's from 2026 (when he is 22)."""
    path = write_csv(tmp_path / "police.csv", [*_boy_rows(), _later(50, "2026-09-01")])
    result = ingest_file(store, path, today=TODAY)
    assert result.quarantined == 0
    build_all(store)
    return store


def test_a_grown_up_child_keeps_every_flag_of_his_childhood(grown_up: Store) -> None:
    c = chronology_of(grown_up, BOY)
    assert c.as_of == dt.date(2026, 9, 1) and not c.is_child
    assert {f.code: (f.age_first, f.age_last) for f in c.flags} == EXPECTED
    for f in c.flags:
        first, last = EXPECTED[f.code]
        words = f"aged {first}" if first == last else f"aged {first} to {last}"
        assert f.ages == words
        assert f.explanation.endswith(f"{words[:1].upper()}{words[1:]} at the time.")
        assert all(d.year < 2022 for d in (f.first, f.last))  # none of his adult events
    earlier = chronology_of(grown_up, BOY, as_of=dt.date(2022, 1, 1))
    assert earlier.is_child
    assert [f.as_dict() for f in earlier.flags] == [f.as_dict() for f in c.flags]
    stored = stored_chronology(grown_up, BOY)
    assert stored is not None
    assert {f["code"]: (f["age_first"], f["age_last"]) for f in stored["flags"]} == EXPECTED


def test_the_report_and_pack_say_the_age_of_each_flag(grown_up: Store, tmp_path: Path) -> None:
    c = chronology_of(grown_up, BOY)
    html = render.to_html(c)
    assert "(aged 16 to 17)" in html and "Aged 13 to 14 at the time." in html
    write_pack(grown_up, c, tmp_path / "pack")
    flags_csv = (tmp_path / "pack" / "flags.csv").read_text(encoding="utf-8-sig")
    assert "aged 16 to 17" in flags_csv


def test_the_dashboard_lists_children_unless_the_partnership_says_up_to_25(
    grown_up: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WHOLESTORY_FLAGS_UP_TO_AGE", raising=False)
    assert BOY not in {c["person"] for c in flagged_children(grown_up)}
    assert BOY not in {c["person"] for c in flagged_children(grown_up, up_to_age=21)}
    listed = {c["person"]: c for c in flagged_children(grown_up, up_to_age=25)}
    assert listed[BOY]["age"] == 22
    assert {f["code"]: f["ages"] for f in listed[BOY]["flags"]}["SELF_HARM"] == "aged 16 to 17"
    monkeypatch.setenv("WHOLESTORY_FLAGS_UP_TO_AGE", "25")
    assert BOY in {c["person"] for c in flagged_children(grown_up)}


def test_the_flags_command_follows_the_setting(
    grown_up: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WHOLESTORY_DATABASE_URL", grown_up.url.raw)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    monkeypatch.delenv("WHOLESTORY_FLAGS_UP_TO_AGE", raising=False)
    listed = runner.invoke(app, ["flags", "--json"])
    assert listed.exit_code == 0, listed.output
    assert BOY not in {c["person"] for c in json.loads(listed.output)["children"]}
    monkeypatch.setenv("WHOLESTORY_FLAGS_UP_TO_AGE", "25")
    shown = runner.invoke(app, ["flags"])
    assert shown.exit_code == 0, shown.output
    listed = runner.invoke(app, ["flags", "--json"])
    boy = next(c for c in json.loads(listed.output)["children"] if c["person"] == BOY)
    assert {f["code"]: f["ages"] for f in boy["flags"]}["SELF_HARM"] == "aged 16 to 17"
    monkeypatch.setenv("WHOLESTORY_FLAGS_UP_TO_AGE", "30")
    refused = runner.invoke(app, ["flags"])
    assert refused.exit_code == 2 and "WHOLESTORY_FLAGS_UP_TO_AGE" in refused.output


@pytest.mark.parametrize("value", ["16", "26", "seventeen", "-1"])
def test_the_setting_is_an_age_from_17_to_25(value: str) -> None:
    assert flags_up_to_age("") == 17 and flags_up_to_age("25") == 25
    with pytest.raises(FlagsSettingError, match="WHOLESTORY_FLAGS_UP_TO_AGE"):
        flags_up_to_age(value)


# A child who died

GIRL = "CSC:CG001"


def _girl(n: int, when: str, event_type: str, **more: str) -> dict[str, str]:
    more.setdefault("summary", event_type.replace("_", " ").lower())
    return event_row(
        n,
        agency="CSC",
        record_id=f"G{n}",
        person_id="CG001",
        given_name="Elsie",
        family_name="Marrow",
        date_of_birth="2015-01-01",
        nhs_number="",
        role="SUBJECT",
        event_id=f"EG{n}",
        event_date=when,
        event_type=event_type,
        **more,
    )


@pytest.fixture
def deceased(store: Store, tmp_path: Path) -> Store:
    rows = [
        _girl(1, "2023-01-10", "REFERRAL"),
        _girl(2, "2023-06-10", "REFERRAL"),
        _girl(3, "2024-03-03", "INJURY", date_of_death="2024-03-03"),
        _girl(4, "2024-05-01", "CASE_CLOSED", summary="Case closed following the child's death"),
    ]
    path = write_csv(tmp_path / "csc.csv", [*rows, _later(60, "2026-09-01")])
    assert ingest_file(store, path, today=TODAY).quarantined == 0
    build_all(store)
    return store


def test_a_child_who_died_has_a_chronology_as_of_her_death(deceased: Store, tmp_path: Path) -> None:
    c = chronology_of(deceased, GIRL)
    assert c.as_of == dt.date(2024, 3, 3) and c.died and c.is_child
    said = "Elsie Marrow died on 3 March 2024; this chronology is as of that date."
    assert c.death_words() == said
    assert c.as_dict()["person"]["date_of_death"] == "2024-03-03"
    assert len(c.entries) == 4  # nothing is lost: the record after her death is still there
    assert {f.code for f in c.flags} == {"REPEAT_REFERRAL"}
    assert said in render.to_html(c)
    write_pack(deceased, c, tmp_path / "pack")
    assert said in (tmp_path / "pack" / "README.txt").read_text(encoding="utf-8")
    stored = stored_chronology(deceased, GIRL)
    assert stored is not None and stored["as_of"] == "2024-03-03"
    assert deceased.scalar(
        "SELECT date_of_death FROM ws_chronology WHERE ws_person_id = ?", [GIRL]
    ) == ("2024-03-03")
    anonymised = render.to_html(c, anonymise=True)
    assert "died on 3 March 2024; this chronology is as of that date." in anonymised
    assert "Elsie" not in anonymised


def test_a_bad_date_of_death_is_quarantined_with_file_row_and_column(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        _girl(1, "2023-01-10", "REFERRAL", date_of_death="2024-02-30"),
        _girl(2, "2023-01-11", "REFERRAL", date_of_death="2024-03"),
        _girl(3, "2023-01-12", "REFERRAL", date_of_death="~2024-03-03"),
        _girl(4, "2023-01-13", "REFERRAL", date_of_death="2027-01-01"),
        _girl(5, "2023-01-14", "REFERRAL", date_of_death="2024-03-03"),
        _girl(6, "2023-01-15", "REFERRAL"),
    ]
    result = ingest_file(store, write_csv(tmp_path / "csc.csv", rows), today=TODAY)
    assert (result.inserted, result.quarantined) == (2, 4)
    held = {e.row_number: e for e in list_quarantine(store)}
    assert sorted(held) == [2, 3, 4, 5]
    assert all(e.file_name == "csc.csv" and e.columns == "date_of_death" for e in held.values())
    assert "'2024-02-30' is not a real date" in held[2].reason
    assert "'2024-03' is not a whole date of death (expected YYYY-MM-DD)" in held[3].reason
    assert "'~2024-03-03' is not a whole date of death" in held[4].reason
    assert "in the future" in held[5].reason
    stored = sorted(
        store.query("SELECT record_id, date_of_death FROM ws_record"), key=lambda r: r[0]
    )
    assert stored == [("G5", "2024-03-03"), ("G6", None)]


def test_a_person_with_no_date_of_birth_is_a_child_unless_recorded_as_a_parent() -> None:
    """A father named only in a relationships table (no record, no date of birth) is not
    taken for a child, so he is given no child's flags and no alert is raised on him."""
    import datetime as dt

    from wholestory.chronology import IndicatorThresholds, is_child
    from wholestory.chronology.material import Material, Member

    t, today = IndicatorThresholds.load(), dt.date(2026, 10, 31)

    def someone(*relations: str) -> Material:
        members = {f"WS-{n}": Member(f"WS-{n}", r, None, None) for n, r in enumerate(relations)}
        return Material("WS-X", ["CSC:F1"], [], [], members)

    assert is_child(someone(), None, today, t)  # nothing known: taken for a child
    assert is_child(someone("MOTHER", "SIBLING"), None, today, t)  # a child with family
    assert not is_child(someone("CHILD"), None, today, t)  # a father
    assert not is_child(someone("OTHER", "GRANDCHILD,OTHER"), None, today, t)  # a grandparent
    assert not is_child(someone("CARED_FOR"), None, today, t)  # a carer
    assert is_child(someone("CHILD"), dt.date(2012, 1, 1), today, t)  # a date of birth decides
