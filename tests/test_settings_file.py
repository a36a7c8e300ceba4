"""A partnership's settings file that cannot be used is named, with what is wrong with it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wholestory.settings_file import read_settings


class SettingsError(ValueError):
    pass


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(
        SettingsError, match=r"missing\.yaml: the calendar cannot be read \(No such file"
    ):
        read_settings(tmp_path / "missing.yaml", "calendar", SettingsError)


def test_a_file_that_is_not_text_is_named(tmp_path: Path) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00 not text")
    with pytest.raises(SettingsError, match=r"binary\.yaml: the calendar is not UTF-8 text"):
        read_settings(binary, "calendar", SettingsError)


def test_a_file_that_is_not_yaml_is_named_with_the_fault_on_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("days: [2026-01-01\nname: x\n", encoding="utf-8")
    with pytest.raises(SettingsError) as raised:
        read_settings(broken, "calendar", SettingsError)
    assert str(raised.value) == (
        f"{broken}: the calendar is not valid YAML (expected ',' or ']', but got ':' "
        "(line 2, column 5))"
    )


def test_values_come_as_written_when_asked(tmp_path: Path) -> None:
    settings = tmp_path / "s.yaml"
    settings.write_text("day: 2026-11-16\ncount: 3\n")
    assert read_settings(settings, "s", SettingsError) == {"day": dt.date(2026, 11, 16), "count": 3}
    assert read_settings(settings, "s", SettingsError, as_written=True) == {
        "day": "2026-11-16",
        "count": "3",
    }
