"""Peak RSS of the real TUI holding 5 result tabs of 1 M rows each (goal: <= 600 MB).

Starts the sandbox in its own process (tpch sf1), then runs the app (TrinoTuiApp under Textual's
run_test, 160x45) in a child process: runs `SELECT * FROM tpch.sf1.lineitem LIMIT 1000000` five
times (each statement its own result tab), then visits every tab and jumps to its last row (the
grid decodes what it shows). Reports the child's peak RSS (os.wait4), each tab's rows and its
store's compact/spilled bytes, and whether all five still hold their rows.

    .venv/bin/python benchmarks/result_tabs_bench.py
    .venv/bin/python benchmarks/result_tabs_bench.py --quick   # tpch.tiny, 5 x 5,000 rows; no RSS goal
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

GOAL_MB = 600


def child(url: str, schema: str, sql: str, tabs: int) -> None:
    from benchmarks._common import grid_settled as settled
    from trino_tui.core.settings import TUI_DEFAULTS, resolve
    from trino_tui.tui.app import TrinoTuiApp
    from trino_tui.tui.widgets.editor import SqlEditor
    from trino_tui.tui.widgets.grid import ResultGrid

    settings = resolve({}, env={}, overrides=dict(server=url, user="bench", catalog="tpch", schema=schema),
                       defaults=TUI_DEFAULTS)

    async def scenario() -> None:
        app = TrinoTuiApp(settings, initial_sql="")
        app.animation_level = "none"
        async with app.run_test(size=(160, 45)) as pilot:
            t0 = time.perf_counter()
            for n in range(1, tabs + 1):
                app.query_one(SqlEditor).load_text(sql)
                await pilot.press("ctrl+j")
                while len(app.result_tabs) < n or app.result_tabs[-1].status == "streaming":
                    await pilot.pause(0.2)
            elapsed = time.perf_counter() - t0
            grid = app.query_one(ResultGrid)
            for _ in range(tabs):  # visit every tab, jump to its end
                await pilot.press("alt+pageup")
                grid.focus()
                await pilot.press("ctrl+end")
                await settled(pilot, grid)
            for t in app.result_tabs:
                s = t.store
                print(f"tab={t.number} status={t.status} rows={len(s) if s else 0} held={int(s is not None and not s.closed)} "
                      f"compact={s.nbytes_compact if s else 0} spilled={s.nbytes_spilled if s else 0}")
            print(f"seconds={elapsed:.1f}")

    asyncio.run(scenario())


def run_child(url: str, args) -> tuple[str, int]:
    cmd = [sys.executable, __file__, "--child", "--url", url, "--schema", args.schema, "--sql", args.sql,
           "--tabs", str(args.tabs)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"the app child failed (status {status})")
    return out, usage.ru_maxrss * 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--schema", default="sf1")
    p.add_argument("--sql", default="SELECT * FROM tpch.sf1.lineitem LIMIT 1000000")
    p.add_argument("--tabs", type=int, default=5)
    p.add_argument("--child", action="store_true")
    p.add_argument("--url")
    p.add_argument("--quick", action="store_true", help="tpch.tiny, 5 x 5,000 rows; checks the tabs, no RSS goal")
    args = p.parse_args()
    if args.child:
        child(args.url, args.schema, args.sql, args.tabs)
        return
    if args.quick:
        args.schema, args.sql = "tiny", "SELECT * FROM tpch.tiny.lineitem LIMIT 5000"
    from benchmarks._common import SandboxProcess

    with SandboxProcess((args.schema,)) as sandbox:
        out, peak = run_child(sandbox.url, args)
    lines = [dict(kv.split("=", 1) for kv in line.split()) for line in out.splitlines() if line.startswith("tab=")]
    seconds = next((line.split("=")[1] for line in out.splitlines() if line.startswith("seconds=")), "?")
    mb = 1 << 20
    want = 5000 if args.quick else 1_000_000
    print(f"\n{args.tabs} x {args.sql!r}: the TUI holding every result in its own tab ({seconds} s to run them)\n")
    print(f"{'tab':>4} {'status':9} {'rows':>10} {'held':>5} {'compact MB':>10} {'spilled MB':>10}")
    for r in lines:
        print(f"{r['tab']:>4} {r['status']:9} {int(r['rows']):>10,} {r['held']:>5} {int(r['compact']) / mb:>10.0f} "
              f"{int(r['spilled']) / mb:>10.0f}")
    ok = len(lines) == args.tabs and all(r["held"] == "1" and int(r["rows"]) == want for r in lines)
    verdict = "" if args.quick else (f" (goal <= {GOAL_MB} MB: {'met' if peak / mb <= GOAL_MB else 'MISSED'})")
    print(f"\npeak RSS of the app process: {peak / mb:.0f} MB{verdict}; all {args.tabs} tabs held: {ok}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
