"""Run one chronology measurement in its own process and print its results as JSON.

A separate process for each so that its peak memory (ru_maxrss) is that
measurement's own, as in ``link_worker``.

    python -m benchmarks.chronology_worker prepare URL FOLDER [FOLDER ...]
    python -m benchmarks.chronology_worker build URL FOLDER
    python -m benchmarks.chronology_worker one URL AGENCY PERSON_ID REPEATS

``prepare`` imports the FOLDERs into the store at URL and links everyone
(``ingest_paths`` then ``link_all``). ``build`` times ``build_all`` on the
linked store, then scores the flags against FOLDER's planted patterns
(``evaluate_store``) and looks at the first misses of any indicator below
target. ``one`` times one person's chronology built from the store
(``chronology_of``) and read back after ``build_all`` (``stored_chronology``).
The last line printed is the result.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

#: Precision and recall each indicator should reach (issue 4).
QUALITY_TARGET = 0.95
#: Misses looked at, per indicator below target.
MISSES_SHOWN = 3


def peak_mib() -> float:
    """The largest resident set this process has had so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _open(url_text: str) -> Any:
    from wholestory.store import open_store, resolve_url
    from wholestory.web.bootstrap import ensure_schema

    url = resolve_url(url_text)
    ensure_schema(url)
    return open_store(url)


def prepare(url_text: str, folders: list[Path]) -> dict[str, Any]:
    from wholestory.identity import LinkThresholds, link_all
    from wholestory.ingest import ingest_paths

    store = _open(url_text)
    started = time.perf_counter()
    result = ingest_paths(store, folders)
    if result.failed:
        raise RuntimeError(f"{result.failed[0].file}: {result.failed[0].error}")
    ingested = time.perf_counter() - started
    started = time.perf_counter()
    linked = link_all(store, retrain=True, thresholds=LinkThresholds.from_environment())
    link_seconds = time.perf_counter() - started
    store.close()
    return {
        "rows": result.totals()["read"],
        "ingest_seconds": ingested,
        "link_seconds": link_seconds,
        "source_persons": linked.source_persons,
        "peak_mib": peak_mib(),
    }


def _miss_detail(store: Any, miss: dict[str, Any], patterns: dict[str, list[str]]) -> str:
    """What the child's chronology holds that bears on a missed code, in a line."""
    from wholestory.chronology.stored import chronology_of

    person = miss.get("person")
    if not person:
        return "no WholeStory person holds most of this child's records"
    data = chronology_of(store, person).as_dict()
    flags = sorted({f["code"] for f in data.get("flags", [])})
    types: Counter[str] = Counter()
    for entry in data.get("entries", []):
        for t in entry.get("event_types") or [entry.get("event_type", "")]:
            types[str(t)] += 1
    dob = (data.get("person") or {}).get("date_of_birth")
    common = ", ".join(f"{t} x{n}" for t, n in types.most_common(8))
    planted = ", ".join(patterns.get(miss["child"], [])) or "none"
    return (
        f"born {dob}; {len(data.get('entries', []))} entries; flags raised: "
        f"{', '.join(flags) or 'none'}; planted: {planted}; commonest entry types: {common}"
    )


def build(url_text: str, folder: Path) -> dict[str, Any]:
    import csv

    from wholestory.chronology.evaluation import evaluate_store
    from wholestory.chronology.stored import build_all

    store = _open(url_text)
    load = os.getloadavg()[0]
    before = peak_mib()
    started, cpu = time.perf_counter(), cpu_seconds()
    summary = build_all(store)
    seconds, cpu_used = time.perf_counter() - started, cpu_seconds() - cpu
    peak = peak_mib()
    print("step " + json.dumps({"build_seconds": seconds}), flush=True)

    started = time.perf_counter()
    scores = evaluate_store(store, folder)
    evaluate_seconds = time.perf_counter() - started
    report = scores.as_dict()
    patterns: dict[str, list[str]] = defaultdict(list)
    with (folder / "ground_truth" / "patterns.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            patterns[row["true_id"]].append(f"{row['code']} ({row['kind']})")
    below = [
        code
        for code, s in report["codes"].items()
        if s["precision"] < QUALITY_TARGET or s["recall"] < QUALITY_TARGET
    ]
    misses: list[dict[str, Any]] = []
    for code in below:
        for miss in [m for m in scores.misses if m["code"] == code][:MISSES_SHOWN]:
            misses.append({**miss, "detail": _miss_detail(store, miss, patterns)})
    miss_counts = Counter((m["code"], m["kind"]) for m in scores.misses)
    store.close()
    return {
        **summary.as_dict(),
        "seconds": seconds,
        "cpu_seconds": cpu_used,
        "peak_mib": peak,
        "peak_before_mib": before,
        "load_average": load,
        "evaluate_seconds": evaluate_seconds,
        "scores": report,
        "below": below,
        "misses": misses,
        "miss_counts": [[c, k, n] for (c, k), n in sorted(miss_counts.items())],
    }


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": p95 * 1000,
        "min_ms": ordered[0] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def one(url_text: str, agency: str, person_id: str, repeats: int) -> dict[str, Any]:
    from wholestory.chronology.material import load_material, resolve_person
    from wholestory.chronology.stored import (
        build_all,
        chronology_of,
        rebuild_people,
        stored_chronology,
    )

    store = _open(url_text)
    person = resolve_person(store, agency, person_id)
    if person is None:
        raise RuntimeError(f"{agency}:{person_id} is not in the store")
    load = os.getloadavg()[0]
    chronology = chronology_of(store, person)  # warm-up
    timings: list[float] = []
    cpu: list[float] = []
    material: list[float] = []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        chronology = chronology_of(store, person)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    for _ in range(repeats):
        started = time.perf_counter()
        load_material(store, person)
        material.append(time.perf_counter() - started)
    rebuild_started = time.perf_counter()
    rebuild_people(store, [person])
    rebuild_seconds = time.perf_counter() - rebuild_started
    build_started = time.perf_counter()
    built = build_all(store)
    build_seconds = time.perf_counter() - build_started
    stored = stored_chronology(store, person)  # warm-up
    assert stored is not None
    reads: list[float] = []
    for _ in range(repeats):
        started = time.perf_counter()
        stored = stored_chronology(store, person)
        reads.append(time.perf_counter() - started)
    store.close()
    assert stored is not None
    return {
        "person": person,
        "entries": len(chronology.entries),
        "flags": len(chronology.flags),
        "flag_codes": sorted({f.code for f in chronology.flags}),
        "records": sum(len(e.sources) for e in chronology.entries),
        "household": len(chronology.household),
        "stored_entries": len(stored.get("entries", [])),
        "chronology_of": _stats(timings),
        "chronology_of_cpu": _stats(cpu),
        "load_average": load,
        "load_material": _stats(material),
        "stored_chronology": _stats(reads),
        "rebuild_one_seconds": rebuild_seconds,
        "build_all_seconds": build_seconds,
        "build_all_people": built.people,
        "repeats": repeats,
        "peak_mib": peak_mib(),
    }


def main(argv: list[str]) -> None:
    command, *args = argv
    result: dict[str, Any]
    if command == "prepare":
        result = prepare(args[0], [Path(a) for a in args[1:]])
    elif command == "build":
        result = build(args[0], Path(args[1]))
    elif command == "one":
        result = one(args[0], args[1], args[2], int(args[3]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
