"""trino-tui versus the Trino Go driver (trino-go-client, database/sql), side by side in one run.

The Go driver is the reference design of our spooling pipeline (fetcher, dispatcher, downloaders,
decoders, 10 segments out of order). Both clients run as whole processes, one at a time, against the
same sandbox (a separate process with its result cache on), timed the same way (wall clock from
spawn to exit, CPU and peak RSS from os.wait4):

  * read:   Go reads every row through database/sql and discards it;
            trino-tui ``--execute ... --output-format NULL``;
  * export: Go writes quoted CSV (encoding/csv); trino-tui ``--output-format CSV --output-file``.

``--real-trino`` runs the same cases against a real Trino 476 (spooling protocol, STORAGE retrieval
mode over moto S3 behind the delaying proxy) started by tests/real_trino/harness and stopped by PID
at the end, also on error. ``--limit N`` reads ``... LIMIT N`` instead of the whole table.

The Go program lives in ``benchmarks/go_driver`` and is built once (``go build``; modules from the
Go module proxy) before anything is timed. Without a ``go`` command the script says so and exits 0.

    .venv/bin/python benchmarks/go_vs_tui.py --quick            # tiny, one run: a smoke test
    .venv/bin/python benchmarks/go_vs_tui.py --scale sf1 --runs 1
    .venv/bin/python benchmarks/go_vs_tui.py --real-trino --scale sf1 --runs 1
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._common import EXPECTED_ROWS, SandboxProcess  # noqa: E402
from benchmarks.export_vs_official import Result, _run_child, trino_tui_argv  # noqa: E402

GO_DIR = REPO / "benchmarks" / "go_driver"


def build_go(out_dir: str) -> str | None:
    """Build the Go reader; the binary path, or None (with the reason printed) when it cannot be built."""
    go = shutil.which("go") or ("/usr/local/go/bin/go" if os.path.exists("/usr/local/go/bin/go") else None)
    if go is None:
        print("SKIPPED: no `go` command on this machine; the Go side cannot be built")
        return None
    binary = os.path.join(out_dir, "go_driver")
    proc = subprocess.run([go, "build", "-o", binary, "."], cwd=GO_DIR, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"SKIPPED: go build failed: {proc.stderr.strip().splitlines()[-1:]}")
        return None
    return binary


def go_argv(binary: str, url: str, scale: str, sql: str, encoding: str, out: str | None) -> list[str]:
    host = url.split("://", 1)[1]
    argv = [binary, "-dsn", f"http://bench@{host}?catalog=tpch&schema={scale}", "-query", sql, "-encoding", encoding]
    return argv + (["-out", out] if out else [])


def rows_from_stdout(res: Result, text: str) -> Result:
    """The Go reader prints {"rows": N, ...}: use it when no file was written."""
    import json

    try:
        res.rows = int(json.loads(text.strip().splitlines()[-1])["rows"])
    except (ValueError, KeyError, IndexError):
        res.rows = 0
    return res


def run_go_read(binary: str, url: str, scale: str, sql: str, encoding: str, tmp: str) -> Result:
    out = os.path.join(tmp, "go-rows.json")
    argv = ["sh", "-c", 'exec "$0" "$@" > ' + out, *go_argv(binary, url, scale, sql, encoding, None)]
    res = _run_child("go driver (read)", argv, os.path.join(tmp, "absent"))
    with open(out, encoding="utf-8") as fh:
        return rows_from_stdout(res, fh.read())


def run_tui_read(url: str, expected: int, sql: str, encoding: str, tmp: str) -> Result:
    argv = trino_tui_argv(url, sql, os.devnull, ["--encoding", encoding])
    argv[argv.index("CSV")] = "NULL"
    argv = argv[: argv.index("--output-file")] + argv[argv.index("--output-file") + 2:]
    res = _run_child("trino-tui (read)", argv, os.path.join(tmp, "absent"))
    res.rows = expected if res.status == 0 else 0  # NULL prints nothing to count
    return res


def measure(binary: str, url: str, args: argparse.Namespace, sql: str, expected: int, tmp: str) -> dict[str, Result]:
    """One warm-up (not measured), then *args.runs* rounds of the four cases; the best run of each."""
    csv_out = os.path.join(tmp, "out.csv")
    _run_child("warm-up", trino_tui_argv(url, sql, csv_out, ["--encoding", args.encoding]), csv_out)
    cases: dict[str, list[Result]] = {k: [] for k in ("go read", "tui read", "go csv", "tui csv")}
    for _ in range(args.runs):
        cases["go read"].append(run_go_read(binary, url, args.scale, sql, args.encoding, tmp))
        cases["tui read"].append(run_tui_read(url, expected, sql, args.encoding, tmp))
        for name in ("go csv", "tui csv"):
            if os.path.exists(csv_out):
                os.unlink(csv_out)
            argv = (go_argv(binary, url, args.scale, sql, args.encoding, csv_out) if name == "go csv"
                    else trino_tui_argv(url, sql, csv_out, ["--encoding", args.encoding]))
            cases[name].append(_run_child(name, argv, csv_out))
    return {name: min(rs, key=lambda r: r.seconds) for name, rs in cases.items()}


def on_sandbox(binary: str, args: argparse.Namespace, sql: str, expected: int, tmp: str) -> tuple[str, dict[str, Result]]:
    scales = () if args.scale == "tiny" else (args.scale,)
    with SandboxProcess(scales, storage_latency=args.storage_latency) as sandbox:
        print(f"sandbox {sandbox.url}, storage latency {args.storage_latency}s, {sql}, {args.encoding}", file=sys.stderr)
        return "sandbox", measure(binary, sandbox.url, args, sql, expected, tmp)


def on_real_trino(binary: str, args: argparse.Namespace, sql: str, expected: int, tmp: str) -> tuple[str, dict[str, Result]]:
    """Start Trino 476 through the harness, measure, and stop every process it started by PID."""
    from tests.real_trino.harness import Cluster, ClusterSpec, prepare, wire

    inst = prepare()
    cluster = Cluster(inst, ClusterSpec(heap="3G"), Path(tmp) / "trino",
                      storage_delay_ms=args.storage_latency * 1000).start()
    try:
        version = wire.scalar(cluster.url, "SELECT node_version FROM system.runtime.nodes LIMIT 1")
        where = (f"real Trino {version} (JDK {inst.java_version}, STORAGE mode over moto S3, "
                 f"started in {cluster.startup_seconds:.1f} s)")
        print(f"{where} at {cluster.url}, {sql}, {args.encoding}", file=sys.stderr, flush=True)
        return where, measure(binary, cluster.url, args, sql, expected, tmp)
    finally:
        cluster.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=("tiny", "sf1"), default="tiny")
    ap.add_argument("--runs", type=int, default=2, help="measured runs per client and case (best is reported)")
    ap.add_argument("--storage-latency", type=float, default=0.05, help="seconds per storage request")
    ap.add_argument("--encoding", default="json+zstd", choices=("json", "json+zstd", "json+lz4"))
    ap.add_argument("--real-trino", action="store_true",
                    help="against a real Trino 476 started by tests/real_trino/harness (needs Java; stopped at the end)")
    ap.add_argument("--limit", type=int, default=None, help="read only LIMIT N rows of lineitem")
    ap.add_argument("--quick", action="store_true", help="tiny data, one run: a smoke test (asserts nothing)")
    args = ap.parse_args()
    if args.quick:
        args.scale, args.runs = "tiny", 1
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be at least 1")

    sql = f"SELECT * FROM tpch.{args.scale}.lineitem" + (f" LIMIT {args.limit}" if args.limit else "")
    expected = min(EXPECTED_ROWS[args.scale], args.limit or EXPECTED_ROWS[args.scale])
    with tempfile.TemporaryDirectory(prefix="go-bench-") as tmp:
        binary = build_go(tmp)
        if binary is None:
            return 0
        if not args.real_trino:
            where, best = on_sandbox(binary, args, sql, expected, tmp)
        else:
            from tests.real_trino.harness import Missing

            try:
                where, best = on_real_trino(binary, args, sql, expected, tmp)
            except (Missing, OSError) as exc:  # Java/Trino missing or not starting: one line, no traceback
                print(f"real Trino unavailable: {exc}")
                return 1
    print(f"\n{sql} ({args.encoding}, storage latency {args.storage_latency * 1000:.0f} ms), whole processes, best of {args.runs}"
          + ("" if where == "sandbox" else f", {where}"))
    print(f"{'case':<10}{'rows':>12}{'seconds':>10}{'rows/s':>12}{'CPU s':>8}{'peak RSS MB':>14}{'exit':>6}")
    for name, r in best.items():
        print(f"{name:<10}{r.rows:>12,}{r.seconds:>10.2f}{r.rows_per_s:>12,.0f}{r.cpu_seconds:>8.1f}{r.max_rss_mb:>14.0f}{r.status:>6}")
    for kind in ("read", "csv"):
        go, tui = best[f"go {kind}"], best[f"tui {kind}"]
        if go.rows_per_s > 0:
            print(f"ratio trino-tui / Go driver, {kind}: rows/s {tui.rows_per_s / go.rows_per_s:.2f}x, "
                  f"peak RSS {tui.max_rss_mb / max(go.max_rss_mb, 1e-9):.2f}x")
    bad = [n for n, r in best.items() if r.rows != expected or r.status != 0]
    if bad:
        print(f"WARNING: wrong row count or failure for {', '.join(bad)} (expected {expected:,} rows)")
        return 0 if args.quick else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
