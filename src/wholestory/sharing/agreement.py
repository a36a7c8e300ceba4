"""The information sharing agreement as data: what it says, and reading it from a file.

A partnership's agreement is a YAML file its information governance lead signs.
Reading one either gives an :class:`Agreement` or a list of problems, one plain
line each, naming the file, the rule and the line, so that a changed agreement
is never half used. The shipped default (``default.yaml`` beside this file)
follows issue 18; ``docs/sharing.md`` gives its reasons.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

from wholestory.access import ROLES
from wholestory.chronology.vocabulary import CATEGORIES
from wholestory.records.template import AGENCY_CODE, RESTRICTED_CODE

FULL, INVOLVEMENT, NONE = "full", "involvement", "none"
#: What a viewer of another agency gets of a restricted record shown as a marker.
RESTRICTED = "restricted"
#: The levels a rule may give.
LEVELS: Final = (FULL, INVOLVEMENT, NONE)
ANY: Final = "*"

#: Restricted categories that always apply: no agreement can take them away.
ALWAYS_RESTRICTED: Final = frozenset(
    {"SEXUAL_HEALTH", "TERMINATION", "GENDER_IDENTITY", "ADOPTION", "WITNESS_PROTECTION"}
)
#: How a restricted record appears outside its agency.
ELSEWHERE: Final = ("marker", "hidden")
AGENCY_WIDE, TEAM = "agency-wide", "team"
#: Event categories a rule may name (the chronology's, plus ``other``).
EVENT_CATEGORIES: Final = frozenset(CATEGORIES) | {"other"}

_AGENCY = re.compile(AGENCY_CODE)
_CATEGORY = re.compile(RESTRICTED_CODE)
_TOP_KEYS: Final = frozenset(
    {"name", "version", "groups", "role groups", "bases", "restricted", "relationships", "rules"}
)
_RULE_KEYS: Final = frozenset(
    {"id", "source", "category", "viewer", "roles", "through household", "level", "purpose",
     "basis", "reason"}
)  # fmt: skip
_LINE: Final = "__line__"


@dataclass(frozen=True, slots=True)
class Rule:
    """One line of the agreement: whose records, of what, to whom, at what level, and why.

    ``sources``, ``viewers`` and ``roles`` are already expanded from groups, so
    deciding never has to look groups up; ``ANY`` in a tuple matches everything.
    ``through_household`` is ``None`` when the rule fits either way.
    """

    id: str
    sources: tuple[str, ...]
    categories: tuple[str, ...]
    viewers: tuple[str, ...]
    roles: tuple[str, ...]
    through_household: bool | None
    level: str
    purpose: str
    basis: str
    reason: str
    line: int = 0
    basis_name: str = ""  # the short name from the agreement's "bases", if it used one
    # The words the file used, for the report ("health", not six agency codes).
    source_words: tuple[str, ...] = ()
    viewer_words: tuple[str, ...] = ()
    role_words: tuple[str, ...] = ()

    def fits(self, viewer: str, role: str, source: str, category: str, household: bool) -> bool:
        """Whether this rule speaks about this viewer, role, source and category."""
        return (
            (ANY in self.sources or source in self.sources)
            and (ANY in self.categories or category in self.categories)
            and (ANY in self.viewers or viewer in self.viewers)
            and (ANY in self.roles or role in self.roles)
            and (self.through_household is None or self.through_household == household)
        )


@dataclass(frozen=True, slots=True)
class Agreement:
    """A whole agreement, checked: rules in order (the first that fits decides)."""

    name: str
    origin: str
    groups: dict[str, tuple[str, ...]]
    role_groups: dict[str, tuple[str, ...]]
    restricted: frozenset[str]
    restricted_elsewhere: str  # "marker" or "hidden"
    relationship_default: str
    team_agencies: frozenset[str]
    rules: tuple[Rule, ...]
    bases: dict[str, str]

    def __hash__(self) -> int:
        return hash((self.origin, self.name, self.rules))

    @property
    def health(self) -> frozenset[str]:
        """The health agencies: whose records through a household are an adult's own health."""
        return frozenset(self.groups.get("health", ()))

    def grain(self, agency: str) -> str:
        """``team`` or ``agency-wide``: how narrowly holding records relates an agency's staff."""
        return TEAM if agency in self.team_agencies else self.relationship_default


