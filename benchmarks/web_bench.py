"""Web benchmark: the chronology page of a child with 2,000 entries, 20 users at once.

1. The store: the chronology benchmark's child (``benchmarks.chronology_bench``:
   a 17-year history beside a 2,000-child synthetic partnership, imported and
   linked) copied to ``benchmarks/out/web-store.sqlite3``, its chronologies
   built (``build_all``) and 20 practitioners added, each of an agency that
   holds the child's records.
2. The server: ``wholestory serve`` as a subprocess on a free loopback port
   (gunicorn, the default workers and threads), demo mode so that cookies work
   over plain HTTP, the login and search rate limits off (every simulated user
   comes from 127.0.0.1, and the limits are per address or per user).
3. The load: locust, headless, in its own process (``benchmarks.web_locust``):
   20 users sign in, then read the chronology page (nine times in ten) or
   search (one in ten), for a 10 s warm-up then 60 s measured. Two runs: users
   who pause 0.5-1.5 s between pages, like people reading; and users who never
   pause, 20 requests always in flight.
4. Where the time goes: the same page served in one process by Django's test
   client, one request at a time, with the guard (the rules and the audit
   entry), the view's own work and template rendering timed apart.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.ingest_bench import OUT, ROOT

TARGET_P95_MS = 150.0
USERS = 20
WARMUP_S = float(os.environ.get("WEB_BENCH_WARMUP", 10))
SECONDS = float(os.environ.get("WEB_BENCH_SECONDS", 60))
#: (label, think time min, max in seconds) of each locust run.
RUNS = (("people reading (0.5-1.5 s between pages)", 0.5, 1.5), ("no pause", 0.0, 0.0))
STORE = OUT / "web-store.sqlite3"
#: The bench users' password: a throwaway for a throwaway store, not a secret.
PASSWORD = "bench-only password, not a secret 7"
USERNAME = "bench.user.{:02d}"
CHILD_AGENCY, CHILD_ID = "CSC", "CSC-BENCH-C"
#: The agencies the practitioners belong to: each holds records of the child.
AGENCIES = ("CSC", "POLICE", "SCHOOL", "GP")


# -- the store -------------------------------------------------------------------------


def source_store() -> Path:
    """The chronology benchmark's prepared one-child store (made there if not yet)."""
    from benchmarks import chronology_bench
    from benchmarks.ingest_bench import synth

    chronology_bench.write_child()
    base, _ = synth(chronology_bench.BASE_CHILDREN, chronology_bench.SEED)
    url, _, _ = chronology_bench.prepared_sqlite("one", base, chronology_bench.CHILD_FOLDER)
    return Path(url.removeprefix("sqlite:///"))


