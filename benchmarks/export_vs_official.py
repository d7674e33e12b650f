"""Export benchmark: `trino-tui --execute ... --output-file` versus the official `trino` client + csv.

Both run as subprocesses, one at a time, against the same sandbox (`python -m trino_tui.sandbox
--cache-results --storage-latency 0.05` by default, itself a subprocess so that the measured children
are forked from a small parent and their peak RSS is their own), exporting
`SELECT * FROM tpch.<scale>.lineitem` to a CSV file with the json+zstd spooling encoding.
A warm-up run fills the sandbox's result cache, so both clients read identical pre-encoded segments
and the figures measure the clients. Peak RSS and CPU time per child come from os.wait4 (the
child's own rusage; ru_maxrss in KiB on Linux). Prints a side-by-side table with rows/s and RSS ratios.

    .venv/bin/python benchmarks/export_vs_official.py --quick          # tiny, one run (smoke test)
    .venv/bin/python benchmarks/export_vs_official.py --scale sf1 --runs 1 --baseline /tmp/before

``--baseline PATH`` adds a third client: trino-tui from another source tree (e.g. the code before a
change) against the same sandbox, interleaved with the others, for a before/after comparison.
``--workers 0`` adds trino-tui with the export worker processes off (in process) for an A/B, and
``--env NAME=VALUE`` one with that environment variable set (e.g. ``TRINO_TUI_EXPORT_FAST_DOUBLES=0``:
the workers format doubles with the row formatter, as before that fast path).
After the runs the same segments are fetched once more and decoded on one core (zstd + orjson.loads
of whole segments, `_common.decode_floor`): the table ends with that single-core decode floor and
each trino-tui run's rows/s divided by it (above 1.0: the export beats what one core can even parse).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._common import EXPECTED_ROWS, child_env, collect_payloads, decode_floor, lineitem_export  # noqa: E402

OFFICIAL = r"""
import csv, sys, trino
host, port, sql, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
conn = trino.dbapi.connect(host=host, port=port, user="bench", http_scheme="http", encoding="json+zstd")
cur = conn.cursor()
cur.execute(sql)
with open(path, "w", newline="", encoding="utf-8") as fh:
    writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
    while True:
        rows = cur.fetchmany(10000)
        if not rows:
            break
        writer.writerows(rows)
