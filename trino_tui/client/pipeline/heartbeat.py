"""Heartbeat: HEAD the executing nextUri while the fetcher is idle (consumer/downloads slow).

Trino >= 475 records client activity on HEAD; a client silent for 5 minutes gets its query
abandoned. Sends at most one HEAD per ``interval`` and only when the fetcher made no request
for ``interval`` seconds; stops after 404/405 (older servers) or 3 consecutive failures.
One thread; ``stop`` wakes and joins it; the query's CancelToken aborts an in-flight HEAD.
"""

from __future__ import annotations

import threading
import time

from ..cancel import CancelToken
from ..transport import Transport
from .fetcher import ServerState

MAX_FAILURES = 3


class Heartbeat:
    def __init__(self, transport: Transport, server: ServerState, interval: float, token: CancelToken) -> None:
        self.transport = transport
        self.token = token
        self.server = server
        self.interval = interval
        self.sent = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="trino-heartbeat", daemon=True)

    def start(self) -> None:
        if self.interval > 0:
            self.thread.start()

    def _run(self) -> None:
        failures = 0
        while not self._stop.wait(self.interval):
            with self.server.lock:
                uri, done = self.server.next_uri, self.server.server_done
            if done:
                return
            if not uri or "/executing/" not in uri or time.monotonic() - self.server.last_request < self.interval:
                continue
            status = self.transport.heartbeat(uri, self.token)
            self.sent += 1
            if status in (404, 405):
                return
            failures = 0 if status == 200 else failures + 1
            if failures >= MAX_FAILURES:
                return

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout)
