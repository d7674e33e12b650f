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

Rows are decoded by the grid's RowLoader thread; each timing waits until the loader is idle and
the decoded rows are painted.

    .venv/bin/python benchmarks/grid_render.py
    .venv/bin/python benchmarks/grid_render.py --sizes 10000,1000000 --segment-rows 65536
    .venv/bin/python benchmarks/grid_render.py --quick      # 1,000 and 5,000 rows; asserts no timings
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

from dataclasses import dataclass  # noqa: E402

from trino_tui.client import Column, TrinoType  # noqa: E402
from trino_tui.core.rowstore import RowStore  # noqa: E402
from trino_tui.tui.widgets.grid import ResultGrid  # noqa: E402

COLUMNS = [Column(n, TrinoType(t, (), t)) for n, t in
           [("n", "bigint"), ("label", "varchar"), ("half", "double"), ("day", "date")]]


@dataclass
class SegmentBatch:
    """What the row store reads from a client Batch: a segment's bytes (never decoded here)."""

    row_offset: int
    row_count: int
    payload: bytes
    encoding: str
    uncompressed_size: int

    def wire_rows(self) -> list[list]:
        raise AssertionError("the row store keeps segment bytes")


def build(n: int, segment_rows: int) -> RowStore:
    store = RowStore(COLUMNS)
    for start in range(0, n, segment_rows):
        stop = min(n, start + segment_rows)
        raw = orjson.dumps([[i, f"row {i}", i * 0.5, "1996-03-13"] for i in range(start, stop)])
        store.append(SegmentBatch(start, stop - start, lz4.block.compress(raw, store_size=False),
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


async def settled(pilot, grid: ResultGrid) -> None:
    """Until a frame asks the RowLoader for nothing new and what it decoded is painted."""
    loop = asyncio.get_running_loop()
    for _ in range(100):
        await pilot.pause()
        frame(grid)
        if not grid.loader.busy:
            return
        await loop.run_in_executor(None, grid.loader.wait_idle, 30)
    raise RuntimeError("the grid kept requesting rows")


async def timed_press(pilot, key: str, grid: ResultGrid) -> float:
    """Wall time of a keypress until the rows it shows are decoded and painted."""
    t = time.perf_counter()
    await pilot.press(key)
    await settled(pilot, grid)
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
            await settled(pilot, grid)
            results["show"].append((time.perf_counter() - t) * 1000)
            results["ctrl+end"].append(await timed_press(pilot, "ctrl+end", grid))
            results["up"].append(await timed_press(pilot, "up", grid))
            await pilot.press("ctrl+home")
            await settled(pilot, grid)
            results["pagedown"].append(await timed_press(pilot, "pagedown", grid))
            results["repaint"].append(frame(grid))
    return {k: statistics.median(v) for k, v in results.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,1000000,6000000")
    p.add_argument("--segment-rows", type=int, default=65536)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="1,000 and 5,000 rows, 1 repeat; asserts no timings")
    args = p.parse_args()
    if args.quick:
        args.sizes, args.segment_rows, args.repeats = "1000,5000", 2048, 1
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
    if args.quick:
        assert all(len(r) == 5 for r in rows.values()), rows


if __name__ == "__main__":
    main()