conn.close()
"""


@dataclass
class Result:
    name: str
    seconds: float
    rows: int
    max_rss_mb: float
    status: int
    cpu_seconds: float = 0.0

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def _count_lines(path: str) -> int:
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
    return n


def _run_child(name: str, argv: list[str], out_path: str, repo: Path | str = REPO,
               extra_env: dict[str, str] | None = None) -> Result:
    start = time.perf_counter()
    # cwd=repo: `python -m` puts the working directory first on sys.path, so a child started from
    # another tree would import that tree's trino_tui (a --baseline run would time the wrong code)
    proc = subprocess.Popen(argv, env=child_env(repo, extra_env), cwd=str(repo), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        print(f"{name} failed ({proc.returncode}): {err.decode(errors='replace').strip()[:500]}", file=sys.stderr)
    rows = _count_lines(out_path) if os.path.exists(out_path) else 0
    return Result(name, seconds, rows, usage.ru_maxrss / 1024.0, proc.returncode, usage.ru_utime + usage.ru_stime)


def trino_tui_argv(url: str, sql: str, out: str, extra: list[str], fmt: str = "CSV") -> list[str]:
    return [sys.executable, "-m", "trino_tui", "--server", url, "--user", "bench", "--encoding", "json+zstd",
            "--execute", sql, "--output-format", fmt, "--output-file", out, "--no-progress", *extra]


def official_argv(url: str, sql: str, out: str) -> list[str]:
    host, port = url.split("://", 1)[1].rsplit(":", 1)
    return [sys.executable, "-c", OFFICIAL, host, port, sql, out]


def _floor(url: str, scale: str, sql: str) -> Result:
    """The single-core decode floor of *sql*'s segments (fetched once more, held, then decoded)."""
    payloads = collect_payloads(url, scale, sql)
    run = decode_floor(payloads)
    del payloads
    print(f"decode floor: {run.rows:,} rows in {run.seconds:.2f}s on one core", file=sys.stderr)
    return Result("decode floor", run.seconds, run.rows, 0.0, 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=("tiny", "sf1"), default="tiny")
    ap.add_argument("--storage-latency", type=float, default=0.05, help="seconds per storage request (default 0.05)")
    ap.add_argument("--runs", type=int, default=2, help="measured runs per client (best is reported)")
    ap.add_argument("--tui-args", default="", help="extra trino-tui flags, e.g. '--max-out-of-order 10'")
    ap.add_argument("--server", help="reuse a running `trino-tui sandbox --cache-results ...` instead of starting one")
    ap.add_argument("--warmup", action="store_true", help="with --server: still run the cache-filling warm-up")
    ap.add_argument("--baseline", metavar="PATH", help="also run trino-tui from the source tree at PATH (before/after)")
    ap.add_argument("--workers", default="", metavar="N,N",
                    help="also run trino-tui with TRINO_TUI_EXPORT_WORKERS=N for each N (e.g. 0,1: in process, one worker)")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="also run trino-tui with NAME=VALUE in its environment (repeatable)")
    ap.add_argument("--no-floor", action="store_true", help="skip the single-core decode floor of the same segments")
    ap.add_argument("--quick", action="store_true", help="smoke run: tpch.tiny, one run per client")
    args = ap.parse_args()
    if args.quick:
        args.scale, args.runs = "tiny", 1

    sql, sandbox_cm = lineitem_export(args.scale, args.server, args.storage_latency)
    baseline = f"trino-tui @{args.baseline}" if args.baseline else None
    variants = {f"trino-tui workers={n.strip()}": {"TRINO_TUI_EXPORT_WORKERS": n.strip()}
                for n in args.workers.split(",") if n.strip()}
    variants.update({f"trino-tui {kv}": dict([kv.split("=", 1)]) for kv in args.env if "=" in kv})
    results: dict[str, list[Result]] = {"trino-tui": [], **{v: [] for v in variants}}
    if baseline:
        results[baseline] = []
    results["official trino + csv"] = []
    with tempfile.TemporaryDirectory(prefix="export-bench-") as tmp, sandbox_cm as sandbox:
        out = os.path.join(tmp, "out.csv")
        extra = args.tui_args.split()
        print(f"sandbox {sandbox.url}, storage latency {args.storage_latency}s, {sql}", file=sys.stderr)
        if not args.server or args.warmup:
            warm = _run_child("warm-up", trino_tui_argv(sandbox.url, sql, out, extra), out)
            print(f"warm-up: {warm.rows:,} rows in {warm.seconds:.2f}s (fills the sandbox result cache)", file=sys.stderr)
        for run in range(args.runs):
            for name in results:
                if os.path.exists(out):
                    os.unlink(out)
                argv = official_argv(sandbox.url, sql, out) if name.startswith("official") else \
                    trino_tui_argv(sandbox.url, sql, out, extra)
                env = variants.get(name)
                res = _run_child(name, argv, out, args.baseline if name == baseline else REPO, env)
                results[name].append(res)
                print(f"run {run + 1} {name}: {res.rows:,} rows {res.seconds:.2f}s cpu {res.cpu_seconds:.1f}s "
                      f"peak RSS {res.max_rss_mb:.0f} MB", file=sys.stderr)
        floor = None if args.no_floor else _floor(sandbox.url, args.scale, sql)

    best = {name: min(rs, key=lambda r: r.seconds) for name, rs in results.items()}
    expected = EXPECTED_ROWS[args.scale]
    print(f"\nExport {sql} to CSV (json+zstd, storage latency {args.storage_latency * 1000:.0f} ms), best of {args.runs}")
    width = max(24, *(len(n) + 2 for n in best))
    print(f"{'client':<{width}}{'rows':>12}{'seconds':>10}{'rows/s':>12}{'CPU s':>8}{'peak RSS MB':>14}{'exit':>6}")
    for r in best.values():
        print(f"{r.name:<{width}}{r.rows:>12,}{r.seconds:>10.2f}{r.rows_per_s:>12,.0f}{r.cpu_seconds:>8.1f}"
              f"{r.max_rss_mb:>14.0f}{r.status:>6}")
    tui, off = best["trino-tui"], best["official trino + csv"]
    if off.rows_per_s > 0 and tui.max_rss_mb > 0:
        print(f"ratio trino-tui / official: rows/s {tui.rows_per_s / off.rows_per_s:.2f}x, "
              f"CPU seconds {tui.cpu_seconds / max(off.cpu_seconds, 1e-9):.2f}x, peak RSS {tui.max_rss_mb / off.max_rss_mb:.2f}x")
    if baseline and best[baseline].rows_per_s > 0:
        old = best[baseline]
        print(f"after / before: rows/s {tui.rows_per_s / old.rows_per_s:.2f}x, CPU seconds "
              f"{tui.cpu_seconds / max(old.cpu_seconds, 1e-9):.2f}x, peak RSS {tui.max_rss_mb / max(old.max_rss_mb, 1e-9):.2f}x")
    for name in variants:
        v = best[name]
        if v.rows_per_s > 0:
            print(f"trino-tui / {name}: rows/s {tui.rows_per_s / v.rows_per_s:.2f}x, CPU seconds "
                  f"{tui.cpu_seconds / max(v.cpu_seconds, 1e-9):.2f}x")
    if floor is not None and floor.rows_per_s > 0:
        print(f"single-core decode floor of the same segments (zstd + orjson.loads, whole segments, one core): "
              f"{floor.rows_per_s:,.0f} rows/s")
        for name, r in best.items():
            if not name.startswith("official"):
                print(f"{name} / decode floor: {r.rows_per_s / floor.rows_per_s:.2f}")
    print("(the machine is shared: wall-clock rows/s depends on load; CPU seconds less so; CPU and peak RSS "
          "include the export worker processes: os.wait4 reports the child with its reaped children)")
    bad = [r.name for r in best.values() if r.rows != expected or r.status != 0]
    if bad:
        print(f"WARNING: wrong row count or failure for {', '.join(bad)} (expected {expected:,} rows)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
