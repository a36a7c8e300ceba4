"""Practice measures benchmark: keeping every month of three years at 10,000 children (issue
15, item 5: "computed across the whole partnership every night").

1. A synth partnership of 10,000 children is made once, loaded into an empty SQLite store
   as a first load is (import, link with the shipped model, build every chronology), and
   its planted looks at chronologies replayed into the audit log.
2. :func:`~wholestory.assurance.measure_history.keep_months` runs twice, as on two nights:
   the first keeps every month, the second recounts and replaces them.
3. Each month is counted on its own
   (:func:`~wholestory.assurance.measures.practice_measures`), as ``wholestory
   practice-measures --month`` does, and every month kept is checked against it.

    python -m benchmarks.run measures
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from benchmarks.ingest_bench import OUT

CHILDREN = int(os.environ.get("MEASURES_BENCH_CHILDREN", 10_000))
SEED = 3


def _folder() -> Path:
    """The synth partnership, made once."""
    from wholestory.synth import generate

    folder = OUT / f"measures-synth-{CHILDREN}-{SEED}"
    if not (folder / "manifest.json").exists():
        generate(CHILDREN, SEED, folder, force=True)
    return folder


def measure() -> str:
    from wholestory.assurance.measure_history import keep_months, months_to_keep, series
    from wholestory.assurance.measures import practice_measures
    from wholestory.assurance.usage import replay_views
    from wholestory.chronology.stored import build_all
    from wholestory.identity import LinkThresholds, link_all
    from wholestory.ingest import ingest_paths
    from wholestory.store import open_store, resolve_url
    from wholestory.web.bootstrap import ensure_schema

    # The replayed looks are audited; the scratch store's log needs a key (thrown away).
    os.environ.setdefault("WHOLESTORY_AUDIT_KEY", "benchmark-only-audit-key-" + "m" * 40)
    folder = _folder()
    with tempfile.TemporaryDirectory(prefix="wholestory-measures-") as scratch:
        url = resolve_url(f"sqlite:///{Path(scratch) / 'store.sqlite3'}")
        ensure_schema(url)
        store = open_store(url)
        try:
            started = time.perf_counter()
            ingest_paths(store, [folder])
            link_all(store, thresholds=LinkThresholds())
            build_all(store)
            looks = replay_views(store, folder)
            base = time.perf_counter() - started
            first = keep_months(store)
            second = keep_months(store)
            months = months_to_keep(store)
            started = time.perf_counter()
            alone = {
                (m.code, m.month): m for month in months for m in practice_measures(store, month)
            }
            one_by_one = time.perf_counter() - started
            kept = {
                (k.code, k.month): k for code in {c for c, _ in alone} for k in series(store, code)
            }
            differ = [
                key for key, m in alone.items()
                if (kept[key].numerator, kept[key].denominator, kept[key].value)
                != (m.numerator, m.denominator, m.value)
            ]  # fmt: skip
        finally:
            store.close()
    return (
        f"A synth partnership of {CHILDREN:,} children (seed {SEED}), SQLite, loaded first "
        f"({base:.0f} s, with {looks:,} looks at chronologies replayed into the audit log). "
        f"The window: {first.first} to {first.last}, {first.months} months of 4 measures. "
        "Seconds: keeping every month (each measure's records read once for the window), "
        "on a first night and again on a second (recounted, replaced); and counting each "
        "month on its own, as `wholestory practice-measures --month` does.\n\n"
        "| months | keep, first night s | keep, second night s | one month at a time s "
        "| months kept equal to one at a time |\n|---|---|---|---|---|\n"
        f"| {first.months} | {first.seconds:.1f} | {second.seconds:.1f} | {one_by_one:.1f} "
        f"| {len(alone) - len(differ)} of {len(alone)} |\n"
        + ("".join(f"\nDiffers: {code} {month}" for code, month in differ[:10]))
    )
