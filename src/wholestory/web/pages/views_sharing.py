"""The partnership's sharing agreement, read-only, in plain sentences (issue 18).

Everyone signed in may read what the agreement lets each agency and role see,
and why: a practitioner who sees only the date and type of a GP entry can
find out under which rule, and an information governance lead can check that
the system does what was signed. The sentences are written from what the
rules decide (:mod:`wholestory.sharing.words`), not from the file's wording.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from wholestory.sharing import partnership_agreement
from wholestory.sharing.words import report


@login_required
def sharing_view(request: HttpRequest) -> HttpResponse:
    """The agreement in force, as the report prints it: no one's data, so not audited."""
    agreement = partnership_agreement()
    return render(
        request,
        "pages/work/sharing.html",
        {"agreement": agreement, "sentences": report(agreement)},
    )


urls: list[URLPattern] = [path("sharing", sharing_view, name="sharing")]
