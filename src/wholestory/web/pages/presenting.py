"""What every page area shows the same way: pages of a list, severity tags, times.

Defined once here so that the flags dashboard, the audit log and a chronology page
never disagree on a colour or a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.http import HttpRequest
from django.utils import timezone

#: Rows on one page of a list (the flags dashboard, the audit log).
PAGE_SIZE: Final = 50

#: The GOV.UK tag colour of each flag severity. Low is blue, not grey: GOV.UK keeps
#: grey for what is inactive, and a low flag is still a flag.
SEVERITY_TAGS: Final = {
    "high": "govuk-tag--red",
    "medium": "govuk-tag--orange",
    "low": "govuk-tag--blue",
}


def severity_tag(severity: str) -> str:
    """The tag colour for a severity (blue for one this version does not know)."""
    return SEVERITY_TAGS.get(severity, SEVERITY_TAGS["low"])


def when(moment: dt.datetime | str, *, seconds: bool = False) -> str:
    """A moment as people in the partnership read it: "04 Dec 2026 21:41", local time.

    An ISO text is read first; a text that is not one is shown as it is.
    """
    if isinstance(moment, str):
        try:
            at = dt.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    else:
        at = moment
    shown = "%d %b %Y %H:%M:%S" if seconds else "%d %b %Y %H:%M"
    return timezone.localtime(at).strftime(shown)


def page_number(request: HttpRequest, param: str = "page") -> int:
    """The page asked for (the first when none, or nonsense, is asked for). A page showing
    several lists names each list's page by a ``param`` of its own."""
    try:
        return max(1, int(request.GET.get(param, "1")))
    except ValueError:
        return 1


def other_params(request: HttpRequest, param: str = "page") -> str:
    """The query without its page, to keep the filters (and other lists' pages) from page
    to page."""
    params = request.GET.copy()
    params.pop(param, None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


@dataclass
class Pages:
    """Where a paginated list is, for the GOV.UK pagination component."""

    number: int
    count: int
    total: int
    query: str  # the other query parameters, to keep filters across pages
    size: int = PAGE_SIZE
    numbers: list[int] = field(default_factory=list)
    param: str = "page"  # the query parameter naming the page (one per list on a page)

    def __post_init__(self) -> None:
        last = self.last
        self.number = min(max(1, self.number), last)
        self.numbers = sorted(
            {1, last, *range(max(1, self.number - 2), min(last, self.number + 2) + 1)}
        )

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_shown(self) -> int:
        return self.offset + 1 if self.total else 0

    @property
    def last_shown(self) -> int:
        return min(self.total, self.offset + self.size)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.last else None


def page_holding(request: HttpRequest, ids: Sequence[str], size: int) -> int:
    """The page asked for; with ``entry=ID``, the page of ``size`` rows that holds that row,
    so a link to one entry (from a flag, the picture or a record) lands on its page."""
    wanted = request.GET.get("entry", "")
    if wanted:
        for index, found in enumerate(ids):
            if found == wanted:
                return index // size + 1
    return page_number(request)


def anchored_links(pages: Pages, anchor: str, all_up_to: int = 9) -> dict[str, Any]:
    """The pagination component's links as whole URLs that land at ``#anchor`` (a long
    page's list, below what comes first); every page is listed when there are few."""

    def link(n: int) -> str:
        return f"?{pages.query}page={n}#{anchor}"

    numbers = range(1, pages.last + 1) if pages.last <= all_up_to else pages.numbers
    return {
        "count": pages.last,
        "previous": link(pages.previous) if pages.previous else "",
        "next": link(pages.next) if pages.next else "",
        "items": [{"number": n, "url": link(n), "current": n == pages.number} for n in numbers],
    }
