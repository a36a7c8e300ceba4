"""What the model compares: the features made from each person, and where DuckDB runs."""

from __future__ import annotations

import json

import polars as pl
import pytest

from wholestory.identity import SOURCE_SCHEMA, duckdb_api, model_frame, same_agency_share


def _person(**details: str | None) -> pl.DataFrame:
    row = {name: None for name in SOURCE_SCHEMA} | {
        "unique_id": "GP:1",
        "agency": "GP",
        "person_id": "1",
    }
    row |= details
    return pl.DataFrame([row], schema=SOURCE_SCHEMA)


def test_names_are_made_comparable() -> None:
    frame = model_frame(
        _person(given_name="Jamie-Lee", family_name="O'Brien-Smith", other_names="Kelly")
    )
    row = frame.row(0, named=True)
    assert row["given"] == "jamie"
    assert "james" in row["given_groups"]
    assert row["family"] == "obriensmith"
    assert {"obrien", "smith"} <= set(row["family_parts"])
    assert "kelly" in row["given_all"]


def test_dates_of_birth_swapped_and_partial() -> None:
    swapped = model_frame(_person(date_of_birth="2015-03-04")).row(0, named=True)
    assert (swapped["dob"], swapped["dob_swapped"], swapped["dob_year"]) == (
        "2015-03-04",
        "2015-04-03",
        "2015",
    )
    assert model_frame(_person(date_of_birth="2015-03-14"))["dob_swapped"][0] is None
    partial = model_frame(_person(date_of_birth="2015-03")).row(0, named=True)
    assert (partial["dob"], partial["dob_swapped"], partial["dob_year"]) == (
        "2015-03",
        None,
        "2015",
    )


def test_places_are_written_one_way() -> None:
    names = json.dumps({"postcode": ["xz1 8zu"], "address": ["20 Hollowell Ave, Lower Brindley"]})
    frame = model_frame(
        _person(postcode="XZ1 8ZU", address="20 Hollowell Rd, Lower Brindley").with_columns(
            names=pl.lit(names)
        )
    )
    row = frame.row(0, named=True)
    assert row["postcode"] == "XZ18ZU"
    assert (row["postcode_sector"], row["postcode_district"]) == ("XZ1 8", "XZ1")
    assert row["address"] == "20 hollowell road lower brindley"
    assert row["postcode_all"] == ["XZ18ZU"]
    assert row["address_all"] == ["20 hollowell avenue lower brindley"]


def test_same_agency_share_is_the_u_of_the_agency_prior() -> None:
    frame = pl.DataFrame({"agency": ["GP", "GP", "SCHOOL", "SCHOOL"]})
    assert same_agency_share(frame) == pytest.approx(4 / 12)


def test_duckdb_is_capped_and_spills_to_the_temporary_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WHOLESTORY_LINK_MEMORY", "1GB")
    connection = duckdb_api()._con
    limit, spill = connection.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchone()
    assert limit == "953.6 MiB"  # 1 GB as DuckDB shows it
    assert "wholestory-duckdb" in spill
