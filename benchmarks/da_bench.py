"""Domestic abuse benchmark: the Marac referral list and the Encompass queue of a
100,000-child partnership, 20 users on loopback (issue 13: each page's p95 ≤ 150 ms).

1. The store: the chronology benchmark's 100,000-child synthetic partnership, imported
   and linked (made once and kept: ``chronology_bench.prepared_sqlite``), copied to
   ``benchmarks/out/da-store.sqlite3``.
2. In its own process: the Encompass notices worked out for the partnership's last two
   years (its incidents end before the duty began in November 2025, so, as in the
   demo, the queue starts two years back), the referral list worked out and kept (the
   first look after a change, timed), then read back (timed), and 10 Marac
   coordinators and 10 Encompass officers added, each with an authenticator.
3. The server: ``wholestory serve`` (``web_load.Server``). The load: locust
   (``benchmarks.da_locust``), half the users on the referral list, half on the queue,
   each reading its first pages, 10 s warm-up then 60 s measured; once with a pause of
   0.5-1.5 s between pages, once with none.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.ingest_bench import OUT, ROOT, synth
from benchmarks.web_bench import copy_store
from benchmarks.web_load import PASSWORD, SECONDS, USERS, WARMUP_S, Server

TARGET_P95_MS = 150.0
CHILDREN = int(os.environ.get("DA_BENCH_CHILDREN", 100_000))
STORE = OUT / "da-store.sqlite3"
RUNS = (("people reading (0.5-1.5 s between pages)", 0.5, 1.5), ("no pause", 0.0, 0.0))


def prepare(url_text: str) -> dict[str, Any]:
    """Notices, the kept list and the users, in the copied store."""
    os.environ["WHOLESTORY_DATABASE_URL"] = url_text
    from wholestory.store import open_store, resolve_url
    from wholestory.web.bootstrap import ensure_schema, setup_django

    url = resolve_url(url_text)
    ensure_schema(url)
    setup_django()
    from django.db import connections

    from wholestory.domestic_abuse.encompass import queue, refresh_notices
    from wholestory.domestic_abuse.marac_kept import kept_referral_list
    from wholestory.synth import AS_OF
    from wholestory.web.accounts.users import add_totp, add_user

    keys = {}
    for n in range(1, USERS + 1):
        role = "coordinator" if n % 2 else "encompass"
        agency = "PARTNERSHIP" if role == "coordinator" else "POLICE"
        user = add_user(f"{role}.{n:02d}", agency, role, PASSWORD, "", check_password=False)
        keys[user.username] = add_totp(user).key
    connections.close_all()
    store = open_store(url)
    store.execute("DELETE FROM ws_marac_list")
    started = time.perf_counter()
    owed = refresh_notices(store, since=AS_OF - dt.timedelta(days=730))
    notices_s = time.perf_counter() - started
    started = time.perf_counter()
    found = kept_referral_list(store)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    kept_referral_list(store)
    warm = time.perf_counter() - started
    _, total = queue(store, 0, 1)
    records = store.scalar("SELECT COUNT(*) FROM ws_record")
    store.close()
    return {
        "keys": keys, "candidates": len(found.candidates), "referrals": len(found.referrals),
        "notices": total, "notices_refreshed": owed, "notices_seconds": notices_s,
        "list_cold_seconds": cold, "list_kept_seconds": warm, "records": records,
    }  # fmt: skip


def run_worker(*args: str) -> dict[str, Any]:
    errors = OUT / "da-worker.err"
    with errors.open("w") as stderr:
        command = [sys.executable, "-m", "benchmarks.da_bench", *args]
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"da_bench {args[0]} failed:\n{errors.read_text()[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run_locust(server: Server, keys: dict[str, str], think: tuple[float, float]) -> dict[str, Any]:
    errors = OUT / "da-locust.err"
    env = {**os.environ, "DA_BENCH_KEYS": json.dumps(keys)}
    with errors.open("w") as stderr:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.da_locust", server.url, str(USERS), str(WARMUP_S),
             str(SECONDS), str(think[0]), str(think[1])],
            stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT, env=env, timeout=600,
        )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if not line.startswith("phase ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"locust failed:\n{errors.read_text()[-3000:]}")
    return dict(json.loads(lines[-1]))


def measure() -> str:
    """Run the benchmark and return its section of docs/benchmarks.md."""
    from benchmarks.chronology_bench import prepared_sqlite
    from benchmarks.link_bench import code_revision

    OUT.mkdir(exist_ok=True)
    print(f"  {CHILDREN:,} children: import and link (cached)", flush=True)
    folder, _ = synth(CHILDREN, 7)
    source, made, cached = prepared_sqlite(str(CHILDREN), folder)
    url = copy_store(Path(source.removeprefix("sqlite:///")), STORE)
    print("  notices, the kept list, users", flush=True)
    ready = run_worker("prepare", url)
    runs = []
    for label, low, high in RUNS:
        server = Server(url)
        try:
            print(f"  locust: {USERS} users, {label}", flush=True)
            load = os.getloadavg()[0]
            result = run_locust(server, ready["keys"], (low, high))
        finally:
            server.stop()
        runs.append((label, load, result))
    (OUT / "da-results.json").write_text(json.dumps(
        {"made": made, "cached": cached, "ready": {**ready, "keys": len(ready["keys"])},
         "runs": runs}, indent=1))  # fmt: skip
    return "\n".join(render(code_revision(), made, cached, ready, runs))


def render(
    revision: str,
    made: dict[str, Any],
    cached: bool,
    ready: dict[str, Any],
    runs: list[tuple[str, float, dict[str, Any]]],
) -> list[str]:
    lines = [
        f"Code: {revision}. The {CHILDREN:,}-child synthetic partnership (seed 7, "
        f"{ready['records']:,} records) was imported and linked "
        f"{'by an earlier run' if cached else 'for this run'} "
        f"({made.get('ingest_seconds', float('nan')):.0f} s to import, "
        f"{made.get('link_seconds', float('nan')):.0f} s to link). Encompass notices "
        f"worked out for its last two years: {ready['notices']:,} "
        f"in {ready['notices_seconds']:.1f} s. The referral list: "
        f"{ready['candidates']:,} candidates and {ready['referrals']:,} referrals, worked "
        f"out in {ready['list_cold_seconds']:.1f} s on the first look after a change "
        f"(then kept), read back in {ready['list_kept_seconds'] * 1000:.0f} ms.",
        "",
        f"{USERS} users on loopback (half coordinators on the referral list, half "
        "Encompass officers on the queue, each reading its first three pages of 25), "
        f"{WARMUP_S:.0f} s warm-up, then {SECONDS:.0f} s measured; `wholestory serve` "
        "with its default workers and threads, SQLite.",
        "",
        "| run | page | requests | failures | median ms | p95 ms | p99 ms | per second |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    verdicts = []
    for label, load, result in runs:
        for page in ("referral list", "Encompass queue"):
            s = result.get("measured", {}).get(page)
            if not s:
                continue
            lines.append(
                f"| {label} | {page} | {int(s['requests']):,} | {int(s['failures'])} | "
                f"{s['median_ms']:,.0f} | {s['p95_ms']:,.0f} | {s['p99_ms']:,.0f} | "
                f"{s['per_second']:,.1f} |"
            )
            ok = s["p95_ms"] <= TARGET_P95_MS and not s["failures"]
            verdicts.append(
                f"- {page}, {label} (load average {load:.1f} at the start): target p95 ≤ "
                f"{TARGET_P95_MS:.0f} ms **{'met' if ok else 'not met'}** "
                f"({s['p95_ms']:,.0f} ms)."
            )
        for reason, count in result.get("failure_reasons", {}).items():
            verdicts.append(f"- {label}: {count:,} failed with {reason}")
    return [*lines, "", *verdicts]


def main(argv: list[str]) -> None:
    if argv[0] == "prepare":
        print(json.dumps(prepare(argv[1])))
    else:
        raise SystemExit(f"unknown step {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
