"""Run one client query in THIS process and print one JSON line with the outcome and the
process's peak RSS (``resource.getrusage``), so tests can bound memory per scenario.

    PYTHONPATH=<client tree> python tests/hostile/child.py URL [request_timeout retry_budget]

Works with the current client and with the pre-round one (PYTHONPATH=/tmp/before): both have
``TrinoClient``, ``Query.batches()`` and ``Batch.wire_rows()``; the old ``execute`` may raise.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def main() -> None:
    url = sys.argv[1]
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
    budget = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
    from trino_tui.client import ClientConfig, TrinoClient

    import trino_tui

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.monotonic()
    error, rows = None, 0
    try:
        with TrinoClient(ClientConfig(server=url, user="hostile", request_timeout=timeout,
                                      retry_budget=budget)) as client:
            query = client.execute("SELECT 1")
            for batch in query.batches():
                rows += len(batch.wire_rows())
    except Exception as exc:  # noqa: BLE001 - we report whatever happened
        error = f"{type(exc).__name__}: {exc}"[:300]
    print(json.dumps({"client": trino_tui.__file__, "error": error, "rows": rows, "elapsed": round(time.monotonic() - t0, 2),
                      "baseline_kb": baseline, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == "__main__":
    main()
