"""Operation Encompass pages: the police queue, a school's notices, and the emailed link.

What is owed, when it is due and what it says are the core's
(:mod:`wholestory.domestic_abuse.encompass`); who may see what is ``access.py``'s:
the police Encompass officer works the whole queue (capability ``encompass``); a
school's designated safeguarding lead sees only notices for their own school's
pupils (``encompass_school``, their school being the team on their account). The
emailed link needs no sign-in and shows nothing about the child: it only records
that the notice reached the school. Every look and every action is audited first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import DSL
from wholestory.audit.actions import Action
from wholestory.domestic_abuse import encompass_words as words
from wholestory.domestic_abuse.encompass import (
    Notice,
    NoticeError,
    acknowledge,
    acknowledge_by_link,
    linked_notice,
    mark_sent,
    notice,
    notices,
    queue,
)
from wholestory.web.pages.fields import optional_textarea
from wholestory.web.pages.guard import audited, core_store, requires, viewer_of
from wholestory.web.pages.presenting import Pages, other_params, page_number

TEMPLATES = "pages/domestic_abuse/"
#: Notices a page of the queue shows, those not sent first.
QUEUE_PAGE = 25


class SendForm(forms.Form):
    childs_voice = optional_textarea(
        "The child's voice (optional)",
        "What the child said or how they seemed, in their words where you have them.",
        4000,
    )


@never_cache
@requires("encompass")
def queue_view(request: HttpRequest) -> HttpResponse:
    """Every notice owed, overdue and due first, then those sent."""
    number = page_number(request)
    audited(request, Action.ENCOMPASS_QUEUE, target="/encompass", detail={"page": number})
    now = dt.datetime.now()
    found, total = queue(core_store(), (number - 1) * QUEUE_PAGE, QUEUE_PAGE)
    pages = Pages(number, total, total, other_params(request), size=QUEUE_PAGE)
    if pages.number != number:  # asked past the end: the last page
        found, total = queue(core_store(), pages.offset, QUEUE_PAGE)
    context = {"words": words, "notices": [_shown(n, now) for n in found], "pages": pages}
    return render(request, TEMPLATES + "encompass_queue.html", context)


@never_cache
@requires("encompass")
def send_view(request: HttpRequest) -> HttpResponse:
    """Send one notice: add the child's voice, mark it sent, email the school's leads a link."""
    key = str(request.GET.get("notice", ""))
    store = core_store()
    found = notice(store, key)
    if found is None:
        audited(request, Action.VIEW, target=request.get_full_path(), outcome="not_found")
        return render(request, TEMPLATES + "encompass_gone.html", {"words": words}, status=404)
    form = SendForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        audited(
            request,
            Action.ENCOMPASS_SENT,
            person=found.child,
            target=f"/encompass/{key}",
            detail={"school": found.school, "due_at": found.due_at},
        )
        try:
            token = mark_sent(
                store,
                key,
                request.user.get_username(),
                str(form.cleaned_data["childs_voice"]),
                dt.datetime.now(),
            )
        except NoticeError as problem:
            error = str(problem)
        else:
            _email_school(request, found, token)
            return redirect("encompass")
    else:
        audited(request, Action.VIEW, person=found.child, target=request.get_full_path())
    context = {
        "words": words,
        "n": _shown(found, dt.datetime.now()),
        "form": form,
        "problem": error,
    }
    return render(request, TEMPLATES + "encompass_send.html", context)


def _email_school(request: HttpRequest, sent: Notice, token: str) -> None:
    """Email each of the school's safeguarding leads the one-time link (nothing about the child)."""
    leads = User.objects.filter(
        membership__role=DSL, membership__team=sent.school, is_active=True
    ).exclude(email="")
    link = request.build_absolute_uri(reverse("encompass-ack", args=[token]))
    send_mail(
        "Operation Encompass: a notice for one of your pupils",
        "The police have sent an Operation Encompass notice for one of your pupils. Sign in "
        f"to WholeStory to read it, or acknowledge that it reached you: {link}\n"
        "The link works once.",
        settings.DEFAULT_FROM_EMAIL,
        [u.email for u in leads],
        fail_silently=False,
    )


@never_cache
@requires("encompass_school")
def school_view(request: HttpRequest) -> HttpResponse:
    """The notices for the signed-in lead's own school's pupils; acknowledge one by POST."""
    viewer = viewer_of(request)
    store = core_store()
    message = ""
    if request.method == "POST":
        key = str(request.POST.get("notice", ""))
        found = notice(store, key)
        if found is None or found.school != viewer.team:
            audited(request, Action.VIEW, target="/encompass/school", outcome="not_found")
            return render(request, TEMPLATES + "encompass_gone.html", {"words": words}, status=404)
        audited(
            request, Action.ENCOMPASS_ACKNOWLEDGED, person=found.child, target=f"/encompass/{key}"
        )
        try:
            acknowledge(store, key, viewer.username, dt.datetime.now())
            message = words.ACKNOWLEDGED
        except NoticeError as problem:
            message = str(problem)
    audited(request, Action.ENCOMPASS_SCHOOL, target="/encompass/school")
    now = dt.datetime.now()
    found_here = [n for n in notices(store, school=viewer.team) if n.sent_at]
    context = {
        "words": words,
        "school": viewer.team,
        "message": message,
        "notices": [_shown(n, now) for n in reversed(found_here)],
    }
    return render(request, TEMPLATES + "encompass_school.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def ack_view(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: a button (so a mail scanner's visit acknowledges nothing)."""
    store = core_store()
    linked = linked_notice(store, token)
    if linked is None:
        return render(request, TEMPLATES + "encompass_gone.html", {"words": words}, status=404)
    context: dict[str, Any] = {"words": words, "school": linked.school}
    if request.method == "POST":
        audited(
            request,
            Action.ENCOMPASS_ACKNOWLEDGED,
            person=linked.child,
            target="/encompass/ack",
            detail={"by": "emailed link", "school": linked.school},
        )
        try:
            acknowledge_by_link(store, token, dt.datetime.now())
        except NoticeError as problem:
            return render(
                request,
                TEMPLATES + "encompass_ack.html",
                context | {"problem": str(problem)},
                status=400,
            )
        context["done"] = True
    return render(request, TEMPLATES + "encompass_ack.html", context)


def _shown(n: Notice, now: dt.datetime) -> dict[str, Any]:
    """A notice as the lists show it: its fields, status words and times for people."""
    status = n.status(now)
    return {
        "n": n,
        "status": status,
        "status_words": words.STATUSES[status],
        "school_source": words.school_source(n.school_known_from),
        "present": words.PRESENT if n.present else words.NOT_PRESENT,
        "incident_at": n.incident_at.replace("T", " "),
        "due_at": n.due_at.replace("T", " "),
        "sent_at": (n.sent_at or "").replace("T", " "),
    }


urls: list[URLPattern] = [
    path("encompass", queue_view, name="encompass"),
    path("encompass/send", send_view, name="encompass-send"),
    path("encompass/school", school_view, name="encompass-school"),
    path("encompass/ack/<str:token>", ack_view, name="encompass-ack"),
]
