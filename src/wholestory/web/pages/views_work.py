"""Pages for the partnership's work: flags dashboard, link review, upload, audit, users, figures.

Each page is guarded by a capability (:func:`wholestory.web.pages.guard.requires`), writes
its audit entry before it shows anything, and shows a user only what their role and
agency allow: casework users see children their agency is involved with, administrators
see no case data, and partnership figures never identify a child.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.text import get_valid_filename
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from wholestory import audit
from wholestory.access import (
    CASEWORK,
    PARTNERSHIP,
    REVIEWER,
    ROLES,
    TWO_FACTOR_REQUIRED,
    Decision,
    Viewer,
    facts_about,
    review_scope,
)
from wholestory.arrival import first_record_notices
from wholestory.chronology.display import show_date
from wholestory.chronology.rules import SEVERITY_ORDER
from wholestory.chronology.stored import flagged_children, flags_up_to_age
from wholestory.chronology.vocabulary import agency_name
from wholestory.ingest.accounting import accounting_words, count_words
from wholestory.store import Store
from wholestory.store.imports import UPLOAD, Arrival
from wholestory.web.accounts.notices import keep
from wholestory.web.pages.guard import audited, core_store, denied, requires, viewer_of
from wholestory.web.pages.presenting import Pages, other_params, page_number, severity_tag, when

if TYPE_CHECKING:
    from wholestory.identity.lookalikes import LookalikeSet

#: The largest agency file the upload page accepts.
MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024
#: Counts from 1 to this are shown as "fewer than 5" on the partnership figures.
SUPPRESS_BELOW: Final = 5
LONDON: Final = ZoneInfo("Europe/London")


# -- flags dashboard -------------------------------------------------------------------------


#: The children with flags that an agency may see: its own records' people, and anyone in the
#: household of a child it holds records of (the access rules' two relationships), in one query.
@never_cache
@requires("flags_dashboard")
def flags_view(request: HttpRequest) -> HttpResponse:
    """Children with flags that the user's agency is involved with, those with no plan first."""
    viewer = viewer_of(request)
    up_to_age = flags_up_to_age()
    everyone = flagged_children(
        core_store(), agency=viewer.agency, open_plan_first=True, up_to_age=up_to_age
    )
    for child in everyone:
        child["born"] = show_date(child["date_of_birth"])
        child["died"] = show_date(child["date_of_death"])
        for f in child["flags"]:
            f["tag"] = severity_tag(str(f["severity"]))
            f["latest"] = show_date(f["last_date"])
    codes = sorted({(f["code"], f["title"]) for c in everyone for f in c["flags"]})
    code = request.GET.get("code", "").strip().upper()
    if code and code not in {c for c, _ in codes}:
        code = ""
    children = (
        [c for c in everyone if any(f["code"] == code for f in c["flags"])] if code else everyone
    )
    pages = Pages(page_number(request), len(children), len(children), other_params(request))
    shown = children[pages.offset : pages.offset + pages.size]
    audited(
        request,
        "view",
        target="/flags",
        viewer=viewer,
        detail={"code": code, "page": pages.number, "people": [c["person"] for c in shown]},
    )
    return render(
        request,
        "pages/work/flags.html",
        {
            "children": shown,
            "pages": pages,
            "codes": codes,
            "code": code,
            "no_plan": sum(1 for c in children if not c["open_plan"]),
            "agency": agency_name(viewer.agency),
            "up_to_age": up_to_age,
        },
    )


# -- link review --------------------------------------------------------------------------

#: The rows of the side-by-side comparison: (label, detail column, evidence field). The
#: model weighs the postcode with the address.
COMPARED: Final = (
    ("Given name", "given_name", "given_name"),
    ("Family name", "family_name", "family_name"),
    ("Date of birth", "date_of_birth", "date_of_birth"),
    ("Sex", "sex", "sex"),
    ("NHS number", "nhs_number", "nhs"),
    ("UPN", "upn", "upn"),
    ("Postcode", "postcode", ""),
    ("Address", "address", "address"),
)
#: The model's field names as people say them (for evidence not in the comparison table).
FIELD_WORDS: Final = {
    "given_name": "given name",
    "family_name": "family name",
    "date_of_birth": "date of birth",
    "nhs": "NHS number",
    "upn": "UPN",
    "address": "address",
    "postcode": "postcode",
    "sex": "sex",
    "agency": "the agencies holding the records",
    "name": "name",
}


