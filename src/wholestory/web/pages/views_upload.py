"""The upload page: an agency file in by hand, only the user's agency's rows, every row
accounted for.

Only a data officer may upload (issue 11, H1); a file naming another agency is refused
whole. What goes in is a feed run like any other (:func:`wholestory.feed.run_feed`), but it
gives the agency access to the people in it only once a safeguarding lead of the agency
confirms it (/uploads), so those leads are told it waits for them.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.text import get_valid_filename
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import Viewer
from wholestory.chronology.vocabulary import agency_name
from wholestory.ingest.accounting import accounting_words
from wholestory.store import Store
from wholestory.store.imports import UPLOAD, Arrival
from wholestory.web.accounts.notices import keep
from wholestory.web.pages.guard import audited, core_store, requires, viewer_of
from wholestory.words import count_words

if TYPE_CHECKING:
    from wholestory.identity import LinkSummary

#: The largest agency file the upload page accepts.
MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024


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
    from wholestory.ingest.profiles import Profile
    from wholestory.ingest.reading import open_table

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
    """Feed one saved file in (:func:`wholestory.feed.run_feed`) and say what it did; then
    tell the leads of agencies already involved with anyone the file brings a new agency
    to, and the uploader's own leads that an upload waits for them; email the alerts'
    digests."""
    from wholestory.feed import held_back, run_feed
    from wholestory.web.accounts.alert_mail import send_digests

    run = run_feed(store, [saved], arrival)
    totals = run.result.totals()
    if run.result.failed:
        return IngestOutcome(totals, error=str(run.result.failed[0].error))
    ignored = [c for f in run.result.files for c in f.ignored_columns]
    outcome = IngestOutcome(totals, ignored=ignored)
    if totals["quarantined"]:
        outcome.held_here, outcome.quarantine = held_back(store, saved)
    if run.linked is not None:
        outcome.linked_people = run.linked.source_persons
        outcome.linking = _linking_words(run.linked)
        outcome.rebuilt = run.rebuilt
    if run.changed:
        keep(run.notices)
        _tell_own_leads(arrival, saved.name, totals)
    if run.alerts.told:
        send_digests(store)
    return outcome


def _linking_words(linked: LinkSummary) -> str:
    """What linking did, in one sentence for the uploader."""
    return (
        f"Linked {count_words(linked.source_persons, 'new or changed person')}: "
        f"{count_words(linked.new_people, 'new WholeStory person')}, "
        f"{count_words(linked.merges, 'merge')}; "
        f"{count_words(linked.for_review, 'pair')} of people in all wait for review."
    )


def _tell_own_leads(arrival: Arrival, file: str, totals: dict[str, int]) -> None:
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


urls: list[URLPattern] = [
    path("upload", upload_view, name="upload"),
]
