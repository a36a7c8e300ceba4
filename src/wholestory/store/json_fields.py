"""A stored row's fields as the JSON of a list names them, the same in every list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

#: The file and row a record was read from, as every list's JSON names them.
FILE_AND_ROW: Final = {"file_name": "file", "row_number": "row"}


def as_json(row: DataclassInstance, renamed: Mapping[str, str] = FILE_AND_ROW) -> dict[str, Any]:
    """Every field of ``row`` in order, under its JSON name: one rule for each list's keys."""
    return {renamed.get(f.name, f.name): getattr(row, f.name) for f in fields(row)}
