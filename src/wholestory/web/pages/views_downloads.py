"""A person's chronology to download: the report as a PDF, the entries as CSV.

Each is the chronology the page shows (shared under the agreement for the viewer's
agency and role, from :mod:`wholestory.web.pages.stories`), in a format made by
:func:`wholestory.chronology.render.output`, as the ``wholestory chronology``
command makes it; each download is audited as one.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from wholestory.access import Decision
from wholestory.engagement.family import with_engagement
from wholestory.web.pages.guard import core_store, person_page, viewer_of
from wholestory.web.pages.stories import load
from wholestory.web.pages.views_records import not_in_chronology


def _download(request: HttpRequest, person: str, fmt: str) -> HttpResponse:
    """The person's chronology in ``fmt``, as an attachment named for them."""
    from wholestory.chronology.render import output

    store = core_store()
    loaded = load(store, person, viewer_of(request))  # the same chronology the page shows
    if loaded is None:
        return not_in_chronology(request)
    chronology = with_engagement(store, loaded.chronology(), timezone.localdate())
    made = output(chronology, fmt, sharing=loaded.sharing_words(), person=person)
    response = HttpResponse(made.data, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.file_name}"'
    return response


@never_cache
@person_page("download")
def pdf_view(request: HttpRequest, person: str, decision: Decision) -> HttpResponse:
    """The chronology report as a PDF (A4 landscape, marked OFFICIAL-SENSITIVE)."""
    return _download(request, person, "pdf")


@never_cache
@person_page("download")
def csv_view(request: HttpRequest, person: str, decision: Decision) -> HttpResponse:
    """The chronology's entries as CSV, every cell made safe for a spreadsheet, each row
    saying how the entry was shared."""
    return _download(request, person, "csv")


urls: list[URLPattern] = [
    path("people/<str:person>/chronology.pdf", pdf_view, name="person-pdf"),
    path("people/<str:person>/chronology.csv", csv_view, name="person-csv"),
]
