"""`trino-tui replay`: a trace played in the pipeline panel — keys, the end state equal to the
live panel's, and an SVG snapshot of a deterministic trace at its end."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from tests.tui import fake_snapshots as fs
from tests.tui.pipeline_host import PanelHost
from trino_tui.insight.trace import TraceWriter, read_trace
from trino_tui.tui.screens.replay import ReplayApp
from trino_tui.tui.widgets.pipeline_header import PipelineHeader
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.pipeline_segment_map import PipelineSegmentMap
from trino_tui.tui.widgets.pipeline_stages import PipelineStages

pytestmark = pytest.mark.anyio
SIZE = (120, 42)


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _series():
    """A query from mid-flight to its end: rate samples, then every segment delivered and acked
    (same row offsets), stages finished."""
    mid = fs.mid_query_snapshot()
    now = fs.START + 16.0
    segs = tuple(fs.make_segment(s.index, fs.SegmentState.ACKED, kind=s.kind, rows=s.rows,
                                 row_offset=s.row_offset, now=now) for s in mid.segments)
    done = replace(fs.finished_snapshot(segments=60), now=now, elapsed=16.0, segments=segs,
                   rows_delivered=sum(s.rows for s in segs), segments_total=60,
                   segments_inline=2, segments_spooled=58, segments_acked=60)
    return fs.rate_series(40) + [done]


def _trace(series, outcome="finished"):
    out = io.StringIO()
    writer = TraceWriter(out, server=f"http://{fs.COORDINATOR}")
    writer.statement("select * from lineitem")
    for snap in series:
        writer.snapshot(snap)
    writer.end(outcome, series[-1].rows_delivered)
    return read_trace(out.getvalue().splitlines())


def _state(panel: PipelinePanel, app) -> tuple:
    return (app.query_one(PipelineHeader).facts, app.query_one(PipelineHeader).status,
            app.query_one(PipelineSegmentMap).cell_states,
            [(s.name, s.state, s.busy) for s in app.query_one(PipelineStages).stages])


async def test_replay_ends_in_the_same_panel_state_as_the_live_run():
    series = _series()
    live = PanelHost()
    async with live.run_test(size=SIZE) as pilot:
        panel = live.query_one(PipelinePanel)
        for snap in series:
            panel.update_snapshot(snap)
        panel.set_outcome("finished")
        await pilot.pause()
        expected = _state(panel, live)
    trace = _trace(series)
    app = ReplayApp(trace.snapshots, source="t.trace", outcome=trace.end["outcome"],
                    coordinator_host=fs.COORDINATOR, autoplay=False, paused=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert _state(app.panel, app) == expected
        assert "snapshot 41/41" in str(app.query_one("#replay-bar").render())


async def test_replay_keys_step_pause_and_speed():
    trace = _trace(_series())
    app = ReplayApp(trace.snapshots, source="t.trace", autoplay=False, paused=True)
    async with app.run_test(size=SIZE) as pilot:
        assert app.playback.position == 0
        await pilot.press("full_stop", "full_stop")
        assert app.playback.position == 2 and app.panel.snapshot is trace.snapshots[2]
        await pilot.press("comma")
        assert app.playback.position == 1
        await pilot.press("plus", "plus")
        assert app.playback.speed == 4.0
        await pilot.press("space")
        assert not app.playback.paused
        await pilot.press("space", "r")
        assert app.playback.position == 0 and app.playback.paused
        bar = str(app.query_one("#replay-bar").render())
        assert "×4" in bar and "paused" in bar


def test_replay_snapshot_at_the_end(snap_compare):
    trace = _trace(_series(), outcome="stopped")
    app = ReplayApp(trace.snapshots, source="lineitem.trace", outcome="stopped",
                    coordinator_host=fs.COORDINATOR, autoplay=False, paused=True)
    assert snap_compare(app, terminal_size=SIZE, press=["e"])
