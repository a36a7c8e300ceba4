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
from wholestory.sharing.agreement import Agreement
from wholestory.sharing.words import report

#: The last agreement put into words, and its words: the agreement is read once per process
#: and the sentences take a fifth of a second to work out (every rule asked of every agency,
#: role and category), so they are worked out once per agreement, not on every page view.
_said: list[tuple[Agreement, list[str]]] = []


def _sentences(agreement: Agreement) -> list[str]:
    if not _said or _said[0][0] is not agreement:
        _said[:] = [(agreement, report(agreement))]
    return _said[0][1]


@login_required
def sharing_view(request: HttpRequest) -> HttpResponse:
    """The agreement in force, as the report prints it: no one's data, so not audited."""
    agreement = partnership_agreement()
    return render(
        request,
        "pages/work/sharing.html",
        {"agreement": agreement, "sentences": _sentences(agreement)},
    )


urls: list[URLPattern] = [path("sharing", sharing_view, name="sharing")]
