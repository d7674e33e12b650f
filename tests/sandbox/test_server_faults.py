"""Fault injection, throttling, cache, cancellation clean-up and lifecycle of the sandbox server."""

from __future__ import annotations

import threading

import httpx
import pytest

from trino_tui.sandbox import SandboxConfig
from trino_tui.sandbox.faults import FaultInjector
from tests.sandbox.helpers_server import fake_sandbox, number_rows, trino_connect
from tests.sandbox.test_negative_protocol import post, run_to_end, seg_headers, spooled_segments


@pytest.fixture()
def http():
    with httpx.Client(timeout=10) as client:
        yield client


def decisions(seed: int, fraction: float) -> list[bool]:
    cfg = SandboxConfig(seed=seed, fault_segment_503=fraction)
    inj = FaultInjector(lambda: cfg)
    return [inj.segment(f"1:{i % 10}").unavailable for i in range(200)]


def test_fault_decisions_are_deterministic_per_seed():
    a, b, c = decisions(7, 0.3), decisions(7, 0.3), decisions(8, 0.3)
    assert a == b and a != c
    assert 30 < sum(a) < 90  # about 30 % of 200
    assert not any(decisions(7, 0.0)) and all(decisions(7, 1.0))


def test_segment_faults_503_truncate_corrupt(http):
    with fake_sandbox() as sb:
        seg = spooled_segments(http, sb, "SELECT * FROM numbers_3000")[1]
        hdrs = seg_headers(seg)
        good = http.get(seg["uri"], headers=hdrs).content
        assert len(good) == seg["metadata"]["segmentSize"]
        sb.configure(fault_segment_503=1.0)
        assert http.get(seg["uri"], headers=hdrs).status_code == 503
        sb.configure(fault_segment_503=0.0, fault_truncate=1.0)
        assert http.get(seg["uri"], headers=hdrs).content == good[: len(good) // 2]
        sb.configure(fault_truncate=0.0, fault_corrupt=1.0)
        bad = http.get(seg["uri"], headers=hdrs).content
        assert len(bad) == len(good) and bad != good
        sb.configure(fault_corrupt=0.0, storage_bandwidth=200_000.0, storage_latency=0.01, segment_latency={1: 0.01})
        assert http.get(seg["uri"], headers=hdrs).content == good


def test_poll_503_then_retry_same_token_succeeds(http):
    with fake_sandbox(fault_poll_503=1.0) as sb:
        first = post(http, sb, "SELECT * FROM numbers_10").json()
        assert http.get(first["nextUri"]).status_code == 503
        sb.configure(fault_poll_503=0.0)
        docs = run_to_end(http, first)
        assert [r for d in docs for r in d.get("data", [])] == number_rows(10)


def test_official_client_survives_poll_503(http):
    with fake_sandbox(fault_poll_503=0.3, seed=3) as sb:
        cur = trino_connect(sb, "json+zstd", max_attempts=10).cursor()
        cur.execute("SELECT * FROM numbers_3000")
        assert cur.fetchall() == number_rows(3000)
        assert sb.wait_segments(lambda s: s.segments_acked == s.segments_created, 10)


def test_cache_results_reuses_payloads():
    with fake_sandbox(cache_results=True) as sb:
        results = []
        for _ in range(2):
            cur = trino_connect(sb, "json+lz4").cursor()
            cur.execute("SELECT * FROM numbers_3000")
            results.append(cur.fetchall())
        assert results[0] == results[1] == number_rows(3000)
        assert len(sb.engine.executed) == 1
        assert sb.wait_segments(lambda s: s.segments_acked == s.segments_created, 10)
        cur = trino_connect(sb, None).cursor()  # direct protocol: separate cache entry
        for _ in range(2):
            cur.execute("SELECT * FROM numbers_3000")
            assert cur.fetchall() == number_rows(3000)
        assert len(sb.engine.executed) == 2
        sb.configure(cache_results=False)  # switched off at run time: the engine runs again
        cur.execute("SELECT * FROM numbers_3000")
        assert cur.fetchall() == number_rows(3000) and len(sb.engine.executed) == 3


def test_cancel_discards_unhanded_segments(http):
    with fake_sandbox(worker_pace=0.05, max_segments_per_response=1) as sb:
        first = post(http, sb, "SELECT * FROM numbers_20000", **{"X-Trino-Query-Data-Encoding": "json"}).json()
        executing = http.get(first["nextUri"]).json()
        doc = http.get(executing["nextUri"]).json()
        while "data" not in doc:
            doc = http.get(doc["nextUri"]).json()
        assert http.delete(doc["nextUri"]).status_code == 204
        handed = [s for s in doc["data"]["segments"] if s["type"] == "spooled"]
        for seg in handed:
            http.get(seg["ackUri"], headers=seg_headers(seg))
        assert sb.wait_segments(lambda s: not s.live_segments(), 10)
        assert sb.segments_acked == len(handed)


def test_expired_segments_are_pruned(http):
    with fake_sandbox(fault_expire_after=0.0) as sb:
        spooled_segments(http, sb, "SELECT * FROM numbers_3000")
        assert sb.segments_created > 0
        assert sb.wait_segments(lambda s: not s.live_segments(), 10)
        assert sb.segments_acked == 0


def test_stop_joins_every_thread_and_closes_ports(http):
    with fake_sandbox() as sb:
        with trino_connect(sb, "json").cursor() as cur:
            cur.execute("SELECT * FROM numbers_3000")
            cur.fetchall()
        http.get(f"{sb.url}/v1/info")  # leave a keep-alive connection open
        url = sb.url
    leftovers = [t.name for t in threading.enumerate() if t.name.startswith("sandbox-")]
    assert leftovers == []
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/v1/info", timeout=2)


def test_configure_rejects_bad_knobs():
    with fake_sandbox() as sb:
        with pytest.raises(ValueError):
            sb.configure(retrieval_mode="FTP")
        with pytest.raises(ValueError):
            sb.configure(no_such_knob=1)
        with pytest.raises(ValueError):
            sb.configure(fault_corrupt=2.0)
        sb.configure(retrieval_mode="COORDINATOR_PROXY")
        assert sb.config.retrieval_mode == "COORDINATOR_PROXY"


def test_silent_client_gets_query_abandoned(http):
    with fake_sandbox(client_timeout=0.0, query_expiry=3600.0) as sb:
        first = post(http, sb, "SELECT * FROM numbers_10").json()
        sb.housekeep()
        doc = http.get(first["nextUri"]).json()
        assert doc["error"]["errorName"] == "ABANDONED_QUERY" and "nextUri" not in doc
        sb.configure(query_expiry=0.0)
        sb.housekeep()
        assert http.get(first["nextUri"]).status_code == 404  # forgotten after expiry


def test_port_in_use_fails_start_and_releases_everything():
    import socket

    from trino_tui.sandbox import Sandbox
    from tests.sandbox.helpers_server import FakeEngine, fast_config

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        sb = Sandbox(fast_config(port=taken.getsockname()[1]), engine=FakeEngine())
        with pytest.raises(OSError):
            sb.start()
    assert [t.name for t in threading.enumerate() if t.name.startswith("sandbox-")] == []


def test_segment_latency_forces_out_of_order_completion(http):
    slow: dict = {}
    with fake_sandbox(inlining_enabled=False) as sb:
        segs = spooled_segments(http, sb, "SELECT * FROM numbers_3000")
        sb.configure(segment_latency={0: 60.0})

        def fetch_slow() -> None:
            with httpx.Client(timeout=120) as c:
                slow["status"] = c.get(segs[0]["uri"], headers=seg_headers(segs[0])).status_code

        t = threading.Thread(target=fetch_slow)
        t.start()
        assert sb.wait_segments(lambda s: s.delayed_requests == 1, 10)  # segment 0 is being held
        fast = http.get(segs[1]["uri"], headers=seg_headers(segs[1]))
        assert fast.status_code == 200 and "status" not in slow  # segment 1 done while segment 0 still waits
    # leaving the block stops the sandbox, which wakes the delayed request (503) instead of waiting 60 s
    t.join(10)
    assert not t.is_alive() and slow["status"] == 503
