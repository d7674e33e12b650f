"""A real sandbox query recorded with --trace, then replayed: the panel at the end of the
replay shows what the live panel showed at the end of the query."""

from __future__ import annotations

import pytest

from tests.tui.pipeline_host import PanelHost
from tests.tui.test_pipeline_panel_replay import SIZE, _state
from trino_tui.client import ClientConfig
from trino_tui.insight.cli import load_trace
from trino_tui.insight.tracing import TracedClient
from trino_tui.sandbox import Sandbox, SandboxConfig
from trino_tui.tui.screens.replay import ReplayApp
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_recorded_then_replayed_ends_in_the_live_panel_state(tmp_path):
    path = tmp_path / "lineitem.trace"
    with Sandbox(SandboxConfig(host="127.0.0.1", port=0, initial_segment_size=256 * 1024,
                               max_segment_size=256 * 1024)) as box:
        coordinator = box.url.split("://", 1)[1]
        config = ClientConfig(server=box.url, user="t", catalog="tpch", schema="tiny")
        live_snaps = []
        with TracedClient(config, str(path)) as client:
            query = client.execute("select * from lineitem")
            for _batch in query.batches():
                live_snaps.append(query.snapshot())
            query.close()
            live_snaps.append(query.snapshot())
            outcome = query.outcome
    live = PanelHost()
    async with live.run_test(size=SIZE) as pilot:
        panel = live.query_one(PipelinePanel)
        panel.coordinator_host = coordinator
        for snap in live_snaps:
            panel.update_snapshot(snap)
        panel.set_outcome(outcome)
        await pilot.pause()
        expected = _state(panel, live)
    trace = load_trace(str(path))
    assert trace.end["outcome"] == outcome == "finished" and trace.end["rows"] == 60_175
    assert trace.snapshots[-1].segments_total == live_snaps[-1].segments_total > 5
    app = ReplayApp(trace.snapshots, source=str(path), outcome=trace.end["outcome"],
                    coordinator_host=coordinator, autoplay=False, paused=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert _state(app.panel, app) == expected
