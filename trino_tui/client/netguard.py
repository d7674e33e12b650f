"""Whole-request deadlines and cancellation of in-flight HTTP exchanges.

httpx timeouts are per read, so a server dripping one byte a second never times out, and a
blocked read cannot be interrupted by a flag. ``RequestGuard`` fixes both for the exchange
running on the current thread (``with guard.active():``): the ``GuardedBackend`` installed in
our httpx transports attaches the guard to the socket on every read/write, shrinks each
socket timeout to the guard's remaining time, connects in short slices so a cancel is seen,
and ``guard.cancel()`` (called from any thread by the query's CancelToken) ends the exchange
after its grace period (``abort()``: at once, shutting the socket down). Reads wait in short
slices, so neither a cancel nor the deadline waits for a silent server. One guard per exchange;
``cancel``/``abort`` are thread-safe, everything else runs on the exchange's thread.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import httpcore
import httpx
from httpcore._backends.sync import SyncStream  # the stock stream around a connected socket

CONNECT_SLICE = 0.05  # seconds between cancel checks while connecting
READ_SLICE = 0.1  # seconds between cancel/deadline checks while a read waits
_current = threading.local()


class RequestGuard:
    """Deadline (clock time, None = none) and cancel switch of one HTTP exchange.

    ``cancel()`` with a *grace* > 0 lets an exchange that is already under way finish within
    *grace* seconds (a poll's answer may announce segments that must be acked, a POST's answer
    names the query to DELETE); with grace 0 it aborts at once (shuts the socket down)."""

    def __init__(self, deadline: float | None, clock: Callable[[], float] = time.monotonic,
                 grace: float = 0.0) -> None:
        self.deadline = deadline
        self.clock = clock
        self.grace = grace
        self.reason: str | None = None  # "cancelled" | "deadline" once tripped
        self.cancel_at: float | None = None
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def _limit(self) -> float | None:
        limits = [t for t in (self.deadline, self.cancel_at) if t is not None]
        return min(limits) if limits else None

    def remaining(self) -> float | None:
        limit = self._limit()
        return None if limit is None else limit - self.clock()

    def expired(self) -> bool:
        return self.deadline is not None and self.clock() >= self.deadline

    def attach(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            tripped = self.reason is not None
        if tripped and sock is not None:
            _shutdown(sock)

    def cancel(self) -> None:
        """The query was cancelled: abort now, or after the grace period."""
        if self.grace <= 0:
            self.abort("cancelled")
        else:
            with self._lock:
                if self.cancel_at is None:
                    self.cancel_at = self.clock() + self.grace

    def abort(self, reason: str = "cancelled") -> None:
        """Trip the guard and shut the attached socket down (wakes a blocked read)."""
        with self._lock:
            if self.reason is None:
                self.reason = reason
            sock = self._sock
        if sock is not None:
            _shutdown(sock)

    def poll(self) -> str | None:
        """The reason this exchange must end ("cancelled" | "deadline"), or None."""
        if self.reason is None:
            now = self.clock()
            if self.cancel_at is not None and now >= self.cancel_at:
                self.reason = "cancelled"
            elif self.deadline is not None and now >= self.deadline:
                self.reason = "deadline"
        return self.reason

    def check(self) -> None:
        """Raise the httpcore error a tripped, cancelled or expired guard means."""
        self.poll()
        if self.reason == "deadline":
            raise httpcore.ReadTimeout("request deadline passed")
        if self.reason is not None:
            raise httpcore.ReadError(f"request {self.reason}")

    def bounded(self, timeout: float | None) -> float | None:
        """*timeout* (None = none) cut to the time this exchange has left."""
        left = self.remaining()
        if left is None:
            return timeout
        return max(min(timeout if timeout is not None else left, left), 0.001)

    def timeout(self, requested: float | None) -> float:
        """The next socket wait: a short slice, so cancel and deadline are seen promptly."""
        waits = [READ_SLICE]
        if requested is not None:
            waits.append(requested)
        left = self.remaining()
        if left is not None:
            waits.append(left)
        return max(min(waits), 0.001)

    @contextmanager
    def active(self) -> Iterator["RequestGuard"]:
        """Make this the guard of exchanges run by the current thread."""
        previous = getattr(_current, "guard", None)
        _current.guard = self
        try:
            yield self
        finally:
            _current.guard = previous
            with self._lock:
                self._sock = None


def current_guard() -> RequestGuard | None:
    return getattr(_current, "guard", None)


def _shutdown(sock: socket.socket) -> None:
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # base method: also for SSL sockets
    except OSError:
        pass


class GuardedStream(httpcore.NetworkStream):
    """A network stream whose reads/writes obey the current thread's RequestGuard: every wait
    is sliced (READ_SLICE) so a cancel or the deadline ends it promptly; the per-read timeout
    the caller asked for still applies as a whole."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def _guard(self) -> RequestGuard | None:
        guard = current_guard()
        if guard is not None:
            guard.attach(self._inner.get_extra_info("socket"))
            guard.check()
        return guard

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        guard = self._guard()
        if guard is None:
            return self._inner.read(max_bytes, timeout)
        until = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if until is None else until - time.monotonic()
            try:
                data = self._inner.read(max_bytes, guard.timeout(left))
            except httpcore.ReadTimeout:
                guard.check()
                if until is not None and time.monotonic() >= until:
                    raise
                continue
            except httpcore.ReadError:
                guard.check()
                raise
            guard.check()  # a drip: the deadline still ends it
            return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        guard = self._guard()
        if guard is None:
            return self._inner.write(buffer, timeout)
        self._inner.write(buffer, guard.bounded(timeout))
        guard.check()

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        guard = self._guard()
        if guard is not None:
            timeout = guard.bounded(timeout)
        return GuardedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore network backend producing GuardedStreams; connects in cancellable slices."""

    def __init__(self) -> None:
        self._sync = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        guard = current_guard()
        if guard is None:
            return GuardedStream(self._sync.connect_tcp(host, port, timeout, local_address, socket_options))
        timeout = guard.bounded(timeout)
        start = time.monotonic()
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from None
        last: Exception = httpcore.ConnectError(f"no address for {host}")
        for family, kind, proto, _, addr in infos:
            sock = socket.socket(family, kind, proto)
            try:
                if local_address:
                    sock.bind((local_address, 0))
                self._connect(sock, addr, guard, start, timeout)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                sock.close()
                last = exc
                if guard.reason is not None or isinstance(exc, httpcore.ConnectTimeout):
                    raise
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in socket_options or ():
                sock.setsockopt(*option)
            return GuardedStream(SyncStream(sock))
        raise last

    @staticmethod
    def _connect(sock: socket.socket, addr: Any, guard: RequestGuard, start: float, timeout: float | None) -> None:
        sock.setblocking(False)
        err = sock.connect_ex(addr)
        if err not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK):
            raise httpcore.ConnectError(_strerror(err))
        while err != 0:
            try:
                guard.check()
            except httpcore.ReadError as exc:
                raise httpcore.ConnectError(str(exc)) from None
            except httpcore.ReadTimeout:
                raise httpcore.ConnectTimeout("request deadline passed") from None
            left = None if timeout is None else timeout - (time.monotonic() - start)
            if left is not None and left <= 0:
                raise httpcore.ConnectTimeout("timed out connecting")
            _, writable, _ = select.select([], [sock], [], CONNECT_SLICE if left is None else min(CONNECT_SLICE, left))
            if writable:
                err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    raise httpcore.ConnectError(_strerror(err))
                break
        sock.setblocking(True)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        return GuardedStream(self._sync.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._sync.sleep(seconds)


def _strerror(err: int) -> str:
    return f"[Errno {err}] {os.strerror(err)}"


def guarded_transport(**kwargs: Any) -> httpx.HTTPTransport:
    """An httpx.HTTPTransport whose connections use the GuardedBackend."""
    transport = httpx.HTTPTransport(**kwargs)
    transport._pool._network_backend = GuardedBackend()  # httpx exposes no backend argument
    return transport
