"""How the case file audit pages show a programme, a tool and a case (issue 15).

The pages for quality assurance officers and moderators name no child: a case is "Case 1",
"Case 2" by the order the sample drew it, with the agencies involved. Only the auditor,
under their audit grant, is given the way to the child's chronology. The words the pages
share are here, so that the officer, the auditor and the moderator read the same ones.
"""

from __future__ import annotations

from typing import Any, Final

from wholestory.assurance.programmes import Programme
from wholestory.assurance.tools import Scale, Tool
from wholestory.chronology.display import show_date
from wholestory.chronology.vocabulary import agency_name
from wholestory.web.pages.presenting import when

#: The words of the pages, in one place.
PROGRAMMES_TITLE: Final = "Audit programmes"
NEW_TITLE: Final = "Set up an audit programme"
NO_PROGRAMMES: Final = "No audit programme is set up yet."
NO_SUCH_PROGRAMME: Final = "There is no such audit programme."
THEME_MISSING: Final = "Enter what the audit looks at"
SAMPLE_MISSING: Final = "Enter how many cases to draw, a whole number of 1 or more"
SEED_MISSING: Final = "Enter the seed, a whole number of 0 or more"
DAY_WRONG: Final = "Enter a real day, for example 2025-06-30"
AGE_WRONG: Final = "Enter an age in whole years, from 0 to 17"
TOOL_TWICE: Final = "Give the tool either as a file or pasted, not both"
NOT_BUILT: Final = "No chronologies have been built yet, so no child can be chosen."
SEED_HINT: Final = (
    "Chosen at random for you; write it down. The same seed and criteria choose the same "
    "cases from the same records, so anyone can check the choice."
)
#: How a case is named on the pages of officers and moderators (never the child's name).
CASE: Final = "Case {position}"


def period(p: Programme) -> str:
    """A programme's period in words."""
    return f"{show_date(p.criteria.period_from)} to {show_date(p.criteria.period_to)}"


def programme_summary(p: Programme) -> dict[str, Any]:
    """A programme as the list and its own page head it: theme, period, counts, who and when."""
    return {
        "id": p.id,
        "theme": p.theme,
        "period": period(p),
        "cases": f"{p.sample} of {p.eligible:,}",
        "created_by": p.created_by,
        "created": when(p.created_at),
    }


def programme_facts(p: Programme) -> list[tuple[str, str]]:
    """The facts that let anyone repeat and check a programme's choice of cases."""
    tool = p.tool()
    return [
        ("Theme", p.theme),
        ("Period", period(p)),
        ("Criteria", "; ".join(p.criteria.words())),
        ("Seed", str(p.seed)),
        ("Cases chosen", f"{p.sample} of {p.eligible:,} children eligible"),
        ("Records as of", show_date(p.as_of)),
        ("Eligible children's digest", p.eligible_digest),
        ("Tool", f"{tool.name}: {len(tool.domains)} domains, graded {tool.scale.words()}"),
        ("Set up", f"by {p.created_by}, {when(p.created_at)}"),
    ]


def grade_choices(scale: Scale) -> list[tuple[str, str]]:
    """The grades a domain may be given, best first, as a form's choices."""
    if scale.grades:
        return [(g, g) for g in scale.grades]
    assert scale.lowest is not None and scale.highest is not None
    return [(str(n), str(n)) for n in range(scale.highest, scale.lowest - 1, -1)]


def agencies_words(agencies: list[str] | tuple[str, ...] | set[str]) -> str:
    """Agencies by their plain names, in order of code."""
    return ", ".join(agency_name(a) for a in sorted(agencies)) or "None"


def graded_domains(tool: Tool) -> list[tuple[str, str]]:
    """The domains that carry a grade question (those a moderator agrees), in the tool's order."""
    return [
        (d.code, d.title) for d in tool.domains if any(q.answer == "grade" for q in d.questions)
    ]
