"""End-to-end: peak RSS of the real TUI holding a whole result (default: tpch sf1 lineitem, 6 M rows).

Starts the sandbox (`trino-tui sandbox --schemas tiny,<schema>`) as its own process, then for each
variant runs the headless app (TrinoTuiApp under Textual's run_test, 160×45) in a child process:
runs the query, waits for the end, jumps to the last row and to the middle, and reports the
child's peak RSS (os.wait4; the parent stays small because a forked child starts from its
parent's peak) next to the store's compact/spilled bytes. Variants:

  spooled      json+zstd spooling, RowStore default budget (192 MB)
  spooled-32   json+zstd spooling, RowStore budget 32 MB (the rest spilled to disk)
  direct       direct protocol (the store compresses the rows itself)

    .venv/bin/python benchmarks/tui_result_memory.py
    .venv/bin/python benchmarks/tui_result_memory.py --schema tiny --variants spooled,direct
    .venv/bin/python benchmarks/tui_result_memory.py --quick   # tpch.tiny, 5,000 rows; asserts no timings
    .venv/bin/python benchmarks/tui_result_memory.py --generated 20000000 --variants spooled
        # 20 M lineitem rows (sf1 lineitem 4 times, UNION ALL, LIMIT): issue 15's goal is <= 600 MB peak RSS
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def child(url: str, schema: str, sql: str, variant: str) -> None:
    import functools

    import trino_tui.tui.app as appmod
    from benchmarks._common import grid_settled as settled
    from trino_tui.core.rowstore import RowStore
    from trino_tui.core.settings import TUI_DEFAULTS, resolve
    from trino_tui.tui.app import TrinoTuiApp
    from trino_tui.tui.widgets.grid import ResultGrid

    if variant == "spooled-32":
        appmod.RowStore = functools.partial(RowStore, memory_budget=32 << 20)  # type: ignore[misc]
    extra = {"direct": True} if variant == "direct" else {}
    settings = resolve({}, env={}, overrides=dict(server=url, user="bench", catalog="tpch", schema=schema, **extra),
                       defaults=TUI_DEFAULTS)

    async def scenario() -> None:
        app = TrinoTuiApp(settings, initial_sql=sql)
        app.animation_level = "none"
        async with app.run_test(size=(160, 45)) as pilot:
            t0 = time.perf_counter()
            await pilot.press("ctrl+j")
            grid = app.query_one(ResultGrid)
            while grid.status in ("idle", "streaming"):
                await pilot.pause(0.2)
            elapsed = time.perf_counter() - t0
            grid.focus()
            t1 = time.perf_counter()
            await pilot.press("ctrl+end")
            await settled(pilot, grid)
            end_ms = (time.perf_counter() - t1) * 1000
            grid.cursor = (grid.row_count // 2, 0)
            t2 = time.perf_counter()
            await settled(pilot, grid)
            mid_ms = (time.perf_counter() - t2) * 1000
            store = grid.store
            print(f"status={grid.status} rows={grid.row_count} seconds={elapsed:.1f} "
                  f"compact={store.nbytes_compact if store else 0} spilled={store.nbytes_spilled if store else 0} "
                  f"end_ms={end_ms:.0f} mid_ms={mid_ms:.0f}")

    asyncio.run(scenario())


def run_child(url: str, args, variant: str) -> dict:
    cmd = [sys.executable, __file__, "--child", variant, "--url", url, "--schema", args.schema, "--sql", args.sql]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"variant {variant} failed (status {status})")
    fields = dict(kv.split("=", 1) for kv in out.split() if "=" in kv)
    fields["peak_rss"] = usage.ru_maxrss * 1024
    return fields


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--schema", default="sf1")
    p.add_argument("--sql", default="select * from lineitem")
    p.add_argument("--variants", default="spooled,spooled-32,direct")
    p.add_argument("--child")
    p.add_argument("--url")
    p.add_argument("--quick", action="store_true", help="tpch.tiny, 5,000 rows, spooled+direct; asserts no timings")
    p.add_argument("--generated", type=int, metavar="N",
                   help="N lineitem rows (sf1 lineitem repeated with UNION ALL, LIMIT N) instead of --sql")
    args = p.parse_args()
    if args.generated and not args.child:
        copies = -(-args.generated // 6_001_215)   # whole copies one after the other: rows of a
        args.schema = "sf1"                        # segment compress like lineitem's own
        args.sql = " union all ".join(["select * from lineitem"] * copies) + f" limit {args.generated}"
    if args.quick and not args.child:
        args.schema, args.sql, args.variants = "tiny", "select * from lineitem limit 5000", "spooled,direct"
    if args.child:
        child(args.url, args.schema, args.sql, args.child)
        return
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "trino_tui", "sandbox", "--port", "0", "--schemas", f"tiny,{args.schema}"],
        stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        url = None
        for line in sandbox.stdout:  # type: ignore[union-attr]
            if line.startswith("Sandbox coordinator:"):
                url = line.split()[-1]
                break
        if url is None:
            raise SystemExit("the sandbox did not start")
        results = {v: run_child(url, args, v) for v in args.variants.split(",")}
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    mb = 1 << 20
    first = next(iter(results.values()))
    print(f"\n{args.sql!r} on tpch.{args.schema}: the TUI holding the whole result\n")
    print(f"{'variant':11} {'status':9} {'rows':>10} {'s':>6} {'compact MB':>10} {'spilled MB':>10} "
          f"{'peak RSS MB':>11} {'×first':>6} {'ctrl+end ms':>11} {'jump ms':>8}")
    for v, r in results.items():
        print(f"{v:11} {r['status']:9} {int(r['rows']):>10,} {float(r['seconds']):>6.1f} "
              f"{int(r['compact']) / mb:>10.0f} {int(r['spilled']) / mb:>10.0f} {r['peak_rss'] / mb:>11.0f} "
              f"{r['peak_rss'] / first['peak_rss']:>6.2f} {r['end_ms']:>11} {r['mid_ms']:>8}")
    if args.quick:
        assert all(r["status"] == "finished" and int(r["rows"]) == 5000 for r in results.values()), results
    if args.generated:
        assert all(int(r["rows"]) == args.generated for r in results.values()), results


if __name__ == "__main__":
    main()
