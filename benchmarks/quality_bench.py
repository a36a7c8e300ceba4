"""Linking quality on two generators, and the shipped model against a store's own.

Quality figures measured only on the noise a model was tuned to flatter it.
So every figure here is measured twice: on partnerships from the product's
own generator (``wholestory synth``) and from the second, independently
written one (``wholestory synth-crosscheck``), both with an emergency
department that gives a new id for about half of a person's repeat
attendances and about 1% duplicate registrations at the other agencies.

1. The product as shipped, at partnership size: pairwise precision and
   recall of the people it makes, the review queue as a share of people,
   twins and parents-with-children merged.
2. Which model at which store size: the shipped model alone, a model trained
   on the store alone, and the product's choice (shipped alone below
   ``TRAIN_FROM`` people, trained here and blended above), on stores from one
   family to a partnership. That is how ``TRAIN_FROM`` was chosen.

    python -m benchmarks.run quality
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.ingest_bench import OUT

#: Partnership size for part 1 (children for synth, families for crosscheck).
FULL_SIZE = int(os.environ.get("QUALITY_BENCH_SIZE", 3_000))
#: Store sizes for part 2.
SIZES = tuple(
    int(s) for s in os.environ.get("QUALITY_BENCH_SIZES", "10,40,150,400,1000").split(",")
)
SEED = 11
GENERATORS = ("synth", "crosscheck")


def _partnership(generator: str, size: int, seed: int) -> Path:
    """A partnership folder from one of the two generators, made once per size and seed."""
    folder = OUT / f"quality-{generator}-{size}-{seed}"
    if (folder / "ground_truth" / "people.csv").is_file():
        return folder
    if generator == "synth":
        from wholestory.synth import generate

        generate(size, seed, folder, force=True)
    else:
        import datetime as dt

        from wholestory.crosscheck import make_partnership

        make_partnership(folder, size, seed, end=dt.date(2025, 6, 30), force=True)
    return folder


def _evaluate(folder: Path, variant: str) -> dict[str, Any]:
    """Import ``folder`` into a scratch store and link it with one model ``variant``."""
    from wholestory.identity import (
        LinkThresholds,
        default_model,
        episode_agencies,
        evaluate_partnership,
        load_sources,
        model_frame,
        refresh_sources,
        train,
        with_episode_agencies,
    )
    from wholestory.ingest import ingest_paths
    from wholestory.store import open_store, resolve_url
    from wholestory.web.bootstrap import ensure_schema

    with tempfile.TemporaryDirectory(prefix="wholestory-quality-") as scratch:
        url = resolve_url(f"sqlite:///{Path(scratch) / 'store.sqlite3'}")
        ensure_schema(url)
        store = open_store(url)
        try:
            ingest_paths(store, [folder])
            refresh_sources(store)
            frame = with_episode_agencies(model_frame(load_sources(store)), episode_agencies(store))
            started = time.perf_counter()
            settings: str | None
            if variant == "shipped":
                settings = default_model.shipped().settings_json
            elif variant == "store" and frame.height >= 2:
                settings = train([frame], from_shipped=False).settings_json
            elif variant == "blend" and frame.height >= 2:
                settings = train([frame]).settings_json
            else:  # the product's own choice
                settings = None
            result = evaluate_partnership(
                store, folder, LinkThresholds(), retrain=settings is None, settings_json=settings
            )
            origin = store.scalar("SELECT origin FROM ws_link_model ORDER BY id DESC LIMIT 1")
        finally:
            store.close()
    return {
        "people": frame.height,
        "precision": round(result.precision, 5),
        "recall": round(result.recall, 5),
        "f1": round(result.f1, 5),
        "queue_share": result.checks["review_queue_share_of_people"],
        "queue": result.checks["review_queue"],
        "twins_merged": result.checks["twins_merged"],
        "parent_and_child_merged": result.checks["parent_and_child_merged"],
        "origin": str(origin),
        "seconds": round(time.perf_counter() - started, 1),
    }


def measure() -> str:
    """Run both parts and return the markdown for docs/benchmarks.md."""
    full = {g: _evaluate(_partnership(g, FULL_SIZE, SEED), "product") for g in GENERATORS}
    by_size: dict[str, dict[int, dict[str, Any]]] = {g: {} for g in GENERATORS}
    for generator in GENERATORS:
        for size in SIZES:
            folder = _partnership(generator, size, SEED)
            by_size[generator][size] = {
                v: _evaluate(folder, v) for v in ("shipped", "store", "product")
            }
    (OUT / "quality.json").write_text(json.dumps({"full": full, "by_size": by_size}, indent=1))
    return _report(full, by_size)


def _report(full: dict[str, dict[str, Any]], by_size: dict[str, Any]) -> str:
    from wholestory.identity import default_model

    lines = [
        f"Partnerships of {FULL_SIZE:,} children (synth) or families (crosscheck), seed "
        f"{SEED}; the emergency department gives a new id for about half of repeat "
        "attendances (and is set as `person_ids: episode`); about 1% duplicate "
        "registrations elsewhere. Pairs are every two agency ids given one WholeStory id, "
        "against the generator's truth. The queue is items waiting in `wholestory review`, "
        "as a share of true people.",
        "",
        "| generator | agency ids | precision | recall | queue | twins merged "
        "| parent and child merged | model | link s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for generator, r in full.items():
        lines.append(
            f"| {generator} | {r['people']:,} | {r['precision']:.4f} | {r['recall']:.4f} "
            f"| {r['queue_share']:.2%} ({r['queue']}) | {r['twins_merged']} "
            f"| {r['parent_and_child_merged']} | {r['origin']} | {r['seconds']} |"
        )
    lines += [
        "",
        f"**Which model, by store size.** F1 of pairs, and the queue's share of people. "
        f"`shipped`: the model in the package alone; `store`: trained on the store alone "
        f"(as before this version); `product`: the shipped model below "
        f"{default_model.TRAIN_FROM:,} agency ids, above that trained on the store, "
        "starting from the shipped model and blended with it.",
        "",
        "| generator | size | agency ids | shipped F1 | store F1 | product F1 "
        "| shipped queue | store queue | product queue |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for generator, sizes in by_size.items():
        for size, v in sizes.items():
            lines.append(
                f"| {generator} | {size:,} | {v['shipped']['people']:,} "
                f"| {v['shipped']['f1']:.4f} | {v['store']['f1']:.4f} | {v['product']['f1']:.4f} "
                f"| {v['shipped']['queue_share']:.2%} | {v['store']['queue_share']:.2%} "
                f"| {v['product']['queue_share']:.2%} |"
            )
    return "\n".join(lines) + "\n"
