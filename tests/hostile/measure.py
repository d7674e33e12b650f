"""Before/after numbers for the hostile scenarios (not a test): runs tests.hostile.child against
each scenario with the given client on PYTHONPATH and prints one line per scenario.

    python -m tests.hostile.measure [--pythonpath /tmp/before] [--timeout 90]
"""

from __future__ import annotations

import argparse
import subprocess

from .server import SCENARIOS, HostileServer
from .test_hostile import ROOT, run_child


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pythonpath", default=str(ROOT))
    ap.add_argument("--timeout", type=float, default=90.0)
    args = ap.parse_args()
    for scenario in SCENARIOS:
        extra = ("1", "2") if scenario.startswith("drip") else ()
        with HostileServer(scenario) as srv:
            try:
                r = run_child(srv.url, *extra, pythonpath=args.pythonpath, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                print(f"{scenario:18} still running after {args.timeout:.0f} s (killed); server sent {srv.sent} bytes")
                continue
            growth = (r["peak_kb"] - r["baseline_kb"]) / 1024
            print(f"{scenario:18} elapsed {r['elapsed']:7.2f} s  peak RSS {r['peak_kb'] / 1024:7.1f} MiB "
                  f"(+{growth:7.1f} MiB)  server sent {srv.sent} bytes  error: {r['error']}")


if __name__ == "__main__":
    main()
