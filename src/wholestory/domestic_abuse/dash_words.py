"""The checklist's questions in words: short labels of our own, or the partnership's text.

The published wording of the Dash checklist belongs to SafeLives and the police form
to the College of Policing, so WholeStory ships short labels of its own for the 24
SafeLives topics (in their order, ``shared/spec/domestic-abuse.md``) and plain
"Question N" for the police form, whose order differs. A partnership that holds a
licence loads the official text from a YAML file named by
``WHOLESTORY_DASH_WORDING``::

    SAFELIVES_RIC_24:
      - "First question, as published"
      - ...                      # 24 in all
    POLICE_DASH_27:
      - ...                      # 27 in all

Either form may be left out; a form given must have every question.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from wholestory.domestic_abuse.dash import FORMS, POLICE_DASH_27, SAFELIVES_RIC_24, DashError
from wholestory.settings_file import read_settings

#: Where a partnership's licensed wording is read from, when set.
WORDING_ENV: Final = "WHOLESTORY_DASH_WORDING"

#: Our short labels for the SafeLives topics, in the checklist's order.
SAFELIVES_LABELS: Final[tuple[str, ...]] = (
    "Injured in this incident",
    "Very frightened",
    "Afraid of what (further injury, violence, being killed...)",
    "Isolated from family or friends",
    "Depressed or having suicidal thoughts",
    "Separated, or tried to, in the past year",
    "Conflict over child contact",
    "Constant texting, calling, following, stalking or harassment",
    "Pregnant or had a baby recently",
    "Abuse happening more often",
    "Abuse getting worse",
    "Controls everything or is excessively jealous",
    "Has used weapons or objects to hurt",
    "Has threatened to kill, and was believed",
    "Has strangled, choked, suffocated or drowned",
    "Sexual abuse",
    "Another person threatening, or feared",
    "Has hurt anyone else",
    "Has mistreated an animal or pet",
    "Financial issues or dependence",
    "Drugs, alcohol or mental health problems in the past year",
    "Has threatened or attempted suicide",
    "Has breached bail, an injunction or a contact agreement",
    "Trouble with the police or a criminal history",
)

DEFAULT_WORDING: Final[dict[str, tuple[str, ...]]] = {
    SAFELIVES_RIC_24: SAFELIVES_LABELS,
    POLICE_DASH_27: tuple(f"Question {n}" for n in range(1, FORMS[POLICE_DASH_27] + 1)),
}


def wording(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """The questions of each form: the partnership's file where it gives them, else ours."""
    chosen = path or (Path(os.environ[WORDING_ENV]) if os.environ.get(WORDING_ENV) else None)
    if chosen is None:
        return dict(DEFAULT_WORDING)
    return {**DEFAULT_WORDING, **_read(chosen)}


def _read(path: Path) -> dict[str, tuple[str, ...]]:
    """A wording file, checked, or :class:`DashError` saying what is wrong with it."""
    data = read_settings(path, "Dash wording", DashError)
    if not isinstance(data, dict):
        raise DashError(
            f"{path}: give each form's questions under its code, like {SAFELIVES_RIC_24}:"
        )
    found: dict[str, tuple[str, ...]] = {}
    for form, questions in data.items():
        if form not in FORMS:
            raise DashError(f"{path}: '{form}' is not a form; the forms are {', '.join(FORMS)}")
        if not isinstance(questions, list) or len(questions) != FORMS[form]:
            raise DashError(f"{path}: {form} needs a list of its {FORMS[form]} questions")
        if not all(isinstance(q, str) and q.strip() for q in questions):
            raise DashError(f"{path}: every question of {form} must be words")
        found[str(form)] = tuple(q.strip() for q in questions)
    return found
