"""Uploads to confirm: a second person at the agency vouches for what was uploaded by hand.

Records are the basis of access, so a hand upload gives its agency access to the
people in it only once a safeguarding lead of that agency, other than the
uploader, has looked at its records and confirmed them
(:mod:`wholestory.arrival`). The lead sees only their own agency's uploads.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.arrival import confirm_upload, upload_records, waiting_uploads
from wholestory.chronology.vocabulary import agency_name
from wholestory.web.pages.guard import audited, core_store, requires, viewer_of
from wholestory.web.pages.presenting import when


@never_cache
@requires("confirm_upload")
@require_http_methods(["GET", "POST"])
def uploads_view(request: HttpRequest) -> HttpResponse:
    """The lead's agency's unconfirmed hand uploads, each with its records; confirm one."""
    viewer = viewer_of(request)
    store = core_store()
    if request.method == "POST":
        chosen = str(request.POST.get("upload", ""))
        number = int(chosen) if chosen.isdigit() else 0
        problem = confirm_upload(store, number, viewer.username, viewer.agency)
        audited(
            request,
            "confirm_upload",
            target="/uploads",
            outcome="refused" if problem else "allowed",
            reason=problem,
            detail={"import": number},
            viewer=viewer,
        )
        if problem:
            return _page(request, viewer.agency, viewer.username, problem, status=400)
        messages.success(request, f"Upload {number} confirmed: its records are your agency's.")
        return redirect("/uploads")
    audited(request, "view", target="/uploads", detail={"agency": viewer.agency})
    return _page(request, viewer.agency, viewer.username)


def _page(
    request: HttpRequest, agency: str, lead: str, problem: str = "", status: int = 200
) -> HttpResponse:
    store = core_store()
    uploads: list[dict[str, Any]] = [
        {
            "number": u.import_id,
            "file": u.file,
            "by": u.by,
            "when": when(u.at),
            "records": u.records,
            "rows": upload_records(store, u.import_id),
            "own": u.by == lead,
        }
        for u in waiting_uploads(store, agency)
    ]
    return render(
        request,
        "pages/work/uploads.html",
        {"agency": agency_name(agency), "uploads": uploads, "problem": problem},
        status=status,
    )


urls: list[URLPattern] = [path("uploads", uploads_view, name="uploads")]
