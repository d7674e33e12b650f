"""SandboxHost: starts the in-process sandbox off the UI thread and stops it on exit.

Owns one start-up thread and the Sandbox it creates. ``start()`` returns at once; the thread posts
``SandboxProgress`` notices (e.g. "generating TPC-H data") and exactly one ``SandboxReady`` (url or
a one-line error). ``close(timeout)`` joins the thread within the bound and stops the sandbox
(idempotent); a start still running then stops its sandbox itself when it completes.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from trino_tui.tui.messages import SandboxProgress, SandboxReady


class SandboxHost:
    """The app's embedded sandbox (``trino-tui --sandbox``)."""

    def __init__(self, config: Any, post: Callable[[Any], object]) -> None:
        self._config = config
        self._post = post
        self._sandbox: Any = None
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._main, name="tui-sandbox-start", daemon=True)

    def start(self) -> "SandboxHost":
        self._thread.start()
        return self

    @property
    def url(self) -> str | None:
        return self._sandbox.url if self._sandbox is not None else None

    def close(self, timeout: float = 2.0) -> None:
        with self._lock:
            self._closed = True
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        with self._lock:
            sandbox, self._sandbox = self._sandbox, None
        if sandbox is not None:
            sandbox.stop()

    def _main(self) -> None:
        try:
            from trino_tui.sandbox import Sandbox

            sandbox = Sandbox(self._config, progress=lambda text: self._post(SandboxProgress(text)))
            sandbox.start()
        except Exception as exc:  # noqa: BLE001 - reported as one line
            self._post(SandboxReady(None, " ".join(str(exc).split()) or type(exc).__name__))
            return
        with self._lock:
            closed = self._closed
            if not closed:
                self._sandbox = sandbox
        if closed:  # the app quit while the sandbox started
            sandbox.stop()
            return
        self._post(SandboxReady(sandbox.url))
