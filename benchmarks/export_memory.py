"""Footprint benchmark: peak RSS of `trino-tui --execute ... --output-file` in every output format,
and of the client streaming tpch.<scale>.lineitem to a counting consumer.

One sandbox (`python -m trino_tui.sandbox --cache-results`, its own process). Each export is a
whole `python -m trino_tui` process writing `SELECT * FROM tpch.sf1.lineitem LIMIT <rows>` to a
temp file; its peak RSS is the highest *sum* over the process and its export workers (sampled
from /proc every 20 ms, see `_common.TreeRss`) — os.wait4 alone reports the largest single
process. The counting consumers are `_common.run_ours` (eager decoding, ``wire_rows()`` per batch)
and `_common.run_ours_runs` (``decode="deferred"``, ``row_runs()``), each in a fresh interpreter (VmHWM).
Goals (issue 15): <= 200 MB for any export, <= 150 MB streaming 6 M rows. Prints a table; checks
nothing (--quick runs tpch.tiny as a smoke test).

    .venv/bin/python benchmarks/export_memory.py --quick
    .venv/bin/python benchmarks/export_memory.py --rows 2000000 --stream-scale sf1
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._common import EXPECTED_ROWS, SandboxProcess, TreeRss, child_env, run_in_child  # noqa: E402
from benchmarks.export_vs_official import trino_tui_argv  # noqa: E402

EXPORT_GOAL_MB, STREAM_GOAL_MB = 200, 150


def formats() -> list[str]:
    from trino_tui.export import OUTPUT_FORMATS
    from trino_tui.export.parquet import pyarrow_available

    return [f.name for f in OUTPUT_FORMATS if f.name != "NULL" and (f.name != "PARQUET" or pyarrow_available())]


def export_rss(url: str, sql: str, fmt: str, out: str, env_extra: dict[str, str] | None = None) -> tuple[float, float, float, int]:
    """(seconds, peak summed RSS MB, largest process MB, exit code) of one export process."""
    argv = trino_tui_argv(url, sql, out, [], fmt=fmt)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=child_env(REPO, env_extra), cwd=str(REPO), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = TreeRss(proc.pid).start()
    err = proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    peak = max(sampler.stop(), usage.ru_maxrss / 1024)  # sampling may miss a short peak of one process
    if code != 0:
        print(f"  {fmt} failed ({code}): {err.decode(errors='replace').strip()[:300]}", file=sys.stderr)
    return time.perf_counter() - start, peak, usage.ru_maxrss / 1024, code


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=2_000_000, help="rows exported per format (LIMIT on sf1 lineitem)")
    ap.add_argument("--formats", default="", help="comma-separated subset (default: every format)")
    ap.add_argument("--stream-scale", default="sf1", choices=sorted(EXPECTED_ROWS),
                    help="tpch schema of the counting-consumer run (default sf1: 6 M rows)")
    ap.add_argument("--quick", action="store_true", help="tpch.tiny, a few formats: a smoke test")
    args = ap.parse_args()
    chosen = [f.strip().upper() for f in args.formats.split(",") if f.strip()] or formats()
    if args.quick:
        sql, scales, args.stream_scale = "SELECT * FROM tpch.tiny.lineitem", ("tiny",), "tiny"
        chosen = [f for f in chosen if f in ("CSV", "JSON", "ALIGNED")]
    else:
        sql, scales = f"SELECT * FROM tpch.sf1.lineitem LIMIT {args.rows}", ("sf1",)
    table: list[tuple[str, str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="export-memory-") as tmp, SandboxProcess(scales) as sandbox:
        out = os.path.join(tmp, "out")
        print(f"sandbox {sandbox.url}; {sql}", flush=True)
        for fmt in chosen:
            seconds, peak, largest, code = export_rss(sandbox.url, sql, fmt, out)
            size = os.path.getsize(out) / 1e6 if os.path.exists(out) else 0.0
            ok = "yes" if code == 0 and peak <= EXPORT_GOAL_MB else "NO"
            table.append((fmt, f"{peak:.0f}", f"{largest:.0f}", f"{seconds:.1f} s, {size:,.0f} MB out, exit {code}", ok))
            print(f"  {fmt}: peak {peak:.0f} MB (largest process {largest:.0f} MB), {seconds:.1f} s", flush=True)
            if os.path.exists(out):
                os.unlink(out)
        for which, label in (("ours", "wire_rows per batch"), ("ours_runs", "row_runs, deferred")):
            stream = run_in_child(which, sandbox.url, args.stream_scale, "SELECT * FROM lineitem")
            ok = "yes" if stream.rss_mb is not None and stream.rss_mb <= STREAM_GOAL_MB else "NO"
            table.append((f"stream {stream.rows:,} rows, counting ({label})", f"{stream.rss_mb:.0f}",
                          f"{stream.rss_mb:.0f}", f"{stream.seconds:.1f} s", ok))
    header = ("output", "peak MB (sum)", "largest MB", "run", "within goal")
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(5)]
    print(f"\nPeak RSS: exports of {sql} (goal <= {EXPORT_GOAL_MB} MB), counting consumer "
          f"(tpch.{args.stream_scale}.lineitem, goal <= {STREAM_GOAL_MB} MB)")
    for r in [header, *table]:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
