"""Audit tools: the domains, questions, answer types and grading scale a case file audit uses.

A tool is a YAML file (``default_tool.yaml`` is the packaged multi-agency one) so that a
partnership can grade on its own scale and ask its own questions without a change to
the code. A programme keeps the text of the tool it was set up with, so a tool file
changed later changes no programme already running. Every fault in a file is reported in
one sentence naming the file and where in it the fault is, never a traceback: the person
who wrote the file has to find and mend it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final, TypeGuard

import yaml

from wholestory.settings_file import read_settings, yaml_fault

#: The answers a question may take.
GRADE: Final = "grade"
YES_NO_PARTLY: Final = "yes_no_partly"
NUMBER: Final = "number"
TEXT: Final = "text"
ANSWERS: Final = (GRADE, YES_NO_PARTLY, NUMBER, TEXT)
#: What a yes/no/partly question may be answered.
YES_NO_PARTLY_VALUES: Final = ("yes", "no", "partly")

#: The packaged tool, used when a programme names none.
DEFAULT_TOOL: Final = "default_tool.yaml"
_CODE: Final = re.compile(r"[a-z][a-z0-9_]*")
_TOOL_KEYS: Final = ("name", "scale", "domains", "learning_tags")
#: The learning points an audit may record, when a tool lists none of its own (a tool kept
#: by a programme set up before tools had them): the packaged tool's list.
DEFAULT_LEARNING_TAGS: Final = (
    "History not used",
    "Child's voice not heard",
    "No plan for known risk",
    "Information not shared",
    "'Was not brought' not followed up",
    "Reasonable adjustments not made",
    "Drift and delay",
    "Good practice: multi-agency working",
    "Good practice: analysis",
)
_DOMAIN_KEYS: Final = ("code", "title", "questions")
_QUESTION_KEYS: Final = ("code", "text", "answer", "lowest", "highest")


class ToolError(ValueError):
    """An audit tool that cannot be used; the message names the file and the fault."""


#: How the checks make an error: a place in the file, and what is wrong there.
_Fault = Callable[[str, str], ToolError]


@dataclass(frozen=True, slots=True)
class Scale:
    """How a domain is graded: named grades, best first, or points from lowest to highest."""

    grades: tuple[str, ...] = ()
    lowest: int | None = None
    highest: int | None = None

    def words(self) -> str:
        """The scale as a person reads it: "Outstanding, Good, ..." or "0 to 10 (10 best)"."""
        if self.grades:
            return f"{', '.join(self.grades)} (best first)"
        return f"{self.lowest} to {self.highest} ({self.highest} best)"

    def allows(self, grade: str | int) -> bool:
        """Whether ``grade`` is a grade on this scale."""
        if self.grades:
            return grade in self.grades
        assert self.lowest is not None and self.highest is not None
        return isinstance(grade, int) and self.lowest <= grade <= self.highest

    def as_dict(self) -> dict[str, Any]:
        if self.grades:
            return {"grades": list(self.grades)}
        return {"lowest": self.lowest, "highest": self.highest}


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a domain and the kind of answer it takes."""

    code: str
    text: str
    answer: str
    lowest: int | None = None  # a number's bounds, where the tool gives them
    highest: int | None = None

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"code": self.code, "text": self.text, "answer": self.answer}
        for bound in ("lowest", "highest"):
            if getattr(self, bound) is not None:
                found[bound] = getattr(self, bound)
        return found


@dataclass(frozen=True, slots=True)
class Domain:
    """A domain of practice the auditors judge (recognition of need and risk, assessment...)."""

    code: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Tool:
    """An audit tool, with the text it was read from (what a programme keeps)."""

    name: str
    scale: Scale
    domains: tuple[Domain, ...]
    text: str
    learning_tags: tuple[str, ...] = DEFAULT_LEARNING_TAGS

    def domain(self, code: str) -> Domain | None:
        """The domain with this code, or None."""
        return next((d for d in self.domains if d.code == code), None)

    def learning_tag(self, tag: str) -> str | None:
        """The tag as the tool spells it (case and spacing do not matter), or None."""
        wanted = " ".join(tag.split()).casefold()
        return next((t for t in self.learning_tags if t.casefold() == wanted), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "scale": self.scale.as_dict(),
            "learning_tags": list(self.learning_tags),
            "domains": [
                {
                    "code": d.code,
                    "title": d.title,
                    "questions": [q.as_dict() for q in d.questions],
                }
                for d in self.domains
            ],
        }


def default_tool() -> Tool:
    """The packaged multi-agency tool: the issue's seven domains, Ofsted's four grades."""
    text = resources.files("wholestory.assurance").joinpath(DEFAULT_TOOL).read_text("utf-8")
    return tool_from_text(text, f"the packaged {DEFAULT_TOOL}")


def load_tool(path: Path) -> Tool:
    """The tool in ``path``, or :class:`ToolError` naming the file and its fault."""
    data = read_settings(path, "audit tool", ToolError)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:  # read a moment ago: say so, still
        raise ToolError(f"{path}: the audit tool cannot be read ({problem})") from None
    return tool_of(data, text, str(path))


