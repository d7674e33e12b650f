"""Panel polish: rate units, stop vs cancel vs failure, settled stages, singular/plural rows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.tui import fake_snapshots as fs
from tests.tui.pipeline_host import PanelHost, screen_text
from trino_tui.tui.widgets.pipeline_facts import (
    query_outcome,
    rows_text,
    settled_stages,
    status_line,
)
from trino_tui.tui.widgets.pipeline_header import PipelineHeader
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.pipeline_stages import PipelineStages

SIZE = (120, 40)
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _stopped(snap=None):
    """The mid-query snapshot after the user ended it: the server reports FAILED (USER_CANCELED)
    and the finalizer, which runs in the consumer's thread, still says "running"."""
    snap = snap or fs.mid_query_snapshot()
    stages = tuple(replace(s, state="running", busy=1) if s.name == "finalizer" else s
                   for s in snap.stages)
    return replace(snap, server_state="FAILED", finished=True, stages=stages,
                   error="Query was cancelled")


def test_rows_text_singular_and_plural():
    assert rows_text(1) == "1 row"
    assert rows_text(0) == "0 rows" and rows_text(53_748) == "53,748 rows"


def test_status_line_tells_stop_from_cancel_and_never_says_failed_for_either():
    snap = _stopped()
    stopped, tone_s = status_line(snap, "stopped")
    cancelled, tone_c = status_line(snap, "cancelled")
    assert stopped != cancelled and (tone_s, tone_c) == ("stopped", "cancelled")
    assert stopped.startswith("stopped by you") and "kept" in stopped
    assert cancelled.startswith("cancelled by you")
    for text in (stopped, cancelled):
        assert "FAILED" not in text.upper().replace("CANCELLED", "")
    assert status_line(replace(snap, rows_delivered=1), "stopped")[0].count("1 row ") == 1
    assert status_line(fs.finished_snapshot(), "finished")[1] == "finished"
    assert status_line(fs.mid_query_snapshot(), None)[0] == \
        "streaming · 25,240 rows so far · server running"
    assert status_line(fs.pending_snapshot(), None)[0] == "queued · 0 rows so far"


def test_query_outcome_sources():
    snap = _stopped()
    assert query_outcome(snap, "stopped") == "stopped"  # the caller knows best
    assert query_outcome(snap) == "failed"  # a finished snapshot with an error, nothing else known
    assert query_outcome(fs.finished_snapshot()) == "finished"
    assert query_outcome(fs.mid_query_snapshot()) is None
    assert query_outcome(None) is None


def test_settled_stages_after_stop_are_not_running():
    stages = _stopped().stages
    for outcome, expected in (("stopped", "stopped"), ("cancelled", "cancelled"),
                              ("finished", "done"), ("failed", "stopped")):
        settled = {s.name: s for s in settled_stages(stages, outcome)}
        assert settled["finalizer"].state == expected and settled["finalizer"].busy == 0
        assert settled["dispatcher"].queue_depth == (15 if outcome == "failed" else 0)
    assert settled_stages(stages, None) == tuple(stages)  # running: untouched


async def test_panel_after_stop_and_after_cancel():
    app = PanelHost(snapshot=fs.mid_query_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(PipelinePanel)
        await pilot.pause()
        assert app.query_one(PipelineHeader).status.startswith("streaming ·")
        panel.update_snapshot(_stopped(), outcome="stopped")
        await pilot.pause()
        text = screen_text(app)
        assert "stopped by you" in text and "FAILED" not in text
        assert "Query was cancelled" not in text  # no error line for a user's stop
        finalizer = next(s for s in app.query_one(PipelineStages).stages if s.name == "finalizer")
        assert finalizer.state == "stopped"
        assert "● running" not in text
        panel.update_snapshot(_stopped())  # later snapshots keep the outcome the app told
        await pilot.pause()
        assert panel.outcome == "stopped"
        # a new query (new start time), then a cancel
        fresh = replace(fs.mid_query_snapshot(), started_at=fs.START + 100)
        panel.update_snapshot(fresh)
        assert panel.outcome is None
        panel.update_snapshot(_stopped(fresh))
        panel.set_outcome("cancelled")
        await pilot.pause()
        text = screen_text(app)
        assert "cancelled by you" in text and "stopped by you" not in text and "FAILED" not in text


async def test_failed_query_keeps_its_error_line():
    app = PanelHost(snapshot=fs.failed_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "● failed after" in text and "✗ Query failed: SegmentExpired" in text


async def test_throughput_labels_are_rates():
    app = PanelHost(snapshot=fs.mid_query_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert str(app.query_one("#bytes-value").render()) == "3.40 MB/s"
        assert str(app.query_one("#rows-value").render()) == "18.2K/s"


def test_status_bar_says_cancelled_on_server_not_failed_after_stop_or_cancel():
    from trino_tui.tui.widgets.status_bar import status_parts

    snap = _stopped()
    for status in ("stopped", "cancelled"):
        parts = {p.key: p.text for p in status_parts(snap, rows_in_grid=1, status=status)}
        assert parts["status"] == f"● {status}"
        assert parts["state"] == "cancelled on server"
        assert parts["grid"] == "1 row in grid"
    failed = {p.key: p.text for p in status_parts(snap, rows_in_grid=2, status="failed")}
    assert failed["state"] == "FAILED" and failed["grid"] == "2 rows in grid"
    one = {p.key: p.text for p in status_parts(replace(snap, rows_delivered=1), rows_in_grid=0,
                                               status="stopped")}
    assert one["received"].startswith("received 1 row ")