def copy_store(source: Path, target: Path = STORE) -> str:
    """A private copy (SQLite's backup: safe while another process reads the source)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target.resolve()}"


def prepare(url_text: str) -> dict[str, Any]:
    """Schema, chronologies and users in the copied store (run in its own process)."""
    os.environ["WHOLESTORY_DATABASE_URL"] = url_text
    from wholestory.store import open_store, resolve_url
    from wholestory.web.bootstrap import ensure_schema, setup_django

    url = resolve_url(url_text)
    ensure_schema(url)
    setup_django()
    from wholestory.chronology.material import resolve_person
    from wholestory.chronology.stored import build_all, stored_chronology
    from wholestory.web.accounts.users import add_user

    for n in range(1, USERS + 1):
        agency = AGENCIES[n % len(AGENCIES)]
        # In the team the child's records carry (benchmarks.chronology_bench): at a team-level
        # agency (the police, by default) only that team is related to the child.
        add_user(USERNAME.format(n), agency, "practitioner", PASSWORD, f"{agency.title()} team",
                 check_password=False)  # fmt: skip
    from django.db import connections

    connections.close_all()
    store = open_store(url)
    started = time.perf_counter()
    built = build_all(store)
    build_seconds = time.perf_counter() - started
    person = resolve_person(store, CHILD_AGENCY, CHILD_ID)
    assert person, "the bench child is not in the store"
    data = stored_chronology(store, person) or {}
    store.close()
    return {
        "person": person,
        "entries": len(data.get("entries", [])),
        "flags": len(data.get("flags", [])),
        "people": built.people,
        "build_seconds": build_seconds,
    }


# -- the server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(url_text: str) -> dict[str, str]:
    return {
        **os.environ,
        "WHOLESTORY_DATABASE_URL": url_text,
        "WHOLESTORY_SECRET_KEY": secrets.token_urlsafe(50),
        "WHOLESTORY_DEMO": "1",
        "WHOLESTORY_LOGIN_RATE": "0",
        "WHOLESTORY_SEARCH_RATE": "0",
        "WHOLESTORY_STATIC_ROOT": str(OUT / "web-static"),
    }


class Server:
    """``wholestory serve`` on a free loopback port, until stopped."""

    def __init__(self, url_text: str, workers: int = 2, threads: int = 4) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (OUT / "web-serve.log").open("w")
        wholestory = Path(sys.executable).with_name("wholestory")
        self.process = subprocess.Popen(
            [str(wholestory), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(workers), "--threads", str(threads)],
            env=server_env(url_text), stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        self.workers, self.threads = workers, threads
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"wholestory serve stopped: {(OUT / 'web-serve.log').read_text()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError("wholestory serve did not answer /health within 60 s")

    def cpu_seconds(self) -> float:
        """User and system CPU time of gunicorn's master and workers so far."""
        tick = os.sysconf("SC_CLK_TCK")
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def run_locust(server: Server, person: str, think: tuple[float, float]) -> dict[str, Any]:
    """Locust in its own process; the server's CPU time is read as the measured span starts
    and ends (the driver says when on its stdout)."""
    errors = OUT / "web-locust.err"
    cpu: list[float] = []
    loads: list[float] = []
    with errors.open("w") as stderr:
        driver = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.web_locust", server.url, person, str(USERS),
             str(WARMUP_S), str(SECONDS), str(think[0]), str(think[1])],
            stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT,
        )  # fmt: skip
        assert driver.stdout is not None
        lines = []
        for line in driver.stdout:
            if line.startswith("phase "):
                cpu.append(server.cpu_seconds())
                loads.append(os.getloadavg()[0])
            else:
                lines.append(line)
        driver.wait(timeout=60)
    if driver.returncode != 0 or not lines:
        raise RuntimeError(f"locust failed:\n{errors.read_text()[-3000:]}")
    result = dict(json.loads(lines[-1]))
    if len(cpu) == 2:
        result["server_cpu_seconds"] = cpu[1] - cpu[0]
        result["load_average_end"] = loads[1]
    return result


# -- where the time goes ---------------------------------------------------------------


