"""The lists on a home page, each a page at a time, each audited as a view of whom it shows.

A list is asked of the core (``engagement.caseloads``, ``engagement.needs``) a page at a
time; every person on the page is then asked of :func:`wholestory.access.may_see_person`
and left out if the viewer may not see them (the lists read an agency's people at the
agency's grain, and a practitioner at a team-level agency sees only their team's), so a
page may show fewer rows than :data:`LIST_SIZE`, never someone it should not. The look
is audited, naming the people shown, before anything is shown. Each list has its own page
parameter, so paging one leaves the others where they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

from django.http import HttpRequest
from django.utils import timezone

from wholestory.access import Viewer, may_see_person, partnership_grain, team_bound
from wholestory.access_facts import facts_about
from wholestory.chronology.display import show_date
from wholestory.chronology.flag_history import raised_since
from wholestory.chronology.indicators import flag_title
from wholestory.chronology.vocabulary import agency_name
from wholestory.engagement import lead_words
from wholestory.engagement.caseloads import (
    Allocated,
    Child,
    allocated_to,
    news_since,
    news_window_start,
    unled_concerns,
    unplanned_high,
)
from wholestory.web.pages import guard
from wholestory.web.pages.presenting import Pages, other_params, page_number, severity_tag, when
from wholestory.web.pages.stories import person_url

#: Rows a home page list shows at a time.
LIST_SIZE: Final = 25
#: How far back "new since your last visit" reaches at most (a first visit, or a long absence).
NEWS_DAYS: Final = 30

T = TypeVar("T")
#: A list's rows from an offset, at most a number of them, and how many there are in all.
Fetch = Callable[[int, int], tuple[list[T], int]]


def paged(
    request: HttpRequest, viewer: Viewer, name: str, fetch: Fetch[T], whose: Callable[[T], str]
) -> tuple[list[T], Pages]:
    """A page of a list (its own page parameter, ``name``), of people the viewer may see,
    the look audited first."""
    asked = page_number(request, name)
    found, total = fetch((asked - 1) * LIST_SIZE, LIST_SIZE)
    pages = Pages(asked, total, total, other_params(request, name), size=LIST_SIZE, param=name)
    if pages.number != asked:  # past the last page: show the last
        found, _ = fetch(pages.offset, LIST_SIZE)
    store, now = guard.core_store(), timezone.now()
    found = [r for r in found if may_see_person(viewer, facts_about(store, whose(r)), now).allowed]
    people = [whose(r) for r in found]
    guard.audited(request, "view", target="/", viewer=viewer,
                  detail={"list": name, "page": pages.number, "people": people})  # fmt: skip
    return found, pages


def in_pages(items: Sequence[T]) -> Fetch[T]:
    """A list already whole (a worker's or a team's caseload, tens of children) paged alike."""
    return lambda offset, limit: (list(items[offset : offset + limit]), len(items))


def _allocated(request: HttpRequest, viewer: Viewer, name: str, found: list[Allocated]
               ) -> dict[str, Any]:  # fmt: skip
    shown, pages = paged(request, viewer, name, in_pages(found), lambda c: c.allocation.person)
    rows = [
        {
            "name": c.name or c.allocation.person,
            "url": person_url(c.allocation.person),
            "plan": lead_words.plan_words(c.allocation),
            "worker": c.allocation.practitioner or lead_words.NOT_NAMED,
            "team": c.allocation.team,
            "severity": c.top_severity or "",
            "tag": severity_tag(c.top_severity or ""),
        }
        for c in shown
    ]
    return {"rows": rows, "pages": pages, "total": len(found)}


def worker_list(request: HttpRequest, viewer: Viewer, practitioner: str) -> dict[str, Any]:
    """ "Children you are the worker for": open allocations at the viewer's agency under the
    practitioner name they are matched to (none when they are not matched yet)."""
    found = allocated_to(guard.core_store(), viewer.agency, practitioner=practitioner)
    return {"practitioner": practitioner, **_allocated(request, viewer, "mine", found)}


def team_list(request: HttpRequest, viewer: Viewer) -> dict[str, Any]:
    """A manager's "the team's children": open allocations at their agency to their team."""
    found = allocated_to(guard.core_store(), viewer.agency, team=viewer.team)
    return {"team": viewer.team.strip(), **_allocated(request, viewer, "team", found)}


