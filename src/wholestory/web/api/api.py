"""The JSON REST API (django-ninja): the same core, the same access rules, the same audit.

Every call needs a token (``Authorization: Bearer <token>``, from
``wholestory user token NAME``). A call that returns anything about a person
writes its audit entry first; if the entry cannot be written the answer is
503 and no data. A person the caller may not see is answered exactly like a
person who does not exist (404), and board members and administrators, who
never see identifiable people, get 403. Errors are JSON ``{"detail": "..."}``
in plain words, never a traceback.

The schema is published at ``/api/v1/openapi.json``; signed-in users read it
as a page at ``/api-docs`` (:mod:`wholestory.web.api.docs`, served from the
site's own files, not a CDN).
"""

from __future__ import annotations

import json
import logging
import zlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from wholestory import audit
from wholestory.access import (
    CAPABILITIES,
    NO_CASE_DATA,
    ROLES,
    Viewer,
    may,
)
from wholestory.chronology.person_ids import agency_key, person_named
from wholestory.chronology.stored import flagged_children
from wholestory.engagement.family import engagement_json
from wholestory.search import RESULT_LIMIT, Query, QueryError, clean, decisions, find_people
from wholestory.store import Store
from wholestory.web.api.auth import BearerToken
from wholestory.web.pages.guard import audited, check_person, core_store, unknown_person, viewer_of
from wholestory.web.pages.limits import over_limit
from wholestory.web.pages.stories import load

log = logging.getLogger("wholestory.api")


class NoStoreAPI(NinjaAPI):
    """The API, every answer marked ``Cache-Control: no-store``: answers carry personal
    data (or say whether someone exists), so no browser or proxy may keep a copy."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        add_never_cache_headers(response)
        return response

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        response = super().create_temporal_response(request)
        add_never_cache_headers(response)
        return response


api = NoStoreAPI(
    title="WholeStory API",
    version="1",
    description=(
        "One child's whole story, joined up across a safeguarding partnership, under the same "
        "relationship-based access rules and audit as the web pages. Authenticate with "
        "`Authorization: Bearer <token>` (issued by `wholestory user token NAME`)."
    ),
    auth=BearerToken(),
    docs_url=None,
    urls_namespace="api",
)

NOT_FOUND = "No person you may see has that id."
UNAVAILABLE = "The audit log cannot be written just now, so nothing can be shown. Try again soon."


class Message(Schema):
    detail: str


class Me(Schema):
    username: str
    agency: str
    team: str
    role: str
    role_name: str
    may: list[str]


class Found(Schema):
    id: str
    name: str
    date_of_birth: str | None
    is_child: bool
    why_you_may_see: str


class SearchResults(Schema):
    results: list[Found]


class FlagSummary(Schema):
    code: str
    title: str
    severity: str
    first_date: str
    last_date: str
    ages: str  # the age at which it happened: "aged 14 to 15" ("" with no date of birth)
    explanation: str


class FlaggedChild(Schema):
    person: str
    name: str | None
    date_of_birth: str | None
    age: int | None  # on the as-of date: the day of death, for someone who died
    date_of_death: str | None
    open_plan: bool
    top_severity: str
    flags: list[FlagSummary]


class Flagged(Schema):
    agency: str
    children: list[FlaggedChild]


PERSON_RESPONSES: dict[int, Any] = {
    200: dict[str, Any],
    401: Message,
    403: Message,
    404: Message,
    503: Message,
}


# Errors: JSON in plain words


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: Exception) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "A valid API token is needed: send 'Authorization: Bearer <token>'."},
        status=401,
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    problems = []
    for e in error.errors[:5]:
        where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "path"))
        problems.append(f"{where}: {e.get('msg', 'not valid')}" if where else e.get("msg", ""))
    return api.create_response(
        request, {"detail": "The request is not valid: " + "; ".join(problems)}, status=422
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    log.exception("API error on %s", request.path)
    return api.create_response(
        request,
        {"detail": "Something went wrong that WholeStory did not expect. It has been logged."},
        status=500,
    )


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other path under /api/v1/: JSON, like the rest."""
    response = HttpResponse(
        json.dumps({"detail": "There is no such API address. See /api/v1/openapi.json."}),
        status=404,
        content_type="application/json",
    )
    add_never_cache_headers(response)
    return response


# Who is asking


