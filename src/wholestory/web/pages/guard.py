"""Every page passes through here: who is asking, may they, and the audit entry first.

A page about a person is shown only after :func:`wholestory.access.may_see_person`
allowed it *and* its audit entry was committed; if the entry cannot be
written the page is refused (nobody sees a record that was not audited). A
refusal is audited too, shows no data, and looks the same whether or not the
person exists, so a refusal never tells anyone that someone is known
elsewhere.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from wholestory import audit
from wholestory.access import (
    AUDIT_GRANT,
    BREAK_GLASS_HOURS,
    BUSINESS_UNIT,
    CASEWORK,
    Decision,
    Facts,
    Viewer,
    may,
    may_see_person,
    partnership_grain,
)
from wholestory.access_facts import facts_about
from wholestory.records.keys import split_key
from wholestory.store import Store, open_store

P = ParamSpec("P")
_local = threading.local()


def core_store() -> Store:
    """This thread's connection to the store (the core library's, not Django's)."""
    store: Store | None = getattr(_local, "store", None)
    if store is None:
        store = open_store()
        _local.store = store
    return store


def viewer_of(request: HttpRequest) -> Viewer:
    """The signed-in user as the access rules see them, with their open grants.

    Worked out once per request (the guard, the view and the shared story all ask).
    """
    found: Viewer | None = getattr(request, "_ws_viewer", None)
    if found is None:
        found = _viewer(request)
        request._ws_viewer = found  # type: ignore[attr-defined]
    return found


def _viewer(request: HttpRequest) -> Viewer:
    from wholestory.web.accounts.models import AccessGrant

    user = request.user
    membership = getattr(user, "membership", None)
    if membership is None:
        return Viewer(str(user.get_username()), "", "")
    now = timezone.now()
    grants: dict[str, dt.datetime] = {}
    glass: dict[str, dt.datetime] = {}
    audits: dict[str, dt.datetime] = {}  # an auditor's, by kind: they open nothing as glass
    # A reviewer's grant still waiting for a lead's approval opens nothing (issue 11, M1).
    grants_open = AccessGrant.objects.filter(
        user_id=int(user.pk or 0), ends_at__gt=now, waiting=False
    )
    for grant in grants_open.filter(starts_at__lte=now):
        target = {AccessGrant.REVIEW: grants, AUDIT_GRANT: audits}.get(grant.kind, glass)
        target[grant.person] = max(target.get(grant.person, grant.ends_at), grant.ends_at)
    return Viewer(
        str(user.get_username()), membership.agency, membership.role, grants, glass,
        membership.team, audits, _open_reviews(membership.role),
    )  # fmt: skip


def _open_reviews(role: str) -> frozenset[str]:
    """The children of open learning reviews, which the business unit sees (issue 17)."""
    if role != BUSINESS_UNIT:
        return frozenset()
    rows = core_store().query("SELECT ws_person_id FROM ws_review_case WHERE status = 'open'")
    return frozenset(str(r[0]) for r in rows)


def audited(
    request: HttpRequest,
    action: str,
    *,
    person: str = "",
    target: str = "",
    reason: str = "",
    outcome: str = "allowed",
    detail: dict[str, Any] | None = None,
    viewer: Viewer | None = None,
) -> audit.Entry:
    """Write the audit entry now, before anything is shown, and return it.

    If it cannot be written, :class:`wholestory.audit.AuditUnavailable` is raised and
    :class:`RefusalMiddleware` turns it into the refusal page (the API has its own
    handler), so a view never goes on to show what was not audited, and never has to
    remember to check.
    """
    who = viewer or (viewer_of(request) if request.user.is_authenticated else None)
    return audit.append(
        core_store(),
        audit.Event(
            actor=who.username if who else str(request.POST.get("username", "anonymous")),
            action=action,
            agency=who.agency if who else "",
            role=who.role if who else "",
            person=person,
            target=target or request.path,
            reason=reason,
            outcome=outcome,
            detail=detail or {},
        ),
    )


class RefusedError(Exception):
    """The viewer may not do what they asked: :class:`RefusalMiddleware` audits the refusal
    and shows its page, so a view states the rule once and never returns a refusal."""

    def __init__(self, decision: Decision, person: str = "") -> None:
        super().__init__(decision.reason)
        self.decision, self.person = decision, person


def insist(decision: Decision, person: str = "") -> None:
    """Go on only if ``decision`` allows; otherwise the audited refusal page (``RefusedError``)."""
    if not decision.allowed:
        raise RefusedError(decision, person)


def submitted(request: HttpRequest) -> QueryDict | None:
    """A form's data when it was sent, else None (the form is shown empty, unchecked)."""
    return request.POST if request.method == "POST" else None


