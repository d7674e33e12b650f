"""The pipeline panel inside the real app (sandbox, real client): a stop reads as a stop, a
grid row shows its segment, Enter on a segment moves the grid, --trace records the session."""

from __future__ import annotations

import asyncio

from tests.tui.conftest import make_settings
from tests.tui.test_app_pilot import wait_until
from trino_tui.insight.cli import load_trace
from trino_tui.tui.app import TrinoTuiApp
from trino_tui.tui.clipboard import MemoryClipboard
from trino_tui.tui.widgets.grid import ResultGrid
from trino_tui.tui.widgets.pipeline_header import PipelineHeader
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.pipeline_segment_map import PipelineSegmentMap
from trino_tui.tui.widgets.status_bar import QueryStatusBar

SQL = "SELECT * FROM lineitem"


def _app(settings) -> TrinoTuiApp:
    app = TrinoTuiApp(settings, initial_sql=SQL, clipboard=MemoryClipboard())
    app.animation_level = "none"
    return app


def test_stop_provenance_jump_and_trace_in_the_app(sandbox, tmp_path):
    trace = tmp_path / "tui.trace"
    settings = make_settings(sandbox.url, catalog="tpch", schema="tiny", trace=str(trace))
    sandbox.configure(worker_pace=0.2, initial_segment_size=128 * 1024, max_segment_size=128 * 1024)

    async def scenario():
        app = _app(settings)
        async with app.run_test(size=(150, 48)) as pilot:
            await pilot.press("f2")
            panel = app.query_one(PipelinePanel)
            await pilot.press("ctrl+j")
            grid = app.query_one(ResultGrid)
            await wait_until(pilot, lambda: panel.provenance.rows > 2_000, timeout=30,
                             what="rows from a few segments")
            await pilot.press("f3")  # stop, keep rows
            await wait_until(pilot, lambda: app.query_status == "stopped", timeout=30, what="stopped")
            await pilot.pause()
            status = app.query_one(PipelineHeader).status
            assert status.startswith("stopped by you") and "never fetched" in status
            assert "FAILED" not in status and panel.outcome == "stopped"
            bar = app.query_one(QueryStatusBar).parts
            assert bar["status"] == "● stopped" and "FAILED" not in " ".join(bar.values())
            # a grid row selects the segment that delivered it
            grid.cursor = (1_500, 0)
            await pilot.pause()
            origin = panel.row_origin(1_500)
            assert origin is not None and origin.first <= 1_500 <= origin.last
            assert app.query_one(PipelineSegmentMap).cursor_index == origin.segment
            # Enter on the next segment moves the grid to its first row
            nxt = origin.segment + 1
            app.query_one(PipelineSegmentMap).focus()
            await pilot.press("right", "enter")
            await pilot.pause()
            assert grid.cursor[0] == panel.first_row_of(nxt) > 1_500
        app.close_all()

    try:
        asyncio.run(scenario())
    finally:
        sandbox.configure(worker_pace=0.0, initial_segment_size=1024 * 1024,
                          max_segment_size=4 * 1024 * 1024)
    recorded = load_trace(str(trace))
    assert recorded.statements == [SQL] and recorded.end["outcome"] == "stopped"
    assert recorded.snapshots and recorded.http
