"""export.parallel: segments formatted by worker processes give the in-process writer's bytes, in order.

Real worker processes (python -m trino_tui.export.worker); every pool is closed and its processes reaped.
"""

from __future__ import annotations

import io
import os
import signal

import orjson
import pytest
import zstandard

from trino_tui.client import Batch, SegmentCorrupt
from trino_tui.export import create_writer
from trino_tui.export import parallel_format
from trino_tui.export.parallel import MIN_POOL_BYTES, ParallelWriter, SegmentFormatPool, default_workers
from tests.export.golden_data import ROWS, columns

PARALLEL = ["CSV", "CSV_HEADER", "CSV_UNQUOTED", "CSV_HEADER_UNQUOTED", "TSV", "TSV_HEADER", "JSON"]


def segment(rows: list, offset: int, index: int, encoding: str = "json+zstd") -> Batch:
    raw = orjson.dumps(rows)
    payload = zstandard.ZstdCompressor().compress(raw) if encoding == "json+zstd" else raw
    return Batch(offset, len(rows), segment=index, payload=payload, encoding=encoding,
                 uncompressed_size=len(raw) if encoding == "json+zstd" else None)


def direct(rows: list, offset: int) -> Batch:
    b = Batch(offset, len(rows))
    b._rows = [list(r) for r in rows]  # a direct page: rows already decoded
    return b


def batches(rows: list, per: int = 2) -> list[Batch]:
    """Segments of *per* rows, the third batch a direct page (the writer must keep the order)."""
    out = []
    for n, start in enumerate(range(0, len(rows), per)):
        chunk = rows[start:start + per]
        out.append(direct(chunk, start) if n == 2 else segment(chunk, start, n))
    return out


def in_process(fmt: str, rows: list) -> bytes:
    out = io.BytesIO()
    w = create_writer(fmt, out, columns())
    w.write_rows([list(r) for r in rows])
    w.close()
    return out.getvalue()


def parallel(fmt: str, todo: list[Batch], workers: int = 2) -> tuple[bytes, SegmentFormatPool]:
    out = io.BytesIO()
    pool = SegmentFormatPool(fmt, columns(), workers=workers, per_worker=1)
    pw = ParallelWriter(create_writer(fmt, out, columns()), out, pool, min_pool_bytes=0)
    try:
        for b in todo:
            pw.write_batch(b)
        pw.close()
    finally:
        pw.abort()
    return out.getvalue(), pool


def exited(pids: list[int]) -> bool:
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        return False
    return True


@pytest.mark.parametrize("fmt", PARALLEL)
def test_worker_output_is_byte_identical_and_in_order(fmt: str) -> None:
    rows = ROWS * 3  # 15 rows: 8 batches over two workers, one a direct page
    data, pool = parallel(fmt, batches(rows))
    assert data == in_process(fmt, rows)
    assert pool.started and pool.submitted >= 5  # the workers did the work (the first segment in process)
    assert pool.closed and exited(pool.pids)


def test_plain_json_segments_and_one_worker() -> None:
    rows = ROWS * 2
    todo = [segment(rows[i:i + 3], i, i, encoding="json") for i in range(0, len(rows), 3)]
    data, pool = parallel("CSV_HEADER", todo, workers=1)
    assert data == in_process("CSV_HEADER", rows)
    assert pool.submitted == len(todo) - 1


def test_a_corrupt_segment_raises_the_in_process_error() -> None:
    good = [segment(ROWS[:2], 0, 0), segment(ROWS[2:4], 2, 1)]
    bad = Batch(4, 1, segment=2, payload=b"\x28\xb5\x2f\xfdgarbage", encoding="json+zstd", uncompressed_size=10)
    with pytest.raises(SegmentCorrupt):
        parallel("CSV", [*good, bad, segment(ROWS[4:], 4, 3)])


def test_workers_lost_midway_the_rest_is_written_in_process() -> None:
    rows = ROWS * 4
    out = io.BytesIO()
    pool = SegmentFormatPool("CSV", columns(), workers=2, per_worker=2)
    pw = ParallelWriter(create_writer("CSV", out, columns()), out, pool, min_pool_bytes=0)
    todo = batches(rows, per=2)
    for b in todo[:4]:
        pw.write_batch(b)
    for pid in pool.pids:
        os.kill(pid, signal.SIGKILL)
    for b in todo[4:]:
        pw.write_batch(b)
    pw.close()
    assert out.getvalue() == in_process("CSV", rows)
    assert exited(pool.pids)


def test_parallel_formats_and_worker_count() -> None:
    assert [f for f in PARALLEL if parallel_format(f)] == PARALLEL
    assert not any(parallel_format(f) for f in ("ALIGNED", "VERTICAL", "MARKDOWN", "JSON_ARRAY", "PARQUET", "NULL", "?"))
    assert default_workers({"TRINO_TUI_EXPORT_WORKERS": "0"}) == 0
    assert default_workers({"TRINO_TUI_EXPORT_WORKERS": "3"}) == 3
    assert 1 <= default_workers({}) <= 2


def test_small_segments_never_start_the_workers() -> None:
    """A short answer (e.g. 3 rows) is written in process: no worker process is spawned for it."""
    out = io.BytesIO()
    pool = SegmentFormatPool("CSV", columns(), workers=2)
    pw = ParallelWriter(create_writer("CSV", out, columns()), out, pool)
    for b in batches(ROWS * 2):
        pw.write_batch(b)
    pw.close()
    assert out.getvalue() == in_process("CSV", ROWS * 2)
    assert not pool.started and pool.submitted == 0
    big = segment(ROWS * 400, 0, 0)
    assert max(big.uncompressed_size or 0, len(big.payload or b"")) >= MIN_POOL_BYTES  # the threshold is reachable


@pytest.mark.parametrize("fmt", ["CSV", "TSV", "JSON", "JSON_ARRAY", "ALIGNED", "MARKDOWN", "VERTICAL"])
def test_in_process_deferred_batches_are_written_in_runs_byte_identical(fmt: str) -> None:
    rows = [list(r) for r in ROWS] * 2400  # > 64 KB of JSON per segment, > one 10,000-row CLI buffer
    todo = [segment(rows[:7000], 0, 0), segment(rows[7000:], 7000, 1)]
    out = io.BytesIO()
    writer = create_writer(fmt, out, columns())
    calls = []
    write_rows = writer.write_rows
    writer.write_rows = lambda r: (calls.append(len(r)), write_rows(r))  # type: ignore[method-assign]
    pw = ParallelWriter(writer, out, None)
    for b in todo:
        pw.write_batch(b)
    pw.close()
    assert out.getvalue() == in_process(fmt, rows)
    assert len(calls) > 4 and max(calls) < 7000  # parsed and written a run at a time ...
    assert not any(b.decoded for b in todo)  # ... and the batch's rows were never all decoded
