"""QueryStatusBar: Trino-CLI-style facts, priorities when narrow, Pilot rendering."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.tui import fake_snapshots as fs
from tests.tui.pipeline_host import StatusHost, screen_text
from trino_tui.core.formatting import human_bytes
from trino_tui.tui.widgets.status_bar import QueryStatusBar, StatusPart, fit_parts, received_bytes, status_parts

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def test_parts_of_a_running_query():
    parts = {p.key: p.text for p in status_parts(fs.mid_query_snapshot(), rows_in_grid=25_240,
                                                 status="streaming")}
    assert parts == {
        "status": "● streaming",
        "query": fs.QUERY_ID,
        "state": "RUNNING 62%",
        "splits": "splits 12 queued · 6 running · 30/48 done",
        "server": "server 37.6K rows 4.38 MB",
        "received": "received 25.2K rows 2.10 MB",  # 2.01 MB downloaded + the inline segments
        "rates": "18.2K rows/s 3.40 MB/s",
        "elapsed": "12.0s",
        "grid": "25,240 rows in grid",
    }


def test_finished_query_drops_rates_and_no_query_shows_status_and_grid_only():
    finished = {p.key for p in status_parts(fs.finished_snapshot(), rows_in_grid=1, status="finished")}
    assert "rates" not in finished and "elapsed" in finished
    idle = [p.text for p in status_parts(None, rows_in_grid=0, status="idle")]
    assert idle == ["● idle", "0 rows in grid"]


def test_pending_snapshot_without_stats_or_query_id():
    keys = [p.key for p in status_parts(fs.pending_snapshot(), rows_in_grid=0, status="streaming")]
    assert keys == ["status", "state", "received", "rates", "elapsed", "grid"]


def test_fit_drops_lowest_priority_first_and_keeps_order():
    parts = status_parts(fs.mid_query_snapshot(), rows_in_grid=25_240, status="streaming")
    kept = [p.key for p in fit_parts(parts, 71)]
    assert kept == ["status", "received", "elapsed", "grid"]  # exactly 71 columns
    assert [p.key for p in fit_parts(parts, 70)] == ["status", "elapsed", "grid"]
    assert [p.key for p in fit_parts(parts, 1000)] == [p.key for p in parts]
    tiny = [StatusPart("a", "x" * 50, "value", 0), StatusPart("b", "y", "value", 0)]
    assert [p.key for p in fit_parts(tiny, 10)] == ["a"]  # never drops the last part


async def test_status_bar_renders_and_updates():
    app = StatusHost()
    async with app.run_test(size=(220, 3)) as pilot:
        bar = app.query_one(QueryStatusBar)
        assert "● idle │ 0 rows in grid" in screen_text(app)
        bar.update_snapshot(fs.mid_query_snapshot(), rows_in_grid=25_240, status="streaming")
        await pilot.pause()
        text = screen_text(app)
        assert (f"● streaming │ {fs.QUERY_ID} │ RUNNING 62% │ splits 12 queued · 6 running · 30/48 done"
                in text)
        assert "received 25.2K rows 2.10 MB │ 18.2K rows/s 3.40 MB/s │ 12.0s │ 25,240 rows in grid" in text
        bar.update_snapshot(fs.failed_snapshot(), rows_in_grid=25_240, status="failed")
        await pilot.pause()
        assert bar.parts["status"] == "● failed"
        assert "FAILED" in screen_text(app)


async def test_status_colour_comes_from_the_theme():
    app = StatusHost()
    async with app.run_test(size=(120, 3)) as pilot:
        bar = app.query_one(QueryStatusBar)
        failed = bar.get_component_rich_style("status-bar--failed", partial=True).color
        finished = bar.get_component_rich_style("status-bar--finished", partial=True).color
        assert failed != finished
        bar.update_snapshot(fs.failed_snapshot(), rows_in_grid=0, status="failed")
        await pilot.pause()
        first = next(seg for seg in bar.render_line(0) if "failed" in seg.text)
        assert first.style.color == failed


async def test_narrow_bar_keeps_status_and_grid_rows():
    app = StatusHost()
    async with app.run_test(size=(50, 3)) as pilot:
        app.query_one(QueryStatusBar).update_snapshot(
            fs.mid_query_snapshot(), rows_in_grid=25_240, status="streaming")
        await pilot.pause()
        line = screen_text(app).splitlines()[0]
        assert line.startswith(" ● streaming │")
        assert "25,240 rows in grid" in line
        assert fs.QUERY_ID not in line


def test_a_pending_retry_is_shown_with_its_countdown_and_budget():
    from dataclasses import replace

    from trino_tui.client import RetryEvent

    now = fs.START + 10.0
    retry = RetryEvent(phase="submit", attempt=2, delay=2.5, budget_left=97.2, reason="HTTP 503", at=now - 0.5)
    snap = replace(fs.pending_snapshot(now=now), retry=retry)
    parts = status_parts(snap, rows_in_grid=0, status="streaming")
    assert {p.key: p.text for p in parts}["retry"] == "retrying in 2 s (97 s left)"
    # it is kept as long as the status itself when the bar is narrow
    assert [p.key for p in fit_parts(parts, 60)] == ["status", "retry", "grid"]
    assert "retry" not in {p.key for p in status_parts(fs.pending_snapshot(now=now), rows_in_grid=0,
                                                       status="streaming")}


def test_a_cancelled_query_does_not_look_like_it_still_runs():
    parts = {p.key: p.text for p in status_parts(fs.mid_query_snapshot(), rows_in_grid=10, status="cancelled")}
    assert parts["state"] == "RUNNING (last seen)"
    running = {p.key: p.text for p in status_parts(fs.mid_query_snapshot(), rows_in_grid=10, status="streaming")}
    assert running["state"] == "RUNNING 62%"


def test_received_bytes_count_inline_segments():
    """A result delivered inline downloads nothing: the bar counts the inline bytes, not "0 B"."""
    snap = fs.mid_query_snapshot()
    inline = [s for s in snap.segments if s.kind == "inline"]
    spooled_only = replace(snap, segments=tuple(s for s in snap.segments if s.kind != "inline"))
    assert received_bytes(spooled_only) == snap.bytes_downloaded
    assert received_bytes(snap) == snap.bytes_downloaded + sum(s.segment_size for s in inline)
    only_inline = replace(snap, segments=tuple(inline), bytes_downloaded=0, rows_delivered=2)
    text = {p.key: p.text for p in status_parts(only_inline, rows_in_grid=2, status="finished")}["received"]
    assert text == f"received 2 rows {human_bytes(sum(s.segment_size for s in inline))}"
    assert not text.endswith(" 0 B")


async def test_counters_repaint_at_most_every_interval_but_a_status_change_at_once():
    now = [100.0]
    app = StatusHost()
    async with app.run_test(size=(220, 3)) as pilot:
        bar = app.query_one(QueryStatusBar)
        bar.clock = lambda: now[0]
        timers: list = []
        bar.set_timer = lambda delay, callback: timers.append((delay, callback))  # no real waiting
        snap = fs.mid_query_snapshot()
        bar.update_snapshot(snap, rows_in_grid=1, status="streaming")   # status change: at once
        painted = bar.repaints
        for rows in range(2, 12):   # ten counter updates within one interval: one deferred repaint
            now[0] += bar.INTERVAL / 20
            bar.update_snapshot(snap, rows_in_grid=rows, status="streaming")
        assert bar.repaints == painted and bar.parts["grid"] == "11 rows in grid"
        assert len(timers) == 1 and timers[0][0] == pytest.approx(bar.INTERVAL * 19 / 20)
        now[0] += bar.INTERVAL
        timers[0][1]()   # the deferred repaint's timer fires
        await pilot.pause()
        assert bar.repaints == painted + 1
        assert "11 rows in grid" in screen_text(app)
        bar.update_snapshot(fs.finished_snapshot(), rows_in_grid=11, status="finished")
        assert bar.repaints == painted + 2   # a new status never waits
