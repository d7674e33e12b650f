#!/usr/bin/env python3
"""Screenshots for the operator's guide: the live pipeline panel with its verdict, and a replay.

Usage: .venv/bin/python scripts/insight_screenshots.py [--out screenshots]

1. insight-panel.svg: the real client streams from the sandbox (50 ms storage latency, small
   segments); the panel and the status bar are fed the SAME snapshot (rows in grid = rows
   delivered), so every figure on the screen agrees.
2. insight-replay.svg: the same kind of query recorded with the trace writer and stopped after
   a third of its rows, then replayed to its end (stop status, provenance summary).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402

from trino_tui.client import ClientConfig  # noqa: E402
from trino_tui.insight.cli import load_trace  # noqa: E402
from trino_tui.insight.tracing import TracedClient  # noqa: E402
from trino_tui.sandbox import Sandbox, SandboxConfig  # noqa: E402
from trino_tui.tui.screens.replay import ReplayApp  # noqa: E402
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel  # noqa: E402
from trino_tui.tui.widgets.status_bar import QueryStatusBar  # noqa: E402

SQL = "select l.* from lineitem l cross join region r"
SIZE = (150, 46)
KNOBS = dict(storage_latency=0.05, initial_segment_size=256 * 1024, max_segment_size=256 * 1024,
             max_segments_per_response=2)


class Host(App):
    def __init__(self, coordinator: str) -> None:
        super().__init__()
        self.coordinator = coordinator

    def compose(self) -> ComposeResult:
        yield PipelinePanel(coordinator_host=self.coordinator)
        yield QueryStatusBar()


async def live_panel(box: Sandbox, out: Path) -> None:
    coordinator = box.url.split("://", 1)[1]
    config = ClientConfig(server=box.url, user="guide", catalog="tpch", schema="tiny", downloaders=3)
    from trino_tui.client import TrinoClient

    client = TrinoClient(config)
    query = client.execute(SQL)
    done = threading.Event()

    def consume() -> None:
        for batch in query.batches():
            batch.wire_rows()
        done.set()

    threading.Thread(target=consume, daemon=True).start()
    app = Host(coordinator)
    async with app.run_test(size=SIZE) as pilot:
        panel, bar = app.query_one(PipelinePanel), app.query_one(QueryStatusBar)
        shot = None
        while not done.is_set():
            snap = query.snapshot()
            panel.update_snapshot(snap)
            bar.update_snapshot(snap, rows_in_grid=snap.rows_delivered, status="streaming")
            await pilot.pause(0.05)
            if shot is None and snap.rows_delivered > 80_000 and snap.rows_per_s > 0 and panel.verdict:
                panel.select_segment(max(0, snap.segments_total // 3))
                await pilot.pause(0.05)
                app.save_screenshot(str(out / "insight-panel.svg"))
                shot = snap
        print("insight-panel.svg:", "saved" if shot else "NOT saved (query too fast)")
    query.close()
    client.close()


async def replay(box: Sandbox, out: Path) -> None:
    coordinator = box.url.split("://", 1)[1]
    config = ClientConfig(server=box.url, user="guide", catalog="tpch", schema="tiny", downloaders=3)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "stopped.trace")
        with TracedClient(config, path) as client:
            query = client.execute(SQL)
            rows = 0
            for batch in query.batches():
                rows += batch.row_count
                if rows > 100_000:
                    query.stop()
            query.close()
        trace = load_trace(path)
    app = ReplayApp(trace.snapshots, source="stopped.trace", outcome=trace.end["outcome"],
                    coordinator_host=coordinator, autoplay=False, paused=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        app.save_screenshot(str(out / "insight-replay.svg"))
    print("insight-replay.svg: saved,", len(trace.snapshots), "snapshots,", trace.end)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(exist_ok=True)
    with Sandbox(SandboxConfig(host="127.0.0.1", port=0, **KNOBS)) as box:
        await live_panel(box, out)
        await replay(box, out)


if __name__ == "__main__":
    asyncio.run(main())