@api.get("/me", response={200: Me, 401: Message}, summary="Who the token belongs to")
def me(request: HttpRequest) -> dict[str, Any]:
    """The token's user: their agency, team, role and what their role may do."""
    viewer = viewer_of(request)
    membership = getattr(request.user, "membership", None)
    return {
        "username": viewer.username,
        "agency": viewer.agency,
        "team": membership.team if membership else "",
        "role": viewer.role,
        "role_name": ROLES.get(viewer.role, ""),
        "may": [name for name in CAPABILITIES if may(viewer, name).allowed],
    }


# One person's chronology


def _refuse(
    request: HttpRequest, viewer: Viewer, reason: str, person: str, status: int, detail: str
) -> Status[Any]:
    """Audit a refusal, then answer it with no data (503 if even the refusal cannot be audited)."""
    try:
        audited(request, "denied", person=person, reason=reason, outcome="denied", viewer=viewer)
    except audit.AuditUnavailable:
        return Status(503, {"detail": UNAVAILABLE})
    return Status(status, {"detail": detail})


def _chronology(request: HttpRequest, find: Any, asked: str) -> Status[Any]:
    """The chronology JSON of the person ``find(store)`` names, if the caller may see it."""
    viewer = viewer_of(request)
    if viewer.role in NO_CASE_DATA:
        refusal = unknown_person(viewer)
        return _refuse(request, viewer, refusal.reason, asked, 403, refusal.reason)
    store = core_store()
    person: str | None = find(store)
    # The same work whether or not the person exists (issue 11, L1): for a missing id the
    # rules are checked on a stand-in, so the answer takes as long as for a hidden person.
    viewer, facts, decision = check_person(request, person or _stand_in(store, asked))
    if person is None:
        return _refuse(request, viewer, "No such person.", asked, 404, NOT_FOUND)
    if not decision.allowed or not facts.agencies:
        reason = decision.reason if facts.agencies else "No such person."
        return _refuse(request, viewer, reason, person, 404, NOT_FOUND)
    # As the viewer's agency and role may see it under the sharing agreement (issue 18).
    loaded = load(store, person, viewer)
    if loaded is None:
        return _refuse(request, viewer, "No such person.", person, 404, NOT_FOUND)
    try:
        audited(
            request,
            "view",
            person=person,
            reason=decision.reason,
            detail={"basis": decision.basis, "via": "api", "sharing": loaded.sharing},
            viewer=viewer,
        )
    except audit.AuditUnavailable:
        return Status(503, {"detail": UNAVAILABLE})
    # How to work with this family, as it stands now (never kept with the chronology).
    answer = engagement_json(store, loaded.data, timezone.localdate(), loaded.contacts())
    return Status(200, answer)


#: How many people a missing id's stand-in is drawn from (the first, by WholeStory id).
STAND_INS = 64


def _stand_in(store: Store, asked: str) -> str:
    """A real person whose access is checked, and thrown away, when ``asked`` names no one.

    Drawn from the first :data:`STAND_INS` people by a checksum of the id asked, so the
    time taken varies as it does for real people, and is the same each time for one id.
    """
    offset = zlib.crc32(asked.encode()) % STAND_INS
    for skip in (offset, 0):
        rows = store.query(
            f"SELECT ws_person_id FROM ws_chronology ORDER BY ws_person_id LIMIT 1 OFFSET {skip}"
        )
        if rows:
            return str(rows[0][0])
    return asked


@api.get(
    "/people/{agency}/{person_id}/chronology",
    response=PERSON_RESPONSES,
    summary="A person's chronology, by an agency's id",
)
def chronology_by_agency_id(request: HttpRequest, agency: str, person_id: str) -> Status[Any]:
    """The chronology JSON (as ``wholestory chronology AGENCY ID --format json``).

    404 when the person is unknown or the caller's agency has no relationship
    with them (the two are indistinguishable); 403 for board members and
    administrators. Every answer is audited first.
    """
    return _chronology(
        request,
        lambda store: person_named(store, agency, person_id),
        agency_key(agency, person_id)[:200],
    )


@api.get(
    "/people/{ws_id}/chronology",
    response=PERSON_RESPONSES,
    summary="A person's chronology, by WholeStory id",
)
def chronology_by_ws_id(request: HttpRequest, ws_id: str) -> Status[Any]:
    """The chronology JSON of a WholeStory id (WS-...); a merged id leads to who it became."""
    return _chronology(request, lambda store: person_named(store, None, ws_id), ws_id[:200])


# Search and flags


