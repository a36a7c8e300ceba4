"""Ingest benchmark: rows per second and peak memory, on SQLite and PostgreSQL.

Makes synthetic partnerships (10,000 and 100,000 children), imports each into
a fresh store in its own process, then imports the larger one again to time
the idempotent path (every row unchanged). Peak memory at both sizes shows
whether memory stays flat as files grow.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

from benchmarks.pgserver import postgres_server

OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).parent.parent


def synth(children: int, seed: int = 7) -> tuple[Path, float]:
    """A synthetic partnership, made once and reused while its manifest matches."""
    folder = OUT / f"synth-{children}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        data = json.loads(manifest.read_text())
        if data.get("children") == children and data.get("seed") == seed:
            return folder, float("nan")
    from wholestory.synth import generate

    started = time.perf_counter()
    generate(children, seed, folder, force=True)
    return folder, time.perf_counter() - started


def run_ingest(url: str, folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.ingest_worker", url, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def sqlite_url(label: str) -> str:
    path = OUT / f"bench-{label}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path.resolve()}"


def postgres_url(server: str) -> str:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return server.rpartition("/")[0] + "/" + name


def measure() -> str:
    """Run the benchmark and return its section of docs/benchmarks.md."""
    OUT.mkdir(exist_ok=True)
    small, small_gen = synth(10_000)
    large, large_gen = synth(100_000)
    lines = [
        "| store | children | rows read | first import | rows/s | re-import (all unchanged) "
        "| rows/s | peak memory |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    with postgres_server() as server:
        stores = [("SQLite", sqlite_url)]
        if server:
            stores.append(("PostgreSQL", lambda label: postgres_url(server)))
        for name, make_url in stores:
            for label, folder in (("10k", small), ("100k", large)):
                url = make_url(label)
                first = run_ingest(url, folder)
                again = run_ingest(url, folder)
                assert first["read"] == first["inserted"] + first["quarantined"]
                assert again["inserted"] == 0 and again["updated"] == 0
                lines.append(
                    f"| {name} | {label} | {int(first['read']):,} | {first['seconds']:.1f} s "
                    f"| {first['read'] / first['seconds']:,.0f} | {again['seconds']:.1f} s "
                    f"| {again['read'] / again['seconds']:,.0f} "
                    f"| {max(first['peak_mib'], again['peak_mib']):,.0f} MiB |"
                )
    gen = (
        f"Generating the partnerships took {small_gen:.0f} s (10,000 children) and "
        f"{large_gen:.0f} s (100,000 children)."
        if large_gen == large_gen
        else "The synthetic partnerships were reused from an earlier run."
    )
    return "\n".join(
        [
            "Each import runs in its own process on a fresh store; rows/s counts every row "
            "read (accepted or quarantined), from the first byte to the last commit. Peak "
            "memory is the maximum resident set of the importing process or of its writer "
            "process (SQLite imports of 32 MB or more), whichever is larger. " + gen,
            "",
            *lines,
        ]
    )
