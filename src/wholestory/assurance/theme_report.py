"""The themes across audits as files for the board: a CSV and a themed PDF report.

Both are made from :class:`~wholestory.assurance.themes.Themes` as it is, whose counts are
already protected against small numbers, so neither can show more than the page does. The
PDF is the report's HTML laid out by WeasyPrint, as the chronology report is
(:func:`wholestory.chronology.render.html_to_pdf`: no network, no files), with its charts
as inline SVG. It holds no child's name, date of birth or identifier and no free text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from importlib import resources
from typing import Final

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from wholestory.assurance import theme_words as words
from wholestory.assurance.themes import Themes
from wholestory.chronology.render import html_to_pdf
from wholestory.exporting import neutralise

CSV_TYPE: Final = "text/csv; charset=utf-8"
PDF_TYPE: Final = "application/pdf"
CSV_NAME: Final = "audit-themes.csv"
PDF_NAME: Final = "audit-themes.pdf"


def themes_csv(themes: Themes) -> str:
    """One row per domain, agency and grade, with how many grades of record (protected:
    "fewer than 5" or "not shown" where hidden), every cell safe for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(words.CSV_HEADER)
    for c in themes.cells:
        writer.writerow(
            [
                neutralise(v)
                for v in (c.domain, c.domain_title, c.agency, c.agency_name, c.grade, c.count.words)
            ]
        )
    return out.getvalue()


def themes_html(themes: Themes, produced: dt.datetime | None = None) -> str:
    """The themed report as one self-contained HTML page (its CSS and SVG inline)."""
    moment = produced or dt.datetime.now(dt.UTC)
    css = resources.files("wholestory.assurance").joinpath("templates/themes_report.css")
    return (
        _environment()
        .get_template("themes_report.html.j2")
        .render(
            t=themes,
            words=words,
            css=Markup(css.read_text("utf-8")),
            produced=f"{moment:%d %B %Y}",
        )
    )


def themes_pdf(themes: Themes, produced: dt.datetime | None = None) -> bytes:
    """The themed report as a PDF: A4, marked OFFICIAL-SENSITIVE, pages numbered."""
    return html_to_pdf(themes_html(themes, produced))


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("wholestory.assurance", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
