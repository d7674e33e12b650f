"""The sealed client API: lazy imports, __all__, the QueryHandle protocol, execute() returning at
once, cancel in every phase (also while the POST is sent or retried), bounded close."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import httpx
import pytest

import trino_tui.client as client_pkg
from trino_tui.client import ClientConfig, QueryCancelled, QueryHandle, TrinoClient
from trino_tui.client.transport import Transport

from .fake_server import FakeTrino, fake_client, make_rows
from .raw_servers import RawServer, stall


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True, timeout=60)
    return set(out.stdout.split())


def test_importing_the_client_or_light_names_loads_no_httpx_and_no_pipeline():
    for code in ("import trino_tui.client",
                 "import trino_tui.client\nfrom trino_tui.client import TrinoType",
                 "from trino_tui.client import Column, ClientConfig, ConfigError, PipelineSnapshot, STAGE_NAMES"):
        mods = _modules_after(code)
        assert "httpx" not in mods, code
        assert not any(m.startswith("trino_tui.client.pipeline") for m in mods), code
    heavy = _modules_after("from trino_tui.client import TrinoClient")
    assert "httpx" in heavy and "trino_tui.client.pipeline.pipeline" in heavy  # the lazy path does load them


def test_every_name_in_all_resolves_and_nothing_else_is_exported():
    names = client_pkg.__all__
    assert len(names) == len(set(names))
    for name in names:
        assert getattr(client_pkg, name) is not None, name
    with pytest.raises(AttributeError):
        client_pkg.Pipeline  # noqa: B018 - internals are not reachable as package attributes
    for needed in ("ClientConfig", "TrinoClient", "Query", "QueryHandle", "Batch", "decode_payload", "STAGE_NAMES",
                   "gc_paused", "redact_secrets", "RetryEvent", "ProtocolError", "SegmentTooLarge", "RowWidthMismatch"):
        assert needed in names
    assert client_pkg.STAGE_NAMES == ("fetcher", "dispatcher", "downloaders", "decoders", "finalizer")
    import trino_tui.client.redact  # noqa: F401 - a submodule import must not shadow the public function
    assert callable(client_pkg.redact_secrets) and "hunter2" not in client_pkg.redact_secrets("http://u:hunter2@h")


def test_query_satisfies_query_handle():
    srv = FakeTrino(make_rows(10), encoding=None)
    with fake_client(srv) as c, c.execute("x") as q:
        assert isinstance(q, QueryHandle)
        list(q.batches())
        assert q.outcome == "finished" and q.error is None
    assert not hasattr(q, "stopped") and not hasattr(q, "finished")
    members = {n for n in dir(QueryHandle) if not n.startswith("_")}
    assert members <= set(dir(q))


def _stuck_client(url: str, **kw) -> TrinoClient:
    return TrinoClient(ClientConfig(server=url, user="u", retry_budget=60, request_timeout=60, **kw))


def _assert_cancel_ends_everything_within_a_second(q, before: set[threading.Thread]) -> None:
    t0 = time.monotonic()
    q.cancel()
    assert time.monotonic() - t0 < 0.2  # cancel never blocks
    with pytest.raises(QueryCancelled):
        q.wait_columns(5)
    q.close(timeout=1.0)
    pipeline = q._pipeline
    deadline = t0 + 1.0
    for t in pipeline.alive_threads():
        t.join(max(0.0, deadline - time.monotonic()))
    assert not pipeline.alive_threads()
    assert time.monotonic() - t0 < 1.0
    assert q.outcome == "cancelled"
    assert {t for t in threading.enumerate() if not t.name.startswith("raw-server")} <= before


def test_execute_returns_at_once_and_cancel_works_while_the_post_stalls():
    with RawServer(stall) as srv:
        before = set(threading.enumerate())
        with _stuck_client(srv.url) as c:
            t0 = time.monotonic()
            q = c.execute("SELECT 1")
            assert time.monotonic() - t0 < 0.2 and q.query_id == ""
            assert srv.accepted.wait(5)  # the POST is on the wire and the server sits on it
            _assert_cancel_ends_everything_within_a_second(q, before | {threading.current_thread()})


def test_cancel_works_while_the_post_is_being_retried():
    posts: list[float] = []
    retrying = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        posts.append(time.monotonic())
        return httpx.Response(503, headers={"Retry-After": "30"}, text="busy")

    def listener(event) -> None:
        if type(event).__name__ == "RetryEvent":
            retrying.set()

    config = ClientConfig(server="https://coord.test", user="u", retry_budget=120)
    mock = httpx.MockTransport(handler)
    before = set(threading.enumerate()) | {threading.current_thread()}
    with TrinoClient(config, transport=Transport(config, coordinator_transport=mock, storage_transport=mock)) as c:
        q = c.execute("SELECT 1", listener=listener)
        assert retrying.wait(5)
        retry = q.snapshot().retry
        assert retry is not None and retry.phase == "submit" and retry.delay == 30 and retry.attempt == 1
        _assert_cancel_ends_everything_within_a_second(q, before)
    assert len(posts) == 1 and q.snapshot().retry is None


def test_close_is_bounded_even_if_nobody_cancelled():
    with RawServer(stall) as srv:
        with _stuck_client(srv.url) as c:
            q = c.execute("SELECT 1")
            assert srv.accepted.wait(5)
            t0 = time.monotonic()
            q.close(timeout=1.0)
            assert time.monotonic() - t0 < 1.5
            assert q.outcome == "cancelled" and not q._pipeline.alive_threads()


def test_stop_during_submit_ends_batches_cleanly():
    with RawServer(stall) as srv, _stuck_client(srv.url) as c:
        q = c.execute("SELECT 1")
        assert srv.accepted.wait(5)
        q.stop()
        assert list(q.batches()) == []
        assert q.outcome == "stopped"


def test_cancel_while_a_poll_stalls_ends_everything_and_deletes_the_query():
    import json as _json

    from .raw_servers import read_request

    deleted: list[bytes] = []
    polled = threading.Event()

    def handler(conn, stop):
        while not stop.is_set():
            request = read_request(conn, stop)
            if not request:
                return
            if request.startswith(b"POST"):
                port = conn.getsockname()[1]
                body = _json.dumps({"id": "q9", "infoUri": "x", "stats": {"state": "QUEUED"},
                                    "nextUri": f"http://127.0.0.1:{port}/v1/statement/queued/q9/t/1"}).encode()
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(body), body))
            elif request.startswith(b"DELETE"):
                deleted.append(request.split(b"\r\n", 1)[0])
                conn.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
            else:  # the poll: never answered
                polled.set()
                stop.wait()

    with RawServer(handler) as srv:
        before = set(threading.enumerate()) | {threading.current_thread()}
        with _stuck_client(srv.url) as c:
            q = c.execute("SELECT 1")
            assert polled.wait(5) and q.query_id == "q9"
            _assert_cancel_ends_everything_within_a_second(q, before)
    assert deleted == [b"DELETE /v1/statement/queued/q9/t/1 HTTP/1.1"]


def test_cancel_while_connecting_to_a_silent_host_ends_everything_within_a_second():
    import socket

    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(0)
    fillers = []
    try:
        for _ in range(8):  # a full accept queue: further SYNs are dropped, the connect hangs
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(blocker.getsockname())
            fillers.append(s)
        before = set(threading.enumerate()) | {threading.current_thread()}
        url = f"http://127.0.0.1:{blocker.getsockname()[1]}"
        with TrinoClient(ClientConfig(server=url, user="u", connect_timeout=30, request_timeout=60)) as c:
            q = c.execute("SELECT 1")
            with pytest.raises(TimeoutError):
                q.wait_columns(0.3)  # still connecting
            _assert_cancel_ends_everything_within_a_second(q, before)
    finally:
        for s in fillers:
            s.close()
        blocker.close()
