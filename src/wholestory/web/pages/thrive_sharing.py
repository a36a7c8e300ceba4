"""Which of a child's THRIVE records a viewer sees: a grouping or Current View is a record of
the agency that made it, shared as that agency's mental health records are under the
partnership's agreement (issue 18). A grouping is the child's need in a word, so it is shown
only where the agreement shares that agency's mental health records in full: where it shares
only that the agency is involved, the grouping is not shown. One rule for the THRIVE page and
the timeline's lane."""

from __future__ import annotations

from typing import Final

from wholestory.access import Viewer
from wholestory.chronology.timeline_groupings import GroupingSpan
from wholestory.chronology.vocabulary import category_of
from wholestory.sharing import FULL, partnership_agreement
from wholestory.sharing.decide import level_for
from wholestory.store import Store
from wholestory.thrive.records import groupings_of

#: A grouping or Current View is shared as a mental health record of its agency.
CATEGORY: Final = category_of("MENTAL_HEALTH_CONTACT")


def shown_to(viewer: Viewer, agency: str) -> bool:
    """Whether the sharing agreement shows ``viewer`` an agency's THRIVE records (in full)."""
    level, _ = level_for(partnership_agreement(), viewer.agency, viewer.role, agency,
                         CATEGORY, False, False)  # fmt: skip
    return level == FULL


def grouping_spans(store: Store, person: str, viewer: Viewer) -> tuple[GroupingSpan, ...]:
    """The child's groupings ``viewer`` may see, as the timeline's lane draws them (one
    query, read when the page's chronology is loaded, not in the nightly build)."""
    return tuple(
        GroupingSpan(k.grouping.title, k.grouping.recorded_on, k.grouping.agency)
        for k in groupings_of(store, [person])
        if shown_to(viewer, k.grouping.agency)
    )
