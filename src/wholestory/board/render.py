"""A kept board pack as HTML (the page's body, or a whole document for the PDF) and as a
PDF laid out by WeasyPrint, as the chronology's is.

The same template draws both, so the page and the PDF cannot say different things. The
charts are the pack's own SVG, drawn when it was built; nothing is fetched from anywhere.
"""

from __future__ import annotations

from importlib import resources
from typing import Final

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from wholestory.assurance.audits import local_time
from wholestory.board import words
from wholestory.board.measures import catalogue
from wholestory.board.pack import KeptPack
from wholestory.chronology.render import html_to_pdf

#: Where a board member reads each chart's definition, on the page and in the PDF.
DEFINITIONS_URL: Final = "/board/definitions"


def body_html(kept: KeptPack, definitions_url: str = DEFINITIONS_URL) -> Markup:
    """The pack as an ``<article>``, for a page to place in its own layout."""
    template = _environment().get_template("pack_body.html.j2")
    return Markup(
        template.render(
            c=kept.contents, words=words, built=local_time(kept.built_at),
            definitions_url=definitions_url, definitions=catalogue(),
        )
    )  # fmt: skip


def document_html(kept: KeptPack) -> str:
    """The pack as one self-contained HTML document (its CSS inline), for the PDF."""
    css = resources.files("wholestory.board").joinpath("templates/pack.css").read_text("utf-8")
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{words.TITLE}</title><style>{css}</style></head><body>"
        f"{body_html(kept, definitions_url='')}</body></html>"
    )


def pdf(kept: KeptPack) -> bytes:
    return html_to_pdf(document_html(kept))


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("wholestory.board", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
    )