def evidence_words(weight: float | None) -> str:
    """A field's match weight in words: how far it moves the case for "the same person"."""
    if weight is None:
        return "not compared"
    if weight >= 3:
        return "strong evidence for"
    if weight >= 1:
        return "evidence for"
    if weight >= 0.05:
        return "weak evidence for"
    if weight > -0.05:
        return "no evidence either way"
    if weight > -1:
        return "weak evidence against"
    if weight > -3:
        return "evidence against"
    return "strong evidence against"


def _agency_of(key: str) -> str:
    return key.split(":", 1)[0]


def _may_review(viewer: Viewer, item: dict[str, Any]) -> Decision:
    """Identity reviewers review pairs where one record is their agency's (all pairs for the
    partnership's): :func:`wholestory.access.may_review_pair`."""
    from wholestory.access import may_review_pair

    return may_review_pair(viewer, {_agency_of(str(item["a"])), _agency_of(str(item["b"]))})


def _side(item: dict[str, Any], side: str) -> dict[str, Any]:
    key = str(item[side])
    details = item.get(f"{side}_details") or {}
    name = " ".join(str(v) for v in (details.get("given_name"), details.get("family_name")) if v)
    return {
        "key": key,
        "agency": agency_name(_agency_of(key)),
        "person_id": key.split(":", 1)[1] if ":" in key else key,
        "ws": item.get(f"person_{side}") or "",
        "name": name or "No name recorded",
        "details": details,
    }


@never_cache
@requires("link_review")
def review_list_view(request: HttpRequest) -> HttpResponse:
    """Pairs of records waiting for a person to decide, most likely first, a page at a time.

    The page is read from the database a page at a time (a messy file once made two
    million pairs); look-alike sets come first, each one item to check with the agency.
    """
    from wholestory.identity.lookalikes import lookalike_sets
    from wholestory.identity.queue import review_count, review_queue

    viewer = viewer_of(request)
    store = core_store()
    scope = review_scope(viewer)
    total = review_count(store, agency=scope)
    pages = Pages(page_number(request), 0, total, other_params(request))
    queue = review_queue(store, limit=pages.size, offset=pages.offset, agency=scope)
    pairs = [
        {
            "a": _side(item, "a"),
            "b": _side(item, "b"),
            "probability": f"{float(item['match_probability']) * 100:.1f}%",
            "why": item["why_review"],
        }
        for item in queue
    ]
    sets = [_lookalike_item(found) for found in lookalike_sets(store, agency=scope)]
    audited(
        request,
        "view",
        target="/review",
        viewer=viewer,
        detail={
            "page": pages.number,
            "pairs": [[p["a"]["key"], p["b"]["key"]] for p in pairs],
            "lookalikes": [found["set_id"] for found in sets],
        },
    )
    return render(
        request,
        "pages/work/review_list.html",
        {
            "pairs": pairs,
            "pages": pages,
            "lookalikes": sets,
            "scoped": review_scope(viewer) is not None,
            "agency": agency_name(viewer.agency),
        },
    )


