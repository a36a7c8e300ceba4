"""Run the benchmarks and write their results into docs/benchmarks.md.

    python -m benchmarks.run            # every benchmark
    python -m benchmarks.run ingest     # just one
    python -m benchmarks.run link       # linking: a million people, FEBRL
    python -m benchmarks.run quality    # linking quality on two generators, by store size
    python -m benchmarks.run web        # the chronology page, 20 users on loopback
    python -m benchmarks.run chronology # one child's chronology; every child's of 100,000
    python -m benchmarks.run da         # the Marac list and Encompass queue, 100,000 children
    python -m benchmarks.run alerts     # a feed into 10,000 children: alerts out, and right
    python -m benchmarks.run measures   # the practice measures, every month of three years
    python -m benchmarks.run spc        # the chart engine: 20 measures of ten years' months
    python -m benchmarks.run board      # the board pack for 100,000 children, and its PDF

Each benchmark owns a section of docs/benchmarks.md between markers, so
running one leaves the others' last results in place.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks import (
    alerts_bench,
    board_bench,
    chronology_bench,
    da_bench,
    ingest_bench,
    link_bench,
    measures_bench,
    quality_bench,
    spc_bench,
    web_bench,
)
from benchmarks.machine import describe

DOC = Path(__file__).parent.parent / "docs" / "benchmarks.md"

BENCHMARKS: dict[str, tuple[str, Callable[[], str]]] = {
    "ingest": ("Ingest: rows per second and peak memory", ingest_bench.measure),
    "link": (
        "Linking: a million source persons, a thousand new ones, and FEBRL",
        link_bench.measure,
    ),
    "quality": (
        "Linking quality on two generators, and the shipped model against a store's own",
        quality_bench.measure,
    ),
    "chronology": (
        "Chronology: one child with 2,000 entries, every child of 100,000, indicator quality",
        chronology_bench.measure,
    ),
    "web": (
        "Web: the chronology page of a child with 2,000 entries, 20 users on loopback",
        web_bench.measure,
    ),
    "da": (
        "Domestic abuse: the Marac referral list and the Encompass queue, 100,000 children",
        da_bench.measure,
    ),
    "alerts": (
        "Alerts: a feed into 10,000 children, how soon its alerts are out and whether right",
        alerts_bench.measure,
    ),
    "measures": (
        "Practice measures: every month of three years kept at 10,000 children",
        measures_bench.measure,
    ),
    "spc": (
        "Chart engine: ten years of monthly data for 20 measures",
        spc_bench.measure,
    ),
    "board": (
        "Board pack: the quarter's pack for 100,000 children, built and drawn as a PDF",
        board_bench.measure,
    ),
}

HEADER = """# Benchmarks

Performance is measured here, not asserted in timed tests. Run them all with
`make bench` (or one: `.venv/bin/python -m benchmarks.run ingest`); each run
rewrites its own section below with the machine and the date.
"""


def write_section(name: str, title: str, body: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    section = f"{start}\n## {title}\n\nMachine: {describe()}\n\n{body}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _: section, text)
        if pattern.search(text)
        else text + "\n" + section + "\n"
    )
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text, encoding="utf-8")


def main(names: list[str]) -> None:
    for name in names or list(BENCHMARKS):
        title, run = BENCHMARKS[name]
        print(f"Running {name} benchmark...", flush=True)
        body = run()
        write_section(name, title, body)
        print(body)


if __name__ == "__main__":
    main(sys.argv[1:])
