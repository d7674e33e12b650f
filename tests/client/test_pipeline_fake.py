"""Pipeline behaviour against the in-process fake server (MockTransport, no sockets)."""

from __future__ import annotations

import gc
import threading
import time

import pytest

from trino_tui.client import (
    AuthenticationError, HttpError, QueryCancelled, QueryFailed, SegmentCorrupt, SegmentExpired, SegmentState,
)
from trino_tui.client.events import AckEvent, QueryEvent, SegmentEvent

from .fake_server import FakeTrino, fake_client, make_rows


def collect(q) -> list[list]:
    return [row for b in q.batches() for row in b.wire_rows()]


@pytest.mark.parametrize("encoding", ["json+zstd", "json+lz4", "json", None])
def test_every_row_once_in_order_and_acked(encoding):
    srv = FakeTrino(make_rows(2000), encoding=encoding, segment_rows=150)
    with fake_client(srv, encoding=(encoding,) if encoding else ()) as c:
        q = c.execute("SELECT *")
        assert [col.name for col in q.wait_columns(5)] == ["k", "s"]
        assert collect(q) == make_rows(2000)
        assert q.outcome == "finished" and q.encoding == encoding and q.query_id == "q1"
        snap = q.snapshot()
    assert snap.rows_delivered == 2000 and snap.protocol == ("spooled" if encoding else "direct")
    if encoding:
        spooled = set(range(1, len(srv.segments)))
        assert srv.acked == spooled and snap.segments_acked == len(spooled) and snap.ack_failures == 0
        assert snap.segments_inline == 1 and snap.segments_spooled == len(spooled)


def test_batches_carry_payload_and_offsets():
    srv = FakeTrino(make_rows(500), encoding="json+zstd", segment_rows=100)
    with fake_client(srv) as c:
        batches = list(c.execute("x").batches())
    assert [b.row_offset for b in batches] == [0, 100, 200, 300, 400]
    assert [b.segment for b in batches] == [0, 1, 2, 3, 4]
    assert all(b.payload and b.encoding == "json+zstd" and b.uncompressed_size for b in batches)


def test_out_of_order_completion_is_reordered():
    hold = threading.Event()
    srv = FakeTrino(make_rows(600), encoding="json", segment_rows=100, segments_per_page=6, hold={1: hold})
    events: list = []

    def listener(ev):
        events.append(ev)
        if isinstance(ev, SegmentEvent) and ev.index == 5 and ev.state is SegmentState.DOWNLOADED:
            hold.set()  # release segment 1 only after segment 5 was downloaded

    with fake_client(srv) as c:
        q = c.execute("x", listener=listener)
        assert collect(q) == make_rows(600)
        segs = {s.index: s for s in q.snapshot().segments}
    assert segs[5].download_end < segs[1].download_end
    assert srv.downloaded.index(5) < srv.downloaded.index(1)


def test_503_bursts_on_segments_and_polls_are_retried():
    srv = FakeTrino(make_rows(800), segment_rows=100, seg_503={2: 2, 5: 1}, poll_503=3)
    with fake_client(srv) as c:
        q = c.execute("x")
        assert collect(q) == make_rows(800)
        snap = q.snapshot()
    assert snap.retries >= 6
    assert {s.index: s.retries for s in snap.segments}[2] == 2


def test_redirect_resends_segment_headers_and_records_hops():
    srv = FakeTrino(make_rows(300), segment_rows=100, redirect=True)
    with fake_client(srv, access_token="tok", extra_headers={"X-Custom": "c"}) as c:
        q = c.execute("x")
        assert collect(q) == make_rows(300)
        seg = {s.index: s for s in q.snapshot().segments}[1]
    assert seg.hops == ("coord.test", "storage.test")
    assert dict(seg.headers)["x-amz-server-side-encryption-customer-key"] == "***"
    storage = [r for r in srv.requests if r.url.host == "storage.test" or "/v1/spooled/" in r.url.path]
    assert storage
    for r in storage:
        names = {k.lower() for k in r.headers}
        assert "authorization" not in names and "x-custom" not in names
        assert not any(n.startswith("x-trino-") for n in names)
        assert r.headers["accept-encoding"] == "identity"
        assert r.headers["x-amz-server-side-encryption-customer-key"].startswith("key")
    post = next(r for r in srv.requests if r.method == "POST")
    assert post.headers["authorization"] == "Bearer tok" and post.headers["x-custom"] == "c"