class AgreementError(Exception):
    """An agreement that cannot be used, with every problem found, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line each mapping starts on, to name it in errors."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def default_agreement() -> Agreement:
    """The agreement WholeStory ships with (issue 18's defaults)."""
    text = resources.files("wholestory.sharing").joinpath("default.yaml").read_text("utf-8")
    return parse(text, "the shipped default agreement")


#: Where a partnership keeps its own agreement; unset, the shipped default applies.
AGREEMENT_ENV: Final = "WHOLESTORY_SHARING_AGREEMENT"


@functools.cache
def _partnership_agreement(path: str) -> Agreement:
    return load(Path(path)) if path else default_agreement()


def partnership_agreement() -> Agreement:
    """The agreement in force: the file ``WHOLESTORY_SHARING_AGREEMENT`` names, else the default.

    Read once per process and file (every page applies it, and it changes only
    with a signed-off release of the agreement and a restart). An unusable file
    raises :class:`AgreementError`: nothing is shown under an agreement that
    cannot be read.
    """
    return _partnership_agreement(os.environ.get(AGREEMENT_ENV, "").strip())


def load(path: Path | None = None) -> Agreement:
    """The agreement in ``path``, or the shipped default; :class:`AgreementError` if unusable."""
    if path is None:
        return default_agreement()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not a readable text file"
        raise AgreementError([f"{path}: cannot be read ({reason})."]) from None
    return parse(text, str(path))


def parse(text: str, origin: str) -> Agreement:
    """Read an agreement from YAML text; every problem at once, each naming ``origin``."""
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "it is not valid YAML"
        raise AgreementError(
            [f"{origin}{where}: this is not a readable agreement ({problem})."]
        ) from None
    if not isinstance(data, dict):
        raise AgreementError([f"{origin}: an agreement must be a set of named sections."])
    return _Reader(origin).agreement(data)


class _Reader:
    """Turns the YAML into an :class:`Agreement`, collecting problems rather than stopping."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []
        self.groups: dict[str, tuple[str, ...]] = {}
        self.role_groups: dict[str, tuple[str, ...]] = {}
        self.bases: dict[str, str] = {}

    def problem(self, line: int, text: str) -> None:
        self.problems.append(f"{self.origin}{f', line {line}' if line else ''}: {text}")

    def agreement(self, data: dict[str, Any]) -> Agreement:
        line = int(data.get(_LINE, 0))
        for key in sorted(set(data) - _TOP_KEYS - {_LINE}, key=str):
            self.problem(line, f'"{key}" is not a section an agreement has.')
        self.groups = self._groups(
            data.get("groups") or {}, line, "groups", _AGENCY, "an agency code"
        )
        self.role_groups = self._groups(
            data.get("role groups") or {}, line, "role groups", None, "a role"
        )
        self.bases = {str(k): _words(v) for k, v in (data.get("bases") or {}).items() if k != _LINE}
        restricted, elsewhere = (
            self._restricted(data["restricted"], line)
            if "restricted" in data
            else (ALWAYS_RESTRICTED, "hidden")
        )
        default, team = self._relationships(data.get("relationships") or {}, line)
        rules = self._rules(data.get("rules"), line, restricted)
        if self.problems:
            raise AgreementError(self.problems)
        return Agreement(
            name=_words(data.get("name") or "Information sharing agreement"),
            origin=self.origin,
            groups=self.groups,
            role_groups=self.role_groups,
            restricted=restricted,
            restricted_elsewhere=elsewhere,
            relationship_default=default,
            team_agencies=team,
            rules=rules,
            bases=self.bases,
        )

    def _groups(
        self, raw: Any, line: int, section: str, pattern: re.Pattern[str] | None, what: str
    ) -> dict[str, tuple[str, ...]]:
        if not isinstance(raw, dict):
            self.problem(line, f'"{section}" must name each group with a list.')
            return {}
        groups: dict[str, tuple[str, ...]] = {}
        for name, members in raw.items():
            if name == _LINE:
                continue
            items = tuple(str(m) for m in _as_list(members))
            for item in items:
                valid = pattern.match(item) if pattern else item in ROLES
                if not valid:
                    self.problem(line, f'{section} "{name}": "{item}" is not {what}.')
            groups[str(name)] = items
        return groups

    def _restricted(self, raw: Any, line: int) -> tuple[frozenset[str], str]:
        if not isinstance(raw, dict):
            self.problem(line, '"restricted" must list "categories" and say "elsewhere".')
            return ALWAYS_RESTRICTED, "hidden"
        line = int(raw.get(_LINE, line))
        named = frozenset(str(c) for c in _as_list(raw.get("categories")))
        for missing in sorted(ALWAYS_RESTRICTED - named):
            self.problem(
                line,
                f"restricted categories must include {missing}: it is always restricted, "
                "and would otherwise be shown to other agencies.",
            )
        for bad in sorted(c for c in named if not _CATEGORY.match(c)):
            self.problem(line, f'restricted category "{bad}" must be a code such as SEXUAL_HEALTH.')
        elsewhere = str(raw.get("elsewhere", "hidden"))
        if elsewhere not in ELSEWHERE:
            self.problem(
                line, f'restricted "elsewhere" must be marker or hidden, not "{elsewhere}".'
            )
            elsewhere = "hidden"
        return named | ALWAYS_RESTRICTED, elsewhere

    def _relationships(self, raw: Any, line: int) -> tuple[str, frozenset[str]]:
        if not isinstance(raw, dict):
            self.problem(line, '"relationships" must say a "default" and list "team" agencies.')
            return AGENCY_WIDE, frozenset()
        line = int(raw.get(_LINE, line))
        default = str(raw.get("default", AGENCY_WIDE))
        if default not in (AGENCY_WIDE, TEAM):
            self.problem(
                line, f'relationships "default" must be agency-wide or team, not "{default}".'
            )
            default = AGENCY_WIDE
        team = frozenset(self._agencies(raw.get("team"), line, "relationships team"))
        return default, team

    def _agencies(self, raw: Any, line: int, where: str) -> list[str]:
        out: list[str] = []
        for item in (str(i) for i in _as_list(raw)):
            if item == ANY:
                out.append(ANY)
            elif item in self.groups:
                out.extend(self.groups[item])
            elif _AGENCY.match(item):
                out.append(item)
            else:
                self.problem(line, f'{where}: "{item}" is not an agency code or a group.')
        return out

    def _rules(self, raw: Any, line: int, restricted: frozenset[str]) -> tuple[Rule, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem(line, 'an agreement needs a list of "rules".')
            return ()
        rules: list[Rule] = []
        seen: set[str] = set()
        for number, item in enumerate(raw, start=1):
            rule = self._rule(item, number, line, restricted)
            if rule is None:
                continue
            if rule.id in seen:
                self.problem(rule.line, f'rule "{rule.id}": another rule has the same id.')
            seen.add(rule.id)
            rules.append(rule)
        return tuple(rules)

    def _rule(self, item: Any, number: int, line: int, restricted: frozenset[str]) -> Rule | None:
        if not isinstance(item, dict):
            self.problem(line, f"rule {number} must be a set of fields (id, source, viewer...).")
            return None
        line = int(item.get(_LINE, line))
        name = str(item.get("id") or f"number {number}")
        where = f'rule "{name}"'
        for key in sorted(set(item) - _RULE_KEYS - {_LINE}, key=str):
            self.problem(line, f'{where}: "{key}" is not a field a rule has.')
        for key in ("id", "source", "viewer", "level", "purpose", "basis", "reason"):
            if not item.get(key):
                self.problem(line, f'{where}: it must say its "{key}".')
        level = str(item.get("level", NONE))
        if level not in LEVELS:
            self.problem(line, f'{where}: level must be full, involvement or none, not "{level}".')
        categories = tuple(str(c) for c in _as_list(item.get("category", ANY)))
        for category in categories:
            if category != ANY and category not in EVENT_CATEGORIES | restricted:
                known = ", ".join(sorted(EVENT_CATEGORIES))
                self.problem(line, f'{where}: "{category}" is not a category ({known}).')
        household = item.get("through household")
        if household is not None and not isinstance(household, bool):
            self.problem(line, f'{where}: "through household" must be true or false.')
            household = None
        source_words = tuple(str(s) for s in _as_list(item.get("source")))
        viewer_words = tuple(str(v) for v in _as_list(item.get("viewer")))
        role_words = tuple(str(r) for r in _as_list(item.get("roles", ANY)))
        rule = Rule(
            id=name,
            sources=tuple(self._agencies(source_words, line, f"{where} source")),
            categories=categories,
            viewers=tuple(self._agencies(viewer_words, line, f"{where} viewer")),
            roles=self._roles(role_words, line, where),
            through_household=household,
            level=level,
            purpose=_words(item.get("purpose", "")),
            basis=self.bases.get(str(item.get("basis")), _words(item.get("basis", ""))),
            reason=_words(item.get("reason", "")),
            line=line,
            basis_name=str(item.get("basis")) if str(item.get("basis")) in self.bases else "",
            source_words=source_words,
            viewer_words=viewer_words,
            role_words=role_words,
        )
        self._refuse_restricted(rule, restricted)
        return rule

    def _roles(self, words: tuple[str, ...], line: int, where: str) -> tuple[str, ...]:
        out: list[str] = []
        for word in words:
            if word == ANY or word in ROLES:
                out.append(word)
            elif word in self.role_groups:
                out.extend(self.role_groups[word])
            else:
                self.problem(line, f'{where}: "{word}" is not a role or a role group.')
        return tuple(out)

    def _refuse_restricted(self, rule: Rule, restricted: frozenset[str]) -> None:
        """Refuse a rule showing a restricted category to an agency that did not record it."""
        named = [c for c in rule.categories if c in restricted]
        if not named or rule.level == NONE:
            return
        only_itself = len(set(rule.sources)) == 1 and set(rule.viewers) == set(rule.sources)
        if ANY in rule.sources or not only_itself:
            self.problem(
                rule.line,
                f'rule "{rule.id}" would show {", ".join(named)} records to another agency: '
                "restricted records are only ever shown to the agency that recorded them.",
            )


def _as_list(value: Any) -> list[Any]:
    """A YAML value as a list: one item or many are both natural to write."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _words(value: Any) -> str:
    """Text from the file as one line of words."""
    return " ".join(str(value).split())