def _lookalike_item(found: LookalikeSet) -> dict[str, Any]:
    """A look-alike set as the review page shows it: the file names without their folders."""
    return {
        "set_id": found.set_id,
        "headline": found.headline,
        "name": f"{found.given_name} {found.family_name}".strip() or "No name recorded",
        "born": show_date(found.date_of_birth) if found.date_of_birth else "",
        "address": found.address,
        "agencies": ", ".join(agency_name(a) for a in found.agencies),
        "files": ", ".join(Path(f).name for f in found.files),
    }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        choices=[("same", "Yes, the same person"), ("different", "No, different people")],
        error_messages={"required": "Select whether these are the same person"},
    )
    reason = forms.CharField(
        label="Why",
        help_text="What you checked, for example with the agencies. The reason is kept with "
        "the decision and in the audit log.",
        max_length=2000,
        error_messages={"required": "Enter the reason for your decision"},
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise ValidationError("Enter the reason for your decision")
        return reason


def _records_held(store: Store, ws: str, key: str, agencies: set[str]) -> list[dict[str, Any]]:
    """This side's person's records at ``agencies`` (the pair's two), with how many rows each."""
    rows = store.query(
        "SELECT s.key, s.agency, s.person_id, COUNT(r.id) FROM ws_source_person s "
        "LEFT JOIN ws_record r ON r.agency = s.agency AND r.person_id = s.person_id "
        "WHERE s.ws_person_id = ? OR s.key = ? GROUP BY s.key, s.agency, s.person_id "
        "ORDER BY s.agency, s.person_id",
        [ws or key, key],
    )
    return [
        {"key": str(k), "agency": agency_name(str(a)), "person_id": p, "records": int(n)}
        for k, a, p, n in rows
        if str(a) in agencies
    ]


def _comparison(item: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each compared field: both sides' values and the model's evidence; then other evidence."""
    evidence: dict[str, float] = {
        str(k): float(v) for k, v in (item.get("evidence") or {}).items() if v is not None
    }
    a, b = item.get("a_details") or {}, item.get("b_details") or {}
    rows = []
    used = {"prior"}
    for label, column, weight_key in COMPARED:
        weight = evidence.get(weight_key)
        used.add(weight_key)
        rows.append(
            {
                "label": label,
                "a": a.get(column) or "",
                "b": b.get(column) or "",
                "weight": None if weight is None else f"{weight:+.1f}",
                "words": evidence_words(weight) if weight is not None else "",
            }
        )
    others = [
        {
            "label": FIELD_WORDS.get(k, k.replace("_", " ")),
            "weight": f"{v:+.1f}",
            "words": evidence_words(v),
        }
        for k, v in sorted(evidence.items(), key=lambda kv: -abs(kv[1]))
        if k not in used
    ]
    return rows, others


def _audit_both(request: HttpRequest, action: str, item: dict[str, Any], **what: Any) -> None:
    """The same entry for each of the pair's two people: a side not yet linked to
    anyone is named by its AGENCY:ID, so both appear in the log."""
    people = dict.fromkeys(str(item.get(f"person_{s}") or item[s]) for s in ("a", "b"))
    for person in people:
        audited(request, action, person=person, **what)


@never_cache
@requires("link_review")
@require_http_methods(["GET", "POST"])
def review_pair_view(request: HttpRequest, key_a: str, key_b: str) -> HttpResponse:
    """Two records side by side with the evidence, and the decision: same or different."""
    from wholestory.chronology.stored import refresh_for_keys
    from wholestory.identity.linking import LinkError, decide
    from wholestory.identity.queue import review_item

    viewer = viewer_of(request)
    allowed = _may_review(viewer, {"a": key_a, "b": key_b})
    if not allowed.allowed:
        return denied(request, allowed, person=f"{key_a} {key_b}"[:200])
    store = core_store()
    item = review_item(store, key_a, key_b)
    if item is None:
        return render(request, "pages/work/review_gone.html", status=404)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = str(form.cleaned_data["decision"])
        reason = str(form.cleaned_data["reason"])
        keys = [str(item["a"]), str(item["b"])]
        detail = {
            "key_a": keys[0],
            "key_b": keys[1],
            "decision": decision,
            "match_probability": item.get("match_probability"),
        }
        # One entry per person, so each person's "who has looked" shows the decision.
        _audit_both(request, "decision", item, reason=reason, detail=detail)
        try:
            decide(store, keys[0], keys[1], decision, reason, viewer.username)
        except LinkError as error:
            form.add_error(None, str(error))
            _audit_both(
                request, "decision", item, reason=str(error), detail=detail, outcome="failed"
            )
        else:
            refresh_for_keys(store, keys)
            verb = "the same person" if decision == "same" else "different people"
            a, b = _side(item, "a"), _side(item, "b")
            messages.success(
                request,
                f"Recorded: {a['name']} ({a['agency']}) and {b['name']} ({b['agency']}) "
                f"are {verb}.",
            )
            return redirect("/review")
    _audit_both(request, "view", item, detail={"pair": [str(item["a"]), str(item["b"])]})
    rows, others = _comparison(item)
    a, b = _side(item, "a"), _side(item, "b")
    # Only the two agencies' own records: which other agencies hold records is not
    # identity work, and would tell the reviewer who else is involved (issue 11, M2).
    pair = {_agency_of(a["key"]), _agency_of(b["key"])}
    a["held"] = _records_held(store, a["ws"], a["key"], pair)
    b["held"] = _records_held(store, b["ws"], b["key"], pair)
    return render(
        request,
        "pages/work/review_pair.html",
        {
            "a": a,
            "b": b,
            "rows": rows,
            "others": others,
            "probability": f"{float(item['match_probability']) * 100:.1f}%",
            "weight": f"{float(item['match_weight']):+.1f}",
            "why": item["why_review"],
            "record_pairs": item.get("record_pairs", 1),
            "form": form,
            "errors": _error_list(form),
        },
        status=400 if form.errors else 200,
    )


# -- upload ------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV (UTF-8) or XLSX file in the agency chronology template, up to 50 MB.",
        error_messages={"required": "Select a file to upload", "empty": "The file is empty"},
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = str(upload.name or "")
        if Path(name).suffix.lower() not in (".csv", ".xlsx"):
            raise ValidationError("The file must be a CSV or XLSX file")
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise ValidationError("The file must be smaller than 50 MB")
        return upload


@dataclass(frozen=True)
class ForeignRow:
    """A row of an upload that names another agency."""

    row: int
    agency: str


def rows_for_other_agencies(path: Path, agency: str) -> list[ForeignRow]:
    """Rows whose agency column names an agency other than ``agency`` (blank ones are left to
    ingest, which quarantines them). Raises ``UnreadableFileError`` for a file ingest would refuse.
    """
    from wholestory.ingest.reading import open_table
    from wholestory.profiles import Profile

    table = open_table(path, careful=True)
    mapping = Profile().source_to_template(table.header)
    columns = [f"c{i}" for i, name in mapping.items() if name == "agency"]
    if not columns:
        return []
    found: list[ForeignRow] = []
    for chunk in table.chunks(50_000):
        for value, row in chunk.frame.select(columns[0], "source_row").iter_rows():
            named = str(value or "").strip().upper()
            if named and named != agency.upper():
                found.append(ForeignRow(int(row), str(value).strip()))
    return found


def _save_upload(upload: UploadedFile, folder: Path) -> tuple[Path, str]:
    name = get_valid_filename(Path(str(upload.name or "upload.csv")).name) or "upload.csv"
    target = folder / name
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for part in upload.chunks():
            digest.update(part)
            out.write(part)
    return target, digest.hexdigest()


@never_cache
@requires("upload")
@require_http_methods(["GET", "POST"])
def upload_view(request: HttpRequest) -> HttpResponse:
    """An agency file in: only the user's agency's rows, every row accounted for.

    Only a data officer may upload, and what they upload gives their agency access to the
    people in it only once a safeguarding lead of the agency confirms it (/uploads).
    """
    from wholestory.ingest.reading import UnreadableFileError

    viewer = viewer_of(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "agency": agency_name(viewer.agency)}
    if request.method != "POST" or not form.is_valid():
        context["errors"] = _error_list(form)
        return render(
            request, "pages/work/upload.html", context, status=400 if form.errors else 200
        )
    upload: UploadedFile = form.cleaned_data["file"]
    original = Path(str(upload.name or "upload.csv")).name
    with tempfile.TemporaryDirectory(prefix="wholestory-upload-") as folder:
        saved, sha256 = _save_upload(upload, Path(folder))
        detail: dict[str, Any] = {"file": original, "sha256": sha256, "bytes": upload.size}
        try:
            foreign = rows_for_other_agencies(saved, viewer.agency)
        except UnreadableFileError as problem:
            return _upload_refused(request, context, viewer, detail, problem=problem.problem)
        if foreign:
            return _upload_refused(request, context, viewer, detail, foreign=foreign)
        # Recorded before anything goes in, so no import is ever unaudited.
        audited(
            request, "upload", target="/upload", outcome="started", viewer=viewer, detail=detail
        )
        arrival = Arrival(UPLOAD, viewer.username, viewer.agency)
        outcome = _ingest(core_store(), saved, arrival)
    detail.update(outcome.counts)
    detail["linked"] = outcome.linked_people
    if outcome.error:
        return _upload_refused(request, context, viewer, detail, problem=outcome.error)
    audited(request, "upload", target="/upload", viewer=viewer, detail=detail)
    context.update(
        {
            "done": True,
            "file": original,
            "counts": outcome.counts,
            "words": accounting_words(outcome.counts),
            "warnings": outcome.counts["warnings"],
            "quarantine": outcome.quarantine,
            "held_before": max(0, outcome.counts["quarantined"] - outcome.held_here),
            "not_listed": max(0, outcome.held_here - len(outcome.quarantine)),
            "ignored": outcome.ignored,
            "linking": outcome.linking,
            "rebuilt": outcome.rebuilt,
            "form": UploadForm(),
        }
    )
    return render(request, "pages/work/upload.html", context)


def _upload_refused(
    request: HttpRequest,
    context: dict[str, Any],
    viewer: Viewer,
    detail: dict[str, Any],
    *,
    problem: str = "",
    foreign: Sequence[ForeignRow] = (),
) -> HttpResponse:
    detail = {**detail, "problem": problem, "other_agency_rows": len(foreign)}
    audited(request, "upload", target="/upload", outcome="refused", viewer=viewer, detail=detail)
    named = sorted({f.agency.upper() for f in foreign})
    context.update(
        {
            "refused": True,
            "file": detail["file"],
            "problem": problem,
            "foreign": list(foreign[:100]),
            "foreign_count": len(foreign),
            "foreign_agencies": ", ".join(named),
            "form": UploadForm(),
        }
    )
    return render(request, "pages/work/upload.html", context, status=400)


@dataclass
class IngestOutcome:
    counts: dict[str, int]
    error: str = ""
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    linking: str = ""
    linked_people: int = 0
    rebuilt: int = 0
    held_here: int = 0  # rows this import quarantined (the list shows the first 1,000)


def _ingest(store: Store, saved: Path, arrival: Arrival) -> IngestOutcome:
    """Import one saved file, link its new people and rebuild the chronologies it touched;
    then tell the leads of agencies already involved with anyone the file brings a new
    agency to, and the uploader's own leads that an upload waits for them."""
    from wholestory.chronology.stored import refresh_after_feed
    from wholestory.identity.linking import link_new
    from wholestory.identity.sources import now_iso
    from wholestory.ingest import ingest_paths

    since = now_iso()
    result = ingest_paths(store, [saved], arrival=arrival)
    totals = result.totals()
    if result.failed:
        return IngestOutcome(totals, error=str(result.failed[0].error))
    outcome = IngestOutcome(totals, ignored=[c for f in result.files for c in f.ignored_columns])
    import_id = store.scalar("SELECT MAX(id) FROM ws_import WHERE file_name = ?", [str(saved)])
    if import_id is not None and totals["quarantined"]:
        outcome.held_here = int(
            store.scalar("SELECT COUNT(*) FROM ws_quarantine WHERE import_id = ?", [int(import_id)])
        )
        outcome.quarantine = [
            {"file": f, "row": int(r), "columns": c, "reason": why}
            for f, r, c, why in store.query(
                "SELECT file_name, row_number, columns, reason FROM ws_quarantine "
                "WHERE import_id = ? ORDER BY row_number, id LIMIT 1000",
                [int(import_id)],
            )
        ]
    if totals["inserted"] or totals["updated"]:
        linked = link_new(store, since=since)
        if linked is not None:
            outcome.linked_people = linked.source_persons
            outcome.linking = (
                f"Linked {count_words(linked.source_persons, 'new or changed person')}: "
                f"{count_words(linked.new_people, 'new WholeStory person')}, "
                f"{count_words(linked.merges, 'merge')}; "
                f"{count_words(linked.for_review, 'pair')} of people in all wait for review."
            )
            outcome.rebuilt = refresh_after_feed(store, since)
        keep(first_record_notices(store, since))
        _tell_own_leads(store, arrival, saved.name, totals)
    return outcome


def _tell_own_leads(store: Store, arrival: Arrival, file: str, totals: dict[str, int]) -> None:
    """A notice for the uploader's agency's leads: the upload waits for one of them."""
    from wholestory.web.accounts.models import Notification

    changed = count_words(totals["inserted"] + totals["updated"], "record")
    Notification.objects.create(
        agency=arrival.agency,
        person="",
        message=f"{arrival.by} uploaded {file} by hand: {changed} new or changed. Until a "
        f"{agency_name(arrival.agency)} safeguarding lead other than {arrival.by} confirms "
        "it on the Uploads to confirm page, these records give your agency access to the "
        "people in them only for a day, as if breaking glass.",
    )


# -- audit viewer ----------------------------------------------------------------------------


class AuditFilter(forms.Form):
    person = forms.CharField(label="Person (WholeStory id)", required=False, max_length=200)
    actor = forms.CharField(label="User", required=False, max_length=150)
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *((a, a.replace("_", " ")) for a in sorted(audit.ACTIONS))],
    )
    date_from = forms.DateField(
        label="From", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        help_text="For example, 2025-03-27",
        error_messages={"invalid": "Enter the from date as a real date, like 2025-03-27"},
    )  # fmt: skip
    date_to = forms.DateField(
        label="To", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        help_text="For example, 2025-03-31",
        error_messages={"invalid": "Enter the to date as a real date, like 2025-03-31"},
    )  # fmt: skip


