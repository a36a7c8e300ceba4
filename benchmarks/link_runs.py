"""The linking benchmark's sizes, targets and budgets, and the worker processes that measure.

Each measurement runs in its own process (``benchmarks.link_worker``), watched
from outside for its time and memory, and stopped if it goes far over either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.ingest_bench import OUT, ROOT

#: About 5.8 source persons a child; set LINK_BENCH_CHILDREN for a quick trial run.
DEFAULT_CHILDREN = 175_000
CHILDREN = int(os.environ.get("LINK_BENCH_CHILDREN", DEFAULT_CHILDREN))
SEED = 7
SOURCE_PERSONS = 1_000_000
HOLD_OUT = 1_000

#: Targets: seconds for the million, seconds for the thousand new, bytes of peak memory.
DEDUPE_TARGET = 300.0
INCREMENTAL_TARGET = 10.0
MEMORY_TARGET = 8e9

#: When a run is stopped: wall seconds, and resident bytes.
DEDUPE_BUDGET = 3 * DEDUPE_TARGET
WHAT_IF_BUDGET = 1800.0
INCREMENTAL_BUDGET = 600.0
OTHER_BUDGET = 1800.0
MEMORY_CEILING = 12e9

PRODUCT = "product"
WHAT_IF = "without-heaviest-rule"


@dataclass
class Run:
    """One worker process: its result if it finished, and how far it got if stopped."""

    result: dict[str, Any] | None
    steps: dict[str, dict[str, float]] = field(default_factory=dict)
    stopped: str | None = None  # "time" or "memory"
    seconds: float = 0.0
    peak_mib: float = 0.0  # the worker's VmHWM, as last seen from outside

    @property
    def finished(self) -> bool:
        return self.result is not None


def _memory_kib(pid: int) -> tuple[int, int]:
    """The resident and peak resident set of a process, in KiB (0 if unknown)."""
    rss = hwm = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return rss, hwm


def run_worker(*args: str, budget: float = OTHER_BUDGET) -> Run:
    """Run ``link_worker`` with ``args``; stop it past ``budget`` seconds or the memory ceiling."""
    OUT.mkdir(exist_ok=True)
    errors = OUT / "link-worker.err"
    started = time.perf_counter()
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.link_worker", *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=ROOT,
        )
        lines: list[str] = []
        assert process.stdout is not None
        stdout = process.stdout
        reader = threading.Thread(target=lambda: lines.extend(stdout), daemon=True)
        reader.start()
        stopped: str | None = None
        peak_kib = 0
        while process.poll() is None:
            time.sleep(0.5)
            rss, hwm = _memory_kib(process.pid)
            peak_kib = max(peak_kib, hwm)
            if rss * 1024 > MEMORY_CEILING:
                stopped = "memory"
            elif time.perf_counter() - started > budget:
                stopped = "time"
            if stopped:
                process.kill()
                process.wait()
                break
        reader.join()
    run = Run(result=None, stopped=stopped, seconds=time.perf_counter() - started)
    run.peak_mib = peak_kib / 1024
    for line in lines:
        if line.startswith("step "):
            run.steps.update(json.loads(line[5:]))
    if stopped is None:
        if process.returncode != 0:
            raise RuntimeError(
                f"link_worker {' '.join(args)} failed:\n{errors.read_text()[-3000:]}"
            )
        run.result = dict(json.loads(lines[-1]))
        run.peak_mib = max(run.peak_mib, float(run.result.get("peak_mib", 0.0)))
    return run
