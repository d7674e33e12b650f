"""Export on every core: spooled segments decoded and formatted by worker processes, written in order.

`SegmentFormatPool` owns the worker processes (``python -m trino_tui.export.worker``; start /
cancel / close; at most ``per_worker`` jobs queued per worker, so memory stays bounded whatever the
result). Jobs are answered in submission order (each worker is FIFO and the pool remembers which
worker holds the oldest job).

`ParallelWriter` puts one `RowWriter` in front of it: ``write_batch(batch)`` sends a batch that
still holds its segment bytes (``ClientConfig.decode="deferred"``: the main process never parses)
to a worker and writes the bytes that come back, in batch order; any other batch (a direct page,
rows already decoded, no pool, a format the workers do not do) is written in process after
everything before it, through ``Batch.row_runs`` (a deferred one is parsed and written a few
hundred rows at a time, so its rows never all exist at once). The worker runs the same writer
class, primed past its header, so the output is byte-identical to the in-process writer. A batch a worker could not do (corrupt segment, odd value) is redone in process, which
raises the in-process error; if the workers cannot start or die, the rest is written in process.
Used from one thread (the run's thread); `close` may be called from any thread.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Sequence

from .base import RowWriter

if TYPE_CHECKING:
    import subprocess

__all__ = ["MIN_POOL_BYTES", "ParallelWriter", "SegmentFormatPool", "default_workers"]

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])

# A result whose segments are smaller than this is written in process: starting worker processes
# (~0.1 s of CPU each) would cost more than they save (a 3-row answer never starts them).
MIN_POOL_BYTES = 256 * 1024


def default_workers(env: Any = None) -> int:
    """Worker processes for an export: ``TRINO_TUI_EXPORT_WORKERS`` if set (0 = in process), else
    the number of CPUs, at most 2 (the main process needs little: network and writing)."""
    env = os.environ if env is None else env
    value = env.get("TRINO_TUI_EXPORT_WORKERS", "")
    if value.strip().isdigit():
        return min(int(value), 8)
    return max(1, min(2, os.cpu_count() or 1))


class WorkerGone(Exception):
    """A worker process ended or its pipe broke."""


class _Worker:
    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.pending = 0


class SegmentFormatPool:
    """Worker processes formatting segment jobs; see the module docstring. Single-threaded use."""

    def __init__(self, fmt: str, columns: Sequence[Any], *, workers: int = 2, per_worker: int = 2,
                 max_uncompressed: int = 512 * 1024 * 1024, python: str = sys.executable) -> None:
        self._setup = (fmt, list(columns), max_uncompressed)
        self._count, self._per_worker, self._python = max(1, workers), max(1, per_worker), python
        self._workers: list[_Worker] = []
        self._order: deque[tuple[_Worker, Any]] = deque()
        self._submitted = 0
        self.started = False  # start() was called (the worker processes were spawned)
        self.closed = False

    def start(self) -> None:
        """Spawn the workers and send them the setup. Raises OSError if a process cannot start."""
        import subprocess  # here, not at import: a headless start-up that never needs workers skips it

        from .worker import ResultReader, write_message

        self._read, self._write = ResultReader().read, write_message
        self.started = True
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
        try:
            for _ in range(self._count):
                proc = subprocess.Popen([self._python, "-m", "trino_tui.export.worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env, bufsize=1 << 20)
                self._workers.append(_Worker(proc))
                self._write(proc.stdin, self._setup)  # type: ignore[arg-type]
                proc.stdin.flush()  # type: ignore[union-attr]
        except BaseException:
            self.close()
            raise

    @property
    def full(self) -> bool:
        return len(self._order) >= self._count * self._per_worker

    @property
    def pending(self) -> int:
        return len(self._order)

    @property
    def submitted(self) -> int:
        """Jobs handed to the workers so far."""
        return self._submitted

    @property
    def pids(self) -> list[int]:
        return [w.proc.pid for w in self._workers]

    def submit(self, key: Any, job: tuple) -> None:
        """Queue *job* (see worker.py); its answer comes back from `next_result` with *key*."""
        free = [w for w in self._workers if w.pending < self._per_worker]
        if not free:
            raise RuntimeError("pool is full: take a result first")
        worker = min(free, key=lambda w: w.pending)
        try:
            self._write(worker.proc.stdin, job)  # type: ignore[arg-type]
            worker.proc.stdin.flush()  # type: ignore[union-attr]
        except (OSError, ValueError) as exc:
            raise WorkerGone(str(exc)) from None
        worker.pending += 1
        self._submitted += 1
        self._order.append((worker, key))

    def next_result(self) -> tuple[Any, bool, Any]:
        """(key, ok, output or reason) of the oldest job; blocks until its worker answers. The
        output is a memoryview valid until the next call."""
        worker, key = self._order[0]
        try:
            answer = self._read(worker.proc.stdout)  # type: ignore[arg-type]
        except (OSError, ValueError, EOFError) as exc:
            raise WorkerGone(str(exc)) from None
        if answer is None:
            raise WorkerGone("worker process ended")
        self._order.popleft()
        worker.pending -= 1
        ok, data = answer
        return key, ok, data

    def keys(self) -> list[Any]:
        """Keys of the jobs not yet answered, oldest first (after a WorkerGone: to redo them)."""
        return [key for _, key in self._order]

    def cancel(self) -> None:
        """Stop the workers at once (pending jobs are dropped)."""
        for w in self._workers:
            if w.proc.poll() is None:
                w.proc.kill()

    def close(self, timeout: float = 2.0) -> None:
        """End the workers (EOF on stdin; killed if not gone within *timeout*) and reap them. Idempotent."""
        if self.closed:
            return
        self.closed = True
        if self._order or not self._submitted:  # nothing to wait for (or to finish): no need to let them run
            self.cancel()
        self._order.clear()
        for w in self._workers:
            for stream in (w.proc.stdin, w.proc.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
        for w in self._workers:
            try:
                w.proc.wait(timeout=timeout)
            except Exception:  # subprocess.TimeoutExpired
                w.proc.kill()
                w.proc.wait()
        self._workers.clear()


class ParallelWriter:
    """A `RowWriter` fed whole batches, their segments formatted by a `SegmentFormatPool` when possible."""

    def __init__(self, writer: RowWriter, out: BinaryIO, pool: SegmentFormatPool | None, *,
                 min_pool_bytes: int = MIN_POOL_BYTES) -> None:
        self.writer, self._out, self._pool = writer, out, pool
        self._min_pool_bytes = min_pool_bytes
        self.pool = pool  # kept for inspection (self._pool becomes None if the workers are lost)
        self._started = False
        self._header = False

    def write_batch(self, batch: Any) -> None:
        """Write *batch* after every batch before it."""
        pool = self._usable_pool(batch)
        if pool is None:
            self.drain()
            self._write_in_process(batch)
            return
        if not self._header:
            self._header = True
            self.writer.write_rows([])  # header rows (CSV_HEADER, TSV_HEADER) before any worker output
        if pool.full:
            self._take_one()
            if self._pool is None:  # the workers were lost while taking that result
                self._write_in_process(batch)
                return
        try:
            pool.submit(batch, (batch.payload, batch.encoding, batch.uncompressed_size, batch.row_count,
                                batch.row_offset, batch.segment))
        except WorkerGone:
            self._lose_pool()
            self._write_in_process(batch)

    def drain(self) -> None:
        """Write every batch still with the workers."""
        while self._pool is not None and self._pool.pending:
            self._take_one()

    def close(self) -> None:
        """Drain, write the writer's trailer, end the workers."""
        try:
            self.drain()
            self.writer.close()
        finally:
            self.abort()

    def abort(self) -> None:
        """End the workers without writing anything more (after a failure or cancel). Idempotent."""
        if self._pool is not None:
            self._pool.close()

    def _usable_pool(self, batch: Any) -> SegmentFormatPool | None:
        if self._pool is None or batch.payload is None or batch.encoding is None or batch.decoded:
            return None
        if not self._started:  # the first big segment is written here while the workers import
            if max(batch.uncompressed_size or 0, len(batch.payload)) < self._min_pool_bytes:
                return None
            self._started = True
            try:
                self._pool.start()
            except OSError:
                self._pool = None
            return None
        return self._pool

    def _take_one(self) -> None:
        assert self._pool is not None
        try:
            batch, ok, data = self._pool.next_result()
        except WorkerGone:
            self._lose_pool()
            return
        if ok:
            self._out.write(data)
            self.writer.rows_written += batch.row_count
        else:
            self._write_in_process(batch)  # raises the in-process error (or writes, if it was the worker)

    def _lose_pool(self) -> None:
        """The workers are gone: redo what they held, in order, in process."""
        assert self._pool is not None
        pool, self._pool = self._pool, None
        redo = pool.keys()
        pool.close()
        for batch in redo:
            self._write_in_process(batch)

    def _write_in_process(self, batch: Any) -> None:
        runs = batch.row_runs()
        for rows in runs:  # a deferred batch: parsed and written a few hundred rows at a time
            self.writer.write_rows(rows)
            rows.clear()
