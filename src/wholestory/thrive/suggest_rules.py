"""The rule set a THRIVE suggestion follows: read from YAML and checked, one fault a line.

The packaged ``default_rules.yaml`` is WholeStory's own; a partnership that reviews the
disagreement rate and changes its rules points ``WHOLESTORY_THRIVE_RULES`` at its own
file. Rules are tried in order and the first met gives the suggestion, so a file lists
them from the most acute grouping down. What each condition means is
:mod:`~wholestory.thrive.rule_conditions`.

Every fault in a file is one sentence naming the file and where in it the fault is
("rule 2 (more_help), when, any 1, problems: ..."), never a traceback: whoever wrote the
file has to find and mend it. Anything the file says that this does not know is refused
by name, so a slip is never silently ignored.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

from wholestory.chronology.indicators import INDICATORS
from wholestory.records.template import EVENT_TYPES
from wholestory.settings_file import read_settings, yaml_fault
from wholestory.thrive import rule_conditions as c
from wholestory.thrive.current_view import PARTS
from wholestory.thrive.vocabulary import GROUPINGS, PROBLEMS

#: The setting that names a partnership's own rule file.
RULES_ENV: Final = "WHOLESTORY_THRIVE_RULES"
DEFAULT_RULES: Final = "default_rules.yaml"
_SEVERITIES: Final = ("low", "medium", "high")
_RULE_KEYS: Final = ("grouping", "words", "when")


class RulesError(ValueError):
    """A rule file that cannot be used; the message names the file and the fault."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: the grouping it suggests, what it says in words, and when it is met."""

    grouping: str
    words: str
    when: c.Condition


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules, in the order they are tried, and where they came from."""

    name: str
    rules: tuple[Rule, ...]
    source: str


def load_rules(path: Path | None = None) -> RuleSet:
    """The rules in ``path``, in the file ``WHOLESTORY_THRIVE_RULES`` names, or the packaged
    default; :class:`RulesError` naming the file and its fault."""
    chosen = path or (Path(p) if (p := os.environ.get(RULES_ENV, "").strip()) else None)
    if chosen is None:
        return default_rules()
    return rules_of(read_settings(chosen, "THRIVE rule file", RulesError), str(chosen))


def default_rules() -> RuleSet:
    """WholeStory's own rules, packaged with it."""
    text = resources.files("wholestory.thrive").joinpath(DEFAULT_RULES).read_text("utf-8")
    return rules_from_text(text, f"the packaged {DEFAULT_RULES}")


