"""HTTP plumbing shared by every sandbox listener (coordinator, storage, workers).

`Listener` owns one `ThreadingHTTPServer` bound to (host, port) and its serving thread; it tracks
open connections so `close()` can shut idle keep-alive sockets and join every handler thread.
Applications implement `App.handle(Request) -> Response`; the handler speaks HTTP/1.1 with
keep-alive, always sends Content-Length, disables Nagle and writes bodies in large blocks.
Bandwidth throttling (bytes/s per connection) paces the body writes; waits use the listener's
stop event so `close()` is never delayed by a throttled transfer.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import urlsplit

_WRITE_BLOCK = 4 * 1024 * 1024
MAX_REQUEST_BODY = 16 * 1024 * 1024  # larger declared bodies are refused with 413 before any read
_THROTTLE_BLOCK = 64 * 1024


@dataclass
class Request:
    """One parsed HTTP request. `headers` keeps every instance of multi-valued headers."""

    method: str
    path: str
    query: str
    headers: Message
    body: bytes
    listener: str
    scheme: str = "http"  # "https" when the listener serves TLS
    peer_cert: dict | None = None  # the verified client certificate (mutual TLS), else None
    principal: str | None = None  # set by the authentication hook (auth_hook.AuthenticatedApp)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def header_all(self, name: str) -> list[str]:
        return list(self.headers.get_all(name) or [])

    def header_dict(self) -> dict[str, str]:
        """Headers with lower-cased names (last instance wins)."""
        return {k.lower(): v for k, v in self.headers.items()}


@dataclass
class Response:
    """What an App returns: status, headers, body bytes; `bandwidth` throttles the body write."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    bandwidth: float | None = None


def text_error(status: int, message: str) -> Response:
    """Trino/airlift-style plain-text error: `Error <code> <reason>: <message>`."""
    reason = HTTPStatus(status).phrase
    return Response(status, f"Error {status} {reason}: {message}".encode(), "text/plain; charset=utf-8")


class App(Protocol):
    def handle(self, request: Request) -> Response: ...


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "trino-tui-sandbox"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this many seconds
    server: "_Server"

    def setup(self) -> None:
        self.server.track(self.request, True)
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(self.request, ssl.SSLSocket):  # handshake here, on the handler thread, bounded
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.request, False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return  # quiet: never print requests (they can carry secrets)

    def _dispatch(self) -> None:
        declared = (self.headers.get("Content-Length") or "0").strip()
        if not declared.isdigit():  # "abc", "-1", "1e3": never int() a header into a traceback
            self.close_connection = True
            self._send(text_error(400, f"Invalid Content-Length: {declared[:40]!r}"))
            return
        length = int(declared)
        if length > MAX_REQUEST_BODY:  # refuse before reading or allocating anything
            self.close_connection = True
            self._send(text_error(413, f"Request body of {length} bytes exceeds the limit of {MAX_REQUEST_BODY} bytes"))
            return
        body = self.rfile.read(length) if length > 0 else b""
        if len(body) < length:  # the client went away mid-body
            self.close_connection = True
            return
        parts = urlsplit(self.path)
        tls = isinstance(self.connection, ssl.SSLSocket)
        req = Request(self.command, parts.path, parts.query, self.headers, body, self.server.name,
                      "https" if tls else "http", (self.connection.getpeercert() or None) if tls else None)
        try:
            resp = self.server.app.handle(req)
        except Exception as exc:  # defensive: never leak a traceback to the socket
            resp = text_error(500, f"{type(exc).__name__}: {exc}")
        self._send(resp)

    do_GET = do_POST = do_DELETE = do_PUT = _dispatch

    def do_HEAD(self) -> None:
        self._dispatch()

    def _send(self, resp: Response) -> None:
        self.send_response(resp.status)
        if resp.content_type:
            self.send_header("Content-Type", resp.content_type)
        for name, value in resp.headers:
            self.send_header(name, value)
        body = resp.body if self.command != "HEAD" else b""  # HEAD: same headers, no body
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if not body:
            return
        if resp.bandwidth:
            self._write_throttled(body, resp.bandwidth)
            return
        view = memoryview(body)
        for start in range(0, len(view), _WRITE_BLOCK):
            self.wfile.write(view[start : start + _WRITE_BLOCK])

    def _write_throttled(self, body: bytes, rate: float) -> None:
        view = memoryview(body)
        started = time.monotonic()
        for start in range(0, len(view), _THROTTLE_BLOCK):
            chunk = view[start : start + _THROTTLE_BLOCK]
            self.wfile.write(chunk)
            due = started + (start + len(chunk)) / rate
            delay = due - time.monotonic()
            if delay > 0 and self.server.stop_event.wait(delay):
                self.close_connection = True
                return


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], app: App, name: str, stop_event: threading.Event,
                 tls: ssl.SSLContext | None = None):
        self.app = app
        self.name = name
        self.stop_event = stop_event
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(addr, _Handler)
        if tls is not None:  # accepted sockets handshake lazily in _Handler.setup (never on the accept loop)
            self.socket = tls.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def handle_error(self, request: object, client_address: object) -> None:
        return  # a failed handshake or a vanished client ends that connection only, silently

    def track(self, sock: socket.socket, add: bool) -> None:
        with self._conns_lock:
            (self._conns.add if add else self._conns.discard)(sock)

    def close_connections(self) -> None:
        with self._conns_lock:
            conns = list(self._conns)
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def tls_context(cert: str, key: str, client_ca: str | None = None) -> ssl.SSLContext:
    """A server TLS context from PEM files; with *client_ca* a client certificate is requested and,
    when sent, verified against it (CERT_OPTIONAL: the authentication hook decides about its absence)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    if client_ca:
        ctx.load_verify_locations(client_ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL
    return ctx


class Listener:
    """One HTTP(S) listener with its serving thread. start() binds; close() stops and joins everything."""

    def __init__(self, name: str, app: App, host: str = "127.0.0.1", port: int = 0,
                 tls: ssl.SSLContext | None = None):
        self.name = name
        self._stop = threading.Event()
        self._server = _Server((host, port), app, name, self._stop, tls)
        self._scheme = "https" if tls is not None else "http"
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def url(self) -> str:
        """The advertised URL (never derived from a request's Host header; a wildcard bind advertises loopback)."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        if ":" in host:
            host = f"[{host}]"
        return f"{self._scheme}://{host}:{self.port}"

    def start(self) -> "Listener":
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"sandbox-{self.name}", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop accepting, wake throttled writers, shut open connections, join all threads."""
        self._stop.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.close_connections()
        self._server.server_close()  # joins handler threads (block_on_close)
