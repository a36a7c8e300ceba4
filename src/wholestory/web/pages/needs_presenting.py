"""The family's engagement needs, ready for the person pages' templates (issue 14).

What is shown is the core's (:func:`wholestory.engagement.family.family_needs`); this
only words it for a page: agency names, dates as the chronology shows them, and the
review marked when it is overdue.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from wholestory.access import Viewer, may_change_need
from wholestory.chronology.display import show_date
from wholestory.chronology.report_tables import engagement_tables
from wholestory.chronology.vocabulary import agency_name
from wholestory.engagement.family import engagement_of, family_needs
from wholestory.engagement.needs import Need
from wholestory.store.connection import Store
from wholestory.web.pages.stories import Loaded, person_url


def family_and_engagement(
    store: Store, viewer: Viewer, person: str, name: str, loaded: Loaded
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Each member of the family with a need recorded, the person viewed first (a need the
    viewer's agency recorded here has a link to change it); and the engagement section."""
    today = dt.date.today()
    members = family_needs(store, person, name, loaded.data.get("household", []))
    family = [
        {
            "name": m.name or "Name not recorded",
            "relation": m.relation,
            "url": person_url(m.person) if m.person != person else "",
            "needs": [_need(n, today, _change_url(viewer, m.person, n)) for n in m.needs],
        }
        for m in members
    ]
    section = engagement_of(person, loaded.contacts(), members)
    return family, {"tables": engagement_tables(section)} if section["by_agency"] else {}


def _change_url(viewer: Viewer, person: str, n: Need) -> str:
    if not may_change_need(viewer, n.agency, n.recorded_in_app).allowed:
        return ""
    return f"{person_url(person)}/needs/{quote(n.record_id, safe='')}"


def _need(n: Need, today: dt.date, change_url: str) -> dict[str, Any]:
    return {
        "change_url": change_url,
        "words": n.words,
        "label": n.detail_label,
        "detail": n.detail,
        "agency": agency_name(n.agency),
        "recorded": show_date(n.recorded_on),
        "by": n.recorded_by or n.practitioner or "not named",
        "review": n.review_words(today),
        "overdue": n.past_review(today),
    }
