"""Pure helpers behind the pipeline panel: retrieval mode, timings, worker intervals, layouts."""

from __future__ import annotations

from dataclasses import replace

from tests.tui import fake_snapshots as fs
from trino_tui.tui.widgets.pipeline_facts import (
    MODE_COORDINATOR_PROXY,
    MODE_DIRECT,
    MODE_INLINE,
    MODE_REDIRECT,
    MODE_WORKER_PROXY,
    retrieval_mode,
    redacted_headers,
    segment_route,
    segment_timings,
    worker_intervals,
    worker_sort_key,
)
from trino_tui.tui.widgets.pipeline_header import header_facts
from trino_tui.tui.widgets.pipeline_segment_map import compute_layout
from trino_tui.tui.widgets.pipeline_stages import ordered_stages, state_class
from trino_tui.tui.widgets.pipeline_timeline import DONE_GLYPH, RUNNING_GLYPH, timeline_rows
from trino_tui.tui.widgets.pipeline_facts import Interval

S = fs.SegmentState


def _with_hops(snap, hops_for_index):
    segs = tuple(replace(s, hops=hops_for_index(s.index), url_host=hops_for_index(s.index)[-1])
                 if s.kind == "spooled" else s for s in snap.segments)
    return replace(snap, segments=segs)


def test_retrieval_mode_variants():
    snap = fs.mid_query_snapshot()
    assert retrieval_mode(snap) == f"{MODE_DIRECT} + {MODE_REDIRECT}"
    storage_only = _with_hops(snap, lambda i: (fs.STORAGE,))
    assert retrieval_mode(storage_only) == MODE_DIRECT
    proxied = _with_hops(snap, lambda i: (f"http://{fs.COORDINATOR}/v1/spooled/download/x",))
    assert retrieval_mode(proxied, fs.COORDINATOR) == MODE_COORDINATOR_PROXY
    assert retrieval_mode(proxied) == MODE_DIRECT  # unknown coordinator: indistinguishable
    workers = _with_hops(snap, lambda i: (fs.COORDINATOR, f"127.0.0.1:{9001 + i % 3}"))
    assert retrieval_mode(workers, fs.COORDINATOR) == MODE_WORKER_PROXY
    one_worker = _with_hops(snap, lambda i: (fs.COORDINATOR, "127.0.0.1:9001"))
    assert retrieval_mode(one_worker, fs.COORDINATOR) == MODE_REDIRECT  # indistinguishable
    several_storage_hosts = _with_hops(snap, lambda i: (f"bucket-{i % 2}.s3.example.com",))
    assert retrieval_mode(several_storage_hosts) == MODE_DIRECT
    inline_only = replace(snap, segments=snap.segments[:2])
    assert retrieval_mode(inline_only) == MODE_INLINE
    assert retrieval_mode(fs.pending_snapshot()) == "–"
    assert retrieval_mode(fs.direct_snapshot()) == "direct protocol"


def test_segment_route_single_segment():
    seg = fs.make_segment(1, S.ACKED)
    assert segment_route(seg) == MODE_REDIRECT
    assert segment_route(fs.make_segment(0, S.ACKED, kind="inline")) == MODE_INLINE
    assert segment_route(fs.make_segment(2, S.ACKED, hops=(fs.COORDINATOR,)), fs.COORDINATOR) == \
        MODE_COORDINATOR_PROXY


def test_headers_are_always_redacted():
    headers = (("x-amz-server-side-encryption-customer-key", fs.SECRET_HEADER_VALUE), ("a", "b"))
    assert redacted_headers(headers) == [("x-amz-server-side-encryption-customer-key", "***"),
                                         ("a", "***")]


def test_timings_of_finished_and_running_segments():
    done = fs.make_segment(3, S.ACKED)
    labels = [(t.label, round(t.seconds, 3)) for t in segment_timings(done, now=done.acked_at + 9)]
    assert labels == [("queued", 0.35), ("download", 0.35), ("decode", 0.35), ("deliver", 0.35),
                      ("ack", 0.35)]
    running = fs.make_segment(3, S.DOWNLOADING, now=fs.START + 100)
    timings = {t.label: t.seconds for t in segment_timings(running, now=running.download_start + 2)}
    assert round(timings["download"], 3) == 2.0  # counts up to now
    assert timings["decode"] is None and timings["ack"] is None


