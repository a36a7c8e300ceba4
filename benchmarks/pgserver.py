"""A throwaway PostgreSQL server on a loopback port, for benchmarks.

Uses ``WHOLESTORY_BENCH_POSTGRES_URL`` when set; otherwise starts a cluster
in a temporary folder with the machine's PostgreSQL binaries (as the
``postgres`` user when run as root) and stops it afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PORT = 55499


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return str(Path(found).resolve())
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """Yield a server URL (maintenance database), or None if PostgreSQL is not installed."""
    given = os.environ.get("WHOLESTORY_BENCH_POSTGRES_URL")
    if given:
        yield given
        return
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="wholestory-bench-pg."))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-U", "wholestory", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {PORT} -k {folder}"
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-w", "-o", options, "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://wholestory@127.0.0.1:{PORT}/postgres"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "fast", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