def rules_from_text(text: str, source: str) -> RuleSet:
    """Rules from YAML text; ``source`` names it in errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as problem:
        raise RulesError(
            f"{source}: the rule file is not valid YAML ({yaml_fault(problem)})"
        ) from None
    return rules_of(data, source)


_Fault = Callable[[str, str], RulesError]


def rules_of(data: Any, source: str) -> RuleSet:
    """Check parsed YAML and make it a :class:`RuleSet`, or raise :class:`RulesError`."""

    def fault(where: str, what: str) -> RulesError:
        return RulesError(f"{source}: {where}{': ' if where else ''}{what}")

    if not isinstance(data, Mapping):
        raise fault("", "a rule file is a mapping of name and rules")
    _known(data, ("name", "rules"), "", fault)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fault("name", "give the rules a name")
    listed = data.get("rules")
    if not isinstance(listed, list) or not listed:
        raise fault("rules", "give a list of at least one rule")
    rules = tuple(_rule(r, n, fault) for n, r in enumerate(listed, start=1))
    return RuleSet(name.strip(), rules, source)


def _rule(raw: Any, n: int, fault: _Fault) -> Rule:
    where = f"rule {n}"
    if not isinstance(raw, Mapping):
        raise fault(where, "a rule is a mapping of grouping, words and when")
    grouping = raw.get("grouping")
    if grouping not in GROUPINGS:
        raise fault(where, f"grouping must be one of {', '.join(GROUPINGS)}, not {grouping!r}")
    where = f"rule {n} ({grouping})"
    _known(raw, _RULE_KEYS, where, fault)
    words = raw.get("words")
    if not isinstance(words, str) or not words.strip():
        raise fault(where, "say in words when the rule suggests its grouping")
    if "when" not in raw:
        raise fault(where, "say when the rule is met")
    when = condition(raw["when"], f"{where}, when", fault)
    return Rule(str(grouping), " ".join(words.split()), when)


def condition(raw: Any, where: str, fault: _Fault) -> c.Condition:
    """One condition of the vocabulary (see :mod:`~wholestory.thrive.rule_conditions`)."""
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise fault(where, f"a condition is one of {', '.join(_READERS)}, as a mapping")
    ((kind, body),) = raw.items()
    reader = _READERS.get(str(kind))
    if reader is None:
        raise fault(where, f"'{kind}' is not a condition; use one of {', '.join(_READERS)}")
    return reader(body, f"{where}, {kind}", fault)


def _combined(kind: str) -> Callable[[Any, str, _Fault], c.Condition]:
    def read(body: Any, where: str, fault: _Fault) -> c.Condition:
        if not isinstance(body, list) or not body:
            raise fault(where, "give a list of at least one condition")
        found = tuple(condition(b, f"{where} {n}", fault) for n, b in enumerate(body, 1))
        return c.AnyOf(found) if kind == "any" else c.AllOf(found)

    return read


def _not(body: Any, where: str, fault: _Fault) -> c.Condition:
    return c.Not(condition(body, where, fault))


def _rated(part: str, named: bool = False) -> Callable[[Any, str, _Fault], c.Condition]:
    def read(body: Any, where: str, fault: _Fault) -> c.Condition:
        keys = ("item", "rated") if named else ("item", "rated", "at_least")
        fields = _fields(body, keys, where, fault)
        items = PARTS[part][0]
        item = fields.get("item")
        if named and item is None:
            raise fault(where, f"name the item, one of {', '.join(PROBLEMS)}")
        if item is not None and item not in items:
            raise fault(where, f"'{item}' is not one of the {part} items: {', '.join(items)}")
        rated = fields.get("rated")
        if rated not in c.ORDER[1:]:
            raise fault(where, f"rated must be one of {', '.join(c.ORDER[1:])}, not {rated!r}")
        at_least = _count(fields.get("at_least", 1), where, fault)
        return c.Rated(part, str(rated), at_least, None if item is None else str(item))

    return read


def _complexity(body: Any, where: str, fault: _Fault) -> c.Condition:
    fields = _fields(body, ("at_least",), where, fault)
    return c.Complexity(_count(fields.get("at_least"), where, fault))


def _events(body: Any, where: str, fault: _Fault) -> c.Condition:
    fields = _fields(body, ("types", "at_least", "within_months"), where, fault)
    types = _codes(fields.get("types"), "types", EVENT_TYPES, where, fault)
    within = _count(fields.get("within_months", 12), where, fault, "within_months")
    return c.Events(types, _count(fields.get("at_least", 1), where, fault), within)


def _flags(body: Any, where: str, fault: _Fault) -> c.Condition:
    fields = _fields(body, ("codes", "severity", "within_months"), where, fault)
    codes = _codes(fields.get("codes"), "codes", INDICATORS, where, fault)
    severity = fields.get("severity")
    if severity is not None and severity not in _SEVERITIES:
        raise fault(where, f"severity must be one of {', '.join(_SEVERITIES)}, not {severity!r}")
    within = fields.get("within_months")
    months = None if within is None else _count(within, where, fault, "within_months")
    return c.Flags(codes, None if severity is None else str(severity), months)


def _fields(body: Any, keys: tuple[str, ...], where: str, fault: _Fault) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise fault(where, f"give {', '.join(keys)} as a mapping")
    _known(body, keys, where, fault)
    return body


def _count(value: Any, where: str, fault: _Fault, name: str = "at_least") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise fault(where, f"{name} must be a whole number of 1 or more, not {value!r}")
    return value


def _codes(
    value: Any, name: str, known: Mapping[str, Any] | frozenset[str], where: str, fault: _Fault
) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise fault(where, f"give {name} as a list of at least one code")
    for code in value:
        if code not in known:
            raise fault(where, f"{code!r} is not one of the known {name}")
    return tuple(str(v) for v in value)


def _known(data: Mapping[Any, Any], keys: tuple[str, ...], where: str, fault: _Fault) -> None:
    unknown = sorted(str(k) for k in data if k not in keys)
    if unknown:
        raise fault(where, f"'{unknown[0]}' is not known here; use {', '.join(keys)}")


_READERS: Final[dict[str, Callable[[Any, str, _Fault], c.Condition]]] = {
    "problems": _rated("problems"),
    "problem": _rated("problems", named=True),
    "contextual": _rated("contextual"),
    "eet": _rated("eet"),
    "complexity": _complexity,
    "events": _events,
    "flags": _flags,
    "any": _combined("any"),
    "all": _combined("all"),
    "not": _not,
}
