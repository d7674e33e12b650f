"""The panel's provenance: a grid row selects its segment, Enter on a segment asks the grid to
jump to its first row, a stopped result says which rows came from which segments."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.tui import fake_snapshots as fs
from tests.tui.pipeline_host import PanelHost, screen_text
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.pipeline_segment_detail import PipelineSegmentDetail
from trino_tui.tui.widgets.pipeline_segment_map import PipelineSegmentMap

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


@pytest.fixture
def anyio_backend():
    return "asyncio"


class JumpHost(PanelHost):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.jumps: list[tuple[int, int]] = []

    def on_pipeline_panel_jump_to_row(self, message: PipelinePanel.JumpToRow) -> None:
        self.jumps.append((message.row, message.segment))


async def test_grid_row_selects_its_segment_and_enter_jumps_to_a_first_row():
    snap = fs.mid_query_snapshot()
    app = JumpHost(snapshot=snap)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(PipelinePanel)
        await pilot.pause()
        origin = panel.show_row(4_300)  # segment 6 holds rows 4,240–5,239 and is acked
        await pilot.pause()
        assert origin.segment == 6 and origin.first == 4_240
        assert app.query_one(PipelineSegmentMap).cursor_index == 6
        assert app.query_one(PipelineSegmentDetail).segment.index == 6
        assert panel.row_origin(50_000) is None  # not delivered yet
        app.query_one(PipelineSegmentMap).focus()
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.jumps == [(panel.first_row_of(7), 7)] and app.jumps[0][0] == 5_240


async def test_stopped_result_says_rows_from_segments_and_never_fetched():
    snap = fs.mid_query_snapshot()
    app = PanelHost(snapshot=snap)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(PipelinePanel)
        stopped = replace(snap, finished=True, server_state="FAILED")
        panel.update_snapshot(stopped, outcome="stopped")
        await pilot.pause()
        text = screen_text(app)
        # delivered/acked: inline 0–1 and spooled 2–26 → rows 0–25,239; queued ones never fetched
        assert "rows 0–25,239 from segments 0–26; 15 never fetched" in text
        panel.update_snapshot(replace(stopped, protocol="direct", segments=()), outcome="finished")
        await pilot.pause()
        assert "never fetched" not in screen_text(app)
