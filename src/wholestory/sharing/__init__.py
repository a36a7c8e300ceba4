"""The partnership's information sharing agreement (issue 18): who sees which part of a story.

No Django here: the web views, API, downloads and audit apply it through
:class:`ViewerTable` and :func:`shape_entry`; the CLI prints and checks it.
"""

from wholestory.sharing.agreement import (
    ALWAYS_RESTRICTED,
    FULL,
    INVOLVEMENT,
    NONE,
    RESTRICTED,
    Agreement,
    AgreementError,
    Rule,
    default_agreement,
    load,
    parse,
    partnership_agreement,
)
from wholestory.sharing.decide import (
    Shown,
    ViewerTable,
    holds_relationship,
    level_for,
    reduce_to_involvement,
    shape_entry,
)

__all__ = [
    "ALWAYS_RESTRICTED",
    "FULL",
    "INVOLVEMENT",
    "NONE",
    "RESTRICTED",
    "Agreement",
    "AgreementError",
    "Rule",
    "Shown",
    "ViewerTable",
    "default_agreement",
    "holds_relationship",
    "level_for",
    "load",
    "parse",
    "partnership_agreement",
    "reduce_to_involvement",
    "shape_entry",
]
