"""What an agency's ids mean: said in a file or a profile, kept, and used by linking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import event_row, write_csv
from wholestory.cli.main import app
from wholestory.identity import (
    AgenciesFileError,
    LinkThresholds,
    agency_duplicates,
    episode_agencies,
    link_all,
    person_ids,
    read_agencies_file,
    review_queue,
)
from wholestory.ingest import ingest_paths
from wholestory.ingest.profiles import ProfileError, load_profile
from wholestory.store import Store

runner = CliRunner()


def test_an_agencies_file_is_read_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "agencies.yaml"
    good.write_text("agencies:\n  ed: {person_ids: Episode}\n  POLICE: {person_ids: person}\n")
    assert read_agencies_file(good).person_ids == {"ED": "episode", "POLICE": "person"}
    for text, words in [
        ("agencies:\n  ED: {person_ids: visit}\n", "must be 'person'"),
        ("agencies:\n  ED: {ids: episode}\n", "give person_ids"),
        ("agencies:\n  ED: {person_ids: episode, colour: red}\n", "unknown setting colour"),
        ("- ED\n", "must hold 'agencies:'"),
        ("agencies: [", "not valid YAML"),
    ]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(text)
        with pytest.raises(AgenciesFileError, match=words) as raised:
            read_agencies_file(bad)
        assert str(bad) in str(raised.value)


def test_a_profile_says_what_its_agency_ids_mean(tmp_path: Path) -> None:
    path = tmp_path / "ed.yaml"
    path.write_text("person_ids: episode\nconstants: {agency: ED}\n")
    assert load_profile(path).person_ids == "episode"
    path.write_text("person_ids: episode\n")
    with pytest.raises(ProfileError, match=r"needs 'constants\.agency'"):
        load_profile(path)
    path.write_text("person_ids: sometimes\nconstants: {agency: ED}\n")
    with pytest.raises(ProfileError, match="'person_ids' must be"):
        load_profile(path)


def _attendances(folder: Path) -> Path:
    """One child's three emergency department attendances, each under its own id.

    The first two carry his NHS number; the third was booked after a move,
    with his name misspelt and no NHS number.
    """
    folder.mkdir()
    details = {
        1: ("Kayden", "9434765919", "4 Birch Close", "XW4 7QT"),
        2: ("Kayden", "9434765919", "4 Birch Close", "XW4 7QT"),
        3: ("Kaydon", "", "Flat 9, 2 Mill Street", "XW9 2AB"),
    }
    rows = [
        event_row(
            n,
            agency="ED",
            person_id=f"MRN{n}",
            given_name=given,
            family_name="Okonkwo-Price",
            nhs_number=nhs,
            address=address,
            postcode=postcode,
            event_type="ED_ATTENDANCE",
            event_id="",
            role="SUBJECT",
            event_date=f"2021-0{n}-10",
            summary="Attended with a head injury.",
        )
        for n, (given, nhs, address, postcode) in details.items()
    ]
    write_csv(folder / "ed.csv", rows)
    return folder


def _people(store: Store) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for key, person in store.query("SELECT key, ws_person_id FROM ws_source_person ORDER BY key"):
        groups.setdefault(str(person), []).append(str(key))
    return sorted(groups.values())


def test_an_episode_agency_attendances_become_one_child(store: Store, tmp_path: Path) -> None:
    folder = _attendances(tmp_path / "feed")
    (folder / "agencies.yaml").write_text("agencies:\n  ED: {person_ids: episode}\n")
    ingest_paths(store, [folder])
    assert episode_agencies(store) == {"ED"}
    link_all(store, thresholds=LinkThresholds())
    assert _people(store) == [["ED:MRN1", "ED:MRN2", "ED:MRN3"]]


def test_without_the_setting_only_overwhelming_evidence_joins_an_agency_ids(
    store: Store, tmp_path: Path
) -> None:
    """The agency is taken at its word: two of its ids are two people, bar overwhelming proof.

    The two attendances with one NHS number are one child (a duplicate at the
    agency); the misspelt one after a move is not linked by the machine: only
    the agency's word that its ids are per episode lets it join.
    """
    ingest_paths(store, [_attendances(tmp_path / "feed")])
    assert person_ids(store) == {}
    link_all(store, thresholds=LinkThresholds())
    assert _people(store) == [["ED:MRN1", "ED:MRN2"], ["ED:MRN3"]]
    assert [(d.person_id, d.duplicate_person_id) for d in agency_duplicates(store, "ED")] == [
        ("MRN1", "MRN2")
    ]
    assert all("ED:MRN3" in (item["a"], item["b"]) for item in review_queue(store))


def test_ingest_reads_the_agencies_option_and_names_a_bad_file(
    store_env: Store, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "police.csv", [event_row(1)])
    bad = tmp_path / "agencies.yaml"
    bad.write_text("agencies:\n  ED: {person_ids: often}\n")
    result = runner.invoke(app, ["ingest", str(path), "--agencies", str(bad)])
    assert result.exit_code == 2
    assert "agencies.yaml, agency ED: person_ids must be" in result.stderr
    assert store_env.scalar("SELECT COUNT(*) FROM ws_record") == 0  # nothing went in
    bad.write_text("agencies:\n  ED: {person_ids: episode}\n")
    result = runner.invoke(app, ["ingest", str(path), "--agencies", str(bad), "--json"])
    assert result.exit_code == 0, result.stderr
    assert person_ids(store_env) == {"ED": "episode"}


def _duplicate_pupil(folder: Path) -> Path:
    """A pupil registered twice after a move: same UPN, name and birth, new address."""
    folder.mkdir()
    common = {
        "agency": "SCHOOL",
        "given_name": "Maisie",
        "family_name": "Thorne",
        "date_of_birth": "2013-09-02",
        "sex": "F",
        "nhs_number": "",
        "upn": "H801200001001",
        "event_type": "ATTENDANCE_CONCERN",
        "role": "SUBJECT",
        "event_id": "",
        "summary": "Attendance below 90%.",
    }
    rows = [
        event_row(1, person_id="PUP1", postcode="XW4 7QT", address="3 Ash Row", **common),
        event_row(2, person_id="PUP7", postcode="XW9 2AB", address="9 Oak Way", **common),
        event_row(3, agency="GP", person_id="G1", given_name="Maisie", family_name="Thorne",
                  date_of_birth="2013-09-02", nhs_number="9434765919", event_type="",
                  role="SUBJECT", summary="Asthma review."),
    ]  # fmt: skip
    write_csv(folder / "school.csv", rows)
    return folder


def test_duplicates_are_listed_for_the_agency(store_env: Store, tmp_path: Path) -> None:
    ingest_paths(store_env, [_duplicate_pupil(tmp_path / "feed")])
    link_all(store_env, thresholds=LinkThresholds())
    result = runner.invoke(app, ["duplicates", "school", "--json"])
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert [(d["person_id"], d["duplicate_person_id"]) for d in found] == [("PUP1", "PUP7")]
    assert "overwhelming evidence" in found[0]["how_linked"]
    out = tmp_path / "dups.csv"
    assert runner.invoke(app, ["duplicates", "SCHOOL", "--out", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("agency,wholestory_id")
    assert "No duplicate ids at GP" in runner.invoke(app, ["duplicates", "GP"]).stdout


def test_an_episode_agency_has_no_duplicates_to_give_back(store_env: Store, tmp_path: Path) -> None:
    folder = _attendances(tmp_path / "feed")
    (folder / "agencies.yaml").write_text("agencies:\n  ED: {person_ids: episode}\n")
    ingest_paths(store_env, [folder])
    result = runner.invoke(app, ["duplicates", "ED"])
    assert result.exit_code == 2
    assert "new id per attendance" in result.stderr
