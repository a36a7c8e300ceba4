"""``wholestory serve``: a real gunicorn on a loopback port, with hashed static files.

Starts the command in a subprocess with a temporary SQLite store, checks the
health check, a page's security headers and a stylesheet's cache lifetime,
then stops it. Without a secret key (and outside demo mode) it must refuse to
start, in one line.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WHOLESTORY_")}
    env.update(
        WHOLESTORY_DATABASE_URL=f"sqlite:///{tmp_path / 'store.sqlite3'}",
        WHOLESTORY_STATIC_ROOT=str(tmp_path / "static"),
        WHOLESTORY_SSL_REDIRECT="0",  # plain HTTP on loopback for the test
        **extra,
    )
    return env


def _serve(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wholestory.cli.main", "serve", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the workers stop with it
    )


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers.items()), response.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    tmp_path = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = _env(
        tmp_path,
        WHOLESTORY_SECRET_KEY="test-only-" + "x" * 40,
        WHOLESTORY_AUDIT_KEY="test-only-audit-" + "a" * 40,
    )
    process = _serve(["--port", str(port), "--workers", "1", "--threads", "2"], env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"serve stopped: {process.stderr.read() if process.stderr else ''}")
            with contextlib.suppress(OSError):
                if _get(f"{base}/health")[0] == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail("serve did not answer within 90 seconds")
            time.sleep(0.3)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_health_and_a_page_with_its_security_headers(server: tuple[str, object]) -> None:
    base, _ = server
    status, _, body = _get(f"{base}/health")
    assert status == 200 and b"ok" in body
    status, headers, page = _get(f"{base}/login")
    assert status == 200
    assert headers["Server"] == "gunicorn"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert b"csrfmiddlewaretoken" in page


def test_static_files_are_hashed_and_cached_for_long(server: tuple[str, object]) -> None:
    base, _ = server
    _, _, page = _get(f"{base}/login")
    stylesheets = re.findall(rb'href="(/static/[^"]+\.css)"', page)
    assert stylesheets, page[:500]
    for href in stylesheets:
        assert re.search(rb"\.[0-9a-f]{12}\.css$", href), href  # the name carries its hash
        status, headers, body = _get(base + href.decode())
        assert status == 200 and headers["Content-Type"].startswith("text/css") and body
        max_age = int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1))  # type: ignore[union-attr]
        assert max_age >= 365 * 24 * 3600


def test_the_api_schema_is_served(server: tuple[str, object]) -> None:
    base, _ = server
    status, headers, body = _get(f"{base}/api/v1/openapi.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert b"/api/v1/people/{agency}/{person_id}/chronology" in body


def test_it_says_where_it_is_serving(server: tuple[str, subprocess.Popen[str]]) -> None:
    base, process = server
    process.terminate()
    out, _ = process.communicate(timeout=20)
    assert process.returncode == 0
    assert f"WholeStory is serving at {base}/" in out


def test_it_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wholestory.cli.main", "serve", "--port", str(_free_port())],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    error = result.stderr.strip()
    assert error.startswith("Error: WHOLESTORY_SECRET_KEY is not set")
    assert "WHOLESTORY_DEMO=1" in error
    assert not (tmp_path / "store.sqlite3").exists()  # nothing was started or made


def test_it_refuses_to_start_without_an_audit_key(tmp_path: Path) -> None:
    """Without the key, every audited page would be refused: say so before starting."""
    result = subprocess.run(
        [sys.executable, "-m", "wholestory.cli.main", "serve", "--port", str(_free_port())],
        env=_env(tmp_path, WHOLESTORY_SECRET_KEY="k" * 50),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    error = result.stderr.strip()
    assert error.startswith("Error: WHOLESTORY_AUDIT_KEY is not set") and "\n" not in error
    assert "WHOLESTORY_DEMO=1" in error
    assert not (tmp_path / "store.sqlite3").exists()


def test_it_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "wholestory.cli.main", "serve", "--port", str(port)],
            env=_env(tmp_path, WHOLESTORY_SECRET_KEY="k" * 50, WHOLESTORY_AUDIT_KEY="a" * 50),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_demo_mode_serves_only_on_this_machine(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wholestory.cli.main", "serve", "--host", "0.0.0.0",
         "--port", str(_free_port())],
        env=_env(tmp_path, WHOLESTORY_DEMO="1"),
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "only on this machine" in result.stderr and "0.0.0.0" in result.stderr
    assert not (tmp_path / "store.sqlite3").exists()


@pytest.mark.parametrize("key", ["short", "k" * 49])
def test_it_refuses_a_weak_secret_key(tmp_path: Path, key: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wholestory.cli.main", "serve", "--port", str(_free_port())],
        env=_env(tmp_path, WHOLESTORY_SECRET_KEY=key),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    error = result.stderr.strip()
    assert error.startswith("Error: WHOLESTORY_SECRET_KEY is too short")
    assert f"({len(key)} characters)" in error and "at least 50" in error
    assert "\n" not in error and "Traceback" not in result.stderr
    assert not (tmp_path / "store.sqlite3").exists()  # nothing was started or made
