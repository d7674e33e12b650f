"""End-to-end: trino-tui's client against the embedded sandbox (fake engine: numbers_<N>)."""

from __future__ import annotations

import threading
import time

import pytest

from trino_tui.client import (
    QueryCancelled, QueryFailed, SegmentCorrupt, SegmentError, SegmentExpired, SegmentState,
)

from .conftest import client_for

N = 20_000
SQL = f"SELECT * FROM numbers_{N}"


def keys(query) -> list[int]:
    return [row[0] for b in query.batches() for row in b.wire_rows()]


@pytest.mark.parametrize("mode", ["STORAGE", "COORDINATOR_STORAGE_REDIRECT", "COORDINATOR_PROXY", "WORKER_PROXY"])
@pytest.mark.parametrize("encoding", ["json+zstd", "json+lz4", "json"])
def test_encodings_and_retrieval_modes(sandbox, mode, encoding):
    sandbox.configure(retrieval_mode=mode)
    with client_for(sandbox, encoding=(encoding,)) as c, c.execute(SQL) as q:
        assert keys(q) == list(range(N))
        snap = q.snapshot()
    assert q.encoding == encoding and snap.protocol == "spooled" and snap.segments_spooled >= 3
    assert snap.segments_acked == snap.segments_spooled and snap.ack_failures == 0
    hops = {s.hops for s in snap.segments if s.kind == "spooled"}
    assert all(len(h) == (2 if mode in ("COORDINATOR_STORAGE_REDIRECT", "WORKER_PROXY") else 1) for h in hops)
    assert sandbox.wait_segments(lambda sb: not sb.live_segments(), timeout=5)


def test_direct_protocol_matches(sandbox):
    with client_for(sandbox, encoding=()) as c, c.execute(SQL) as q:
        direct = [row for b in q.batches() for row in b.wire_rows()]
        assert q.encoding is None and q.snapshot().protocol == "direct"
    with client_for(sandbox) as c, c.execute(SQL) as q:
        spooled = [row for b in q.batches() for row in b.wire_rows()]
    assert spooled == direct and len(direct) == N


def test_503_bursts_on_segments_and_polls(sandbox):
    sandbox.configure(fault_segment_503=0.4, fault_poll_503=0.3, retrieval_mode="COORDINATOR_STORAGE_REDIRECT")
    with client_for(sandbox) as c, c.execute(SQL) as q:
        assert keys(q) == list(range(N))
        snap = q.snapshot()
    assert snap.retries > 0 and any(s.retries for s in snap.segments)
    assert sandbox.wait_segments(lambda sb: not sb.live_segments(), timeout=5)


@pytest.mark.parametrize("knobs, exc", [
    (dict(fault_corrupt=1.0), SegmentCorrupt),
    (dict(fault_truncate=1.0), SegmentCorrupt),
    (dict(fault_expire_after=0.0), SegmentExpired),
])
def test_bad_segments_raise_typed_errors_never_fewer_rows(sandbox, knobs, exc):
    sandbox.configure(**knobs)
    got: list[int] = []
    with client_for(sandbox) as c, c.execute(SQL) as q:
        with pytest.raises(exc) as info:
            for b in q.batches():
                got.extend(r[0] for r in b.wire_rows())
        snap = q.snapshot()
    assert "\n" not in str(info.value) and isinstance(info.value, SegmentError)
    assert got == list(range(len(got))) and len(got) < N  # a prefix, then the error
    assert snap.error


def test_no_auth_or_trino_headers_reach_storage(sandbox):
    sandbox.storage_log.clear()
    sandbox.configure(retrieval_mode="WORKER_PROXY")
    with client_for(sandbox, extra_headers={"Authorization": "Bearer tok-SECRET", "X-Trino-Extra-Credential": "a=b",
                                                                       "X-Custom-Header": "c"}) as c:
        with c.execute(SQL) as q:
            assert len(keys(q)) == N
    records = list(sandbox.storage_log)
    assert records and any(r.listener.startswith("worker") for r in records)
    for r in records:
        assert "authorization" not in r.headers
        assert not any(h.startswith("x-trino-") for h in r.headers), r.headers
        assert "x-custom-header" not in r.headers
        assert r.headers.get("accept-encoding") == "identity"
        assert "user-agent" not in r.headers


def test_out_of_order_completion_is_reordered(sandbox):
    sandbox.configure(segment_latency={2: 0.4})
    with client_for(sandbox, max_out_of_order=8) as c, c.execute(SQL) as q:
        assert keys(q) == list(range(N))
        segs = {s.index: s for s in q.snapshot().segments}
    assert segs[2].kind == "spooled"
    later = [s for i, s in segs.items() if i > 2 and s.kind == "spooled" and s.download_end is not None]
    assert any(s.download_end < segs[2].download_end for s in later)
    assert all(s.delivered_at >= segs[2].delivered_at for s in later)


def test_cancel_mid_stream_stops_threads_and_acks_downloaded(sandbox):
    sandbox.configure(storage_latency=0.05)
    before = set(threading.enumerate())
    with client_for(sandbox, max_out_of_order=3) as c:
        q = c.execute("SELECT * FROM numbers_200000")
        it = q.batches()
        while next(it).row_offset < 1000:  # past the inline segments: downloads are under way
            pass
        q.cancel()
        with pytest.raises(QueryCancelled):
            for _ in it:
                pass
        q.close()
        deadline = time.monotonic() + 1.0  # every pipeline thread ends within a second of cancel
        for t in q._pipeline.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        assert not q._pipeline.alive_threads()
        snap = q.snapshot()
    ours = ("trino-", "download-", "decode-")  # sandbox request threads live in this process too
    leaked = [t for t in threading.enumerate() if t not in before and t.name.startswith(ours)]
    assert not leaked, leaked
    downloaded = [s for s in snap.segments if s.download_start is not None]
    assert downloaded and all(s.acked_at is not None for s in downloaded)
    live = {seg.index for seg in sandbox.live_segments() if seg.query_id == q.query_id}
    assert not live & {s.index for s in downloaded}


