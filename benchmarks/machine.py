"""A description of the machine a benchmark ran on, for docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
from pathlib import Path


def describe() -> str:
    """CPU model, cores, memory, OS, Python and SQLite versions, and today's date."""
    cpu = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown memory"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB RAM"
    return (
        f"{dt.date.today().isoformat()}, {cpu}, {os.cpu_count()} cores, {memory}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )
