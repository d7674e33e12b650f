#!/usr/bin/env python3
"""Exploration benchmark: the catalog browser and autocomplete on a big synthetic catalog.

The sandbox runs in its own process with ``--synthetic-catalog schemas=1000,tables=10000`` (optional
per-statement latency); the TUI app runs headless (Pilot) with its real metadata client, as
``trino-tui`` builds it. Keys are sent through the driver like a terminal's, and each figure is
timed from the key event to the first repaint (``render_line``) that shows the result:
  * first tree level painted: ctrl+b once start-up has settled (cold: nothing loaded, SHOW CATALOGS
    on the server; the client stack was imported in the background a second after start) -> the
    catalogs painted (goal ≤ 200 ms); also the 1,000-schema level after expanding the synthetic
    catalog;
  * filter response: a keypress in the filter box -> the narrowed names painted, and the last
    keypress -> the server's information_schema hits painted (after the search pause);
  * autocomplete popup latency p50/p95, cold (the level is not loaded: a server round trip) and
    warm (cached) (goal p95 ≤ 50 ms warm);
  * typing stall: keypress -> repaint in the editor while, every 8th key, the 1,000-schema level is
    fetched again and 3 more schemas are opened (their tables load and appear in the tree while the
    next keys are typed; the count of answers that landed meanwhile is printed) (goal: never > 50 ms),
    beside the same typing with nothing loading. The opening itself is a tree action, painted before
    the next key is sent (a typist does not open nodes mid-word; a key sent in the same frame as
    opening and closing 6 nodes waits for that frame: ``--same-frame`` measures that case).
Typing goes into a SQL comment so that the figures measure what the browser adds (the popup is
measured on its own). ``--quick``: a small catalog and few samples; prints the figures and asserts
only that every figure was obtained (no timing asserts).

Usage: .venv/bin/python benchmarks/explore_bench.py [--schemas 1000] [--tables 10000] [--latency 0] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import trino_tui.tui  # noqa: E402,F401 - before Textual: the app's frame cap (TEXTUAL_FPS)
from textual import events  # noqa: E402

from benchmarks._common import SandboxProcess  # noqa: E402
from trino_tui.core.settings import TUI_DEFAULTS, resolve  # noqa: E402
from trino_tui.explore.workspace import Workspace  # noqa: E402
from trino_tui.tui.app import TrinoTuiApp  # noqa: E402
from trino_tui.tui.clipboard import MemoryClipboard  # noqa: E402
from trino_tui.tui.explore_actions import WARM_AFTER, default_metadata_runner  # noqa: E402
from trino_tui.tui.runtime import tune_runtime  # noqa: E402
from trino_tui.tui.widgets.catalog_tree import CatalogBrowser  # noqa: E402
from trino_tui.tui.widgets.editor import SqlEditor  # noqa: E402

COMMENT = "SELECT 1 -- "
PACE = 0.03  # seconds between keys: ~30 keys/s


class PaintProbe:
    """Wraps ``widget.render_line``: ``await wait(cond)`` returns ms from ``t0`` to the first line
    rendered (after the call) for which ``cond(text)`` holds."""

    def __init__(self, widget) -> None:
        self.cond: Callable[[str], bool] | None = None
        self.event = asyncio.Event()
        self.t = 0.0
        original = widget.render_line

        def render_line(y: int):
            strip = original(y)
            cond = self.cond
            if cond is not None and not self.event.is_set() and cond(strip.text):
                self.t = time.perf_counter()
                self.event.set()
            return strip

        widget.render_line = render_line

    def arm(self, cond: Callable[[str], bool]) -> None:
        self.event = asyncio.Event()
        self.cond = cond

    async def wait(self, t0: float, timeout: float = 60.0) -> float:
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        finally:
            self.cond = None
        return (self.t - t0) * 1000


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def make_app(url: str) -> TrinoTuiApp:
    settings = resolve({}, env={}, overrides=dict(server=url, user="bench", catalog="tpch", schema="tiny"),
                       defaults=TUI_DEFAULTS)
    app = TrinoTuiApp(settings, initial_sql=COMMENT, clipboard=MemoryClipboard(),
                      workspace=Workspace(default_metadata_runner, state_dir=None))
    app.animation_level = "none"
    return app


def send(app, key: str, char: str | None = None) -> float:
    """Send a key as the terminal driver would; returns the time it was sent."""
    event = events.Key(key, char)
    event.set_sender(app)
    t0 = time.perf_counter()
    app._driver.send_message(event)
    return t0


async def run(url: str, schemas: int, samples: int, same_frame: bool = False) -> dict[str, object]:
    app = make_app(url)
    out: dict[str, object] = {}
    last = f"s{schemas - 1:0{max(4, len(str(schemas - 1)))}d}"
    width = max(4, len(str(schemas - 1)))
    name = lambda i: f"s{i:0{width}d}"  # noqa: E731 - the synthetic catalog's schema names
    async with app.run_test(size=(160, 50)) as pilot:
        editor = app.query_one(SqlEditor)
        browser = app.query_one(CatalogBrowser)
        tree_probe, ed_probe = PaintProbe(browser.tree), PaintProbe(editor)
        res_probe = PaintProbe(browser.results)
        # start-up settles (first paints; the client stack imported in the background WARM_AFTER s
        # after start, as a user's first ctrl+b finds it): the toggle is timed alone
        await asyncio.sleep(WARM_AFTER + 0.1)
        pool = app.workspace.connection(app.config).pool
        await asyncio.get_running_loop().run_in_executor(None, pool.wait_idle, 30)
        await pilot.pause()

        # -- first level: ctrl+b -> the catalogs painted (cold) ----------------------------------
        tree_probe.arm(lambda text: "▣ synthetic" in text)
        out["first_level_ms"] = await tree_probe.wait(send(app, "ctrl+b"))
        await pilot.pause()
        loader = browser.loader
        tree = browser.tree
        syn = next(n for n in tree.root.children if n.data and n.data.meta and n.data.meta.name == "synthetic")
        tree.move_cursor(syn)
        await pilot.pause()
        tree_probe.arm(lambda text: f"▤ {name(0)}" in text)
        out["big_level_ms"] = await tree_probe.wait(send(app, "space"))
        await pilot.pause()

        # -- typing: idle baseline, then while levels load ---------------------------------------
        async def type_keys(n: int, during: Callable[[int], bool] | None = None) -> list[float]:
            editor.focus()
            await pilot.pause()
            lat: list[float] = []
            for i in range(n):
                if during is not None and during(i) and not same_frame:
                    await pilot.pause()  # the tree actions of `during` are painted before the next key
                before = editor.cursor_location
                ed_probe.arm(lambda _text, before=before: editor.cursor_location != before)
                lat.append(await ed_probe.wait(send(app, "x", "x"), 10))
                await asyncio.sleep(PACE)
            return lat

        out["idle"] = await type_keys(samples * 2)

        schema_nodes = [n for n in syn.children if n.data and n.data.meta]
        opened: list = []

        def reload(i: int) -> bool:
            """Every 8th key: the 1,000-schema level is fetched again, the 3 schemas opened last
            close and the next 3 open (their tables load from the server and appear while the
            following keys are typed). True when it changed the tree."""
            if i % 8:
                return False
            browser._show_level(syn, loader.refresh(("synthetic",)))
            for node in opened:
                node.collapse()
            opened[:] = [schema_nodes[(i // 8 * 3 + k) % len(schema_nodes)] for k in range(3)]
            for node in opened:
                loader.refresh(node.data.path)
                node.expand()
            return True

        applied = [0]  # level answers that changed the tree while keys were being typed
        original_show_level = browser._show_level

        def spinning(node) -> bool:
            return len(node.children) == 1 and node.children[0].data is not None \
                and node.children[0].data.kind == "loading"

        def show_level(node, level) -> None:
            was = spinning(node)
            original_show_level(node, level)
            applied[0] += was and not spinning(node)  # an answer replaced the spinner

        browser._show_level = show_level  # type: ignore[method-assign]
        out["loading"] = await type_keys(samples * 4, reload)
        browser._show_level = original_show_level  # type: ignore[method-assign]
        out["applied"] = applied[0]
        assert loader.wait_idle(60)
        await pilot.pause()

        # -- filter: each keypress -> narrowed names; last one -> the server's hits ----------------
        browser.action_focus_filter()
        await pilot.pause()
        shown_for: list[str] = [""]
        original_show = browser._show_matches

        def show_matches() -> None:
            original_show()
            shown_for[0] = browser._filter

        browser._show_matches = show_matches  # type: ignore[method-assign]
        flt: list[float] = []
        table = f"t{(schemas - 1) * 10:05d}"  # a table of the last schema, whose level is not loaded
        for term in (last, table):
            for k in range(1, len(term) + 1):
                typed = term[:k]
                res_probe.arm(lambda _text, typed=typed: shown_for[0] == typed)
                t0 = send(app, term[k - 1], term[k - 1])
                flt.append(await res_probe.wait(t0, 10))
                await asyncio.sleep(PACE)
            if term == table:
                res_probe.arm(lambda text: f"synthetic.{last}.{table}" in text)
                out["search_ms"] = await res_probe.wait(t0, 60)
            browser.query_one("#catalog-filter").value = ""
            await pilot.pause()
        out["filter"] = flt
        browser.display = False  # the popup measurements run with the editor alone on screen
        editor.focus()
        await pilot.pause()

        # -- autocomplete popup: cold (level not loaded) then warm -------------------------------
        popup = editor.completion.popup
        pop_probe = PaintProbe(popup)

        async def popup_latency(i: int) -> float:
            editor.completion.ignore_next_change()
            editor.text = f"SELECT * FROM synthetic.{name(i)}."
            editor.move_cursor(editor.document.end)
            await pilot.pause()
            first = f"t{i * 10:05d}"  # the first table of schema i
            pop_probe.arm(lambda text: first in text)
            ms = await pop_probe.wait(send(app, "t", "t"), 30)
            await asyncio.sleep(PACE)
            return ms

        picks = [(schemas // 2 + j * 7) % schemas for j in range(samples)]
        out["cold"] = [await popup_latency(i) for i in picks]
        out["warm"] = [await popup_latency(i) for i in picks]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas", type=int, default=1000)
    parser.add_argument("--tables", type=int, default=10000, help="tables in all")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per metadata statement (sandbox)")
    parser.add_argument("--samples", type=int, default=40, help="popup samples (typing: 6x as many keys)")
    parser.add_argument("--same-frame", action="store_true",
                        help="send each 8th key in the same frame as the tree actions (open/close 6 nodes)")
    parser.add_argument("--quick", action="store_true", help="20 schemas, 200 tables, few samples; no timing asserts")
    args = parser.parse_args()
    if args.quick:
        args.schemas, args.tables, args.samples = 20, 200, 8
    print(f"uptime: {os.popen('uptime').read().strip()}")
    tune_runtime()
    spec = f"schemas={args.schemas},tables={args.tables}" + (f",latency={args.latency}" if args.latency else "")
    sandbox = SandboxProcess(("tiny",))
    sandbox.args += ["--synthetic-catalog", spec]
    with sandbox:
        r = asyncio.run(run(sandbox.url, args.schemas, args.samples, args.same_frame))
    idle, loading, flt = r["idle"], r["loading"], r["filter"]
    cold, warm = r["cold"], r["warm"]
    print(f"sandbox --synthetic-catalog {spec} ({args.schemas:,} schemas x {args.tables // args.schemas} tables); "
          f"tree under test: {REPO}")
    rows = [
        ("first tree level painted, ctrl+b -> catalogs (ms, cold)", r["first_level_ms"], 200.0),
        (f"{args.schemas:,}-schema level painted after expand (ms, cold)", r["big_level_ms"], 200.0),
        (f"filter keypress -> narrowed names painted p50 (ms, {len(flt)} keys)", pct(flt, 0.5), float("nan")),
        ("filter keypress -> narrowed names painted p95 (ms)", pct(flt, 0.95), float("nan")),
        ("filter last key -> server search hits painted (ms, incl. 300 ms pause)", r["search_ms"], float("nan")),
        (f"popup latency p50 cold (ms, {len(cold)} keys, server round trip)", pct(cold, 0.5), float("nan")),
        ("popup latency p95 cold (ms)", pct(cold, 0.95), float("nan")),
        (f"popup latency p50 warm (ms, {len(warm)} keys)", pct(warm, 0.5), 50.0),
        ("popup latency p95 warm (ms)", pct(warm, 0.95), 50.0),
        (f"typing stall p95 while levels load (ms, {len(loading)} keys)", pct(loading, 0.95), 50.0),
        ("typing stall max while levels load (ms)", max(loading), 50.0),
        (f"  (level answers that changed the tree meanwhile: {r['applied']})", float(r["applied"]), float("nan")),
        (f"typing stall p95 idle baseline (ms, {len(idle)} keys)", pct(idle, 0.95), float("nan")),
        ("typing stall max idle baseline (ms)", max(idle), float("nan")),
    ]
    print(f"{'metric':72} {'measured':>9} {'goal':>6}  result")
    for label, value, goal in rows:
        verdict = "" if math.isnan(goal) else ("met" if value <= goal else "NOT met")
        goal_text = "" if math.isnan(goal) else f"{goal:.0f}"
        print(f"{label:72} {value:9.1f} {goal_text:>6}  {verdict}")
    figures = [v for _, v, _ in rows]
    assert all(not math.isnan(v) for v in figures), figures  # --quick: every figure was obtained
    return 0


if __name__ == "__main__":
    sys.exit(main())
