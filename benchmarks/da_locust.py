"""The domestic abuse benchmark's load: Marac coordinators and Encompass officers, by locust.

    python -m benchmarks.da_locust HOST USERS WARMUP SECONDS THINK_MIN THINK_MAX

Half the simulated users are Marac coordinators reading the referral list (its first
pages), half police Encompass officers reading the queue (its first pages). Both
roles need a second factor: each user signs in with its password, then a TOTP code
made from its own authenticator's key (``DA_BENCH_KEYS``: username to hex key, set by
``da_bench``). Only HOST, a loopback address, is asked. The result is one line of JSON.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys

from locust import HttpUser, between, constant, task

from benchmarks.web_load import PASSWORD
from benchmarks.web_locust import _on_request, run

_numbers = itertools.count(0)
_KEYS: dict[str, str] = json.loads(os.environ.get("DA_BENCH_KEYS", "{}"))
_USERS = sorted(_KEYS)
assert _on_request  # the shared listener records every request


class Worker(HttpUser):
    """A coordinator or an officer, signed in with a second factor, reading their list."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.username = _USERS[next(_numbers) % len(_USERS)]
        self.page = "/marac" if self.username.startswith("coordinator") else "/encompass"
        self.client.get("/login", name="login form")
        token = self.client.cookies.get("csrftoken", "")
        signed = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        self.client.post("/login", name="login", allow_redirects=False, data=signed)
        from django_otp.oath import totp  # after locust's monkey-patching, not before

        code = f"{totp(bytes.fromhex(_KEYS[self.username])):06d}"
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post("/two-factor", name="two-factor", allow_redirects=False,
                              data={"code": code, "csrfmiddlewaretoken": token},
                              catch_response=True) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"second factor of {self.username}: {response.status_code}")

    @task
    def read(self) -> None:
        page = random.choice((1, 1, 1, 2, 3))
        name = "referral list" if self.page == "/marac" else "Encompass queue"
        with self.client.get(f"{self.page}?page={page}", name=name,
                             catch_response=True) as response:  # fmt: skip
            if response.status_code != 200 or b"govuk-table" not in response.content:
                response.failure(f"{name} answered {response.status_code}")


def main(argv: list[str]) -> None:
    host, users, warmup, seconds, think_min, think_max = argv
    Worker.wait_time = (
        between(float(think_min), float(think_max)) if float(think_max) > 0 else constant(0)
    )
    print(json.dumps(run(host, int(users), float(warmup), float(seconds), Worker)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
