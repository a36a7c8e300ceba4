"""``/people/AGENCY/PERSON_ID``: an agency's id for a person, to their page.

Its path would match every two-part person path (``people/X/access-log``), so
it is registered after them all.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from wholestory.chronology.person_ids import agency_key, person_named
from wholestory.web.pages.guard import check_person, core_store
from wholestory.web.pages.stories import person_url


@never_cache  # where it leads says who the agency's id is
def by_agency_view(request: HttpRequest, agency: str, person_id: str) -> HttpResponse:
    """``/people/AGENCY/PERSON_ID``: to the person's page (refused there, like any other)."""
    if not request.user.is_authenticated:
        return redirect(f"/login?next={quote(request.path)}")
    key = agency_key(agency, person_id)
    found = person_named(core_store(), agency, person_id)
    if found and found != key:
        # Only say which WholeStory id it is to someone who may see them.
        _, _, decision = check_person(request, found)
        if not decision.allowed:
            found = key
    return redirect(person_url(found or key))


urls: list[URLPattern] = [
    path("people/<str:agency>/<str:person_id>", by_agency_view, name="person-by-agency"),
]
