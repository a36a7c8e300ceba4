"""Mapping profiles: how an agency's own export layout maps onto the template.

Agencies rarely export the template as it stands. A profile (YAML) says which
of their columns is which template column, the date formats they use, fixed
values (an export from the police has no ``agency`` column: every row is
``POLICE``), and how their codes map onto the template's vocabulary. Profiles
are data, not code, so a partnership's analyst can write one without a
developer.

Example::

    name: Police records system occurrence export
    columns: {record_id: "Occurrence Line Ref", person_id: "Nominal No", ...}
    constants: {agency: POLICE}
    date_formats: {event_date: ["%d/%m/%Y", "%m/%Y", "%Y"]}
    codes:
      event_type: {"Domestic Incident": DA_INCIDENT}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wholestory.records.dates import TEMPLATE_FORMATS
from wholestory.records.template import (
    COLUMNS,
    CURRENT_VIEW_COLUMNS,
    DASH_COLUMNS,
    NEEDS_COLUMNS,
    RELATIONSHIP_COLUMNS,
    THRIVE_COLUMNS,
)

DATE_COLUMNS = ("event_date", "date_of_birth")
_ALL_COLUMNS = frozenset(
    (*COLUMNS, *RELATIONSHIP_COLUMNS, *DASH_COLUMNS, *NEEDS_COLUMNS, *THRIVE_COLUMNS,
     *CURRENT_VIEW_COLUMNS)
)  # fmt: skip


class ProfileError(ValueError):
    """A profile that cannot be used, with a message naming the file and the key."""


@dataclass(frozen=True)
class Profile:
    """A parsed mapping profile. The empty profile reads the template as it is."""

    name: str = "template"
    columns: dict[str, str] = field(default_factory=dict)  # template column -> source header
    constants: dict[str, str] = field(default_factory=dict)
    date_formats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> {theirs: ours}
    #: What the agency's person ids mean: "person" or "episode" (identity/agencies.py).
    person_ids: str | None = None

    def formats_for(self, column: str) -> tuple[str, ...]:
        """Date formats to try for a date column, the template's when none are given."""
        return self.date_formats.get(column, TEMPLATE_FORMATS)

    def source_to_template(self, header: list[str]) -> dict[int, str]:
        """Which template column each source column index fills.

        Unmapped headers that already carry a template name still count, so a
        profile only has to name the columns that differ.
        """
        wanted = {_norm(src): col for col, src in self.columns.items()}
        mapped: dict[int, str] = {}
        taken: set[str] = set()
        for index, raw in enumerate(header):
            name = _norm(raw)
            column = wanted.get(name)
            if column is None and name in _ALL_COLUMNS and name not in self.columns:
                column = name
            if column is not None and column not in taken:
                mapped[index] = column
                taken.add(column)
        return mapped


def _norm(header: str) -> str:
    """Header comparison ignores case, surrounding space and a byte order mark."""
    return header.strip().lstrip("\ufeff").strip().lower()


def load_profile(path: Path) -> Profile:
    """Read and check a YAML profile; every mistake is reported with the key at fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ProfileError(f"{path}: cannot read this profile ({_first_line(error)})") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: a profile is a YAML mapping of settings")
    constants = _template_keyed(path, "constants", data.get("constants"))
    return Profile(
        name=str(data.get("name") or path.stem),
        columns=_template_keyed(path, "columns", data.get("columns")),
        constants=constants,
        date_formats=_date_formats(path, data.get("date_formats")),
        codes=_codes(path, data.get("codes")),
        person_ids=_person_ids(path, data.get("person_ids"), constants),
    )


def _person_ids(path: Path, value: Any, constants: dict[str, str]) -> str | None:
    """``person`` or ``episode``, for the one agency the profile's exports come from."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text not in ("person", "episode"):
        raise ProfileError(
            f"{path}: 'person_ids' must be 'person' (one id per person) or 'episode' "
            f"(a new id per attendance or episode), not '{value}'"
        )
    if not constants.get("agency"):
        raise ProfileError(
            f"{path}: 'person_ids' needs 'constants.agency', to say which agency's ids it means"
        )
    return text


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _template_keyed(path: Path, key: str, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ProfileError(f"{path}: '{key}' must map template columns to values")
    out: dict[str, str] = {}
    for column, source in value.items():
        if column not in _ALL_COLUMNS:
            raise ProfileError(f"{path}: '{key}.{column}' is not a template column")
        if source is None:
            continue
        out[str(column)] = str(source)
    return out


def _date_formats(path: Path, value: Any) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ProfileError(f"{path}: 'date_formats' must map date columns to formats")
    out: dict[str, tuple[str, ...]] = {}
    for column, formats in value.items():
        if column not in DATE_COLUMNS:
            raise ProfileError(
                f"{path}: 'date_formats.{column}': only {', '.join(DATE_COLUMNS)} take formats"
            )
        listed = [formats] if isinstance(formats, str) else formats
        if not isinstance(listed, list) or not all(isinstance(f, str) and "%" in f for f in listed):
            raise ProfileError(
                f"{path}: 'date_formats.{column}' must be strftime formats such as '%d/%m/%Y'"
            )
        out[str(column)] = tuple(listed)
    return out


def _codes(path: Path, value: Any) -> dict[str, dict[str, str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ProfileError(f"{path}: 'codes' must map template columns to code maps")
    out: dict[str, dict[str, str]] = {}
    for column, mapping in value.items():
        if column not in _ALL_COLUMNS:
            raise ProfileError(f"{path}: 'codes.{column}' is not a template column")
        if not isinstance(mapping, dict):
            raise ProfileError(f"{path}: 'codes.{column}' must map their codes to ours")
        out[str(column)] = {str(k).strip().upper(): str(v) for k, v in mapping.items()}
    return out
