"""The panel against real snapshots: the real client streaming from the sandbox (127.0.0.1:0).

The retrieval mode the panel derives from hops must match the sandbox's configured mode, and a
Pilot run must render a real snapshot (stage names/states and segment states of the client).
"""

from __future__ import annotations

import pytest

from tests.tui.pipeline_host import PanelHost, screen_text
from trino_tui.tui.widgets.pipeline_facts import (
    MODE_COORDINATOR_PROXY,
    MODE_DIRECT,
    MODE_REDIRECT,
    MODE_WORKER_PROXY,
)
from trino_tui.tui.widgets.pipeline_ledger import SegmentLedger
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.pipeline_segment_map import PipelineSegmentMap

SMALL_SEGMENTS = {"initial_segment_size": 64 * 1024, "max_segment_size": 64 * 1024}


@pytest.fixture(scope="module")
def live_sandbox():
    sandbox_mod = pytest.importorskip("trino_tui.sandbox")
    sandbox = sandbox_mod.Sandbox(sandbox_mod.SandboxConfig(port=0, workers=3, **SMALL_SEGMENTS))
    sandbox.start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


def _stream(sandbox, sql: str = "select * from lineitem"):
    """Run *sql* to the end; return every snapshot taken after each batch, and the row count."""
    from trino_tui.client import ClientConfig, TrinoClient

    config = ClientConfig(server=sandbox.url, user="test", catalog="tpch", schema="tiny")
    snapshots, rows = [], 0
    with TrinoClient(config) as client, client.execute(sql) as query:
        for batch in query.batches():
            rows += batch.row_count
            snapshots.append(query.snapshot())
        snapshots.append(query.snapshot())
    return snapshots, rows


@pytest.mark.parametrize(("mode", "expected"), [
    ("STORAGE", MODE_DIRECT),
    ("COORDINATOR_STORAGE_REDIRECT", MODE_REDIRECT),
    ("COORDINATOR_PROXY", MODE_COORDINATOR_PROXY),
    ("WORKER_PROXY", MODE_WORKER_PROXY),
])
def test_observed_retrieval_mode_matches_the_server(live_sandbox, mode, expected):
    live_sandbox.configure(retrieval_mode=mode)
    coordinator = live_sandbox.url.split("://", 1)[1]
    snapshots, rows = _stream(live_sandbox)
    assert rows == 60_175
    ledger = SegmentLedger()
    for snap in snapshots:
        ledger.update(snap, coordinator)
    final = snapshots[-1]
    assert final.segments_spooled > 1
    assert ledger.retrieval_mode(final, coordinator) == expected
    assert ledger.total == final.segments_total
    assert ledger.cell(final.segments_total - 1)[1] in ("delivered", "acked")


async def test_panel_renders_a_real_snapshot(live_sandbox):
    live_sandbox.configure(retrieval_mode="STORAGE")
    snapshots, _rows = _stream(live_sandbox)
    app = PanelHost()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(PipelinePanel)
        for snap in snapshots:
            panel.update_snapshot(snap)
        await pilot.pause()
        final = snapshots[-1]
        states = app.query_one(PipelineSegmentMap).cell_states
        assert len(states) == final.segments_total
        assert set(states) <= {"delivered", "acked", "done"}
        text = screen_text(app)
        for name in ("fetcher", "dispatcher", "downloaders", "decoders", "finalizer"):
            assert f"─ {name} ─" in text
        assert f"segments {final.segments_acked}/{final.segments_total} acked" in text
        assert "encoding json+zstd" in text


@pytest.fixture
def anyio_backend():
    return "asyncio"


test_panel_renders_a_real_snapshot = pytest.mark.anyio(test_panel_renders_a_real_snapshot)