@pytest.mark.parametrize("fault, exc", [("corrupt", SegmentCorrupt), ("truncate", SegmentCorrupt),
                                        ("expired", SegmentExpired)])
def test_segment_faults_raise_typed_error_at_the_failure_point(fault, exc):
    srv = FakeTrino(make_rows(600), segment_rows=100, **{fault: {3}})
    got: list[list] = []
    with fake_client(srv) as c:
        q = c.execute("x")
        with pytest.raises(exc, match="segment 3"):
            for b in q.batches():
                got.extend(b.wire_rows())
        assert q.snapshot().error
    assert got == make_rows(300)  # everything before the bad segment, nothing after
    assert 3 in srv.acked  # failed segment acked on close


@pytest.mark.parametrize("fault, decode", [("corrupt", "eager"), ("truncate", "eager"), ("truncate", "deferred")])
def test_a_bad_segment_is_downloaded_exactly_once_more(fault, decode):
    """Issue 9 item 11: corrupt and truncated segments both get ONE re-download (old: corrupt 0,
    truncated 5). (Deferred mode does not decompress in the pipeline: see test_decode_modes.)"""
    healed = FakeTrino(make_rows(500), segment_rows=100, fault_downloads=1, **{fault: {2}})
    with fake_client(healed, decode=decode) as c:
        assert [r for b in c.execute("x").batches() for r in b.wire_rows()] == make_rows(500)
    assert healed.downloaded.count(2) == 2
    broken = FakeTrino(make_rows(500), segment_rows=100, **{fault: {2}})
    with fake_client(broken, decode=decode) as c, pytest.raises(SegmentCorrupt, match="segment 2"):
        list(c.execute("x").batches())
    assert broken.downloaded.count(2) == 2


def test_query_failure_after_rows():
    srv = FakeTrino(make_rows(400), segment_rows=100, fail_at_page=2)
    got: list[list] = []
    with fake_client(srv) as c:
        q = c.execute("x")
        with pytest.raises(QueryFailed) as info:
            for b in q.batches():
                got.extend(b.wire_rows())
    assert got == make_rows(200)
    assert (info.value.error_name, info.value.line, info.value.column) == ("SYNTAX_ERROR", 1, 8)


def test_query_failure_raised_by_wait_columns():
    srv = FakeTrino(make_rows(10), fail_at_page=1)
    with fake_client(srv) as c:
        q = c.execute("x")
        with pytest.raises(QueryFailed):
            q.wait_columns(5)
            list(q.batches())


def test_authentication_error_on_401():
    srv = FakeTrino(make_rows(1), status_post=401)
    with fake_client(srv) as c:
        q = c.execute("x")  # returns at once: the POST runs on the query's thread
        with pytest.raises(AuthenticationError, match="Authentication failed"):
            q.wait_columns(5)
        assert q.outcome == "failed" and isinstance(q.error, AuthenticationError)
        with pytest.raises(AuthenticationError):
            list(q.batches())


def test_http_error_is_one_line():
    srv = FakeTrino(make_rows(1), status_post=500)
    with fake_client(srv) as c, pytest.raises(HttpError) as info:
        list(c.execute("x").batches())
    assert info.value.status == 500 and "\n" not in str(info.value)


def _hold_all(srv: FakeTrino) -> threading.Event:
    ev = threading.Event()
    srv.hold = {i: ev for i in range(1, len(srv.segments))}
    return ev


