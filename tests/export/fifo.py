"""FifoReader: a test-owned thread collecting everything written to a FIFO, never hanging.

The read end is opened non-blocking before anything writes (so a writer's blocking open succeeds),
then the thread polls for the first bytes with a bound: a read on a FIFO that no writer has opened
yet would see EOF at once, and a FIFO nobody ever writes to must fail the test, not hang it.
"""

from __future__ import annotations

import os
import select
import threading


class FifoReader:
    def __init__(self, path, timeout: float = 30.0) -> None:
        self._fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        os.set_blocking(self._fd, True)
        self._timeout = timeout
        self.data = b""
        self._thread = threading.Thread(target=self._run, name="test-fifo-reader")
        self._thread.start()

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self._fd, select.POLLIN)
        with os.fdopen(self._fd, "rb") as f:
            if poller.poll(self._timeout * 1000):  # the first bytes (or a writer's close) arrived
                self.data = f.read()  # blocking from here: ends when the writer closes

    def join(self) -> bytes:
        self._thread.join(self._timeout + 5)
        return self.data
