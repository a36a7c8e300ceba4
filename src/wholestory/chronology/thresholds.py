"""The numbers the indicators use, read from ``indicators.yaml`` or the file named by
``WHOLESTORY_INDICATORS``.

Each indicator rule (:mod:`~wholestory.chronology.indicators`) reads its
threshold from :class:`IndicatorThresholds` and quotes it in the flag's explanation, so a
partnership that changes a number sees the change in every flag it raises.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

#: The thresholds :meth:`IndicatorThresholds.current` last read, by file, time and size.
_CURRENT: dict[tuple[str, int, int], IndicatorThresholds] = {}


@dataclass(frozen=True, slots=True)
class IndicatorThresholds:
    """Every number an indicator uses. Defaults are those of indicators.md."""

    year_days: int = 365
    half_year_days: int = 183
    two_years_days: int = 730
    da_escalation_incidents: int = 3
    household_da_counts: bool = True
    marac_dash_yes: int = 14
    missed_appointments: int = 2
    repeat_referrals: int = 2
    nfa_outcomes: int = 3
    missing_episodes: int = 3
    self_harm_high: int = 2
    suspensions: int = 2
    exploitation_signals: int = 2
    exploitation_min_age: int = 10
    exploitation_max_age: int = 17
    ace_categories: int = 4
    household_ace_counts: bool = True
    unconnected_agencies: int = 3
    marac_open_days: int = 365
    closed_escalation_days: int = 183
    needs_unmet_contacts: int = 2
    needs_window_days: int = 365
    carers_needs_count: bool = True
    child_age_limit: int = 18
    health_agencies: tuple[str, ...] = (
        "GP", "HEALTH_VISITING", "SCHOOL_NURSING", "ED", "CAMHS", "ADULT_MH", "MIDWIFERY",
        "COMMUNITY_PAEDIATRICS", "HOSPITAL",
    )  # fmt: skip
    social_care_agencies: tuple[str, ...] = ("CSC",)

    @classmethod
    def load(cls, path: Path | None = None) -> IndicatorThresholds:
        """The thresholds in ``path``, ``WHOLESTORY_INDICATORS``, or the packaged defaults."""
        chosen = path or (Path(p) if (p := os.environ.get("WHOLESTORY_INDICATORS")) else None)
        if chosen is None:
            text = resources.files("wholestory.chronology").joinpath("indicators.yaml").read_text()
            origin = "the packaged indicators.yaml"
        else:
            origin = str(chosen)
            try:
                text = chosen.read_text(encoding="utf-8")
            except OSError as error:
                raise ValueError(f"{origin} cannot be read ({error.strerror or error})") from None
        try:
            values = yaml.safe_load(text) or {}
        except yaml.YAMLError as error:
            raise ValueError(f"{origin} is not valid YAML: {error}") from None
        if not isinstance(values, dict):
            raise ValueError(f"{origin} must hold settings as 'name: value' lines")
        return cls.from_mapping(values, origin)

    @classmethod
    def current(cls) -> IndicatorThresholds:
        """The partnership's thresholds (:meth:`load`), read again only when the file
        changes: a page that needs them does not parse YAML on every request."""
        named = os.environ.get("WHOLESTORY_INDICATORS", "")
        try:
            seen = Path(named).stat() if named else None
        except OSError:
            return cls.load()  # says what is wrong with the file
        key = (named, seen.st_mtime_ns if seen else 0, seen.st_size if seen else 0)
        if key not in _CURRENT:
            _CURRENT.clear()
            _CURRENT[key] = cls.load()
        return _CURRENT[key]

    @classmethod
    def from_mapping(cls, values: dict[str, Any], origin: str = "settings") -> IndicatorThresholds:
        """IndicatorThresholds from a mapping; an unknown or mistyped key is a clear error."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"{origin}: unknown indicator setting(s): {', '.join(unknown)}")
        clean: dict[str, Any] = {}
        for name, value in values.items():
            default = getattr(cls(), name)
            if isinstance(default, tuple):
                if not isinstance(value, list):
                    raise ValueError(f"{origin}: {name} must be a list of agency codes")
                clean[name] = tuple(str(v).upper() for v in value)
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{origin}: {name} must be true or false")
                clean[name] = value
            else:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{origin}: {name} must be a whole number, 0 or more")
                clean[name] = value
        return cls(**clean)
