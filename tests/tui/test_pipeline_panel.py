"""Pilot tests of the pipeline panel fed by deterministic fake snapshots."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.geometry import Region

from tests.tui import fake_snapshots as fs
from tests.tui.pipeline_host import PanelHost, screen_text
from trino_tui.tui.widgets.pipeline_facts import display_state
from trino_tui.tui.widgets.pipeline_header import PipelineHeader
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.pipeline_segment_detail import PipelineSegmentDetail
from trino_tui.tui.widgets.pipeline_segment_map import PipelineSegmentMap
from trino_tui.tui.widgets.pipeline_stages import PipelineStages
from trino_tui.tui.widgets.pipeline_throughput import PipelineThroughput
from trino_tui.tui.widgets.pipeline_timeline import PipelineTimeline

SIZE = (120, 40)

pytestmark = pytest.mark.anyio


def _cells(segment_map: PipelineSegmentMap, y: int) -> list:
    """(glyph, style) of every drawn cell on map line *y* (runs of cells split up)."""
    return [(ch, seg.style) for seg in segment_map.render_line(y) for ch in seg.text if ch != " "]


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_stage_boxes_show_counts_and_queue_arrows():
    app = PanelHost(snapshot=fs.mid_query_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for name in ("fetcher", "dispatcher", "downloaders", "decoders", "finalizer"):
            assert f"─ {name} ─" in text
        assert "│ ■■■■■ 5/5 busy  │" in text  # downloaders: one cell per thread
        assert "│ busy 1/1        │" in text  # a single thread: no bar
        assert "│ done 35 err 1   │" in text
        assert "│─15──▶│" in text  # dispatcher's input queue between fetcher and dispatcher
        assert "● waiting" in text  # finalizer state
        long_state = replace(snap_stages := fs.mid_query_snapshot(), stages=tuple(
            replace(st, state="waiting for slot") if st.name == "dispatcher" else st
            for st in snap_stages.stages))
        app.query_one(PipelinePanel).update_snapshot(long_state)
        await pilot.pause()
        assert "│ waiting for sl… │" in screen_text(app)  # no bullet, then an ellipsis
        stages = app.query_one(PipelineStages).stages
        assert [s.name for s in stages] == ["fetcher", "dispatcher", "downloaders", "decoders",
                                            "finalizer"]


async def test_header_facts():
    app = PanelHost(snapshot=fs.mid_query_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        facts = app.query_one(PipelineHeader).facts
        assert facts["encoding"] == "json+zstd"
        assert facts["retrieval"] == "direct storage + coordinator redirect"
        assert facts["segments"] == "24/60 acked (2 inline, 58 spooled)"
        assert facts["ack failures"] == "1" and facts["retries"] == "5"
        assert "encoding json+zstd" in screen_text(app)


async def test_segment_map_cells_follow_states_and_colours():
    snap = fs.mid_query_snapshot()
    app = PanelHost(snapshot=snap)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        segment_map = app.query_one(PipelineSegmentMap)
        assert segment_map.cell_states == [display_state(s) for s in snap.segments]
        assert "retried" in segment_map.cell_states
        text = screen_text(app)
        assert "acked 24" in text and "failed 1" in text and "downloading 5" in text
        legend_lines = len(segment_map._legend_lines())
        cells = _cells(segment_map, legend_lines) + _cells(segment_map, legend_lines + 1)
        assert len(cells) == len(snap.segments)
        assert [glyph for glyph, _style in cells[:3]] == ["◆", "◆", "■"]  # inline, then spooled
        for (_glyph, style), seg in zip(cells, snap.segments):
            expected = segment_map.get_component_rich_style(f"segment-map--{display_state(seg)}",
                                                            partial=True)
            assert style.color == expected.color, seg.index
        acked = segment_map.get_component_rich_style("segment-map--acked", partial=True).color
        queued = segment_map.get_component_rich_style("segment-map--queued", partial=True).color
        assert acked != queued


async def test_keyboard_selection_shows_detail_with_redacted_headers():
    app = PanelHost(snapshot=fs.mid_query_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        segment_map = app.query_one(PipelineSegmentMap)
        segment_map.focus()
        await pilot.press(*["right"] * 7)  # first press selects segment 0
        await pilot.pause()
        assert app.selected == list(range(7))
        assert app.query_one(PipelinePanel).selected_index == 6
        detail = app.query_one(PipelineSegmentDetail)
        assert detail.segment is not None and detail.segment.index == 6
        text = screen_text(app)
        assert "segment 6 · spooled · acked" in text
        assert "r-key: ***" in text or "customer-key: ***" in text
        assert "AES256" not in text
        assert fs.SECRET_HEADER_VALUE not in text
        assert "expires 2026-11-21T06:43:00.5" in text
        assert "ack: HTTP 500" not in text  # that is segment 5's ack error


async def test_failed_segment_detail_shows_error_retries_and_route():
    app = PanelHost(snapshot=fs.mid_query_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(PipelinePanel)
        failed = next(s for s in fs.mid_query_snapshot().segments if s.state.value == "failed")
        panel.select_segment(failed.index)
        await pilot.pause()
        text = screen_text(app)
        assert f"segment {failed.index} · spooled · failed" in text
        assert "HTTP 410 Gone" in text
        assert "retries 3" in text
        redirect = next(s for s in fs.mid_query_snapshot().segments if len(s.hops) == 2)
        panel.select_segment(redirect.index)
        await pilot.pause()
        text = screen_text(app)
        assert "route   coordinator redirect" in text
        assert f"hops    {fs.COORDINATOR} →" in text  # the storage host wraps to the next line


async def test_click_selects_segment():
    app = PanelHost(snapshot=fs.mid_query_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        segment_map = app.query_one(PipelineSegmentMap)
        legend_lines = len(segment_map._legend_lines())
        gutter = segment_map.styles.gutter  # border + padding
        # Second row, fourth cell: cells are two columns wide while everything fits.
        layout = segment_map._layout(60)
        x = gutter.left + 3 * layout.cell_width
        y = gutter.top + legend_lines + 1
        assert await pilot.click(PipelineSegmentMap, offset=(x, y))
        await pilot.pause()
        expected = layout.per_row + 3
        assert app.selected == [expected]
        assert await pilot.hover(PipelineSegmentMap, offset=(x, y))
        await pilot.pause()
        state = display_state(fs.mid_query_snapshot().segments[expected])
        assert segment_map.tooltip == f"segment {expected} · spooled · {state} (click for details)"
        assert await pilot.hover(PipelineSegmentMap, offset=(x, y + 8))  # below the cells
        assert segment_map.tooltip is None
        assert app.query_one(PipelineSegmentDetail).segment.index == expected
        assert segment_map.has_focus


async def test_thousands_of_segments_wrap_scroll_and_show_a_count():
    snap = fs.many_segments_snapshot(3000)
    app = PanelHost(snapshot=snap)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        segment_map = app.query_one(PipelineSegmentMap)
        layout = segment_map._layout(3000)
        assert layout.cell_width == 1 and layout.summary
        text = screen_text(app)
        shown = layout.grid_rows * layout.per_row
        # No cursor: the window follows the first segment in flight (1503: decoded), one row above.
        first = (1503 // layout.per_row - 1) * layout.per_row
        assert f"segments {first + 1}–{first + shown} of 3000 (+{3000 - shown:,} more" in text
        segment_map.focus()
        await pilot.press("end")
        await pilot.pause()
        assert app.selected == [2999]
        assert "of 3000 (+" in screen_text(app)
        assert segment_map._top_row == layout.total_rows - layout.grid_rows


async def test_update_refreshes_only_changed_rows():
    snap = fs.mid_query_snapshot()
    app = PanelHost(snapshot=snap)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        segment_map = app.query_one(PipelineSegmentMap)
        layout = segment_map._layout(len(snap.segments))
        regions: list[Region] = []
        original = segment_map.refresh

        def spy(*regions_given, **kwargs):
            regions.extend(regions_given)
            return original(*regions_given, **kwargs)

        segment_map.refresh = spy
        segment_map.update_segments(snap.segments)  # unchanged: nothing refreshed
        assert regions == []
        last = snap.segments[-1]
        changed = snap.segments[:-1] + (replace(last, state=fs.SegmentState.DOWNLOADING),)
        segment_map.update_segments(changed)
        last_row_y = layout.legend_lines + (len(changed) - 1) // layout.per_row
        grid_rows_refreshed = {r.y for r in regions if r.y >= layout.legend_lines}
        assert grid_rows_refreshed == {last_row_y}


async def test_sparkline_history_is_bounded_and_deduplicated():
    app = PanelHost(history=5)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(PipelinePanel)
        series = fs.rate_series(12)
        for snap in series:
            panel.update_snapshot(snap)
            panel.update_snapshot(snap)  # the same snapshot twice adds one sample
        await pilot.pause()
        throughput = app.query_one(PipelineThroughput)
        assert list(throughput.rows_history) == [s.rows_per_s for s in series[-5:]]
        assert list(throughput.bytes_history) == [s.bytes_per_s for s in series[-5:]]
        assert app.query_one("#rows-spark").data == [s.rows_per_s for s in series[-5:]]


async def test_timeline_rows_per_worker():
    app = PanelHost(snapshot=fs.mid_query_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        timeline = app.query_one(PipelineTimeline)
        # work whose thread was never seen sits on an idle thread of its pool: no "download-?"
        assert timeline.worker_names == ["download-0", "download-1", "download-2", "download-3",
                                         "download-4", "decode-0", "decode-1", "decode-2"]
        text = screen_text(app)
        assert "-?" not in text and "-other" not in text
        assert "download-0     " in text and "decode-2       " in text
        assert "-10s" in text and "now" in text
        later = fs.mid_query_snapshot(now=fs.START + 500)  # everything left the window
        app.query_one(PipelinePanel).update_snapshot(replace(later, segments=later.segments[:2]))
        await pilot.pause()
        assert "download-0" in timeline.worker_names  # idle workers keep their row


async def test_none_clears_and_new_query_resets_selection_and_history():
    app = PanelHost(snapshot=fs.mid_query_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(PipelinePanel)
        panel.select_segment(3)
        await pilot.pause()
        assert panel.selected_index == 3
        panel.update_snapshot(None)
        await pilot.pause()
        assert panel.selected_index is None
        assert "no query running" in screen_text(app)
        assert app.query_one(PipelineSegmentMap).cell_states == []
        panel.update_snapshot(fs.finished_snapshot())
        await pilot.pause()
        assert app.query_one(PipelineThroughput).rows_history.maxlen == 120
        assert len(app.query_one(PipelineThroughput).rows_history) == 1
        assert app.query_one(PipelineSegmentDetail).segment is None


async def test_pending_and_direct_protocol_snapshots_render():
    app = PanelHost(snapshot=fs.pending_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "protocol pending" in screen_text(app)
        app.query_one(PipelinePanel).update_snapshot(fs.direct_snapshot())
        await pilot.pause()
        text = screen_text(app)
        assert "retrieval direct protocol" in text
        assert "no segment downloads or decodes" in text
        assert "segments · none: direct protocol" in text


async def test_failed_query_shows_error_line():
    app = PanelHost(snapshot=fs.failed_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "✗ Query failed: SegmentExpired: segment 53" in screen_text(app)


async def test_narrow_panel_stacks_boxes_and_uses_compact_stages():
    app = PanelHost(snapshot=fs.mid_query_snapshot())
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        panel = app.query_one(PipelinePanel)
        assert panel.has_class("-narrow")
        text = screen_text(app)
        assert "downloaders running  5/5 q3 ✓35 ✗1" in text
        assert "╭─ segments" in text


async def test_colours_follow_the_theme():
    app = PanelHost(snapshot=fs.mid_query_snapshot())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        segment_map = app.query_one(PipelineSegmentMap)
        before = segment_map.get_component_rich_style("segment-map--acked", partial=True).color
        app.theme = "gruvbox" if app.theme != "gruvbox" else "nord"
        await pilot.pause()
        after = segment_map.get_component_rich_style("segment-map--acked", partial=True).color
        assert before != after
        legend_lines = len(segment_map._legend_lines())
        _glyph, first_style = _cells(segment_map, legend_lines)[0]
        assert first_style.color == after  # segment 0 is acked; drawn with the new theme


async def test_opened_mid_query_marks_unseen_segments_done():
    full = fs.mid_query_snapshot()
    recent = replace(full, segments=full.segments[40:])  # the client lists only recent segments
    app = PanelHost(snapshot=recent)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        segment_map = app.query_one(PipelineSegmentMap)
        states = segment_map.cell_states
        assert states[:40] == ["done"] * 40
        assert states[40:] == [display_state(s) for s in full.segments[40:]]
        assert "done 40" in screen_text(app)
        app.query_one(PipelinePanel).select_segment(3)
        await pilot.pause()
        assert "segment 3 finished before the panel" in screen_text(app)


async def test_snapshot_given_before_mount_is_shown_on_mount():
    from textual.app import App

    class LateHost(App):
        def compose(self):
            panel = PipelinePanel()
            panel.update_snapshot(fs.mid_query_snapshot())
            yield panel

    app = LateHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(app.query_one(PipelineSegmentMap).cell_states) == 60
        assert "■■■■■ 5/5 busy" in screen_text(app)
