"""Raw-socket misbehaving servers for client tests (127.0.0.1, port 0; stopped by ``close``).

``RawServer(handler)`` runs ``handler(conn)`` for every accepted connection on its own thread;
``close()`` stops accepting, closes every connection and joins the threads (bounded).
Handlers here: ``stall`` (read the request, never answer), ``drip(body)`` (answer one byte
per tick of an injected ``threading.Event``-driven clock), ``closed_port()`` (a port nobody
listens on).
"""

from __future__ import annotations

import socket
import threading
from typing import Callable


class RawServer:
    def __init__(self, handler: Callable[[socket.socket, threading.Event], None]) -> None:
        self.handler = handler
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.stop = threading.Event()
        self.accepted = threading.Event()
        self.conns: list[socket.socket] = []
        self.threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="raw-server", daemon=True)
        self._acceptor.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self.conns.append(conn)
            self.accepted.set()
            t = threading.Thread(target=self._serve, args=(conn,), name="raw-server-conn", daemon=True)
            self.threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self.handler(conn, self.stop)
        except OSError:
            pass

    def close(self) -> None:
        self.stop.set()
        self.sock.close()
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass
        self._acceptor.join(2)
        for t in self.threads:
            t.join(2)

    def __enter__(self) -> "RawServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _recv_until(conn: socket.socket, stop: threading.Event, data: bytes, done: Callable[[bytes], bool]) -> bytes:
    while not done(data) and not stop.is_set():
        try:
            chunk = conn.recv(65536)
        except (TimeoutError, socket.timeout):
            continue
        if not chunk:
            break
        data += chunk
    return data


def read_request(conn: socket.socket, stop: threading.Event) -> bytes:
    """Read the request headers and its Content-Length body (closing on unread data would reset)."""
    conn.settimeout(0.05)
    data = _recv_until(conn, stop, b"", lambda d: b"\r\n\r\n" in d)
    head, _, _ = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    return _recv_until(conn, stop, data, lambda d: len(d) >= len(head) + 4 + length)


def stall(conn: socket.socket, stop: threading.Event) -> None:
    """Accept the request and never answer."""
    read_request(conn, stop)
    stop.wait()


def drip(head: bytes, body: bytes, tick: Callable[[], bool]) -> Callable[[socket.socket, threading.Event], None]:
    """Answer *head* at once, then *body* one byte per ``tick()`` (tick returns False to stop)."""

    def handler(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn, stop)
        conn.sendall(head)
        for i in range(len(body)):
            if stop.is_set() or not tick():
                return
            conn.sendall(body[i:i + 1])
    return handler


def closed_port() -> int:
    """A 127.0.0.1 port with no listener (bound then closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def answer(status: int, body: bytes, headers: dict[str, str] | None = None, record: list | None = None,
           tls=None) -> Callable[[socket.socket, threading.Event], None]:
    """Read one request per connection (recorded as raw bytes in *record*), answer it, close.
    With *tls* (a server-side ssl.SSLContext) the connection is TLS; handshake failures are recorded too."""

    def handler(conn: socket.socket, stop: threading.Event) -> None:
        if tls is not None:
            conn.settimeout(5)
            try:
                conn = tls.wrap_socket(conn, server_side=True)
            except OSError as exc:
                if record is not None:
                    record.append(exc)
                return
        request = read_request(conn, stop)
        if record is not None:
            record.append((request, conn.getpeercert() if tls is not None else None))
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        conn.settimeout(5)
        conn.sendall(f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n"
                     .encode() + body)
        conn.close()
    return handler


FINISHED_DOC = (b'{"id":"q1","infoUri":"http://x/ui","stats":{"state":"FINISHED"},'
                b'"columns":[{"name":"a","type":"bigint","typeSignature":{"rawType":"bigint","arguments":[]}}],'
                b'"data":[[1]]}')