def test_stop_keeps_rows_so_far(sandbox):
    with client_for(sandbox, max_out_of_order=2) as c, c.execute("SELECT * FROM numbers_200000") as q:
        got: list[int] = []
        for b in q.batches():
            got.extend(r[0] for r in b.wire_rows())
            if len(got) > 1000:
                q.stop()
        assert q.outcome == "stopped"
    assert got == list(range(len(got))) and len(got) < 200_000


def test_query_failure_with_location(sandbox):
    with client_for(sandbox) as c, c.execute("SELECT syntax error") as q:
        with pytest.raises(QueryFailed) as info:
            q.wait_columns(10)
    assert (info.value.error_name, info.value.line, info.value.column) == ("SYNTAX_ERROR", 1, 8)


def test_failure_mid_stream_after_rows(sandbox):
    got: list[int] = []
    with client_for(sandbox) as c, c.execute(f"SELECT * FROM failing_{N}") as q:
        with pytest.raises(QueryFailed, match="Division by zero"):
            for b in q.batches():
                got.extend(r[0] for r in b.wire_rows())
    assert got == list(range(len(got))) and len(got) <= N // 2


def test_use_and_set_session_persist(sandbox):
    with client_for(sandbox) as c:
        with c.execute("USE tpch.tiny") as q:
            assert list(q.batches()) == [] and q.wait_columns(5) == [] and q.update_type == "USE"
        with c.execute("SET SESSION query_max_run_time = '1h'") as q:
            list(q.batches())
        assert (c.session.catalog, c.session.schema) == ("tpch", "tiny")
        assert c.session.properties.get("query_max_run_time") == "1h"
        with c.execute(SQL) as q:
            list(q.batches())
    _, ctx = sandbox.engine.executed[-1]
    assert "tpch" in repr(ctx) and "query_max_run_time" in repr(ctx)


def test_network_logging_redacts_secrets(sandbox):
    lines: list[str] = []
    sandbox.configure(retrieval_mode="COORDINATOR_STORAGE_REDIRECT")
    with client_for(sandbox, network_logging="BODY", network_log=lines.append,
                    extra_headers={"Authorization": "Bearer tok-SECRET",
                                   "X-Trino-Extra-Credential": "cred=hidden-value"}) as c:
        with c.execute(SQL) as q:
            keys(q)
    text = "\n".join(lines)
    assert "[coordinator] --> POST" in text and "[storage] --> GET" in text and "[storage] <-- 303" in text
    assert "tok-SECRET" not in text and "hidden-value" not in text
    assert "x-amz-server-side-encryption-customer-key: ***" in text.lower() or "customer-key" not in text.lower()


def test_snapshot_tracks_segment_lifecycle(sandbox):
    with client_for(sandbox) as c, c.execute(SQL) as q:
        keys(q)
        snap = q.snapshot()
    assert snap.finished and snap.rows_delivered == N and snap.bytes_downloaded > 0
    assert snap.segments_total == snap.segments_inline + snap.segments_spooled
    for s in snap.segments:
        if s.kind == "spooled":
            assert s.state is SegmentState.ACKED and s.download_start <= s.download_end <= s.decode_end
            assert s.worker and s.url_host and s.expires_at


@pytest.mark.parametrize("mode", ["STORAGE", "COORDINATOR_STORAGE_REDIRECT", "COORDINATOR_PROXY", "WORKER_PROXY"])
@pytest.mark.parametrize("encoding", ["json+zstd", "json+lz4", "json"])
def test_fault_mix_every_row_once_in_order(sandbox, mode, encoding):
    sandbox.configure(retrieval_mode=mode, fault_segment_503=0.3, fault_poll_503=0.2,
                      segment_latency={3: 0.1})
    with client_for(sandbox, encoding=(encoding,)) as c, c.execute(SQL) as q:
        assert keys(q) == list(range(N))
        snap = q.snapshot()
    assert snap.retries > 0 and snap.segments_acked == snap.segments_spooled
    assert sandbox.wait_segments(lambda sb: not sb.live_segments(), timeout=5)


def _started_names(q) -> set[str]:
    return {t.name.rstrip("0123456789") for t in q._pipeline.threads} | (
        {"trino-ack"} if q._pipeline.acker.thread.ident is not None else set())


def test_a_small_inline_answer_starts_no_downloader_and_no_acker(sandbox):
    with client_for(sandbox) as c, c.execute("SELECT * FROM numbers_3") as q:
        assert [r[0] for b in q.batches() for r in b.wire_rows()] == [0, 1, 2]
        q.close()
        snap = q.snapshot()
        assert snap.segments_spooled == 0 and not q._pipeline.alive_threads()
        assert _started_names(q) == {"trino-fetcher", "trino-dispatcher", "decode-"}
        assert {s.name: s.state for s in snap.stages}["downloaders"] == "done"  # nothing to do is done


def test_the_first_spooled_segment_starts_the_downloaders_and_the_acker(sandbox):
    with client_for(sandbox, downloaders=3) as c, c.execute(SQL) as q:
        assert keys(q) == list(range(N))
        q.close()
        snap = q.snapshot()
        assert snap.segments_spooled >= 3 and snap.segments_acked == snap.segments_spooled
        assert _started_names(q) == {"trino-fetcher", "trino-dispatcher", "decode-", "download-", "trino-ack"}
        assert sum(t.name.startswith("download-") for t in q._pipeline.threads) == 3
        assert not q._pipeline.alive_threads()
