"""ResultGrid frame cost versus result size: the cost must not depend on the number of rows.

For stores of 10 K, 1 M and 6 M synthetic rows ([n, "row n", n * 0.5, date] stored as json+lz4
segments of --segment-rows rows), drives a headless 160×50 app and times:
  show       show_result + first paint (decodes the first segment: width sample + top rows)
  ctrl+end   jump to the last row (decodes the last segment)
  up         one row up (line cache)
  pagedown   one page down from the top (the store's block LRU)
  repaint    one full render_lines of the grid with everything cached
and prints them side by side with the ratio to the 10 K store. Keypress times are wall time until
the app is idle again (Pilot overhead included, same for every size).

    .venv/bin/python benchmarks/grid_render.py
    .venv/bin/python benchmarks/grid_render.py --sizes 10000,1000000 --segment-rows 65536
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import lz4.block  # noqa: E402
import orjson  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.geometry import Region  # noqa: E402

from trino_tui.client import Batch  # noqa: E402
from trino_tui.client.types import Column, parse_type_text  # noqa: E402
from trino_tui.core.rowstore import RowStore  # noqa: E402
from trino_tui.tui.widgets.grid import ResultGrid  # noqa: E402

COLUMNS = [Column(n, parse_type_text(t)) for n, t in
           [("n", "bigint"), ("label", "varchar"), ("half", "double"), ("day", "date")]]


def build(n: int, segment_rows: int) -> RowStore:
    store = RowStore(COLUMNS)
    for start in range(0, n, segment_rows):
        stop = min(n, start + segment_rows)
        raw = orjson.dumps([[i, f"row {i}", i * 0.5, "1996-03-13"] for i in range(start, stop)])
        store.append(Batch(start, [None] * (stop - start), 0, lz4.block.compress(raw, store_size=False),
                           "json+lz4", len(raw)))
    return store


class Host(App):
    def compose(self) -> ComposeResult:
        yield ResultGrid()


def frame(grid: ResultGrid) -> float:
    """Time one full render of the grid (what a repaint costs)."""
    t = time.perf_counter()
    grid.render_lines(Region(0, 0, grid.outer_size.width, grid.outer_size.height))
    return (time.perf_counter() - t) * 1000


async def timed_press(pilot, key: str) -> float:
    """Wall time of a keypress until the app is idle again (includes the repaint)."""
    t = time.perf_counter()
    await pilot.press(key)
    return (time.perf_counter() - t) * 1000


async def measure(store: RowStore, repeats: int) -> dict[str, float]:
    results: dict[str, list[float]] = {"show": [], "ctrl+end": [], "up": [], "pagedown": [], "repaint": []}
    for _ in range(repeats):
        app = Host()
        app.animation_level = "none"
        async with app.run_test(size=(160, 50)) as pilot:
            grid = app.query_one(ResultGrid)
            grid.focus()
            await pilot.pause()
            store._cache.clear()
            t = time.perf_counter()
            grid.show_result(store)
            grid.set_status("finished")
            await pilot.pause()
            results["show"].append((time.perf_counter() - t) * 1000)
            results["ctrl+end"].append(await timed_press(pilot, "ctrl+end"))
            results["up"].append(await timed_press(pilot, "up"))
            await pilot.press("ctrl+home")
            results["pagedown"].append(await timed_press(pilot, "pagedown"))
            results["repaint"].append(frame(grid))
    return {k: statistics.median(v) for k, v in results.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,1000000,6000000")
    p.add_argument("--segment-rows", type=int, default=65536)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = {}
    for n in sizes:
        store = build(n, args.segment_rows)
        rows[n] = asyncio.run(measure(store, args.repeats))
        store.close()
    base = rows[sizes[0]]
    print(f"\nResultGrid frame cost (ms, median of {args.repeats}; 160×50; segments of "
          f"{args.segment_rows:,} rows)\n")
    print(f"{'rows':>10} " + " ".join(f"{k + ' ms':>9} {'×base':>6}" for k in base))
    for n, r in rows.items():
        print(f"{n:>10,} " + " ".join(f"{r[k]:>9.2f} {r[k] / base[k]:>6.2f}" for k in base))


if __name__ == "__main__":
    main()
