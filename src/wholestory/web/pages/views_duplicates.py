"""Duplicates at my agency: two of its ids that WholeStory holds as one person.

The agency's safeguarding lead sees the same list as ``wholestory
duplicates AGENCY``, to merge the records in the agency's own system. Only
their own agency's: the list names people the agency itself holds.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from wholestory.chronology.vocabulary import agency_name
from wholestory.identity import EpisodeAgencyError, agency_duplicates
from wholestory.web.pages.guard import audited, core_store, requires, viewer_of


@never_cache
@requires("agency_duplicates")
def duplicates_view(request: HttpRequest) -> HttpResponse:
    """The lead's own agency's duplicate ids, each with why they are one person. Audited."""
    agency = viewer_of(request).agency
    audited(request, "view", target="/duplicates", detail={"agency": agency})
    try:
        found, episodes = agency_duplicates(core_store(), agency), False
    except EpisodeAgencyError:
        found, episodes = [], True
    return render(
        request,
        "pages/work/duplicates.html",
        {"agency": agency_name(agency), "duplicates": found, "episodes": episodes},
    )


urls: list[URLPattern] = [path("duplicates", duplicates_view, name="duplicates")]
