"""The board's pages (issue 17): the kept board packs, building one for a quarter, a pack on
the page and as a PDF, and what each chart counts.

A pack is read from what was kept when it was built (:mod:`wholestory.board.pack`), already
suppressed and naming no child, so these pages only place it: ``body_html`` is an
``<article>`` with inline SVG charts and no inline style or script, safe under the app's
strict Content Security Policy. Every look is audited before anything is read; a build is
audited by the core in the same transaction that keeps the pack.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from wholestory.access import may
from wholestory.audit.actions import Action
from wholestory.board import words
from wholestory.board.measures import catalogue
from wholestory.board.pack import KeptPack, build, pack, packs
from wholestory.board.quarter import Quarter, QuarterError
from wholestory.board.render import body_html, pdf
from wholestory.web.pages import guard

READ = "board_pack"
BUILD = "build_board_pack"


@never_cache
@guard.requires(READ)
def packs_view(request: HttpRequest) -> HttpResponse:
    """Every pack kept, the newest first, and the form to build one (for those who may)."""
    guard.audited(request, Action.BOARD_PACK, target="/board/packs", detail={"look": "list"})
    return render(request, "pages/board/packs.html", _list_context(request))


@never_cache
@guard.requires(BUILD)
def new_pack_view(request: HttpRequest) -> HttpResponse:
    """Build the pack for the quarter asked (the build audited by the core), then show it."""
    form = guard.submitted(request)
    if form is None:
        return render(request, "pages/board/packs.html", _list_context(request))
    try:
        quarter = Quarter.parse(form.get("quarter", ""))
    except QuarterError as error:
        context = _list_context(request) | {"error": str(error), "asked": form.get("quarter", "")}
        return render(request, "pages/board/packs.html", context, status=400)
    kept = build(guard.core_store(), quarter, guard.viewer_of(request).username)
    return redirect("board-pack", pack_id=kept.id)


@never_cache
@guard.requires(READ)
def pack_view(request: HttpRequest, pack_id: int) -> HttpResponse:
    """One kept pack, as it was built, in the page's layout."""
    kept = _kept(request, pack_id, "read")
    return render(request, "pages/board/pack.html", {"kept": kept, "body": body_html(kept)})


@never_cache
@guard.requires(READ)
def pack_pdf_view(request: HttpRequest, pack_id: int) -> HttpResponse:
    """One kept pack as a PDF, drawn from the same template as the page."""
    kept = _kept(request, pack_id, "download")
    response = HttpResponse(pdf(kept), content_type="application/pdf")
    name = f"board-pack-{kept.quarter}-{kept.id}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@guard.requires(READ)
def definitions_view(request: HttpRequest) -> HttpResponse:
    """What each chart counts, anchored ``def-<key>`` for the pack's links."""
    guard.audited(request, Action.BOARD_PACK, target="/board/definitions",
                  detail={"look": "definitions"})  # fmt: skip
    return render(request, "pages/board/definitions.html",
                  {"measures": catalogue(), "words": words})  # fmt: skip


def _kept(request: HttpRequest, pack_id: int, look: str) -> KeptPack:
    """The pack, its look audited first (a number that names no pack is a 404, audited)."""
    guard.audited(request, Action.BOARD_PACK, target=f"board pack {pack_id}",
                  detail={"look": look})  # fmt: skip
    kept = pack(guard.core_store(), pack_id)
    if kept is None:
        raise Http404("No such board pack")
    return kept


def _list_context(request: HttpRequest) -> dict[str, object]:
    viewer = guard.viewer_of(request)
    return {
        "packs": packs(guard.core_store()),
        "may_build": may(viewer, BUILD).allowed,
        "words": words,
        "error": "",
        "asked": "",
    }


urls: list[URLPattern] = [
    path("board/packs", packs_view, name="board-packs"),
    path("board/packs/new", new_pack_view, name="board-pack-new"),
    path("board/packs/<int:pack_id>", pack_view, name="board-pack"),
    path("board/packs/<int:pack_id>.pdf", pack_pdf_view, name="board-pack-pdf"),
    path("board/definitions", definitions_view, name="board-definitions"),
]
