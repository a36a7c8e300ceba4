"""Reading a partnership's settings file (YAML), with one message for each way it fails.

A partnership sets some things in files of its own (its school calendar, its licensed
Dash wording). Each such file is read here, so that a missing file, a file that is not
text and a file that is not YAML are said the same way whichever setting it holds,
naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_settings(
    path: Path, what: str, error: type[Exception], *, as_written: bool = False
) -> Any:
    """The file's YAML, or ``error`` with a message naming the file and what is wrong.

    ``as_written`` keeps every value as the text it was written as (YAML makes no dates
    or numbers), so that the caller can report a wrong date with the section it is in.
    """
    loader = yaml.BaseLoader if as_written else yaml.SafeLoader
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # both build no objects
    except OSError as problem:
        raise error(f"{path}: the {what} cannot be read ({problem.strerror})") from None
    except UnicodeDecodeError:
        raise error(f"{path}: the {what} is not UTF-8 text") from None
    except yaml.YAMLError as problem:
        raise error(f"{path}: the {what} is not valid YAML ({yaml_fault(problem)})") from None


def yaml_fault(problem: yaml.YAMLError) -> str:
    """What PyYAML found wrong, on one line with where: "expected ',' or ']' (line 2, column 1)".

    PyYAML's own message spans several lines and quotes the file, which a one-line error
    (and a log) reads badly; the line and column are what the writer of the file needs.
    """
    if isinstance(problem, yaml.MarkedYAMLError) and problem.problem:
        mark = problem.problem_mark or problem.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        return f"{problem.problem}{where}"
    return " ".join(str(problem).split())
