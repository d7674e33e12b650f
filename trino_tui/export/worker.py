"""Segment-format worker process: spooled segment bytes in, the writer's output bytes out.

Run as ``python -m trino_tui.export.worker`` by `export.parallel.SegmentFormatPool`, never by
hand. Framing (all integers big-endian). stdin: every message is a 4-byte length and that many
bytes of pickle (the parent is our own process: pickle is trusted here); the first is the setup
``(format, columns, max_uncompressed)``, every later one a job ``(payload, encoding,
uncompressed_size, row_count, row_offset, segment)``. stdout: each job is answered in order by a
result, a 9-byte header (1 byte ok, 8 bytes length) and that many raw bytes: if ok, exactly what
the in-process writer's ``write_rows`` would have written for those rows once its header is out,
else a one-line UTF-8 reason (the parent then redoes that batch in process, so the user sees the
in-process error wording). A job is parsed and formatted in runs of ~64 KB of JSON
(``codecs.decode_payload_runs``: a run's rows are formatted while they are still in the CPU cache);
in the CSV/TSV families a run's double columns are rendered by orjson (``export.double_text``) when
that is provably the writer's text (``TRINO_TUI_EXPORT_FAST_DOUBLES=0`` turns it off).
Three threads: a reader takes jobs off stdin, the main thread formats, a writer sends results
(at most one finished result waits for it), so neither side blocks the other on a full pipe.
Exits at EOF on stdin; SIGINT is ignored (the parent decides).
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import struct
import sys
import threading
from typing import BinaryIO

_LEN = struct.Struct(">I")
_RESULT = struct.Struct(">?Q")


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


def write_result(stream: BinaryIO, ok: bool, parts: list[bytes]) -> None:
    """Write one result (header + *parts*, not flushed)."""
    stream.write(_RESULT.pack(ok, sum(map(len, parts))))
    for part in parts:
        stream.write(part)


class ResultReader:
    """Reads results off a worker's stdout into one reusable buffer (grown, never shrunk)."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def read(self, stream: BinaryIO) -> tuple[bool, memoryview] | None:
        """(ok, a view of the result valid until the next read), or None at EOF."""
        head = stream.read(_RESULT.size)
        if len(head) < _RESULT.size:
            return None
        ok, n = _RESULT.unpack(head)
        if len(self._buf) < n:
            self._buf = bytearray(n)  # a view of the old buffer (if still held) keeps that one alive
        view = memoryview(self._buf)[:n]
        got = 0
        while got < n:
            k = stream.readinto(view[got:])  # type: ignore[attr-defined]
            if not k:
                return None
            got += k
        return bool(ok), view


class _Parts:
    """A write-only binary sink keeping the written objects (no copy)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        pass


class _Formatter:
    """The writer for the setup's format, primed (header written and dropped), fed one job at a time.

    For the CSV and TSV families a second writer takes runs whose double columns were rendered by
    `double_text.DoubleText` (same bytes, a fraction of the cost); a run it declines goes to the first."""

    def __init__(self, fmt: str, columns: list, max_uncompressed: int) -> None:
        from trino_tui.export.double_text import DoubleText
        from trino_tui.export.registry import create_writer

        self._sink = _Parts()
        self._writer = create_writer(fmt, self._sink, columns)  # type: ignore[arg-type]
        self._writer.write_rows([])  # the header (if any) is the parent's to write
        self._doubles = DoubleText.for_format(fmt, columns)
        self._text_writer = None
        if self._doubles is not None:
            self._text_writer = create_writer(fmt, self._sink, self._doubles.text_columns)  # type: ignore[arg-type]
            self._text_writer.write_rows([])
        self._width = len(columns)
        self._max = max_uncompressed

    def run(self, job: tuple) -> list[bytes]:
        """The output of one job's rows, as the byte strings the writer wrote."""
        from trino_tui.client.codecs import decode_payload_runs

        payload, encoding, usize, count, offset, segment = job
        self._sink.parts = []
        for rows in decode_payload_runs(payload, encoding, usize, count, width=self._width,
                                        max_uncompressed=self._max, first_row=offset, index=segment):
            texts = self._doubles.prepare(rows) if self._doubles is not None else None
            if texts is not None:
                self._text_writer.write_rows(texts)  # type: ignore[union-attr, arg-type]
            else:
                self._writer.write_rows(rows)
        return self._sink.parts


def _reader(stdin: BinaryIO, jobs: "queue.Queue[object | None]") -> None:
    try:
        while (msg := read_message(stdin)) is not None:
            jobs.put(msg)
    finally:
        jobs.put(None)


def _send(stdout: BinaryIO, results: "queue.Queue[tuple[bool, list[bytes]] | None]", broken: threading.Event) -> None:
    while (item := results.get()) is not None:
        if broken.is_set():
            continue
        try:
            write_result(stdout, *item)
            stdout.flush()
        except (BrokenPipeError, OSError):
            broken.set()  # the parent is gone: the main thread stops at its next job


def _bigger_pipe(fd: int) -> None:
    """Let a result of up to 1 MiB sit in the pipe (Linux; best effort): fewer wake-ups per result."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (OSError, ImportError, ValueError):
        pass


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    setup = read_message(stdin)
    if setup is None:
        return 0
    fmt, columns, max_uncompressed = setup  # type: ignore[misc]
    formatter = _Formatter(fmt, columns, max_uncompressed)
    _bigger_pipe(stdout.fileno())
    jobs: "queue.Queue[object | None]" = queue.Queue()
    results: "queue.Queue[tuple[bool, list[bytes]] | None]" = queue.Queue(maxsize=1)
    broken = threading.Event()
    threading.Thread(target=_reader, args=(stdin, jobs), name="format-worker-reader", daemon=True).start()
    sender = threading.Thread(target=_send, args=(stdout, results, broken), name="format-worker-writer")
    sender.start()
    import gc

    gc.disable()  # rows are dropped per run; cycles are not made here
    try:
        while (job := jobs.get()) is not None and not broken.is_set():
            try:
                answer: tuple[bool, list[bytes]] = (True, formatter.run(job))  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - reported to the parent, which redoes the batch
                answer = (False, [f"{type(exc).__name__}: {exc}"[:500].encode("utf-8", "replace")])
            results.put(answer)
    finally:
        results.put(None)
        sender.join()
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