def test_cancel_mid_stream_stops_threads_and_acks_unread():
    srv = FakeTrino(make_rows(3000), segment_rows=100, segments_per_page=10)
    release = _hold_all(srv)
    srv.hold_pages = {2: release}
    before = set(threading.enumerate())
    with fake_client(srv) as c:
        q = c.execute("x")
        it = q.batches()
        first = next(it)  # the inline segment
        assert first.row_offset == 0
        q.cancel()
        release.set()
        with pytest.raises(QueryCancelled):
            next(it)
        q.close()
        pipeline = q._pipeline
        deadline = time.monotonic() + 1.0  # all threads gone within one second of cancel
        for t in pipeline.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        assert not pipeline.alive_threads()
    assert set(threading.enumerate()) <= before | {threading.current_thread()}
    # the DELETE goes to the current nextUri, sent by the fetcher thread once it woke up
    assert len(srv.deleted) == 1 and srv.deleted[0].startswith("https://coord.test/v1/statement/executing/q1/y/")
    assert srv.acked == set(range(1, 20))  # page 1 and the page in flight at cancel; page 3 never fetched
    assert q.snapshot().segments_acked == 19


def test_stop_keeps_rows_and_ends_cleanly():
    srv = FakeTrino(make_rows(1000), segment_rows=100)
    with fake_client(srv, max_out_of_order=2) as c:
        q = c.execute("x")
        got = []
        for b in q.batches():
            got.extend(b.wire_rows())
            if len(got) >= 300:
                q.stop()
        assert q.outcome == "stopped"
    assert got == make_rows(len(got)) and 300 <= len(got) < 1000
    assert srv.acked == set(range(1, 10))  # every spooled segment acked ...
    assert len(srv.downloaded) < 9  # ... the unread ones without being downloaded
    shown = {s.index: s for s in q.snapshot().segments}  # and the snapshot still shows every one, acked
    assert set(range(1, 10)) <= set(shown) and all(shown[i].acked_at is not None for i in range(1, 10))
    assert any(shown[i].state is SegmentState.ACKED and shown[i].download_start is None for i in range(1, 10))


def test_events_and_snapshot_with_injected_clock():
    t = [100.0]

    def clock():
        t[0] += 0.5
        return t[0]

    srv = FakeTrino(make_rows(300), segment_rows=100)
    events: list = []
    with fake_client(srv) as base:
        c = type(base)(base.config, clock=clock, transport=base.transport)
        q = c.execute("x", listener=events.append)
        collect(q)
        q.close()
        snap = q.snapshot()
    kinds = [e.kind for e in events if isinstance(e, QueryEvent)]
    assert kinds[0] == "started" and "columns" in kinds and "stats" in kinds and kinds[-1] == "finished"
    states = [e.state for e in events if isinstance(e, SegmentEvent) and e.index == 1]
    assert states[:6] == [SegmentState.QUEUED, SegmentState.DOWNLOADING, SegmentState.DOWNLOADED,
                          SegmentState.DECODING, SegmentState.DECODED, SegmentState.DELIVERED] or \
        set(states) >= {SegmentState.QUEUED, SegmentState.DOWNLOADED, SegmentState.DECODED, SegmentState.DELIVERED}
    assert any(isinstance(e, AckEvent) and e.ok for e in events)
    seg = {s.index: s for s in snap.segments}[1]
    assert seg.queued_at < seg.download_start < seg.download_end < seg.decode_start < seg.decode_end
    assert seg.state is SegmentState.ACKED and seg.acked_at and seg.worker
    assert snap.started_at == 100.5 and snap.elapsed > 0 and snap.finished and snap.pages_fetched == 3
    assert [s.name for s in snap.stages] == ["fetcher", "dispatcher", "downloaders", "decoders", "finalizer"]
    assert [s.state for s in snap.stages] == ["done"] * 5
    assert {s.name: s.workers for s in snap.stages}["downloaders"] == 5


def test_listener_exceptions_do_not_break_the_query():
    def bad(_):
        raise RuntimeError("listener bug")

    srv = FakeTrino(make_rows(300), segment_rows=100)
    with fake_client(srv) as c:
        assert collect(c.execute("x", listener=bad)) == make_rows(300)


