"""Progress lines and the reporter: formatting from snapshots, redraw throttle, erase, thread life."""

from __future__ import annotations

import io
import threading
from dataclasses import replace

from trino_tui.client import PipelineSnapshot, RetryEvent, SegmentSnapshot, SegmentState
from trino_tui.headless.progress import ProgressReporter, progress_bar, render_progress, render_summary


def seg(i: int, state: SegmentState, kind: str = "spooled") -> SegmentSnapshot:
    return SegmentSnapshot(
        index=i, kind=kind, row_offset=i * 10, rows=10, state=state, segment_size=100, uncompressed_size=None,
        url_host=None, hops=(), headers=(), worker=None, queued_at=0.0, download_start=None, download_end=None,
        decode_start=None, decode_end=None, delivered_at=None, acked_at=None, retries=0, error=None,
        expires_at=None, ack_error=None,
    )


def snap(**kw) -> PipelineSnapshot:
    base = dict(
        query_id="20261121_000000_00001_abcde", server_state="RUNNING",
        server_stats={"nodes": 3, "totalSplits": 12, "processedRows": 1_200_000, "processedBytes": 150 * 2**20,
                      "scheduled": True, "progressPercentage": 40.0, "runningPercentage": 10.0},
        encoding="json+zstd", protocol="spooled", started_at=0.0, now=3.0, elapsed=3.0,
        rows_delivered=900_000, bytes_downloaded=30 * 2**20, bytes_decompressed=0, pages_fetched=5,
        segments_total=40, segments_inline=2, segments_spooled=38, segments_acked=10, ack_failures=0, retries=0,
        stages=(), segments=tuple(seg(i, SegmentState.ACKED) for i in range(10)) + tuple(
            seg(i, SegmentState.DELIVERED) for i in range(10, 12)) + (seg(12, SegmentState.DOWNLOADING),),
        rows_per_s=400_000.0, bytes_per_s=50 * 2**20, finished=False, error=None,
    )
    base.update(kw)
    return PipelineSnapshot(**base)


def test_progress_bar() -> None:
    assert progress_bar(10, 40, 10) == "[====>     ]"
    assert progress_bar(4, 150, 0) == "[====]"


def test_render_progress_trino_cli_lines_plus_spooling() -> None:
    lines = render_progress(snap(), width=120)
    assert lines[0] == "Query 20261121_000000_00001_abcde, RUNNING, 3 nodes, 12 splits"
    assert lines[1].startswith("3.0s [1.20M rows, 150 MB] [400K rows/s, 50.0 MB/s] [")
    assert lines[1].endswith("] 40%") and "=>" in lines[1]
    assert lines[2] == "segments 12/40 (inline 2, spooled 38) acked 10, encoding json+zstd"
    assert lines[3] == "client 900K rows, 400K rows/s, 30.0 MB downloaded, 50.0 MB/s"


def test_render_progress_shows_a_pending_retry() -> None:
    retry = RetryEvent(phase="submit", attempt=1, delay=2.0, budget_left=98.0, reason="connection reset", at=2.5)
    first = render_progress(snap(query_id="", server_state="QUEUED", retry=retry, now=3.0), width=200)[0]
    assert first == "Query ?, QUEUED, 3 nodes, 12 splits, retrying in 2 s (98 s left)"
    assert "retrying" not in render_progress(snap(), width=200)[0]


def test_render_progress_direct_queued_and_narrow() -> None:
    s = snap(protocol="direct", encoding=None, server_state="QUEUED", server_stats={"nodes": 1}, pages_fetched=7)
    lines = render_progress(s, width=40)
    assert lines[0] == "Query 20261121_000000_00001_abcde, QUEUED, 1 node, 0 splits"[:40]
    assert "%" not in lines[1]  # no bar before the query is scheduled
    assert lines[2] == "direct protocol, 7 pages"
    assert all(len(line) <= 40 for line in lines)
    assert render_progress(replace(s, protocol="pending"), width=200)[2].startswith("client ")


def test_summary_line() -> None:
    text = render_summary(snap(elapsed=2.0, rows_delivered=60175, finished=True), state="FINISHED")
    assert text.startswith("Query 20261121_000000_00001_abcde FINISHED: 60,175 rows in 2.00s (30.1K rows/s)")
    assert "segments 40 (inline 2, spooled 38, acked 10), encoding json+zstd" in text


class FakeQuery:
    def __init__(self) -> None:
        self.calls = 0

    def snapshot(self) -> PipelineSnapshot:
        self.calls += 1
        return snap()


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_reporter_throttles_redraws_and_erases_on_a_terminal() -> None:
    out, clock, q = io.StringIO(), Clock(), FakeQuery()
    rep = ProgressReporter(out, tty=True, clock=clock)
    assert rep.tick() is False  # nothing attached
    rep.attach(q)
    assert rep.tick() is True
    clock.t += 0.3
    assert rep.tick() is False and q.calls == 1  # at most every 0.5 s
    clock.t += 0.2
    assert rep.tick() is True
    text = out.getvalue()
    assert text.count("Query 20261121") == 2
    assert "\x1b[4F\x1b[J" in text  # the second draw replaced the four lines of the first
    rep.message("an error line")
    assert out.getvalue().endswith("\x1b[4F\x1b[Jan error line\n")
    rep.detach()
    assert rep.tick(force=True) is False


def test_reporter_off_a_terminal_appends_one_line_per_draw() -> None:
    out = io.StringIO()
    rep = ProgressReporter(out, tty=False, clock=Clock())
    rep.attach(FakeQuery())
    rep.tick()
    assert "\x1b" not in out.getvalue()
    assert out.getvalue().count("\n") == 1 and " | segments 12/40" in out.getvalue()


def test_disabled_reporter_draws_nothing_but_passes_messages() -> None:
    out = io.StringIO()
    rep = ProgressReporter(out, tty=True, enabled=False).start()
    rep.attach(FakeQuery())
    assert rep.tick(force=True) is False
    rep.message("x")
    rep.close()
    assert out.getvalue() == "x\n"


def test_reporter_thread_draws_and_is_joined_on_close() -> None:
    drawn = threading.Event()

    class Signalling(FakeQuery):
        def snapshot(self) -> PipelineSnapshot:
            drawn.set()
            return super().snapshot()

    out = io.StringIO()
    rep = ProgressReporter(out, tty=True, interval=0.01).start()
    rep.attach(Signalling())
    assert drawn.wait(5)
    rep.close()
    assert not any(t.name == "headless-progress" for t in threading.enumerate())
    assert out.getvalue().endswith("\x1b[J")  # status erased on close
