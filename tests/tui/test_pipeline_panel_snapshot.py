"""SVG snapshot of the pipeline panel (plus status bar) mid-query, at a fixed size.

Deterministic: fake snapshots with a fixed clock, a fixed rate history, a fixed selection.
Update with ``pytest tests/tui/test_pipeline_panel_snapshot.py --snapshot-update`` after an
intended visual change, and review the SVG diff.
"""

from __future__ import annotations

from tests.tui import fake_snapshots as fs
from tests.tui.pipeline_host import PanelWithStatusHost
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.status_bar import QueryStatusBar


def test_pipeline_panel_mid_query_snapshot(snap_compare):
    app = PanelWithStatusHost()

    async def feed(pilot):
        panel = app.query_one(PipelinePanel)
        series = fs.rate_series(60)
        for snap in series:
            panel.update_snapshot(snap)
        app.query_one(QueryStatusBar).update_snapshot(series[-1], rows_in_grid=25_240,
                                                      status="streaming")
        await pilot.pause()
        panel.select_segment(6)  # the segment whose header value must be redacted
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 42), run_before=feed)


def test_pipeline_panel_narrow_many_segments_snapshot(snap_compare):
    app = PanelWithStatusHost(snapshot=fs.many_segments_snapshot(3000))
    assert snap_compare(app, terminal_size=(80, 30), press=["end"])
