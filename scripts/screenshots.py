#!/usr/bin/env python3
"""Regenerate screenshots/*.svg by driving the real app against the embedded sandbox.

Usage: .venv/bin/python scripts/screenshots.py [--out screenshots] [--size 160x50]

Each shot runs the app headless (App.run_test), types/presses keys through the Pilot and saves an
SVG with App.save_screenshot. The sandbox is slowed down for the mid-query shot so the pipeline is
caught while segments are still in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Awaitable, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trino_tui.core.settings import resolve  # noqa: E402
from trino_tui.sandbox import Sandbox, SandboxConfig  # noqa: E402
from trino_tui.tui.app import SANDBOX_SQL, TrinoTuiApp  # noqa: E402
from trino_tui.tui.clipboard import MemoryClipboard  # noqa: E402
from trino_tui.tui.widgets.editor import SqlEditor  # noqa: E402
from trino_tui.tui.widgets.grid import ResultGrid  # noqa: E402

Shot = Callable[[TrinoTuiApp, object], Awaitable[None]]
NORMAL = dict(worker_pace=0.0, storage_latency=0.0, initial_segment_size=1024 * 1024,
              max_segment_size=4 * 1024 * 1024)


async def until(pilot, cond, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not cond():
        if loop.time() > deadline:
            raise TimeoutError("screenshot scenario timed out")
        await pilot.pause(0.02)


async def run_to_finish(app: TrinoTuiApp, pilot) -> None:
    """Run the statement under the cursor and wait until it finished (notifications cleared)."""
    await pilot.press("ctrl+j")
    await until(pilot, lambda: app.query_status == "finished")
    app.clear_notifications()


async def shot_results(app: TrinoTuiApp, pilot) -> None:
    await run_to_finish(app, pilot)
    app.query_one(ResultGrid).focus()
    await pilot.press("down", "down", "right", "right")


async def shot_pipeline(app: TrinoTuiApp, pilot) -> None:
    """Mid-query with segments in flight; taken when the grid title, the status bar and the panel
    agree (same row count, a non-zero rate), then the sandbox is frozen so nothing moves."""
    app.sandbox_for_shots.configure(worker_pace=0.15, storage_latency=0.25, initial_segment_size=128 * 1024,
                                    max_segment_size=128 * 1024)
    try:
        await pilot.press("f2", "ctrl+j")
        grid = app.query_one(ResultGrid)

        def in_flight() -> bool:
            snap = app.query_one("#pipeline").snapshot
            busy = snap is not None and any(s.state.value in ("downloading", "queued") for s in snap.segments)
            rows = len(app.store) if app.store is not None else 0
            return (busy and rows > 0 and snap.elapsed > 2.0 and snap.rows_per_s > 0
                    and snap.rows_delivered == rows and f"{rows:,} rows" in str(grid.border_title))

        await until(pilot, in_flight)
        app.sandbox_for_shots.configure(worker_pace=60.0, storage_latency=60.0)  # frozen until take() resets it
        while True:  # until what was in flight when frozen has landed and the title caught up
            await until(pilot, in_flight)
            rows = len(app.store)
            await pilot.pause(0.5)
            if len(app.store) == rows and in_flight():
                break
    except BaseException:
        app.sandbox_for_shots.configure(**NORMAL)
        raise


async def shot_error(app: TrinoTuiApp, pilot) -> None:
    editor = app.query_one(SqlEditor)
    editor.text = "-- the cursor jumps to the error\nSELECT orderkey, totalprice,\n       orderpriority, nope\nFROM orders\n"
    editor.move_cursor((1, 0))
    await pilot.press("ctrl+j")
    await until(pilot, lambda: app.query_status == "failed")


async def shot_export(app: TrinoTuiApp, pilot) -> None:
    await run_to_finish(app, pilot)
    await pilot.press("f4")
    await pilot.pause(0.2)


async def shot_palette(app: TrinoTuiApp, pilot) -> None:
    await pilot.press("ctrl+p")
    await pilot.press(*"export")
    await pilot.pause(0.3)


async def shot_light_theme(app: TrinoTuiApp, pilot) -> None:
    app.theme = "trino-light"
    await shot_results(app, pilot)


async def idle(pilot, app: TrinoTuiApp) -> None:
    """Until the exploration's background metadata loads are done."""
    for _ in range(4):
        await pilot.pause()
        conn = app.workspace._conn
        if conn is not None:
            conn.pool.wait_idle(10)
    await pilot.pause(0.1)


