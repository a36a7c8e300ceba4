"""Which alert rules a partnership runs, and what each watches for (``WHOLESTORY_ALERTS``).

Every rule has a default, so a partnership that sets nothing gets all three. A settings
file (YAML) may turn a rule off or change the events that count as "something new" for
a child with a plan or a high flag; anything else in it is refused by name, so a typing
slip is never silently ignored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from wholestory.settings_file import read_settings

NEW_INVOLVEMENT: Final = "NEW_INVOLVEMENT"
SOMETHING_NEW: Final = "SOMETHING_NEW"
NEW_FLAG: Final = "NEW_FLAG"
RULES: Final = (NEW_INVOLVEMENT, SOMETHING_NEW, NEW_FLAG)

#: The events at another agency a lead professional is told of for a child on a plan or with
#: a high flag: emergency care (as NHS CP-IS tells of it), police contact, going missing,
#: exclusion and leaving education, harm to self.
WATCHED_EVENTS: Final = frozenset(
    {
        "ED_ATTENDANCE", "HOSPITAL_ADMISSION", "INJURY", "SELF_HARM",
        "DA_INCIDENT", "MISSING_EPISODE", "ARREST", "OFFENCE_VICTIM", "OFFENCE_SUSPECT",
        "EXPLOITATION_CONCERN", "CUSTODY",
        "SUSPENSION", "PERMANENT_EXCLUSION", "CHILD_MISSING_EDUCATION",
    }
)  # fmt: skip


class AlertSettingsError(ValueError):
    """The alert settings file cannot be used; the message names the file and the fault."""


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """The rules in force and what "something new" watches for."""

    rules: frozenset[str] = frozenset(RULES)
    watched_events: frozenset[str] = field(default=WATCHED_EVENTS)

    def runs(self, rule: str) -> bool:
        return rule in self.rules

    @classmethod
    def load(cls, path: Path | None = None) -> AlertSettings:
        """The settings in ``path``, ``WHOLESTORY_ALERTS``, or the defaults."""
        chosen = path or (Path(p) if (p := os.environ.get("WHOLESTORY_ALERTS")) else None)
        if chosen is None:
            return cls()
        return cls.from_mapping(read_settings(chosen, "alert settings", AlertSettingsError), chosen)

    @classmethod
    def from_mapping(cls, data: Any, where: Path | str) -> AlertSettings:
        """Settings from a file's YAML: ``rules: {RULE: on|off}``, ``watched_events: [...]``."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise AlertSettingsError(f"{where}: expected 'rules' and 'watched_events' settings")
        unknown = sorted(set(data) - {"rules", "watched_events"})
        if unknown:
            raise AlertSettingsError(
                f"{where}: unknown setting {unknown[0]!r}; the settings are 'rules' and "
                "'watched_events'"
            )
        return cls(_rules(data.get("rules"), where), _events(data.get("watched_events"), where))


def _rules(value: Any, where: Path | str) -> frozenset[str]:
    if value is None:
        return frozenset(RULES)
    if not isinstance(value, dict):
        raise AlertSettingsError(f"{where}: 'rules' should map each rule to on or off")
    on = set(RULES)
    for rule, state in value.items():
        if rule not in RULES:
            raise AlertSettingsError(
                f"{where}: rules: {rule!r} is not a rule; the rules are {', '.join(RULES)}"
            )
        if state not in (True, False, "on", "off"):
            raise AlertSettingsError(f"{where}: rules: {rule} should be on or off")
        if state in (False, "off"):
            on.discard(rule)
    return frozenset(on)


def _events(value: Any, where: Path | str) -> frozenset[str]:
    from wholestory.records.template import EVENT_TYPES

    if value is None:
        return WATCHED_EVENTS
    if not isinstance(value, list) or not value:
        raise AlertSettingsError(f"{where}: 'watched_events' should be a list of event types")
    for event in value:
        if event not in EVENT_TYPES:
            raise AlertSettingsError(
                f"{where}: watched_events: {event!r} is not an event type of the template"
            )
    return frozenset(value)