def profile(url_text: str, person: str, repeats: int = 40) -> dict[str, Any]:
    """The chronology page in one process, one request at a time, its parts timed apart."""
    os.environ["WHOLESTORY_DATABASE_URL"] = url_text
    os.environ["WHOLESTORY_DEMO"] = "1"
    os.environ["WHOLESTORY_SECRET_KEY"] = secrets.token_urlsafe(50)
    from wholestory.web.bootstrap import setup_django

    setup_django()
    from django.test import Client

    from wholestory.web.pages import guard, views_people

    spent: dict[str, float] = {}

    def timed(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    # Wrapped at run time, in this process only: the module's code is not changed.
    guard.facts_about = timed("rules: facts about the person", guard.facts_about)
    guard.record = timed("audit entry written", guard.record)
    views_people.load = timed("stored chronology (cached)", views_people.load)
    views_people.render = timed("template rendering", views_people.render)
    client = Client(HTTP_HOST="127.0.0.1")
    assert (
        client.post("/login", {"username": USERNAME.format(1), "password": PASSWORD}).status_code
        == 302
    )
    for _ in range(3):
        client.get(f"/people/{person}")  # warm-up: the page cache, the template loader
    spent.clear()
    totals, sizes = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(f"/people/{person}")
        totals.append(time.perf_counter() - started)
        sizes.append(len(response.content))
        assert response.status_code == 200
    ordered = sorted(ms * 1000 for ms in totals)
    parts = {name: 1000 * seconds / repeats for name, seconds in spent.items()}
    return {
        "repeats": repeats,
        "median_ms": ordered[len(ordered) // 2],
        "p95_ms": ordered[round(0.95 * len(ordered)) - 1],
        "parts_ms": parts,
        "bytes": sizes[-1],
        "svg_bytes": svg_bytes(response.content),
        "rows": response.content.count(b'<tr class="govuk-table__row'),
    }


def svg_bytes(page: bytes) -> int:
    start, end = page.find(b"<svg"), page.rfind(b"</svg>")
    return end + len(b"</svg>") - start if 0 <= start < end else 0


def run_worker(*args: str) -> dict[str, Any]:
    errors = OUT / "web-worker.err"
    with errors.open("w") as stderr:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.web_bench", *args],
            stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT,
        )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"web_bench {args[0]} failed:\n{errors.read_text()[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# -- the measurement -------------------------------------------------------------------


def measure() -> str:
    """Run the benchmark and return its section of docs/benchmarks.md."""
    from benchmarks.link_bench import code_revision

    OUT.mkdir(exist_ok=True)
    print("  the store: the chronology benchmark's child, copied", flush=True)
    url = copy_store(source_store())
    made = run_worker("prepare", url)
    runs = []
    for label, low, high in RUNS:
        server = Server(url)
        try:
            print(f"  locust: {USERS} users, {label}, {WARMUP_S:.0f} s + {SECONDS:.0f} s",
                  flush=True)  # fmt: skip
            load = os.getloadavg()[0]
            result = run_locust(server, made["person"], (low, high))
        finally:
            server.stop()
        runs.append((label, server, load, result))
    print(f"  wrk: {USERS} connections, no pause", flush=True)
    server = Server(url)
    try:
        light = run_wrk(server, made["person"])
    finally:
        server.stop()
    print("  where the time goes: one request at a time, in one process", flush=True)
    prof = run_worker("profile", url, made["person"])
    (OUT / "web-results.json").write_text(
        json.dumps(
            {
                "made": made,
                "runs": [[r[0], r[1].workers, r[1].threads, r[2], r[3]] for r in runs],
                "profile": prof,
                "wrk": light,
            },
            indent=1,
        )
    )
    return "\n".join(_text(code_revision(), made, runs, prof) + _wrk_text(light))


WRK_SCRIPT = """done = function(summary, latency, requests)
  for _, p in pairs({50, 90, 95, 99}) do
    io.write(string.format("p%d %.3f\\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("requests %d\\nerrors %d\\nnon2xx %d\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status))
end
"""


def run_wrk(server: Server, person: str) -> dict[str, Any] | None:
    """wrk (a light C client, so the server has the cores): 20 connections, no pause.

    All connections are one signed-in practitioner (wrk sends one cookie); every
    request is still a full page view with its access check and audit entry.
    """
    import http.cookiejar
    import re
    import shutil
    import urllib.parse

    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{server.url}/login").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    fields = {"username": USERNAME.format(1), "password": PASSWORD,
              "csrfmiddlewaretoken": token.group(1) if token else ""}  # fmt: skip
    opener.open(
        urllib.request.Request(
            f"{server.url}/login",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Referer": f"{server.url}/login"},
        )
    )
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    script = OUT / "web-wrk.lua"
    script.write_text(WRK_SCRIPT)
    page = f"{server.url}/people/{person}"
    subprocess.run([wrk, "-t2", f"-c{USERS}", f"-d{WARMUP_S:.0f}s", "-H", f"Cookie: {cookie}",
                    page], capture_output=True, check=True)  # fmt: skip
    load = os.getloadavg()[0]
    cpu_before = server.cpu_seconds()
    out = subprocess.run(
        [wrk, "-t2", f"-c{USERS}", f"-d{SECONDS:.0f}s", "-s", str(script), "-H",
         f"Cookie: {cookie}", page], capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    cpu = server.cpu_seconds() - cpu_before
    values = dict(line.split() for line in out.splitlines() if line[:1] in "pren")
    requests = int(values.get("requests", 0))
    return {
        "load": load,
        "requests": requests,
        "failures": int(values.get("errors", 0)) + int(values.get("non2xx", 0)),
        "p50_ms": float(values["p50"]),
        "p90_ms": float(values["p90"]),
        "p95_ms": float(values["p95"]),
        "p99_ms": float(values["p99"]),
        "per_second": requests / SECONDS,
        "cpu_ms": 1000 * cpu / max(requests, 1),
    }


def _row(name: str, s: dict[str, float]) -> str:
    return (
        f"| {name} | {int(s['requests']):,} | {int(s['failures'])} | {s['median_ms']:,.0f} "
        f"| {s['p95_ms']:,.0f} | {s['p99_ms']:,.0f} | {s['per_second']:,.1f} |"
    )


def _text(
    revision: str, made: dict[str, Any], runs: list[tuple[str, Server, float, dict[str, Any]]],
    prof: dict[str, Any],
) -> list[str]:  # fmt: skip
    first = runs[0][1]
    lines = [
        f"Code measured: wholestory at {revision}.",
        "",
        f"The chronology benchmark's child ({made['entries']:,} entries, {made['flags']} flags) "
        f"beside a 2,000-child synthetic partnership ({made['people']:,} people; `build_all` "
        f"took {made['build_seconds']:.0f} s), on SQLite. `wholestory serve` (gunicorn, "
        f"{first.workers} workers × {first.threads} threads, the defaults) on a free loopback "
        "port, in demo mode (plain HTTP) with the login and search rate limits turned off, "
        f"since every simulated user comes from 127.0.0.1. Locust ({USERS} users, each its "
        "own practitioner of an agency holding the child's records, headless, in its own "
        "process on the same machine) signs everyone in, then each user reads the child's "
        "chronology page (9 in 10 requests, the first 100 of its entries with the flags, "
        "summary and timeline) or searches for the child by name (1 in 10). Every page view "
        "writes its audit entry. Times are exact percentiles of every response in the "
        f"measured {SECONDS:.0f} s, after a {WARMUP_S:.0f} s warm-up (which holds the "
        "sign-ins) reported apart.",
        "",
    ]
    for label, _, load, result in runs:
        measured, warm = result.get("measured", {}), result.get("warmup", {})
        lines += [
            f"#### {USERS} users, {label} (load average at the start: {load:.1f})",
            "",
            "| request | requests | failures | median ms | p95 ms | p99 ms | requests/s |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name in ("chronology", "search"):
            if name in measured:
                lines.append(_row(f"{'**' + name + '**' if name == 'chronology' else name}",
                                  measured[name]))  # fmt: skip
        if "login" in warm:
            lines.append(_row("login (during the warm-up: 20 at once)", warm["login"]))
        if "chronology" in warm:
            lines.append(_row("chronology during the warm-up", warm["chronology"]))
        lines.append("")
        served = sum(int(s["requests"]) for s in measured.values())
        if "server_cpu_seconds" in result and served:
            cpu = result["server_cpu_seconds"]
            lines += [
                f"Over the measured {result['seconds']:.0f} s the server (gunicorn's master and "
                f"workers) used {cpu:.1f} s of CPU for {served:,} requests: "
                f"{1000 * cpu / served:.1f} ms a request, {cpu / result['seconds']:.2f} of a "
                f"core on average; the load average was {result['load_average_end']:.1f} at "
                f"the end (the machine has {os.cpu_count()} cores).",
                "",
            ]
    lines += [
        f"#### Where the time goes (one request at a time, {prof['repeats']} requests, "
        "Django's test client in one process)",
        "",
        f"The chronology page ({prof['bytes'] / 1024:,.0f} KiB of HTML) takes "
        f"{prof['median_ms']:.1f} ms median, {prof['p95_ms']:.1f} ms at the 95th percentile, "
        "with no other request in the process; of the HTML, the timeline picture is "
        f"{prof['svg_bytes'] / 1024:,.0f} KiB (a mark for each of the child's entries), its "
        f"tables {prof['rows']} rows (100 of them entries). Per request, on average:",
        "",
        "| part | ms |",
        "| --- | ---: |",
        *(f"| {name} | {ms:.1f} |" for name, ms in prof["parts_ms"].items()),
        "",
    ]
    for label, _, _, result in runs:
        p95 = result.get("measured", {}).get("chronology", {}).get("p95_ms", float("nan"))
        verdict = "**met**" if p95 <= TARGET_P95_MS else "**missed**"
        lines.append(
            f"- Target of {TARGET_P95_MS:.0f} ms at the 95th percentile for the chronology "
            f"page with {USERS} users, {label}: {verdict} ({p95:,.0f} ms)."
        )
    lines += ["", *_reading(runs, prof)]
    return lines


def _wrk_text(light: dict[str, Any] | None) -> list[str]:
    if light is None:
        return ["", "(wrk is not installed: `apt-get install wrk` adds the light-client run.)"]
    verdict = "**met**" if light["p95_ms"] <= TARGET_P95_MS else "**missed**"
    return [
        "",
        f"#### {USERS} connections, no pause, with wrk (load average at the start: "
        f"{light['load']:.1f})",
        "",
        "Locust is Python and takes much of a core to keep 20 users busy; wrk is a small C "
        "client, so the server has the machine's cores. One signed-in practitioner on all "
        f"{USERS} connections (wrk sends one cookie); every request is a full page view with "
        f"its access check and audit entry. {WARMUP_S:.0f} s warm-up, {SECONDS:.0f} s measured.",
        "",
        "| request | requests | failures | median ms | p90 ms | p95 ms | p99 ms | requests/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| **chronology** | {light['requests']:,} | {light['failures']} | "
        f"{light['p50_ms']:,.0f} | {light['p90_ms']:,.0f} | {light['p95_ms']:,.0f} | "
        f"{light['p99_ms']:,.0f} | {light['per_second']:,.1f} |",
        "",
        f"The server used {light['cpu_ms']:.1f} ms of CPU a request.",
        "",
        f"- Target of {TARGET_P95_MS:.0f} ms at the 95th percentile for the chronology page "
        f"with {USERS} concurrent connections and no pause (wrk): {verdict} "
        f"({light['p95_ms']:,.0f} ms).",
    ]


def _reading(
    runs: list[tuple[str, Server, float, dict[str, Any]]], prof: dict[str, Any]
) -> list[str]:
    """What the figures say: the server is CPU-bound, so 20 requests always in flight queue."""
    busy = runs[-1][3]
    served = sum(int(s["requests"]) for s in busy.get("measured", {}).values())
    if not served or "server_cpu_seconds" not in busy:
        return []
    cpu_ms = 1000 * busy["server_cpu_seconds"] / served
    cores = os.cpu_count() or 1
    rate = served / busy["seconds"]
    parts = prof["parts_ms"]
    rest = prof["median_ms"] - sum(parts.values())
    guard_ms = parts.get("rules: facts about the person", 0) + parts.get("audit entry written", 0)
    return [
        f"Reading the figures: each request costs the server about {cpu_ms:.0f} ms of CPU "
        f"(in one process, alone: {prof['median_ms']:.0f} ms, of which template rendering "
        f"{parts.get('template rendering', 0):.0f} ms, the access rules and the audit entry "
        f"about {guard_ms:.0f} ms, "
        f"and the middleware, session, view and response the other {rest:.0f} ms; the stored "
        "chronology comes from the per-process cache). With pauses between pages the server "
        "is mostly idle and the 95th percentile is a few requests' worth. With no pause, 20 "
        f"requests are always waiting for {cores} cores shared with locust and with other "
        f"work on the machine: the server answered {rate:,.0f} requests a second, so by "
        f"Little's law each waits about {1000 * USERS / rate:,.0f} ms. gunicorn's threads do "
        "not help CPU-bound Python (one GIL per worker), and more workers than cores would "
        "not either. Meeting 150 ms with 20 requests always in flight on this machine would "
        f"need about {USERS / 0.15:,.0f} requests a second, under "
        f"{1000 * cores / (USERS / 0.15):.0f} ms of CPU each with the whole machine given to "
        "the server. The page's story (flags, summary, picture and the 100 rows asked for) is "
        "rendered once per build and query and kept in the process, so most of a request is "
        "now Django's middleware and moving the page's bytes. What would bring it down "
        "further (not done here): sending the timeline, "
        f"{prof['svg_bytes'] / 1024:,.0f} KiB of the {prof['bytes'] / 1024:,.0f} KiB page, as a "
        "separate cacheable resource, or only the marks of the page shown; and more cores.",
    ]


def main(argv: list[str]) -> None:
    if argv[0] == "prepare":
        result = prepare(argv[1])
    elif argv[0] == "profile":
        result = profile(argv[1], argv[2])
    else:
        raise SystemExit(f"unknown step {argv[0]}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