def test_session_headers_persist_across_statements():
    srv = FakeTrino(make_rows(10), segment_rows=10, response_headers=[("X-Trino-Set-Catalog", "memory"),
                                                                      ("X-Trino-Set-Session", "a=1")])
    with fake_client(srv) as c:
        collect(c.execute("USE memory.x"))
        assert c.session.catalog == "memory" and c.session.properties == {"a": "1"}
        c.execute("SELECT 1").close()
    last_post = [r for r in srv.requests if r.method == "POST"][-1]
    assert last_post.headers["x-trino-catalog"] == "memory" and last_post.headers["x-trino-session"] == "a=1"


def test_network_log_is_redacted():
    lines: list[str] = []
    srv = FakeTrino(make_rows(300), segment_rows=100)
    with fake_client(srv, access_token="SEKRIT", network_logging="BODY", network_log=lines.append,
                     extra_headers={"X-Trino-Extra-Credential": "k=hidden"}) as c:
        collect(c.execute("SELECT secret_column"))
    text = "\n".join(lines)
    assert "[coordinator] --> POST https://coord.test/v1/statement" in text
    assert "[storage] --> GET http://storage.test/seg/1" in text and "[storage] <-- 200" in text
    assert "SELECT secret_column" in text
    assert "SEKRIT" not in text and "hidden" not in text and "key1" not in text


@pytest.mark.parametrize("status", [200, 405])
def test_heartbeat_while_consumer_is_slow_and_stops_on_405(status):
    srv = FakeTrino(make_rows(1000), segment_rows=100, segments_per_page=1, head_status=status)
    with fake_client(srv, heartbeat_interval=0.05, descriptor_queue=1, max_out_of_order=1) as c:
        q = c.execute("x")  # nobody reads: the fetcher blocks on the full descriptor queue
        assert srv.head_seen.wait(5)
        assert "/executing/" in srv.heads[0]
        hb = q._pipeline.heartbeat
        if status == 405:
            hb.thread.join(2)
            assert not hb.thread.is_alive() and hb.sent == 1
        assert collect(q) == make_rows(1000)
    assert not hb.thread.is_alive()


def test_rows_are_converted():
    srv = FakeTrino(make_rows(250), segment_rows=100)
    with fake_client(srv) as c:
        rows = list(c.execute("x").rows())
    assert rows[:2] == [(0, "row-0"), (1, "row-1")] and len(rows) == 250


def test_ack_failures_are_reported_not_swallowed():
    srv = FakeTrino(make_rows(300), segment_rows=100, ack_status=500)
    events: list = []
    with fake_client(srv) as c:
        q = c.execute("x", listener=events.append)
        assert collect(q) == make_rows(300)  # rows are fine; acks failing is reported
        snap = q.snapshot()
    assert snap.ack_failures == 2 and snap.segments_acked == 0
    assert all("HTTP 500" in s.ack_error for s in snap.segments if s.kind == "spooled")
    assert [e.ok for e in events if isinstance(e, AckEvent)] == [False, False]


def test_gc_state_is_restored_after_decoding():
    assert gc.isenabled()
    srv = FakeTrino(make_rows(1000), segment_rows=100)
    with fake_client(srv) as c:
        q = c.execute("x")
        collect(q)
    assert gc.isenabled() and gc.get_freeze_count() == 0  # parsed rows were unfrozen at close


def test_snapshot_segment_list_stays_compact():
    from trino_tui.client.pipeline.stats import KEEP_FINISHED

    srv = FakeTrino(make_rows(3000), segment_rows=5, segments_per_page=50)
    with fake_client(srv) as c:
        q = c.execute("x")
        assert collect(q) == make_rows(3000)
        snap = q.snapshot()
    assert snap.segments_total == 600 and len(snap.segments) <= KEEP_FINISHED * 2
    assert snap.segments[-1].index == 599
