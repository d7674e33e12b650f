"""ctrl+c in every phase of a query (submit, retries, streaming) and a bounded quit.

The real-client tests start their own servers on 127.0.0.1 port 0 (a listener that never answers,
an HTTP server that answers 503 forever, a closed port) and stop them; nothing waits by sleeping:
conditions are polled through the Pilot and elapsed times are measured on the monotonic clock.
"""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
import time
from dataclasses import replace

import pytest

from trino_tui.client import RetryEvent
from trino_tui.tui.app import TrinoTuiApp
from trino_tui.tui.clipboard import MemoryClipboard
from trino_tui.tui.widgets.grid import ResultGrid
from trino_tui.tui.widgets.status_bar import QueryStatusBar

from tests.tui import fake_snapshots as fs
from tests.tui.conftest import FakeClient, FakeQuery, make_settings
from tests.tui.test_app_pilot import make_app, wait_until


class SilentServer:
    """Accepts TCP connections on 127.0.0.1:0 and never answers (a hung coordinator)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.accepted = threading.Event()
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, name="silent-server", daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self._conns.append(conn)
            self.accepted.set()

    def __enter__(self) -> "SilentServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sock.close()
        for c in self._conns:
            c.close()
        self._thread.join(5)


class Busy503(http.server.BaseHTTPRequestHandler):
    """Every request: 503 with Retry-After: 1 (the client retries within its budget)."""

    def do_POST(self) -> None:  # noqa: N802
        self.server.hits += 1  # type: ignore[attr-defined]
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(503)
        self.send_header("Retry-After", "1")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args) -> None:
        pass


def _sql_app(settings) -> TrinoTuiApp:
    app = TrinoTuiApp(settings, initial_sql="SELECT 1", clipboard=MemoryClipboard())
    app.animation_level = "none"
    return app


async def _cancel_within_a_second(pilot, app) -> float:
    t0 = time.monotonic()
    await pilot.press("ctrl+c")
    await wait_until(pilot, lambda: app.query_status == "cancelled", timeout=5, what="cancelled")
    return time.monotonic() - t0


def test_ctrl_c_while_the_statement_is_submitted_with_a_retry_pending(fake_columns):
    """Fake client held before its columns (the POST phase), its snapshot reporting a retry."""
    now = fs.START + 3.0
    snap = replace(fs.pending_snapshot(now=now),
                   retry=RetryEvent("submit", 1, 2.0, 97.0, "HTTP 503", at=now))
    client = FakeClient(lambda sql: FakeQuery(fake_columns, [], gate_at=-1, snapshot=snap))

    async def scenario():
        app = make_app(client)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.press("ctrl+j")
            assert client.wait_query().reached_gate.wait(10)
            bar = app.query_one(QueryStatusBar)
            await wait_until(pilot, lambda: "retry" in bar.parts, what="retry in the status bar")
            assert bar.parts["retry"] == "retrying in 2 s (97 s left)"
            assert await _cancel_within_a_second(pilot, app) < 1.0
            assert client.queries[0].cancelled.is_set()

    asyncio.run(scenario())


def test_ctrl_c_during_a_hung_post_to_a_real_server_cancels_within_a_second():
    with SilentServer() as server:
        async def scenario():
            app = _sql_app(make_settings(server.url))
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.press("ctrl+j")
                assert await asyncio.get_running_loop().run_in_executor(None, server.accepted.wait, 10)
                assert app.query_status == "streaming"
                assert await _cancel_within_a_second(pilot, app) < 1.0

        asyncio.run(scenario())


def test_ctrl_c_while_the_real_client_retries_503_cancels_within_a_second():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Busy503)
    httpd.hits = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, name="busy-503", daemon=True)
    thread.start()
    try:
        async def scenario():
            app = _sql_app(make_settings(f"http://127.0.0.1:{httpd.server_address[1]}"))
            async with app.run_test(size=(140, 30)) as pilot:
                await pilot.press("ctrl+j")
                bar = app.query_one(QueryStatusBar)
                await wait_until(pilot, lambda: "retry" in bar.parts, timeout=10, what="retry shown")
                assert bar.parts["retry"].startswith("retrying in ")
                assert httpd.hits >= 1  # type: ignore[attr-defined]
                assert await _cancel_within_a_second(pilot, app) < 1.0

        asyncio.run(scenario())
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_refused_server_fails_fast_with_one_line():
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens on this port now

    async def scenario():
        app = _sql_app(make_settings(f"http://127.0.0.1:{port}"))
        async with app.run_test(size=(100, 30)) as pilot:
            t0 = time.monotonic()
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "failed", timeout=10, what="failed")
            assert time.monotonic() - t0 < 5.0
            title = str(app.query_one(ResultGrid).border_title)
            assert f"Cannot connect to http://127.0.0.1:{port}" in title and "\n" not in title
            assert [n.title for n in app._notifications if n.severity == "error"] == ["Cannot connect"]
            assert not app.check_action("cancel_query", ())  # ctrl+c is the editor's copy key again

    asyncio.run(scenario())


def test_quitting_never_waits_long_for_a_query_that_ignores_cancel(fake_columns):
    release = threading.Event()

    class Stuck(FakeQuery):
        def cancel(self) -> None:  # a query whose cancel does not take effect
            self.cancelled.set()

        def wait_columns(self, timeout=None):
            self.reached_gate.set()
            release.wait(30)
            return self.columns

    client = FakeClient(lambda sql: Stuck(fake_columns, []))
    elapsed = []

    async def scenario():
        app = make_app(client)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+j")
            assert client.wait_query().reached_gate.wait(10)
            t0 = time.monotonic()
            await pilot.press("ctrl+q")
        elapsed.append(time.monotonic() - t0)  # the app has exited (close_all ran on unmount)

    try:
        asyncio.run(scenario())
    finally:
        release.set()
    assert elapsed[0] < 2.5
