"""Issue 8: fail fast on the first request, retry only what can succeed, and show the retry."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from trino_tui.client import (
    ClientConfig, HttpError, QueryCancelled, RetryEvent, TrinoClient, TrinoConnectionError,
)

from .fake_server import FakeTrino, fake_client, make_rows
from .raw_servers import RawServer, closed_port


class FakeTime:
    """A clock that only moves when the client waits (no real sleeps)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def wait(self, token, delay: float) -> bool:
        self.waits.append(delay)
        self.now += delay
        return bool(token is not None and token.cancelled)

    @property
    def kw(self) -> dict:
        return {"wait": self.wait, "clock": self.clock}


def _first_request_error(server: str, **kw) -> tuple[BaseException, float]:
    t0 = time.monotonic()
    with TrinoClient(ClientConfig(server=server, user="u", **kw)) as c:
        q = c.execute("SELECT 1")
        with pytest.raises(TrinoConnectionError) as info:
            q.wait_columns(10)
        with pytest.raises(TrinoConnectionError):
            list(q.batches())
        assert q.outcome == "failed" and q.error is info.value
    return info.value, time.monotonic() - t0


def test_connection_refused_fails_at_once_naming_the_server():
    port = closed_port()
    err, elapsed = _first_request_error(f"http://127.0.0.1:{port}")
    assert str(err) == f"Cannot connect to http://127.0.0.1:{port}: connection refused"
    assert elapsed < 5


def test_unknown_host_fails_at_once():
    err, elapsed = _first_request_error("http://no-such-host.invalid:8080")
    assert str(err) == "Cannot connect to http://no-such-host.invalid:8080: unknown host"
    assert elapsed < 5


def test_tls_failure_fails_at_once_in_one_line():
    def plain_http(conn, stop):
        conn.recv(1024)  # the TLS ClientHello
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    with RawServer(plain_http) as srv:
        url = f"https://127.0.0.1:{srv.port}"
        err, elapsed = _first_request_error(url)
    assert str(err).startswith(f"Cannot connect to {url}: TLS handshake failed (")
    assert "\n" not in str(err) and elapsed < 5


def test_unreachable_server_connect_times_out_within_connect_timeout():
    # a listener whose accept queue is full drops SYNs: the connect hangs until connect_timeout
    import socket

    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(0)
    fillers = []
    try:
        for _ in range(8):  # fill the backlog so further SYNs are dropped
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(blocker.getsockname())
            fillers.append(s)
        port = blocker.getsockname()[1]
        t0 = time.monotonic()
        with TrinoClient(ClientConfig(server=f"http://127.0.0.1:{port}", user="u", connect_timeout=0.5)) as c:
            q = c.execute("SELECT 1")
            with pytest.raises(TrinoConnectionError):
                q.wait_columns(10)
        assert time.monotonic() - t0 < 3
    finally:
        for s in fillers:
            s.close()
        blocker.close()


def test_429_honours_retry_after_and_publishes_the_retry():
    ft = FakeTime()
    events: list = []
    srv = FakeTrino(make_rows(300), segment_rows=100, post_faults=[(429, {"Retry-After": "7"})],
                    poll_faults=[(429, {"Retry-After": "2"}), 502, 503, 504])
    with fake_client(srv, transport_kw=ft.kw, retry_budget=100) as c:
        q = c.execute("x", listener=events.append)
        assert [r for b in q.batches() for r in b.wire_rows()] == make_rows(300)
        snap = q.snapshot()
    retries = [e for e in events if isinstance(e, RetryEvent)]
    assert [(e.phase, e.attempt, e.delay) for e in retries][:2] == [("submit", 1, 7.0), ("poll", 1, 2.0)]
    assert [e.phase for e in retries] == ["submit", "poll", "poll", "poll", "poll"]
    assert ft.waits[:2] == [7.0, 2.0]
    assert retries[0].budget_left == pytest.approx(93.0) and retries[0].reason == "HTTP 429"
    assert snap.retry is None and snap.retries == 5  # nothing pending once the query is done


def test_snapshot_shows_the_pending_retry():
    seen: list = []
    srv = FakeTrino(make_rows(10), encoding=None, poll_faults=[503])
    holder: dict = {}
    ready = threading.Event()

    def wait(token, delay):
        assert ready.wait(5)
        seen.append(holder["q"].snapshot().retry)
        return False

    with fake_client(srv, transport_kw={"wait": wait}) as c:
        holder["q"] = q = c.execute("x")
        ready.set()
        list(q.batches())
    assert len(seen) == 1 and seen[0].phase == "poll" and seen[0].reason == "HTTP 503"
    assert q.snapshot().retry is None


@pytest.mark.parametrize("status", [400, 404, 500])
def test_other_statuses_are_not_retried(status):
    ft = FakeTime()
    srv = FakeTrino(make_rows(10), encoding=None, poll_faults=[status])
    with fake_client(srv, transport_kw=ft.kw) as c, pytest.raises(HttpError) as info:
        list(c.execute("x").batches())
    assert info.value.status == status and ft.waits == []


def test_reset_during_polling_is_retried_but_not_on_the_post():
    ft = FakeTime()
    srv = FakeTrino(make_rows(10), encoding=None, poll_faults=[httpx.ReadError("reset"), httpx.ConnectError("x")])
    with fake_client(srv, transport_kw=ft.kw) as c:
        assert len([r for b in c.execute("x").batches() for r in b.wire_rows()]) == 10
    assert len(ft.waits) == 2
    ft2 = FakeTime()
    srv2 = FakeTrino(make_rows(10), encoding=None, post_faults=[httpx.ReadError("reset")])
    with fake_client(srv2, transport_kw=ft2.kw) as c, pytest.raises(TrinoConnectionError, match="Cannot connect"):
        c.execute("x").wait_columns(5)
    assert ft2.waits == []


def test_retries_stop_when_the_budget_is_spent():
    ft = FakeTime()
    srv = FakeTrino(make_rows(10), encoding=None, poll_faults=[503] * 1000)
    with fake_client(srv, transport_kw=ft.kw, retry_budget=10) as c, pytest.raises(HttpError, match="retries exhausted"):
        list(c.execute("x").batches())
    assert sum(ft.waits) <= 10 and len(ft.waits) >= 5


def test_cancel_during_a_retry_wait_ends_it():
    srv = FakeTrino(make_rows(10), encoding=None, poll_faults=[(503, {"Retry-After": "30"})])
    holder: dict = {}
    ready = threading.Event()

    def wait(token, delay):
        assert ready.wait(5)
        holder["q"].cancel()  # the user cancels while we wait
        return token.wait(delay)

    with fake_client(srv, transport_kw={"wait": wait}, retry_budget=60) as c:
        holder["q"] = q = c.execute("x")
        ready.set()
        t0 = time.monotonic()
        with pytest.raises(QueryCancelled):
            list(q.batches())
        assert time.monotonic() - t0 < 1


def test_segment_retries_are_published_with_the_segment_phase():
    ft = FakeTime()
    events: list = []
    srv = FakeTrino(make_rows(300), segment_rows=100, seg_503={2: 2})
    with fake_client(srv, transport_kw=ft.kw, retry_budget=100) as c:
        q = c.execute("x", listener=events.append)
        assert len([r for b in q.batches() for r in b.wire_rows()]) == 300
        snap = q.snapshot()
    seg = [e for e in events if isinstance(e, RetryEvent) and e.phase == "segment"]
    assert [e.attempt for e in seg] == [1, 2] and all(e.reason == "HTTP 503" for e in seg)
    assert {s.index: s.retries for s in snap.segments}[2] == 2 and snap.retry is None
