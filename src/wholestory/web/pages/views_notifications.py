"""A safeguarding lead's notices for their agency: break glass, first records, approvals."""

from __future__ import annotations

from typing import Final

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import LEAD, ROLES, deny
from wholestory.web.pages.guard import audited, denied, viewer_of
from wholestory.web.pages.presenting import when
from wholestory.web.pages.stories import person_url

#: The words of a notice's link when it is about no one person, by where it leads.
_NOTICE_LINKS: Final = {"/approvals": "Approvals"}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def notifications_view(request: HttpRequest) -> HttpResponse:
    """A safeguarding lead's messages for their agency, newest first; they can mark them read."""
    from wholestory.web.accounts.models import Notification

    viewer = viewer_of(request)
    if viewer.role != LEAD:
        return denied(request, deny(f"{ROLES.get(viewer.role, 'User')}s do not get notifications."))
    mine = Notification.objects.filter(agency=viewer.agency)
    if request.method == "POST":
        chosen = mine if request.POST.get("all") else mine.filter(pk__in=_ids(request))
        for note in chosen:
            readers = note.read_by.split()
            if viewer.username not in readers:
                note.read_by = " ".join([*readers, viewer.username])
                note.save(update_fields=["read_by"])
        return redirect("/notifications")
    audited(request, "view", target="/notifications", viewer=viewer)
    notes = [
        {
            "id": n.pk,
            "message": n.message,
            "when": when(n.created_at),
            # A notice about an upload to confirm names no one person: it leads to the uploads.
            "url": person_url(n.person) if n.person else n.url or "/uploads",
            "link": "Open the chronology"
            if n.person
            else _NOTICE_LINKS.get(n.url, "Uploads to confirm"),
            "read": viewer.username in n.read_by.split(),
        }
        for n in mine.order_by("-created_at", "-pk")[:200]
    ]
    return render(
        request,
        "pages/people/notifications.html",
        {"notes": notes, "unread": sum(not n["read"] for n in notes)},
    )


def _ids(request: HttpRequest) -> list[int]:
    return [int(i) for i in request.POST.getlist("id") if i.isdigit()]


urls: list[URLPattern] = [
    path("notifications", notifications_view, name="notifications"),
]