def _queries(
    name: str, given_name: str, family_name: str, dob: str, nhs: str, agency: str, person_id: str
) -> list[Query]:
    """The shared search's queries for these terms; ``name`` is any of a person's names."""
    base = Query(given_name, family_name, dob, nhs, agency, person_id)
    words = name.split()
    if not words:
        return [clean(base)]
    if len(words) == 1:  # a given name or a family name
        return [
            clean(Query(given_name, words[0], dob, nhs, agency, person_id)),
            clean(Query(words[0], family_name, dob, nhs, agency, person_id)),
        ]
    return [clean(Query(" ".join(words[:-1]), words[-1], dob, nhs, agency, person_id))]


@api.get(
    "/search",
    response={200: SearchResults, 400: Message, 401: Message, 403: Message, 429: Message,
              503: Message},
    summary="Find people you may see",
)  # fmt: skip
def search(
    request: HttpRequest,
    name: str = "",
    given_name: str = "",
    family_name: str = "",
    dob: str = "",
    nhs: str = "",
    agency: str = "",
    person_id: str = "",
) -> Status[Any]:
    """People matching every term given, among those the caller may see.

    Give a name (any of a person's names; "given family" for both), a given or
    family name, a date of birth (2014, 2014-03, 2014-03-09 or 9/3/2014), an
    NHS number, or an agency and its id for the person. Nobody else is
    listed, and nothing says whether they exist. Each search is audited, and so
    is each one refused (too broad, terms that cannot be used, too many a minute).
    """
    viewer = viewer_of(request)
    decision = may(viewer, "search")
    if not decision.allowed:
        return _refuse(request, viewer, decision.reason, "", 403, decision.reason)
    typed = {  # as asked, named as in the audit entry of a search that runs
        k: v[:200]
        for k, v in (("name", name), ("given_name", given_name), ("family_name", family_name),
                     ("date_of_birth", dob), ("nhs_number", nhs), ("agency", agency),
                     ("agency_id", person_id))
        if v
    }  # fmt: skip
    if over_limit(request, "search"):
        return _refuse_search(
            request, viewer, typed, 429, "Too many searches in a minute: wait a moment."
        )
    store, now = core_store(), timezone.now()
    results: dict[str, dict[str, Any]] = {}
    try:
        queries = _queries(name, given_name, family_name, dob, nhs, agency, person_id)
        candidates = {f.person: f for query in queries for f in find_people(store, query)}
    except QueryError as error:
        return _refuse_search(request, viewer, typed, 400, str(error))
    for found, allowed in decisions(store, viewer, candidates.values(), now):
        if allowed.allowed and len(results) < RESULT_LIMIT:
            results[found.person] = {
                "id": found.person,
                "name": found.name,
                "date_of_birth": found.date_of_birth or None,
                "is_child": found.is_child,
                "why_you_may_see": allowed.reason,
            }
    terms = queries[0].as_detail()
    if name.split():  # as asked, not as split into given and family names
        terms = {k: v for k, v in terms.items() if not k.endswith("_name")}
        terms["name"] = " ".join(name.split())
    try:
        audited(
            request,
            "search",
            reason=decision.reason,
            detail={"terms": terms, "results": len(results), "via": "api"},
            viewer=viewer,
        )
    except audit.AuditUnavailable:
        return Status(503, {"detail": UNAVAILABLE})
    return Status(200, {"results": list(results.values())})


def _refuse_search(
    request: HttpRequest, viewer: Viewer, typed: dict[str, str], status: int, why: str
) -> Status[Any]:
    """Audit a search that was not run, with its terms and why; then say why, with no data."""
    try:
        audited(
            request,
            "search",
            outcome="refused",
            detail={"terms": typed, "refused": why, "via": "api"},
            viewer=viewer,
        )
    except audit.AuditUnavailable:
        return Status(503, {"detail": UNAVAILABLE})
    return Status(status, {"detail": why})


@api.get(
    "/flags",
    response={200: Flagged, 401: Message, 403: Message, 503: Message},
    summary="Your agency's children with flags",
)
def flags(request: HttpRequest) -> Status[Any]:
    """For managers and leads: the children with flags your agency may see.

    The flags dashboard's list: children with no plan open first, then the most serious.
    """
    viewer = viewer_of(request)
    decision = may(viewer, "flags_dashboard")
    if not decision.allowed:
        return _refuse(request, viewer, decision.reason, "", 403, decision.reason)
    children = flagged_children(core_store(), agency=viewer.agency, open_plan_first=True)
    try:
        audited(
            request,
            "view",
            reason=decision.reason,
            detail={"people": [c["person"] for c in children], "via": "api"},
            viewer=viewer,
        )
    except audit.AuditUnavailable:
        return Status(503, {"detail": UNAVAILABLE})
    return Status(200, {"agency": viewer.agency, "children": children})
