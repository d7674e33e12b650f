"""trino-tui's client versus the official `trino` client on the same sandbox.

One sandbox with the result cache on (segments pre-spooled by a warm-up run), then for
`SELECT * FROM tpch.<scale>.lineitem` with json+zstd:

1. rows/s at storage latency 50 ms per segment request   (goal >= 4x the official client)
2. rows/s at zero storage latency                         (goal >= 1.5x)
3. end-to-end rows/s / single-core decode floor of the same segments (zstd + orjson in one
   thread)                                                (goal >= 0.8; a consumer taking rows in
   runs, ``Batch.row_runs`` with decode="deferred": goal >= 1.0)
4. peak RSS of a child process streaming the result to a counting consumer (goal <= 250 MB for
   tpch.sf1.lineitem, 6 M rows; in runs: <= 150 MB)

    .venv/bin/python benchmarks/client_vs_official.py --quick          # tiny only, one run each, no checks
    .venv/bin/python benchmarks/client_vs_official.py --scale sf1      # the real figures
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (  # noqa: E402
    EXPECTED_ROWS, best, collect_payloads, decode_floor, print_table, run_in_child, run_official, run_ours,
    run_ours_runs, SandboxProcess,
)


def check(ok: bool, what: str, quick: bool) -> None:
    """Assert in a real run; with --quick only print (tiny data proves nothing)."""
    if not ok and not quick:
        raise AssertionError(what)
    if not ok:
        print(f"  note: {what}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="tiny", choices=sorted(EXPECTED_ROWS), help="tpch schema for the rows/s runs")
    ap.add_argument("--rss-scale", default=None, choices=sorted(EXPECTED_ROWS),
                    help="tpch schema for the RSS run (default sf1, tiny with --quick)")
    ap.add_argument("--runs", type=int, default=3, help="repetitions per measurement (best is kept)")
    ap.add_argument("--latency", type=float, default=0.05, help="storage latency per segment request (s)")
    ap.add_argument("--quick", action="store_true", help="tiny scale, one run, RSS on tiny; prints, checks nothing")
    args = ap.parse_args()
    if args.quick:
        args.scale, args.runs = "tiny", 1
    rss_scale = args.rss_scale or ("tiny" if args.quick else "sf1")
    sql = "SELECT * FROM lineitem"
    expected = EXPECTED_ROWS[args.scale]

    scales = (args.scale, rss_scale)
    table = []
    for label, latency in ((f"rows/s @ {args.latency * 1000:.0f} ms/segment", args.latency),
                           ("rows/s @ 0 ms/segment", 0.0)):
        with SandboxProcess(scales, storage_latency=latency) as sb:
            print(f"sandbox {sb.url} (latency {latency}s); warming tpch.{args.scale}.lineitem ...", flush=True)
            warm = run_ours(sb.url, args.scale, sql)
            check(warm.rows == expected, f"expected {expected} rows, got {warm.rows}", args.quick)
            ours = best([run_ours(sb.url, args.scale, sql) for _ in range(args.runs)])
            theirs = best([run_official(sb.url, args.scale, sql) for _ in range(args.runs)])
            check(ours.rows == theirs.rows == expected, f"row counts differ: {ours.rows}, {theirs.rows}", args.quick)
            goal = ">= 4x" if latency else ">= 1.5x"
            table.append((label, f"{ours.rows_per_s:,.0f}", f"{theirs.rows_per_s:,.0f}",
                          f"{ours.rows_per_s / theirs.rows_per_s:.2f}x", goal))
            print(f"  {label}: ours {ours.seconds:.2f}s, official {theirs.seconds:.2f}s", flush=True)
            if latency:
                continue
            payloads = collect_payloads(sb.url, args.scale, sql)
            floor = best([decode_floor(payloads) for _ in range(args.runs)])
            table.append(("e2e / single-core decode floor", f"{ours.rows_per_s:,.0f}", f"{floor.rows_per_s:,.0f}",
                          f"{ours.rows_per_s / floor.rows_per_s:.2f}", ">= 0.8"))
            runs = best([run_ours_runs(sb.url, args.scale, sql) for _ in range(args.runs)])
            table.append(("e2e in runs (deferred, row_runs) / floor", f"{runs.rows_per_s:,.0f}",
                          f"{floor.rows_per_s:,.0f}", f"{runs.rows_per_s / floor.rows_per_s:.2f}", ">= 1.0"))
            print(f"  streaming tpch.{rss_scale}.lineitem in child processes for peak RSS ...", flush=True)
            if rss_scale != args.scale:
                run_ours(sb.url, rss_scale, sql)  # warm the cache for the RSS scale
            mine = run_in_child("ours", sb.url, rss_scale, sql)
            theirs = run_in_child("official", sb.url, rss_scale, sql)
            table.append((f"peak RSS MB ({mine.rows:,} rows)", f"{mine.rss_mb:.0f}", f"{theirs.rss_mb:.0f}",
                          f"{mine.rss_mb / theirs.rss_mb:.2f}", "<= 250 MB"))
            table.append((f"rows/s in child ({rss_scale})", f"{mine.rows_per_s:,.0f}", f"{theirs.rows_per_s:,.0f}",
                          f"{mine.rows_per_s / theirs.rows_per_s:.2f}x", ""))
            bulk = run_in_child("ours_runs", sb.url, rss_scale, sql)
            table.append(("peak RSS MB, consumer in runs", f"{bulk.rss_mb:.0f}", f"{theirs.rss_mb:.0f}",
                          f"{bulk.rss_mb / theirs.rss_mb:.2f}", "<= 150 MB"))
            small = run_in_child("ours", sb.url, rss_scale, sql, downloaders=2, decoders=2, decode_window=2)
            table.append(("peak RSS MB, 2 downloaders + 2 decoders", f"{small.rss_mb:.0f}", f"{theirs.rss_mb:.0f}",
                          f"{small.rss_mb / theirs.rss_mb:.2f}", "<= 250 MB"))
            table.append(("rows/s in child, 2 + 2", f"{small.rows_per_s:,.0f}", f"{theirs.rows_per_s:,.0f}",
                          f"{small.rows_per_s / theirs.rows_per_s:.2f}x", ""))
    print_table(f"trino-tui client vs official trino client (tpch.{args.scale}.lineitem, json+zstd, "
                f"best of {args.runs})", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