async def shot_browser(app: TrinoTuiApp, pilot) -> None:
    from trino_tui.tui.widgets.catalog_tree import CatalogBrowser

    await pilot.press("ctrl+b")
    await idle(pilot, app)
    tree = app.query_one(CatalogBrowser).tree

    def child(node, name):
        return next(c for c in node.children if c.data.meta and c.data.meta.name == name)

    node = tree.root
    for name in ("tpch", "tiny", "lineitem"):
        node = child(node, name)
        node.expand()
        await idle(pilot, app)
    tree.move_cursor(node)
    tree.focus()


async def shot_completion(app: TrinoTuiApp, pilot) -> None:
    editor = app.query_one(SqlEditor)
    editor.text = ""
    editor.focus()
    await pilot.press(*"SELECT l.", "l", "i")
    editor.text = ""
    await pilot.press(*"SELECT * FROM tpch.tiny.lineitem l WHERE l.", "s", "h")
    await idle(pilot, app)


async def shot_history(app: TrinoTuiApp, pilot) -> None:
    await run_to_finish(app, pilot)
    await pilot.press("ctrl+r")
    await pilot.pause(0.3)


async def shot_details(app: TrinoTuiApp, pilot) -> None:
    await run_to_finish(app, pilot)
    await pilot.press("ctrl+g")
    await pilot.pause(0.5)


async def shot_plan(app: TrinoTuiApp, pilot) -> None:
    from textual.widgets import Tree

    editor = app.query_one(SqlEditor)
    editor.text = "SELECT returnflag, count(*) FROM lineitem WHERE shipdate > DATE '1998-01-01' GROUP BY returnflag"
    editor.move_cursor((0, 0))
    await pilot.press("ctrl+l")
    await until(pilot, lambda: any(len(t.root.children) for t in app.screen.query(Tree)))
    await pilot.pause(0.3)


SHOTS: dict[str, Shot] = {
    "results": shot_results,
    "pipeline": shot_pipeline,
    "error": shot_error,
    "export-dialog": shot_export,
    "command-palette": shot_palette,
    "theme-light": shot_light_theme,
    "browser": shot_browser,
    "completion": shot_completion,
    "history": shot_history,
    "query-details": shot_details,
    "plan": shot_plan,
}
EXPLORE = {"browser", "completion", "history", "query-details", "plan"}


async def take(name: str, shot: Shot, sandbox: Sandbox, out: Path, size: tuple[int, int]) -> None:
    settings = resolve({}, env={}, overrides={"server": sandbox.url, "user": "demo", "catalog": "tpch",
                                              "schema": "tiny"})
    workspace = None
    if name in EXPLORE:  # the exploration tools need a workspace (kept in a throw-away state dir)
        import tempfile

        from trino_tui.explore.workspace import Workspace
        from trino_tui.tui.explore_actions import default_metadata_runner
        workspace = Workspace(default_metadata_runner, state_dir=Path(tempfile.mkdtemp(prefix="shots-")))
    app = TrinoTuiApp(settings, initial_sql=SANDBOX_SQL, clipboard=MemoryClipboard(), workspace=workspace)
    app.animation_level = "none"
    app.sandbox_for_shots = sandbox  # type: ignore[attr-defined]
    async with app.run_test(size=size) as pilot:
        app.query_one(SqlEditor).cursor_blink = False
        await shot(app, pilot)
        await pilot.pause(0.1)
        app.save_screenshot(filename=f"{name}.svg", path=str(out))
        sandbox.configure(**NORMAL)  # a shot may have slowed or frozen it
    print(f"wrote {out / (name + '.svg')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--size", default="160x50")
    parser.add_argument("--only", nargs="*", choices=sorted(SHOTS))
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with Sandbox(SandboxConfig(port=0)) as sandbox:
        for name in args.only or SHOTS:
            asyncio.run(take(name, SHOTS[name], sandbox, out, (width, height)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