def tool_from_text(text: str, source: str) -> Tool:
    """A tool from its YAML text (a programme's kept copy); ``source`` names it in errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as problem:
        raise ToolError(
            f"{source}: the audit tool is not valid YAML ({yaml_fault(problem)})"
        ) from None
    return tool_of(data, text, source)


def tool_of(data: Any, text: str, source: str) -> Tool:
    """Check the parsed YAML ``data`` and make it a :class:`Tool`, or raise :class:`ToolError`."""

    def fault(where: str, what: str) -> ToolError:
        return ToolError(f"{source}: {where}{': ' if where else ''}{what}")

    if not isinstance(data, Mapping):
        raise fault("", "an audit tool is a mapping of name, scale and domains")
    _known_keys(data, _TOOL_KEYS, "", fault)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fault("name", "give the tool a name")
    scale = _scale(data.get("scale"), fault)
    raw = data.get("domains")
    if not isinstance(raw, list) or not raw:
        raise fault("domains", "give a list of at least one domain")
    domains = tuple(_domain(d, n, scale, fault) for n, d in enumerate(raw, start=1))
    _unique([d.code for d in domains], "domains", "a domain's code", fault)
    return Tool(
        name.strip(), scale, domains, text, _learning_tags(data.get("learning_tags"), fault)
    )


def _learning_tags(raw: Any, fault: _Fault) -> tuple[str, ...]:
    """The tool's learning tags: its own list, or the default list when it gives none."""
    if raw is None:
        return DEFAULT_LEARNING_TAGS
    tags = [" ".join(str(t).split()) for t in raw] if isinstance(raw, list) else []
    if not tags or not all(tags) or not all(isinstance(t, str) for t in raw):
        raise fault("learning_tags", "give a list of at least one tag, each some words")
    _unique([t.casefold() for t in tags], "learning_tags", "a tag", fault)
    return tuple(tags)


def _scale(raw: Any, fault: _Fault) -> Scale:
    if not isinstance(raw, Mapping):
        raise fault("scale", "give either grades (best first) or lowest and highest")
    _known_keys(raw, ("grades", "lowest", "highest"), "scale", fault)
    grades, lowest, highest = raw.get("grades"), raw.get("lowest"), raw.get("highest")
    if grades is not None and (lowest is not None or highest is not None):
        raise fault("scale", "give either grades or lowest and highest, not both")
    if grades is not None:
        words = [str(g).strip() for g in grades] if isinstance(grades, list) else []
        if len(words) < 2 or not all(words) or len(set(words)) != len(words):
            raise fault("scale", "grades must be a list of at least two different grades")
        return Scale(grades=tuple(words))
    if not _whole(lowest) or not _whole(highest) or lowest >= highest:
        raise fault("scale", "lowest and highest must be whole numbers, lowest below highest")
    return Scale(lowest=lowest, highest=highest)


def _domain(raw: Any, n: int, scale: Scale, fault: _Fault) -> Domain:
    where = f"domain {n}"
    if not isinstance(raw, Mapping):
        raise fault(where, "a domain is a mapping of code, title and questions")
    code = _code(raw.get("code"), where, fault)
    where = f"domain {n} ({code})"
    _known_keys(raw, _DOMAIN_KEYS, where, fault)
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fault(where, "give the domain a title")
    listed = raw.get("questions")
    if not isinstance(listed, list) or not listed:
        raise fault(where, "give a list of at least one question")
    questions = tuple(
        _question(q, f"{where}, question {i}", fault) for i, q in enumerate(listed, 1)
    )
    _unique([q.code for q in questions], where, "a question's code", fault)
    return Domain(code, title.strip(), questions)


def _question(raw: Any, where: str, fault: _Fault) -> Question:
    if not isinstance(raw, Mapping):
        raise fault(where, "a question is a mapping of code, text and answer")
    code = _code(raw.get("code"), where, fault)
    _known_keys(raw, _QUESTION_KEYS, where, fault)
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise fault(where, "give the question's text")
    answer = raw.get("answer")
    if answer not in ANSWERS:
        raise fault(where, f"answer '{answer}' is not one of {', '.join(ANSWERS)}")
    lowest, highest = raw.get("lowest"), raw.get("highest")
    if (lowest is not None or highest is not None) and answer != NUMBER:
        raise fault(where, "only a number answer has a lowest or highest")
    for bound in (lowest, highest):
        if bound is not None and not _whole(bound):
            raise fault(where, "lowest and highest must be whole numbers")
    if lowest is not None and highest is not None and lowest > highest:
        raise fault(where, "lowest must not be above highest")
    return Question(code, text.strip(), str(answer), lowest, highest)


def _code(raw: Any, where: str, fault: _Fault) -> str:
    if not isinstance(raw, str) or not _CODE.fullmatch(raw):
        raise fault(
            where, f"code '{raw}' must be lower-case letters, digits and _, starting with a letter"
        )
    return raw


def _known_keys(raw: Mapping[Any, Any], known: Sequence[str], where: str, fault: _Fault) -> None:
    """A key the tool does not know is most likely a typing error: say so, not ignore it."""
    unknown = sorted(str(k) for k in raw if k not in known)
    if unknown:
        raise fault(where, f"unknown key '{unknown[0]}' (the keys are {', '.join(known)})")


def _unique(codes: Sequence[str], where: str, what: str, fault: _Fault) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise fault(where, f"{what} '{code}' is used twice")
        seen.add(code)


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
