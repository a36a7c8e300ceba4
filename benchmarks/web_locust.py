"""The web benchmark's load: simulated practitioners, driven by locust in this process.

    python -m benchmarks.web_locust HOST PERSON USERS WARMUP SECONDS THINK_MIN THINK_MAX

Each simulated user signs in once as its own practitioner (``bench.user.NN``,
an agency holding the bench child's records), then reads the child's
chronology page, and now and then searches for them. Locust runs headless,
here, for WARMUP + SECONDS; the requests of the warm-up (sign-ins included)
are kept apart from the measured ones. Every response time is kept, so the
percentiles are exact rather than locust's rounded buckets. Only HOST, a
loopback address, is ever asked. The result is one line of JSON on stdout.
"""

from __future__ import annotations

import itertools
import json
import statistics
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, events, task
from locust.env import Environment

from benchmarks.web_bench import PASSWORD, USERNAME

_numbers = itertools.count(1)
_samples: dict[str, list[float]] = {}
_failures: dict[str, int] = {}
#: Why requests failed, counted (the first words of each failure), for the results.
_reasons: dict[str, int] = {}
_phase = {"name": "warmup"}


def _record(name: str, elapsed_ms: float, failed: bool) -> None:
    key = f"{_phase['name']}:{name}"
    _samples.setdefault(key, []).append(elapsed_ms)
    if failed:
        _failures[key] = _failures.get(key, 0) + 1


@events.request.add_listener
def _on_request(
    request_type: str, name: str, response_time: float, exception: Any, **_: Any
) -> None:
    _record(name, float(response_time), exception is not None)
    if exception is not None:
        reason = f"{name}: {str(exception)[:100]}"
        _reasons[reason] = _reasons.get(reason, 0) + 1


class Practitioner(HttpUser):
    """A practitioner who keeps the bench child's chronology open and reloads it."""

    person = ""
    wait_time = constant(0)

    def on_start(self) -> None:
        username = USERNAME.format(next(_numbers))
        self.client.get("/login", name="login form")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {username} answered {response.status_code}")

    @task(9)
    def chronology(self) -> None:
        with self.client.get(
            f"/people/{self.person}", name="chronology", catch_response=True
        ) as response:
            if response.status_code != 200 or b'id="entries-count"' not in response.content:
                response.failure(f"chronology answered {response.status_code}")

    @task(1)
    def search(self) -> None:
        with self.client.get(
            "/search",
            params={"given_name": "Riley", "family_name": "Marchbank"},
            name="search",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or b"found</h2>" not in response.content:
                response.failure(f"search answered {response.status_code}")


def _stats(samples: list[float], failures: int, seconds: float) -> dict[str, float]:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]

    return {
        "requests": len(ordered),
        "failures": failures,
        "median_ms": statistics.median(ordered) if ordered else float("nan"),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": ordered[-1] if ordered else float("nan"),
        "per_second": len(ordered) / seconds if seconds else 0.0,
    }


def run(
    host: str, users: int, warmup: float, seconds: float, user: type[HttpUser] | None = None
) -> dict[str, Any]:
    """``users`` simulated users of the ``user`` class (practitioners by default) on ``host``."""
    if urlsplit(host).hostname not in ("127.0.0.1", "::1", "localhost"):
        raise SystemExit(f"the web benchmark only asks loopback addresses, not {host}")
    env = Environment(user_classes=[user or Practitioner], host=host, events=events)
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate=users)
    time.sleep(warmup)
    _phase["name"] = "measured"
    print("phase measured", flush=True)
    measured_from = time.monotonic()
    time.sleep(seconds)
    _phase["name"] = "after"
    print("phase after", flush=True)
    measured = time.monotonic() - measured_from
    runner.quit()
    out: dict[str, Any] = {"users": users, "warmup_seconds": warmup, "seconds": measured}
    for key, samples in _samples.items():
        phase, _, name = key.partition(":")
        span = measured if phase == "measured" else warmup
        if phase in ("measured", "warmup"):
            out.setdefault(phase, {})[name] = _stats(samples, _failures.get(key, 0), span)
    out["wall_seconds"] = time.monotonic() - started
    out["failure_reasons"] = dict(sorted(_reasons.items(), key=lambda kv: -kv[1])[:10])
    return out


def main(argv: list[str]) -> None:
    host, person, users, warmup, seconds, think_min, think_max = argv
    Practitioner.person = person
    Practitioner.wait_time = (
        between(float(think_min), float(think_max)) if float(think_max) > 0 else constant(0)
    )
    result = run(host, int(users), float(warmup), float(seconds))
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
