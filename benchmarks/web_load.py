"""The web benchmark's server and load: ``wholestory serve`` on a loopback port, locust and wrk.

:class:`Server` runs the product as a subprocess; :func:`run_locust` and
:func:`run_wrk` put the simulated users on it and return what they measured.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.ingest_bench import OUT, ROOT

USERS = 20
WARMUP_S = float(os.environ.get("WEB_BENCH_WARMUP", 10))
SECONDS = float(os.environ.get("WEB_BENCH_SECONDS", 60))
#: The bench users' password: a throwaway for a throwaway store, not a secret.
PASSWORD = "bench-only password, not a secret 7"
USERNAME = "bench.user.{:02d}"


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