class RefusalMiddleware:
    """Turns a refusal (``RefusedError``) or an audit log that cannot be written into its page, in
    one place.

    The API has its own handler for the same exception (``web/api/api.py``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, audit.AuditUnavailable):
            return unavailable(request)
        if isinstance(exception, RefusedError):
            return denied(request, exception.decision, person=exception.person)
        return None


def unavailable(request: HttpRequest) -> HttpResponse:
    """The page shown when the audit log cannot be written: nothing else is shown."""
    return render(request, "pages/unavailable.html", status=503)


def denied(
    request: HttpRequest, decision: Decision, *, person: str = "", status: int = 403
) -> HttpResponse:
    """Audit the refusal, then say so plainly (and offer break glass where it is open)."""
    audited(request, "denied", person=person, reason=decision.reason, outcome="denied")
    return render(
        request,
        "pages/denied.html",
        {"decision": decision, "person": person, "hours": BREAK_GLASS_HOURS},
        status=status,
    )


def requires(
    capability: str,
) -> Callable[
    [Callable[Concatenate[HttpRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    """A page for a role's capability (not about one person): refused and audited otherwise."""

    def wrap(
        view: Callable[Concatenate[HttpRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            decision = may(viewer_of(request), capability)
            if not decision.allowed:
                return denied(request, decision)
            return view(request, *args, **kwargs)

        return guarded  # type: ignore[return-value]

    return wrap


def check_person(request: HttpRequest, person: str) -> tuple[Viewer, Facts, Decision]:
    """The viewer, the facts about ``person`` and the decision, without auditing yet."""
    viewer = viewer_of(request)
    facts = facts_about(core_store(), person)
    return viewer, facts, may_see_person(viewer, facts, timezone.now())


def person_page(
    action: str = "view",
) -> Callable[
    [Callable[Concatenate[HttpRequest, str, Decision, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, str, P], HttpResponse],
]:
    """A page about one person: allowed by the rules, audited before it is shown.

    The view receives the person's WholeStory id and the decision (whose
    reason it may show). An unknown person is refused exactly like a person
    the viewer may not see.
    """

    def wrap(
        view: Callable[Concatenate[HttpRequest, str, Decision, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, str, P], HttpResponse]:
        @login_required
        @wraps(view)
        def guarded(
            request: HttpRequest, person: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponse:
            viewer, facts, decision = check_person(request, person)
            if not facts.agencies and own_id(viewer, person):
                return not_found(request, viewer, person)
            if not decision.allowed or not facts.agencies:
                refusal = decision if facts.agencies else unknown_person(viewer)
                return denied(request, refusal, person=person)
            audited(
                request,
                action,
                person=person,
                reason=decision.reason,
                detail={
                    "basis": decision.basis,
                    "query": request.GET.dict(),
                    "sharing": sharing_of_look(person, viewer),
                },
                viewer=viewer,
            )
            return view(request, person, decision, *args, **kwargs)

        return guarded  # type: ignore[return-value]

    return wrap


def sharing_of_look(person: str, viewer: Viewer) -> dict[str, Any]:
    """What the viewer is shown of the person under the sharing agreement, for the audit:
    the level of each agency's records and the rules applied (issue 18). The page then
    reads the same shared chronology from the cache."""
    from wholestory.web.pages.stories import load

    loaded = load(core_store(), person, viewer)
    return loaded.sharing if loaded else {}


def unknown_person(viewer: Viewer) -> Decision:
    """The refusal for an id that names no one: worded exactly as any other refusal.

    The agreement's grain goes in too: the words for a team-bound viewer name their team
    and the rule, whoever the person is, so they must for someone unknown as well.
    """
    nobody = Facts("", frozenset(), frozenset(), grain=partnership_grain())
    return may_see_person(viewer, nobody, timezone.now())


def own_id(viewer: Viewer, person: str) -> bool:
    """Whether ``person`` is an ``AGENCY:ID`` of the viewer's own agency (casework roles).

    Only for these may an unknown id say "not found": the agency's own ids are its
    own to know, and no other agency's id is involved.
    """
    agency, rest = split_key(person)
    return bool(rest) and viewer.role in CASEWORK and agency.upper() == viewer.agency.upper()


def not_found(request: HttpRequest, viewer: Viewer, person: str) -> HttpResponse:
    """Audit the refusal of an unknown id of the viewer's own agency, then say it is not found."""
    audited(
        request, "denied", person=person, reason="No such person.", outcome="denied", viewer=viewer
    )
    return render(request, "pages/people/missing.html", status=404)