def _utc_start(day: dt.date) -> str:
    """The start of a day in London, as the audit log's timestamps are written (UTC)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)
    return start.isoformat(timespec="microseconds")


def audit_page(
    store: Store, filters: dict[str, Any], number: int, query: str, agency: str | None = None
) -> tuple[list[audit.Entry], Pages]:
    """One page of entries, newest first, filtered by person, actor, action and dates, and
    for an agency's lead to their own agency's scope (``agency``; issue 11, L2)."""
    last_day = filters.get("date_to")
    chosen: dict[str, Any] = {
        **{c: str(filters[c]).strip() for c in ("person", "actor", "action") if filters.get(c)},
        "since": _utc_start(filters["date_from"]) if filters.get("date_from") else None,
        # The day after the last one asked for (no upper bound after the last representable day).
        "before": _utc_start(last_day + dt.timedelta(days=1))
        if last_day and last_day < dt.date.max
        else None,
        "agency": agency,
    }
    pages = Pages(number, 0, audit.count(store, **chosen), query)
    return audit.entries(store, **chosen, limit=pages.size, offset=pages.offset), pages


def _entry_row(entry: audit.Entry) -> dict[str, Any]:
    shown_at = when(entry.at, seconds=True)
    try:
        detail = json.loads(entry.detail) if entry.detail else {}
    except ValueError:
        detail = {"detail": entry.detail}
    words = "; ".join(
        f"{k.replace('_', ' ')}: {v if isinstance(v, str) else json.dumps(v)}"
        for k, v in sorted(detail.items())
        if v not in ("", None, [], {})
    )
    return {
        "seq": entry.seq,
        "when": shown_at,
        "actor": entry.actor,
        "role": ROLES.get(entry.role, entry.role),
        "agency": agency_name(entry.agency) if entry.agency else "",
        "action": entry.action.replace("_", " "),
        "person": entry.person,
        "target": entry.target,
        "reason": entry.reason,
        "outcome": entry.outcome,
        "detail": words[:600],
    }


@never_cache
@requires("audit_viewer")
def audit_view(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first; the whole chain is checked on request. Reading is audited.

    A lead reads only their own agency's people's entries and those about people their
    agency holds records of (other agencies' searches name children); the partnership's
    information governance officer reads everything (issue 11, L2).
    """
    scope = viewer_of(request)
    agency = scope.agency if scope.role in CASEWORK else None
    form = AuditFilter(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    shown_filters = {k: str(v) for k, v in filters.items() if v}
    audited(request, "audit_view", target="/audit", detail=shown_filters)
    store = core_store()
    # Checking reads every entry, so it is done when asked for, not on every view.
    check = audit.verify(store) if request.GET.get("check") == "1" else None
    found, pages = audit_page(store, filters, page_number(request), other_params(request), agency)
    return render(
        request,
        "pages/work/audit.html",
        {
            "form": form,
            "errors": _error_list(form),
            "check": check,
            "entries": [_entry_row(e) for e in found],
            "pages": pages,
            "filtered": bool(shown_filters),
            "scoped": agency_name(agency) if agency else "",
        },
    )


# -- users ---------------------------------------------------------------------------------

_AGENCY_RE: Final = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")


class AddUserForm(forms.Form):
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="Usually first name and last name, like sam.jones",
        error_messages={"required": "Enter a username"},
    )
    agency = forms.CharField(
        label="Agency code",
        max_length=32,
        help_text="As in the agency template, like POLICE, SCHOOL or GP. PARTNERSHIP for "
        "reviewers, quality assurance, board members and administrators.",
        error_messages={"required": "Enter the agency code"},
    )
    team = forms.CharField(label="Team (optional)", max_length=200, required=False)
    role = forms.ChoiceField(
        label="Role",
        choices=list(ROLES.items()),
        error_messages={"required": "Select a role"},
    )

    def clean_username(self) -> str:
        name = str(self.cleaned_data["username"]).strip()
        if not re.fullmatch(r"[\w.@+-]+", name):
            raise ValidationError("Use only letters, numbers and . @ + - _ in the username")
        if User.objects.filter(username=name).exists():
            raise ValidationError(f"A user called {name} already exists")
        return name

    def clean_agency(self) -> str:
        code = str(self.cleaned_data["agency"]).strip().upper()
        if not _AGENCY_RE.fullmatch(code):
            raise ValidationError("Enter the agency code in capitals, like POLICE")
        return code