def test_worker_intervals_attribute_work_to_threads():
    segs = (fs.make_segment(0, S.DOWNLOADING), fs.make_segment(1, S.DECODED))
    intervals = worker_intervals(segs, since=0.0)
    assert [(i.worker, i.kind, i.segment, i.end is None) for i in intervals] == [
        ("download-0", "download", 0, True),
        ("", "download", 1, False),  # last thread was a decoder: downloader not seen
        ("decode-1", "decode", 1, False),
    ]
    assert worker_intervals(segs, since=fs.START + 1000) == [intervals[0]]  # only running work
    failed = fs.make_segment(2, S.FAILED)
    [mark] = worker_intervals((failed,), since=0.0)
    assert mark.end == mark.start  # a failed download is not drawn as running forever
    names = ["decode-10", "download-other", "decode-2", "download-1"]
    assert sorted(names, key=worker_sort_key) == ["download-1", "download-other",
                                                  "decode-2", "decode-10"]


def test_unseen_threads_are_placed_on_idle_threads_of_their_pool():
    from trino_tui.tui.widgets.pipeline_facts import place_on_threads, pool_sizes, thread_names

    known = [Interval("download-1", "download", 0, 0.0, 5.0),
             Interval("download-2", "download", 1, 0.0, 2.0)]
    unseen = [Interval("", "download", 2, 1.0, 3.0),   # download-1 and -2 busy: goes to -3
              Interval("", "download", 3, 3.0, 4.0),   # download-2 idle again by then
              Interval("", "decode", 2, 3.0, None),    # running: busy up to now
              Interval("", "download", 4, 1.5, 2.5)]   # all three threads busy: unattributed
    placed = place_on_threads(known + unseen, {"download": 3, "decode": 1}, now=10.0)
    by_segment = {(i.kind, i.segment): i.worker for i in placed}
    assert by_segment == {("download", 0): "download-1", ("download", 1): "download-2",
                          ("download", 2): "download-3", ("download", 3): "download-2",
                          ("decode", 2): "decode-1",
                          ("download", 4): "download-other"}
    assert thread_names("decode", 3, seen=["decode-0", "download-7"]) == \
        ["decode-0", "decode-1", "decode-2"]  # numbering seen is kept, then filled up
    assert pool_sizes(fs.mid_query_snapshot().stages) == {"download": 5, "decode": 3}


def test_timeline_rows_map_intervals_to_columns():
    intervals = [Interval("download-0", "download", 0, 90.0, 95.0),
                 Interval("decode-0", "decode", 0, 98.0, None),
                 Interval("download-1", "download", 1, 10.0, 20.0)]  # before the window
    rows = timeline_rows(intervals, now=100.0, window=10.0, columns=10)
    assert list(rows) == ["download-0", "download-1", "decode-0"]
    assert [g for g, _ in rows["download-0"]] == [DONE_GLYPH] * 5 + ["·"] * 5
    assert [g for g, _ in rows["decode-0"]] == ["·"] * 8 + [RUNNING_GLYPH] * 2
    assert all(kind is None for _, kind in rows["download-1"])
    idle = timeline_rows([], now=100.0, window=10.0, columns=4, workers=["decode-1", "download-2"])
    assert idle == {"download-2": [("·", None)] * 4, "decode-1": [("·", None)] * 4}


def test_compute_layout_spacing_dense_and_summary():
    spaced = compute_layout(60, width=70, height=10, legend_lines=3)
    assert (spaced.cell_width, spaced.per_row, spaced.total_rows, spaced.summary) == (2, 35, 2, False)
    dense = compute_layout(400, width=70, height=10, legend_lines=3)
    assert (dense.cell_width, dense.per_row, dense.total_rows, dense.summary) == (1, 70, 6, False)
    overflow = compute_layout(3000, width=70, height=10, legend_lines=3)
    assert overflow.summary and overflow.grid_rows == 6 and overflow.total_rows == 43
    assert compute_layout(0, width=70, height=10, legend_lines=3).total_rows == 0


def test_stage_helpers():
    snap = fs.mid_query_snapshot()
    reversed_stages = tuple(reversed(snap.stages))
    assert [s.name for s in ordered_stages(reversed_stages)] == [s.name for s in snap.stages]
    assert state_class("RUNNING") == "running" and state_class("failed") == "failed"
    assert state_class("mystery") == "label" and state_class("") == "label"
    # the states the client's stages report
    assert [state_class(s) for s in ("idle", "downloading", "decoding", "reordering",
                                     "waiting for slot", "done")] == \
        ["waiting", "running", "running", "running", "waiting", "finished"]


