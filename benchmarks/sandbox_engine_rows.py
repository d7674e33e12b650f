"""Rows/s of the sandbox engine's Trino-JSON row stream (Engine.execute + iter_chunks), side by side
with the naive alternative (fetch Python tuples from DuckDB, convert per Trino rules, orjson.dumps).

    python benchmarks/sandbox_engine_rows.py [--schema sf1] [--limit N] [--data-dir DIR]

Each variant runs in a child process so peak RSS is its own. The engine streams: its RSS must stay
far below the size of the full JSON (sf1 lineitem ~1.3 GB of JSON text).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _engine(data_dir: str | None, schema: str):
    from trino_tui.sandbox.engine import Engine
    return Engine(data_dir=Path(data_dir) if data_dir else None, schemas=(schema,),
                  progress=lambda m: print(m, file=sys.stderr))


def run_engine(data_dir: str | None, schema: str, sql: str) -> dict:
    from trino_tui.sandbox.engine import SessionContext
    engine = _engine(data_dir, schema)
    start = time.perf_counter()
    result = engine.execute(sql, SessionContext(user="bench"))
    rows = size = chunks = 0
    for count, data in result.iter_chunks(1024 * 1024):
        rows += count
        size += len(data)
        chunks += 1
    result.close()
    seconds = time.perf_counter() - start
    engine.close()
    return {"rows": rows, "bytes": size, "chunks": chunks, "seconds": seconds}


def run_naive(data_dir: str | None, schema: str, sql: str) -> dict:
    """Baseline: Python values from DuckDB, converted to Trino's wire forms, orjson per row."""
    import orjson
    engine = _engine(data_dir, schema)
    cur = engine._con.cursor()   # benchmark-only peek at the engine's DuckDB database
    start = time.perf_counter()
    cur.execute(sql)
    rows = size = 0
    while True:
        batch = cur.fetchmany(10000)
        if not batch:
            break
        out = []
        for r in batch:
            out.append(orjson.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in r]))
        size += len(b",".join(out))
        rows += len(batch)
    seconds = time.perf_counter() - start
    cur.close()
    engine.close()
    return {"rows": rows, "bytes": size, "chunks": 0, "seconds": seconds}


def child(variant: str, data_dir: str | None, schema: str, sql: str) -> dict:
    cmd = [sys.executable, __file__, "--child", variant, "--schema", schema, "--sql", sql]
    if data_dir:
        cmd += ["--data-dir", data_dir]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schema", default="sf1")
    ap.add_argument("--limit", type=int, default=None, help="LIMIT rows (default: the whole table)")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--sql", default=None)
    ap.add_argument("--child", choices=["engine", "naive"], default=None)
    ap.add_argument("--engine-only", action="store_true", help="skip the (slow) naive baseline")
    ap.add_argument("--quick", action="store_true", help="tpch.tiny: a smoke test (asserts nothing)")
    args = ap.parse_args()
    if args.quick:
        args.schema = "tiny"
    sql = args.sql or f"SELECT * FROM tpch.{args.schema}.lineitem" + (f" LIMIT {args.limit}" if args.limit else "")
    if args.child:
        fn = run_engine if args.child == "engine" else run_naive
        out = fn(args.data_dir, args.schema, sql)
        out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        return
    child("engine", args.data_dir, args.schema, "SELECT 1")   # generate data outside the timings
    variants = ("engine",) if args.engine_only else ("engine", "naive")
    results = {v: child(v, args.data_dir, args.schema, sql) for v in variants}
    print(f"query: {sql}")
    print(f"{'variant':<8} {'rows':>10} {'seconds':>8} {'rows/s':>12} {'MB/s':>8} {'peak RSS MB':>12}")
    for name, r in results.items():
        print(f"{name:<8} {r['rows']:>10,} {r['seconds']:>8.2f} {r['rows'] / r['seconds']:>12,.0f} "
              f"{r['bytes'] / r['seconds'] / 1e6:>8.1f} {r['rss_mb']:>12.0f}")
    if "naive" in results:
        e, n = results["engine"], results["naive"]
        print(f"engine vs naive: {(e['rows'] / e['seconds']) / (n['rows'] / n['seconds']):.2f}x rows/s")


if __name__ == "__main__":
    main()
