"""Segment-format worker process: spooled segment bytes in, the writer's output bytes out.

Run as ``python -m trino_tui.export.worker`` by `export.parallel.SegmentFormatPool`, never by
hand. Framing on stdin/stdout (all integers big-endian): every message is a 4-byte length and
that many bytes of pickle (the parent is our own process: pickle is trusted here). The first
message is the setup ``(format, columns, max_uncompressed)``; every later one a job
``(payload, encoding, uncompressed_size, row_count, row_offset, segment)``. Each job is answered
in order with ``(True, bytes)`` — exactly what the in-process writer's ``write_rows`` would have
written for those rows once its header is out — or ``(False, one-line reason)`` (the parent then
redoes that batch in process, so the user sees the in-process error wording). A reader thread
takes jobs off stdin while the main thread formats, so the parent never blocks writing a job while
this process blocks writing a result. Exits at EOF on stdin; SIGINT is ignored (the parent decides).
"""

from __future__ import annotations

import io
import os
import pickle
import queue
import signal
import struct
import sys
import threading
from typing import BinaryIO

_LEN = struct.Struct(">I")


def read_message(stream: BinaryIO) -> object | None:
    """The next framed pickle from *stream*, or None at EOF."""
    head = stream.read(_LEN.size)
    if len(head) < _LEN.size:
        return None
    (n,) = _LEN.unpack(head)
    body = stream.read(n)
    if len(body) < n:
        return None
    return pickle.loads(body)


def write_message(stream: BinaryIO, obj: object) -> None:
    """Write *obj* as one framed message (not flushed)."""
    body = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LEN.pack(len(body)))
    stream.write(body)


class _Formatter:
    """The writer for the setup's format, primed (header written and dropped), fed one job at a time."""

    def __init__(self, fmt: str, columns: list, max_uncompressed: int) -> None:
        from trino_tui.export.registry import create_writer

        self._buf = io.BytesIO()
        self._writer = create_writer(fmt, self._buf, columns)
        self._writer.write_rows([])  # the header (if any) is the parent's to write
        self._width = len(columns)
        self._max = max_uncompressed

    def run(self, job: tuple) -> bytes:
        from trino_tui.client import decode_payload

        payload, encoding, usize, count, offset, segment = job
        rows = decode_payload(payload, encoding, usize, count, width=self._width, max_uncompressed=self._max,
                              first_row=offset, index=segment)
        self._buf.seek(0)
        self._buf.truncate()
        self._writer.write_rows(rows)
        return self._buf.getvalue()


def _reader(stdin: BinaryIO, jobs: "queue.Queue[object | None]") -> None:
    try:
        while (msg := read_message(stdin)) is not None:
            jobs.put(msg)
    finally:
        jobs.put(None)


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    setup = read_message(stdin)
    if setup is None:
        return 0
    fmt, columns, max_uncompressed = setup  # type: ignore[misc]
    formatter = _Formatter(fmt, columns, max_uncompressed)
    jobs: "queue.Queue[object | None]" = queue.Queue()
    threading.Thread(target=_reader, args=(stdin, jobs), name="format-worker-reader", daemon=True).start()
    import gc

    gc.disable()  # rows are dropped per job; cycles are not made here
    while (job := jobs.get()) is not None:
        try:
            answer: tuple = (True, formatter.run(job))  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which redoes the batch
            answer = (False, f"{type(exc).__name__}: {exc}"[:500])
        try:
            write_message(stdout, answer)
            stdout.flush()
        except (BrokenPipeError, OSError):
            return 0
    return 0


def _profiled_main(directory: str) -> int:
    """main() under cProfile, its stats dumped to DIRECTORY/worker-PID.prof (benchmarks/export_profile.py)."""
    import cProfile

    profile = cProfile.Profile()
    try:
        return profile.runcall(main)
    finally:
        profile.dump_stats(os.path.join(directory, f"worker-{os.getpid()}.prof"))


if __name__ == "__main__":
    try:
        profile_dir = os.environ.get("TRINO_TUI_WORKER_PROFILE")
        code = _profiled_main(profile_dir) if profile_dir else main()
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush = lambda: None  # type: ignore[method-assign]  # parent gone: stay quiet at exit
    os._exit(code)