class GrantForm(forms.Form):
    reviewer = forms.ChoiceField(label="Reviewer", error_messages={"required": "Select a reviewer"})
    person = forms.CharField(
        label="WholeStory id of the case",
        max_length=32,
        help_text="Like WS-0000123, from the review's terms of reference.",
        error_messages={"required": "Enter the WholeStory id"},
    )
    days = forms.IntegerField(
        label="Days of access",
        min_value=1,
        max_value=90,
        initial=28,
        error_messages={
            "required": "Enter how many days the access lasts",
            "invalid": "Enter the days as a number, like 28",
            "min_value": "Access must last at least 1 day",
            "max_value": "Access can last at most 90 days",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        help_text="For example, the rapid review this access is for.",
        error_messages={"required": "Enter the reason for the access"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviewers = User.objects.filter(membership__role=REVIEWER, is_active=True).order_by(
            "username"
        )
        self.fields["reviewer"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a reviewer"),
            *((u.username, u.username) for u in reviewers),
        ]

    def clean_person(self) -> str:
        ws = str(self.cleaned_data["person"]).strip().upper()
        if not re.fullmatch(r"WS-\d{1,12}", ws):
            raise ValidationError("Enter a WholeStory id like WS-0000123")
        found = core_store().scalar("SELECT status FROM ws_person WHERE id = ?", [ws])
        if found != "active":
            raise ValidationError(f"There is no current WholeStory id {ws}: check the id")
        return ws


def _users_list() -> list[dict[str, Any]]:
    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    out = []
    for user in User.objects.select_related("membership").order_by("username"):
        membership = getattr(user, "membership", None)
        role = membership.role if membership else ""
        out.append(
            {
                "username": user.username,
                "agency": agency_name(membership.agency) if membership else "",
                "team": membership.team if membership else "",
                "role": ROLES.get(role, role),
                "needs_two_factor": role in TWO_FACTOR_REQUIRED,
                "two_factor": user.pk in with_device,
                "last_login": when(user.last_login) if user.last_login else "Never",
                "active": user.is_active,
                "waiting": bool(membership and membership.waiting),
            }
        )
    return out


@never_cache
@requires("manage_users")
def users_view(request: HttpRequest) -> HttpResponse:
    """Everyone who can sign in, with their agency, team, role and second factor."""
    audited(request, "view", target="/users")
    return render(request, "pages/work/users.html", {"users": _users_list()})


@never_cache
@requires("manage_users")
@require_http_methods(["GET", "POST"])
def add_user_view(request: HttpRequest) -> HttpResponse:
    """Ask for a new account (issue 11, M1): it has no password, and one that could see case
    data waits for a second person's approval; the new user chooses their own password."""
    from wholestory.web.accounts.approval import LINK_DAYS, request_account
    from wholestory.web.accounts.users import UserError

    form = AddUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        audited(
            request,
            "user_added",
            target="/users/add",
            detail={k: data[k] for k in ("username", "agency", "team", "role")},
        )
        try:
            by = request.user.get_username()
            token = request_account(
                data["username"], data["agency"], data["role"], data["team"], by
            )
        except UserError as error:
            form.add_error(None, str(error))
        else:
            return _user_added(request, data, token, LINK_DAYS)
    return render(
        request,
        "pages/work/user_add.html",
        {"form": form, "errors": _error_list(form)},
        status=400 if form.errors else 200,
    )


def _user_added(request: HttpRequest, data: dict[str, Any], token: str, days: int) -> HttpResponse:
    """The link for the new user (an account that needs no approval), or where it waits."""
    more = (
        " Set up their authenticator next: they need it to sign in."
        if data["role"] in TWO_FACTOR_REQUIRED
        else ""
    )
    if token:
        return render(
            request,
            "pages/work/password_link.html",
            {
                "for_user": data["username"],
                "link": request.build_absolute_uri(f"/welcome/{token}"),
                "days": days,
                "back": "/users",
            },
        )
    approver = (
        "the partnership's information governance officer"
        if data["agency"] == PARTNERSHIP
        else f"a safeguarding lead at {agency_name(data['agency'])}"
    )
    messages.success(
        request,
        f"Asked for {data['username']} ({ROLES[data['role']]}). The account cannot be used "
        f"until {approver} approves it; they then give {data['username']} a link to choose "
        f"a password.{more}",
    )
    return redirect("/users")


@never_cache
@requires("manage_users")
@require_http_methods(["GET", "POST"])
def authenticator_view(request: HttpRequest, username: str) -> HttpResponse:
    """A new authenticator for a user (asked first): the otpauth URL and secret, shown once."""
    from wholestory.web.accounts.users import add_totp

    user = User.objects.filter(username=username).first()
    if user is None:
        return render(request, "pages/work/user_missing.html", status=404)
    if request.method != "POST":
        replaces = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        return render(
            request,
            "pages/work/authenticator_confirm.html",
            {"for_user": username, "replaces": replaces},
        )
    audited(
        request,
        "token_issued",
        target=f"/users/{username}/authenticator",
        detail={"kind": "authenticator", "user": username},
    )
    device = add_totp(user)
    secret = base64.b32encode(bytes(device.bin_key)).decode().rstrip("=")
    return render(
        request,
        "pages/work/authenticator.html",
        {"for_user": username, "url": device.config_url, "secret": secret},
    )


@never_cache
@requires("manage_users")
@require_http_methods(["GET", "POST"])
def grant_view(request: HttpRequest) -> HttpResponse:
    """Ask for time-limited review access to one named case, by its WholeStory id only.

    The access waits until a lead of an agency holding records of the case approves it
    (issue 11, M1); those leads are told.
    """
    from wholestory.web.accounts.approval import request_grant

    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        viewer = viewer_of(request)
        audited(
            request,
            "grant",
            person=data["person"],
            reason=data["reason"],
            target="/users/grant",
            viewer=viewer,
            detail={"reviewer": data["reviewer"], "days": data["days"], "kind": "review"},
        )
        reviewer = User.objects.get(username=data["reviewer"])
        agencies = set(facts_about(core_store(), data["person"]).agencies)
        request_grant(
            reviewer, data["person"], data["days"], viewer.username, data["reason"], agencies
        )
        messages.success(
            request,
            f"Asked for {data['reviewer']} to see {data['person']} for {data['days']} days. "
            "It opens when a safeguarding lead of an agency holding records of this person "
            "approves it.",
        )
        return redirect("/users")
    return render(
        request,
        "pages/work/grant.html",
        {"form": form, "errors": _error_list(form)},
        status=400 if form.errors else 200,
    )


# -- partnership figures -------------------------------------------------------------------


def suppressed(count: int) -> str:
    """A count safe to publish: 1 to 4 are shown as "fewer than 5", so no child stands out."""
    if 0 < count < SUPPRESS_BELOW:
        return f"fewer than {SUPPRESS_BELOW}"
    return f"{count:,}"


def partnership_figures(store: Store) -> dict[str, Any]:
    """Aggregate counts only: no names, ids or dates of birth, and small numbers suppressed."""
    from wholestory.chronology.rules import INDICATORS

    by_code = store.query(
        "SELECT f.code, COUNT(DISTINCT f.ws_person_id) FROM ws_flag f "
        "JOIN ws_chronology c ON c.ws_person_id = f.ws_person_id WHERE c.is_child "
        "GROUP BY f.code ORDER BY f.code"
    )
    by_severity: dict[str, int] = dict(
        store.query("SELECT severity, COUNT(*) FROM ws_flag GROUP BY severity")
    )
    by_agencies = store.query(
        "SELECT n, COUNT(*) FROM (SELECT c.ws_person_id, COUNT(DISTINCT s.agency) AS n "
        "FROM ws_chronology c JOIN ws_source_person s "
        "ON COALESCE(s.ws_person_id, s.key) = c.ws_person_id "
        "WHERE c.is_child GROUP BY c.ws_person_id) counted GROUP BY n ORDER BY n"
    )
    by_year = store.query(
        "SELECT agency, SUBSTR(event_date, 1, 4) AS year, COUNT(*) FROM ws_record "
        "GROUP BY agency, SUBSTR(event_date, 1, 4) ORDER BY agency, year"
    )
    years = sorted({str(y) for _, y, _ in by_year})
    table: dict[str, dict[str, int]] = {}
    for agency, year, count in by_year:
        table.setdefault(str(agency), {})[str(year)] = int(count)

    def title(code: str) -> str:
        indicator = INDICATORS.get(code)
        return str(getattr(indicator, "title", "") or code.replace("_", " ").capitalize())

    return {
        "flags": [{"title": title(str(c)), "count": suppressed(int(n))} for c, n in by_code],
        "severities": [
            {"severity": s.capitalize(), "count": suppressed(int(by_severity.get(s, 0)))}
            for s in SEVERITY_ORDER
        ],
        "agencies": [
            {"agencies": int(n), "count": suppressed(int(count))} for n, count in by_agencies
        ],
        "years": years,
        "by_agency": [
            {
                "agency": agency_name(a),
                "counts": [suppressed(table[a].get(y, 0)) for y in years],
            }
            for a in sorted(table, key=agency_name)
        ],
    }


@never_cache
@requires("aggregates")
def figures_view(request: HttpRequest) -> HttpResponse:
    """Partnership figures: aggregates that identify no child."""
    audited(request, "view", target="/figures")
    return render(request, "pages/work/figures.html", partnership_figures(core_store()))


# -- shared ----------------------------------------------------------------------------------


def _error_list(form: forms.Form) -> list[dict[str, str]]:
    """The GOV.UK error summary's items: each message and the field it links to."""
    if not form.is_bound:
        return []
    items: list[dict[str, str]] = []
    for name, errors in form.errors.items():
        target = f"id_{name}" if name != "__all__" else "main-content"
        items.extend({"href": f"#{target}", "text": str(e)} for e in errors)
    return items


urls: list[URLPattern] = [
    path("flags", flags_view, name="flags"),
    path("review", review_list_view, name="review"),
    path("review/<str:key_a>/<str:key_b>", review_pair_view, name="review-pair"),
    path("upload", upload_view, name="upload"),
    path("audit", audit_view, name="audit"),
    path("users", users_view, name="users"),
    path("users/add", add_user_view, name="user-add"),
    path("users/grant", grant_view, name="user-grant"),
    path("users/<str:username>/authenticator", authenticator_view, name="user-authenticator"),
    path("figures", figures_view, name="figures"),
]
