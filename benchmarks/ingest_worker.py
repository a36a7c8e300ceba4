"""Run one ingest in its own process and print its timing as JSON.

A separate process so that its peak memory (ru_maxrss) is the ingest's own:
the larger of this process and the writer process it may start.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from wholestory.ingest import ingest_paths
from wholestory.store import open_store, resolve_url
from wholestory.web.bootstrap import ensure_schema


def main(url_text: str, folder: str) -> None:
    url = resolve_url(url_text)
    ensure_schema(url)
    store = open_store(url)
    started = time.perf_counter()
    result = ingest_paths(store, [Path(folder)])
    seconds = time.perf_counter() - started
    store.close()
    # The larger of this process and its writer process (a child, ended by now).
    peak_mib = max(
        resource.getrusage(who).ru_maxrss / 1024
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    print(json.dumps({**result.totals(), "seconds": seconds, "peak_mib": peak_mib}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
