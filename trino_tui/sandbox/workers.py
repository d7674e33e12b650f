"""Emulated Trino workers: the encoder thread pool and the WORKER_PROXY download listeners.

`WorkerPool` owns N threads ("worker-0".."worker-N-1") that encode and spool segments for every
running query, so segments are produced independently of the client's reading pace. Each job
first waits `worker_pace` seconds (the pace knob), then runs with its worker index. The job queue
is bounded (2 jobs per worker) which back-pressures a query's producer thread to bound memory.
`start()`/`close()` own the threads; `close()` drains nothing: queued jobs are dropped.

`WorkerApp` serves `/v1/spooled/download/{id}` on one worker listener in WORKER_PROXY mode.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable

from .config import SandboxConfig
from .faults import FaultInjector
from .server import Request, Response, text_error
from .storage import SegmentStore, serve_segment

Job = Callable[[int], None]
_STOP = object()


class WorkerPool:
    """N encoder threads with a bounded job queue (see module docstring). Thread-safe."""

    def __init__(self, count: int, config_ref: Callable[[], SandboxConfig]):
        self.count = count
        self._config = config_ref
        self._jobs: queue.Queue = queue.Queue(maxsize=2 * count)
        self._threads: list[threading.Thread] = []
        self._closed = threading.Event()

    def start(self) -> "WorkerPool":
        for i in range(self.count):
            t = threading.Thread(target=self._run, args=(i,), name=f"sandbox-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def submit(self, job: Job, cancelled: threading.Event) -> bool:
        """Queue *job*; blocks while the queue is full. False if the pool closed or *cancelled* is set."""
        while not (self._closed.is_set() or cancelled.is_set()):
            try:
                self._jobs.put(job, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def pace(self) -> bool:
        """Wait the configured worker_pace; False if the pool closed meanwhile."""
        pace = self._config().worker_pace
        return not (pace > 0 and self._closed.wait(pace))

    def _run(self, index: int) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP or self._closed.is_set():
                return
            if not self.pace():
                return
            job(index)

    def close(self) -> None:
        self._closed.set()
        while True:  # drop queued jobs so every thread sees a stop marker
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        for _ in self._threads:
            try:
                self._jobs.put(_STOP, timeout=1.0)
            except queue.Full:
                pass
        for t in self._threads:
            t.join()
        self._threads.clear()


class WorkerApp:
    """One worker listener: streams segment bytes in WORKER_PROXY mode (404 otherwise)."""

    PREFIX = "/v1/spooled/download/"

    def __init__(self, store: SegmentStore, faults: FaultInjector, config_ref: Callable[[], SandboxConfig]):
        self._store = store
        self._faults = faults
        self._config = config_ref

    def handle(self, req: Request) -> Response:
        cfg = self._config()
        if req.method not in ("GET", "HEAD") or not req.path.startswith(self.PREFIX):
            return text_error(404, "Not Found")
        if cfg.retrieval_mode != "WORKER_PROXY":
            return text_error(404, "Worker segment resource is only bound in WORKER_PROXY mode")
        seg = self._store.get(req.path[len(self.PREFIX):])
        if seg is None:
            return text_error(500, "Segment not found or expired")
        return serve_segment(
            self._store, self._faults, cfg, seg, req,
            expired=lambda: text_error(500, "Segment not found or expired"),
            missing_headers=lambda why: text_error(400, why),
        )