def news_list(
    request: HttpRequest, viewer: Viewer, previous_visit: dt.datetime | None
) -> dict[str, Any]:
    """ "Children your agency knows, newest news first": what other agencies sent since the
    viewer's last visit (at most :data:`NEWS_DAYS` back)."""
    now = timezone.now()
    since = news_window_start(previous_visit, now, NEWS_DAYS)
    # A practitioner at a team-level agency knows the children their team (or no team) holds.
    team = viewer.team if team_bound(viewer, partnership_grain()) else ""
    store = guard.core_store()

    def fetch(offset: int, limit: int) -> tuple[list[Child], int]:
        return news_since(store, viewer.agency, since, offset, limit, team=team)

    shown, pages = paged(request, viewer, "news", fetch, lambda c: c.person)
    flagged = raised_since(store, [c.person for c in shown], since)
    rows = [
        {
            "name": c.name or c.person,
            "url": person_url(c.person),
            "latest": when(c.latest),
            "news": ", ".join(f"{agency_name(a)} ({n})" for a, n in c.agencies.items()),
            # The flags first raised on the child since the visit (chronology.flag_history).
            "new_flags": [flag_title(code) for code in flagged.get(c.person, [])],
        }
        for c in shown
    ]
    recent = previous_visit is not None and previous_visit >= now - dt.timedelta(days=NEWS_DAYS)
    return {"rows": rows, "pages": pages,
            "since": when(previous_visit) if recent and previous_visit else "",
            "days": NEWS_DAYS}  # fmt: skip


def _flagged(rows: Sequence[Child]) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name or c.person,
            "url": person_url(c.person),
            "flags": c.flags,
            "severity": c.top_severity or "",
            "tag": severity_tag(c.top_severity or ""),
            "latest": show_date(c.latest),
            "agencies": ", ".join(agency_name(a) for a in sorted(c.agencies)),
            "count": c.count,
        }
        for c in rows
    ]


def unplanned_list(request: HttpRequest, viewer: Viewer) -> dict[str, Any]:
    """A lead's children with a high-severity flag and no plan open."""
    store = guard.core_store()

    def fetch(offset: int, limit: int) -> tuple[list[Child], int]:
        return unplanned_high(store, viewer.agency, offset, limit)

    shown, pages = paged(request, viewer, "unplanned", fetch, lambda c: c.person)
    return {"rows": _flagged(shown), "pages": pages}


def unled_list(request: HttpRequest, viewer: Viewer) -> dict[str, Any]:
    """A lead's children with no lead professional but concerns at several agencies."""
    store = guard.core_store()

    def fetch(offset: int, limit: int) -> tuple[list[Child], int]:
        return unled_concerns(store, viewer.agency, offset, limit)

    shown, pages = paged(request, viewer, "unled", fetch, lambda c: c.person)
    return {"rows": _flagged(shown), "pages": pages}


def unread_alerts(request: HttpRequest, viewer: Viewer) -> dict[str, Any]:
    """The user's unread alerts, the newest first: the child, what, and the way to read it."""
    from wholestory.alerts.reading import unread_for
    from wholestory.alerts.words import RULE_TITLES, about
    from wholestory.identity.people import names_of

    store = guard.core_store()

    def fetch(offset: int, limit: int) -> tuple[list[Any], int]:
        return unread_for(store, viewer.username, offset, limit)

    shown, pages = paged(request, viewer, "alerts", fetch, lambda a: a.person)
    names = names_of(store, [a.person for a in shown])
    rows = [
        {
            "url": f"/alerts/{a.id}",
            "name": names.get(a.person) or a.person,
            "title": RULE_TITLES.get(a.rule, a.rule),
            "about": about(a.agency, a.code),
            "when": when(str(a.raised_at)),
        }
        for a in shown
    ]
    return {"rows": rows, "pages": pages, "total": pages.total}
