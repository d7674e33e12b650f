#!/usr/bin/env python3
"""Grid tools benchmark (headless Pilot against a sandbox in its own process).

Goal (issue 12): sort/filter pushdown on ``tpch.sf1.lineitem`` shows the first rows <= 1 s after
the server answers. The run: ``SELECT * FROM lineitem`` is stopped after its first rows (a partial
result), ``s`` sorts by ``l_extendedprice``, the offer is answered
"Run on Trino", and the re-run ``SELECT * FROM (...) ORDER BY ...`` streams into the grid. Measured
on one monotonic clock:
  * server time: the re-run submitted -> its first rows in the row store ("the server answers");
  * first rows shown: first rows in the store -> the grid has drawn data row 0 (goal <= 1 s);
  * the same for a filter pushdown (``f`` ``> 50000`` on l_extendedprice, run from a partial result);
  * in place: a complete tpch.tiny.lineitem (60,175 rows) sorted on the tool worker -> drawn.
``--quick``: tpch.tiny only, prints the figures, asserts only that every step finished.

Usage: .venv/bin/python benchmarks/grid_tools_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import SandboxProcess  # noqa: E402
import trino_tui.tui.grid_tool_actions as actions  # noqa: E402
from trino_tui.core.settings import TUI_DEFAULTS, resolve  # noqa: E402
from trino_tui.tui.grid_ops import LOCAL_LIMIT  # noqa: E402
from trino_tui.tui.app import TrinoTuiApp  # noqa: E402
from trino_tui.tui.clipboard import MemoryClipboard  # noqa: E402
from trino_tui.tui.screens.prompt import ChoicePrompt  # noqa: E402
from trino_tui.tui.widgets.grid import ResultGrid  # noqa: E402

GOAL_S = 1.0


class FirstRows:
    """Watches (off the UI thread, 1 ms polls of a thread-safe len()) when the current runner's
    store first holds rows."""

    def __init__(self, app: TrinoTuiApp, generation: int) -> None:
        self.app, self.generation = app, generation
        self.at: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        while not self._stop.wait(0.001):
            runner = self.app.runner
            if runner is not None and runner.generation >= self.generation and runner.rows > 0:
                self.at = time.monotonic()
                return

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1)


async def until(pilot, cond, timeout: float, what: str) -> float:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise SystemExit(f"grid_tools_bench: timed out waiting for {what}")
        await pilot.pause(0.002)
    return time.monotonic()


async def pushdown(app: TrinoTuiApp, pilot, keys: list[str], schema: str, timeout: float) -> dict:
    grid = app.query_one(ResultGrid)
    await pilot.press("ctrl+j")
    await until(pilot, lambda: grid.row_count > 0, timeout, "the first rows")
    await pilot.press("f3")  # stop: a partial result, so the tools offer Trino
    await until(pilot, lambda: app.query_status in ("stopped", "finished"), timeout, "stopped")
    grid.focus()
    grid.cursor = (0, 5)  # l_extendedprice
    await pilot.press(*keys)
    await until(pilot, lambda: isinstance(app.screen, ChoicePrompt), timeout, "the offer")
    watcher = FirstRows(app, app._generation + 1)
    submitted = time.monotonic()
    await pilot.press("enter")  # "Run on Trino"
    try:
        await until(pilot, lambda: watcher.at is not None, timeout, "the server's first rows")
        shown = await until(pilot, lambda: 0 in grid._lines, timeout, "row 0 drawn")
    finally:
        watcher.close()
    await pilot.press("f3")
    return {"server_s": watcher.at - submitted, "first_rows_s": shown - watcher.at, "note": grid.tool_note}


async def in_place(app: TrinoTuiApp, pilot, timeout: float) -> dict:
    grid = app.query_one(ResultGrid)
    await pilot.press("ctrl+j")
    await until(pilot, lambda: app.query_status == "finished", timeout, "finished")
    grid.focus()
    grid.cursor = (0, 5)
    start = time.monotonic()
    await pilot.press("s")
    done = await until(pilot, lambda: bool(grid.tool_note) and "in place, of" in grid.tool_note and 0 in grid._lines,
                       timeout, "sorted in place")
    return {"rows": len(app.store), "sort_s": done - start, "note": grid.tool_note}


async def scenario(url: str, schema: str, timeout: float) -> dict:
    settings = resolve({}, env={}, overrides={"server": url, "user": "bench", "catalog": "tpch", "schema": schema},
                       defaults=TUI_DEFAULTS)
    out: dict = {}
    app = TrinoTuiApp(settings, initial_sql="SELECT * FROM lineitem", clipboard=MemoryClipboard())
    app.animation_level = "none"
    actions.LOCAL_LIMIT = 0  # tiny may finish before F3: any held result then counts as "large"
    async with app.run_test(size=(160, 40)) as pilot:
        out["sort"] = await pushdown(app, pilot, ["s"], schema, timeout)
        out["filter"] = await pushdown(app, pilot, ["f", *"> 50000", "enter"], schema, timeout)
    actions.LOCAL_LIMIT = LOCAL_LIMIT
    app = TrinoTuiApp(settings.replace(schema="tiny"), initial_sql="SELECT * FROM lineitem", clipboard=MemoryClipboard())
    app.animation_level = "none"
    async with app.run_test(size=(160, 40)) as pilot:
        out["in_place"] = await in_place(app, pilot, timeout)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tpch.tiny only; no goal asserted")
    args = parser.parse_args()
    schema = "tiny" if args.quick else "sf1"
    with SandboxProcess((schema,)) as sb:
        res = asyncio.run(scenario(sb.url, schema, 120.0 if args.quick else 900.0))
    ok = True
    for name in ("sort", "filter"):
        r = res[name]
        good = r["first_rows_s"] <= GOAL_S
        ok = ok and good
        print(f"{name} pushdown on tpch.{schema}.lineitem: server answered after {r['server_s']:.2f} s; "
              f"first rows shown {r['first_rows_s'] * 1000:.0f} ms later (goal <= {GOAL_S * 1000:.0f} ms: "
              f"{'met' if good else 'MISSED'}) · title: {r['note']}")
    r = res["in_place"]
    print(f"in place: {r['rows']:,} held rows sorted and drawn in {r['sort_s']:.2f} s · title: {r['note']}")
    return 0 if (ok or args.quick) else 1


if __name__ == "__main__":
    raise SystemExit(main())