def test_header_facts_of_finished_query():
    facts = dict(header_facts(fs.finished_snapshot()))
    assert facts["segments"] == "24/24 acked (1 inline, 23 spooled)"
    assert facts["encoding"] == "json+lz4"
    assert facts["bytes"] == "1.29 MB → 5.21 MB (4.0×)"


def test_ledger_fills_unseen_segments_and_finishes_vanished_ones():
    from trino_tui.tui.widgets.pipeline_ledger import SegmentLedger

    full = fs.mid_query_snapshot()
    ledger = SegmentLedger()
    # Opened mid-query: the client's snapshot lists only segments 40.. (active + recent).
    recent = replace(full, segments=full.segments[40:])
    changes = ledger.update(recent)
    assert ledger.total == 60
    assert [changes[i] for i in (0, 39)] == [(None, "done"), (None, "done")]
    assert changes[44] == ("spooled", "failed") and changes[43] == ("spooled", "retried")
    assert changes[41] == ("spooled", "downloading")
    assert ledger.update(recent) == {}  # nothing new: nothing changed
    # Segment 59 (queued) vanished from the next snapshot: it finished unobserved.
    changes = ledger.update(replace(full, segments=full.segments[40:59]))
    assert changes == {59: ("spooled", "done")}
    assert ledger.get(59).state is S.QUEUED  # the last details seen are kept


def test_ledger_remembers_download_worker_for_the_timeline():
    from trino_tui.tui.widgets.pipeline_ledger import SegmentLedger

    ledger = SegmentLedger()
    downloading = fs.make_segment(0, S.DOWNLOADING)
    snap = replace(fs.pending_snapshot(), segments=(downloading,), segments_total=1)
    ledger.update(snap)
    decoded = fs.make_segment(0, S.DECODED)
    ledger.update(replace(snap, segments=(decoded,)))
    assert ledger.worker_for(0, "download") == "download-0"
    intervals = worker_intervals((decoded,), since=0.0, attribution=ledger.worker_for)
    assert [(i.worker, i.kind) for i in intervals] == [("download-0", "download"), ("decode-0", "decode")]


def test_retries_of_the_same_host_are_not_a_redirect_and_retrying_segments_show_retried():
    from trino_tui.tui.widgets.pipeline_facts import display_state

    seg = fs.make_segment(2, S.DOWNLOADING, hops=(fs.STORAGE, fs.STORAGE, fs.STORAGE), retries=2)
    assert segment_route(seg) == MODE_DIRECT
    assert display_state(seg) == "retried"
    assert display_state(replace(seg, state=S.DECODED)) == "decoded"


def test_retrieval_mode_ignores_in_flight_downloads_that_have_not_redirected_yet():
    snap = fs.mid_query_snapshot()
    redirected = _with_hops(snap, lambda i: (fs.COORDINATOR, fs.STORAGE))
    in_flight = tuple(replace(s, hops=(fs.COORDINATOR,)) if s.state is S.DOWNLOADING else s
                      for s in redirected.segments)
    assert retrieval_mode(replace(redirected, segments=in_flight), fs.COORDINATOR) == MODE_REDIRECT


def test_header_bytes_without_decompression_show_no_ratio():
    assert dict(header_facts(fs.direct_snapshot()))["bytes"] == "500 kB"
    assert dict(header_facts(fs.pending_snapshot()))["bytes"] == "0 B"
    assert dict(header_facts(fs.mid_query_snapshot()))["bytes"] == "2.01 MB → 6.61 MB (3.3×)"


def test_host_of_never_shows_credentials_paths_or_signatures():
    from trino_tui.tui.widgets.pipeline_facts import host_of

    assert host_of("https://user:secret@bucket.s3.example.com:443/seg?X-Amz-Signature=abc") == \
        "bucket.s3.example.com:443"
    assert host_of("user@host:9000") == "host:9000"
    assert host_of("127.0.0.1:8080") == "127.0.0.1:8080"


def test_scrub_urls_removes_signatures_and_user_info():
    from trino_tui.tui.widgets.pipeline_facts import scrub_urls

    text = ("HTTP 403 from https://u:p@bucket.s3.example.com/seg/1.json+zstd?X-Amz-Signature=abc&"
            "X-Amz-Credential=KEY; retry http://127.0.0.1:8080/v1/spooled/download/x?token=t")
    assert scrub_urls(text) == ("HTTP 403 from https://bucket.s3.example.com/seg/1.json+zstd; retry "
                                "http://127.0.0.1:8080/v1/spooled/download/x")
    assert scrub_urls("no urls here") == "no urls here"
