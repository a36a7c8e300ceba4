"""Two commits, the same measurements, taken in turn on this machine.

    python -m benchmarks.ab BASE [HEAD] [--rounds N]

A refactor promises "no benchmark slower beyond run-to-run noise". Numbers from
another day, or taken while the machine did other work, cannot show that; two
commits measured alternately in one session can. Each commit is checked out in
its own git worktree under ``benchmarks/out/ab/`` and runs its OWN benchmark
code, so an interface that moved between the two does not matter, only what
each commit's page and chronology cost.

What is measured, on a copy of the chronology benchmark's store (the
2,000-entry child beside a 2,000-child partnership,
``benchmarks/out/chronology-one.sqlite3``: run ``python -m benchmarks.run
chronology`` once first), migrated by each commit and prepared by its own
``web_bench prepare`` (the bench users, every chronology built):

- ``chronology_worker one``: CPU time to build the child's chronology from the
  store (median of 20), reading it back stored (median of 20), and building
  every chronology (``build_all``);
- ``web_bench profile``: the child's chronology page through Django's test
  client, one request at a time (median and p95 of 40).

Rounds alternate BASE, HEAD, BASE, HEAD... so that load from elsewhere falls
on both alike; the table gives each measurement's median over the rounds and
the spread (lowest to highest), which is the noise to judge a difference by.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.chronology_bench import CHILD_AGENCY, CHILD_ID
from benchmarks.ingest_bench import OUT, ROOT
from benchmarks.machine import describe

STORE = OUT / "chronology-one.sqlite3"
AB = OUT / "ab"

#: (label, how to read it from a round's results)
MEASURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("one child's chronology, CPU ms", ("one", "chronology_of_cpu", "median_ms")),
    ("stored chronology read, ms", ("one", "stored_chronology", "median_ms")),
    ("every chronology (build_all), s", ("one", "build_all_seconds")),
    ("chronology page, median ms", ("page", "median_ms")),
    ("chronology page, p95 ms", ("page", "p95_ms")),
)


def _tree(rev: str) -> tuple[str, Path]:
    """A worktree of REV (made once), and the commit it names."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    tree = AB / sha
    if not tree.exists():
        AB.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT, check=True)
    return sha, tree


def _run(tree: Path, *args: str) -> dict[str, Any]:
    """One benchmark step in TREE's code; its last line of output is its JSON result."""
    env = {"PYTHONPATH": f"{tree / 'src'}:{tree}", "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run(
        [sys.executable, "-m", *args], cwd=tree, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} in {tree} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _prepare(sha: str, tree: Path) -> tuple[str, str]:
    """This commit's own copy of the store, migrated and prepared by its own code."""
    store = AB / f"{sha}.sqlite3"
    shutil.copyfile(STORE, store)
    url = f"sqlite:///{store}"
    person = _run(tree, "benchmarks.web_bench", "prepare", url)["person"]
    return url, str(person)


def _value(result: dict[str, Any], path: tuple[str, ...]) -> float:
    found: Any = result
    for key in path:
        found = found[key]
    return float(found)


def _round(tree: Path, url: str, person: str) -> dict[str, Any]:
    one = _run(tree, "benchmarks.chronology_worker", "one", url, CHILD_AGENCY, CHILD_ID, "20")
    page = _run(tree, "benchmarks.web_bench", "profile", url, person)
    return {"one": one, "page": page}


def compare(base: str, head: str, rounds: int) -> str:
    """Measure both commits in alternate rounds; a Markdown table of the medians."""
    if not STORE.exists():
        raise SystemExit(f"{STORE} is missing: run 'python -m benchmarks.run chronology' first")
    trees = [_tree(base), _tree(head)]
    prepared = [_prepare(sha, tree) for sha, tree in trees]
    results: list[list[dict[str, Any]]] = [[], []]
    for n in range(rounds):
        for side in (0, 1) if n % 2 == 0 else (1, 0):
            results[side].append(_round(trees[side][1], *prepared[side]))
    lines = [
        f"Machine: {describe()}",
        "",
        f"| measurement | {trees[0][0]} (base) | {trees[1][0]} | change |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, path in MEASURES:
        sides = [[_value(r, path) for r in results[s]] for s in (0, 1)]
        medians = [statistics.median(v) for v in sides]
        spread = [f"{statistics.median(v):,.1f} ({min(v):,.1f}-{max(v):,.1f})" for v in sides]
        change = 100 * (medians[1] - medians[0]) / medians[0] if medians[0] else 0.0
        lines.append(f"| {label} | {spread[0]} | {spread[1]} | {change:+.0f}% |")
    lines.append("")
    lines.append(f"{rounds} rounds, alternating; each cell is the median over the rounds (range).")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    rounds = 4
    if "--rounds" in argv:
        at = argv.index("--rounds")
        rounds = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    if not argv:
        raise SystemExit(__doc__)
    print(compare(argv[0], argv[1] if len(argv) > 1 else "HEAD", rounds))


if __name__ == "__main__":
    main(sys.argv[1:])
