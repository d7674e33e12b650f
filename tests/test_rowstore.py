"""RowStore: compact storage per encoding, spill to disk, random access, LRU, concurrency, cleanup.

Also hosts small builders shared with the grid tests (``make_columns``, ``Batch``, ``make_rows``,
``payload_batch``, ``direct_batches``)."""

from __future__ import annotations

import os
import random
import threading

import orjson
import pytest

from dataclasses import dataclass

from trino_tui.client import Column
from trino_tui.client.types import parse_type_text
from trino_tui.core.rowstore import BLOCK_ROWS, SEAL_ROWS, RowStore, RowStoreError

from tests.client.fake_server import encode


@dataclass
class Batch:
    """A batch as the client hands it over (CONTRACT.md): ``wire_rows()`` for the rows, the segment
    bytes in ``payload``. ``rows`` None = the rows are only in the payload (deferred decoding)."""

    row_offset: int
    rows: list | None
    segment: int | None = None
    payload: bytes | None = None
    encoding: str | None = None
    uncompressed_size: int | None = None
    count: int | None = None
    wire_calls: int = 0

    @property
    def row_count(self) -> int:
        return self.count if self.count is not None else len(self.rows or ())

    def wire_rows(self) -> list:
        self.wire_calls += 1
        if self.rows is None:
            raise ValueError("batch has neither rows nor a payload")
        return self.rows


COLUMN_SPEC = [("id", "bigint"), ("name", "varchar"), ("price", "double"),
               ("tags", "array(varchar)"), ("attrs", "map(varchar, integer)")]


def make_columns(spec=COLUMN_SPEC) -> list[Column]:
    return [Column(name, parse_type_text(t)) for name, t in spec]


def make_rows(n: int, start: int = 0, seed: int = 0) -> list[list]:
    rnd = random.Random(seed + start)
    out = []
    for i in range(start, start + n):
        out.append([
            i,
            None if i % 7 == 3 else f"name-{i}-é✓" + "x" * rnd.randrange(0, 30),
            None if i % 11 == 5 else round(rnd.random() * 1000, 2),
            [f"t{i % 3}", None],
            {"k": i % 100},
        ])
    return out


def payload_batch(rows: list[list], offset: int, encoding: str, compress: bool = True) -> Batch:
    payload, usize = encode(rows, encoding, compress)
    return Batch(row_offset=offset, rows=rows, segment=0, payload=payload, encoding=encoding,
                 uncompressed_size=usize)


def direct_batches(rows: list[list], sizes: list[int]) -> list[Batch]:
    out, pos = [], 0
    for size in sizes:
        out.append(Batch(row_offset=pos, rows=rows[pos:pos + size]))
        pos += size
    assert pos == len(rows)
    return out


def check_ranges(store: RowStore, source: list[list], seed: int = 1, count: int = 60) -> None:
    rnd = random.Random(seed)
    n = len(source)
    assert len(store) == n
    assert store.rows(0, n) == source
    for _ in range(count):
        a = rnd.randrange(0, n)
        b = min(n, a + rnd.choice((1, 2, 50, BLOCK_ROWS, BLOCK_ROWS + 7, 3 * BLOCK_ROWS)))
        assert store.rows(a, b) == source[a:b], (a, b)


# ---------------------------------------------------------------------------------------------


def test_direct_batches_are_coalesced_compressed_and_read_back() -> None:
    source = make_rows(3 * SEAL_ROWS + 123)
    sizes = [1, 999, SEAL_ROWS, 5000, 17]
    sizes.append(len(source) - sum(sizes))
    with RowStore(make_columns()) as store:
        for batch in direct_batches(source, sizes):
            store.append(batch)
        check_ranges(store, source)
        assert store.nbytes_compact > 0
        # compact: far smaller than the JSON of the sealed rows
        assert store.nbytes_compact < len(orjson.dumps(source)) / 3
        assert store.rows(len(source) - 5, len(source) + 100) == source[-5:]
        assert store.rows(-10, 2) == source[:2]
        assert store.rows(10, 10) == []


@pytest.mark.parametrize("encoding, compress", [
    ("json", False), ("json+zstd", True), ("json+zstd", False), ("json+lz4", True), ("json+lz4", False),
])
def test_payload_batches_keep_the_segment_bytes(encoding: str, compress: bool) -> None:
    source = make_rows(2 * BLOCK_ROWS + 500)
    cuts = [0, 10, BLOCK_ROWS + 3, len(source)]
    with RowStore(make_columns()) as store:
        payload_total = 0
        for a, b in zip(cuts, cuts[1:]):
            batch = payload_batch(source[a:b], a, encoding, compress)
            payload_total += len(batch.payload)
            store.append(batch)
        if compress:
            assert store.nbytes_compact == payload_total   # the bytes as downloaded, nothing re-encoded
        else:   # plain JSON payloads are compressed (not re-parsed)
            assert store.nbytes_compact < payload_total / 3
        check_ranges(store, source)
        assert [r for chunk in store.iter_chunks() for r in chunk] == source


def test_mixed_direct_then_payload_batches_keep_order() -> None:
    source = make_rows(1000)
    with RowStore(make_columns()) as store:
        store.append(Batch(row_offset=0, rows=source[:30]))          # stays in the open tail
        store.append(payload_batch(source[30:600], 30, "json+zstd"))  # seals the tail first
        store.append(Batch(row_offset=600, rows=source[600:]))
        check_ranges(store, source)
        assert [r for chunk in store.iter_chunks() for r in chunk] == source


def test_spills_to_disk_beyond_the_budget_and_close_removes_the_file(tmp_path) -> None:
    source = make_rows(40 * 500)
    store = RowStore(make_columns(), memory_budget=30_000, spill_dir=str(tmp_path), cache_chunks=3)
    for i in range(0, len(source), 500):
        store.append(payload_batch(source[i:i + 500], i, "json+lz4"))
    assert store.nbytes_compact <= 30_000
    assert store.nbytes_spilled > 0
    assert store.spill_path and os.path.dirname(store.spill_path) == str(tmp_path)
    assert os.path.getsize(store.spill_path) == store.nbytes_spilled
    check_ranges(store, source, count=200)
    assert [r for chunk in store.iter_chunks() for r in chunk] == source
    store.close()
    assert os.listdir(tmp_path) == []
    assert store.rows(0, 10) == [] and store.nbytes_spilled == 0
    store.close()  # idempotent


def test_direct_rows_spill_too(tmp_path) -> None:
    source = make_rows(5 * SEAL_ROWS)
    with RowStore(make_columns(), memory_budget=1, spill_dir=str(tmp_path)) as store:
        for batch in direct_batches(source, [SEAL_ROWS] * 5):
            store.append(batch)
        assert store.nbytes_compact == 0 and store.nbytes_spilled > 0
        check_ranges(store, source)
    assert os.listdir(tmp_path) == []


def test_lru_decodes_each_chunk_once_for_repeated_reads(monkeypatch) -> None:
    source = make_rows(6 * BLOCK_ROWS)
    store = RowStore(make_columns(), cache_chunks=4)
    store.append(payload_batch(source, 0, "json+zstd"))
    decodes = []
    real = store._decode
    monkeypatch.setattr(store, "_decode", lambda chunk: decodes.append(chunk.start) or real(chunk))
    mid = 3 * BLOCK_ROWS
    for _ in range(5):
        assert store.rows(mid - 10, mid + 40) == source[mid - 10:mid + 40]
    assert len(decodes) == 1
    # neighbours of the viewed blocks are kept: scrolling a little further costs nothing
    assert store.rows(mid + BLOCK_ROWS, mid + BLOCK_ROWS + 40) == source[mid + BLOCK_ROWS:mid + BLOCK_ROWS + 40]
    assert len(decodes) == 1
    # a far jump decodes again; the LRU stays bounded
    assert store.rows(0, 5) == source[:5]
    assert len(decodes) == 2
    assert len(store._cache) <= 4


def test_batch_that_does_not_continue_the_store_is_refused() -> None:
    with RowStore(make_columns()) as store:
        store.append(Batch(row_offset=0, rows=make_rows(5)))
        with pytest.raises(RowStoreError, match="starts at row 7, expected row 5"):
            store.append(Batch(row_offset=7, rows=make_rows(3, start=7)))
        assert len(store) == 5


def test_corrupt_payload_raises_a_one_line_error() -> None:
    rows = make_rows(100)
    with RowStore(make_columns()) as store:
        payload, usize = encode(rows, "json+zstd")
        store.append(Batch(0, rows, 0, payload[:-20] + b"\0" * 20, "json+zstd", usize))
        with pytest.raises(RowStoreError) as err:
            store.rows(0, 5)
        assert "\n" not in str(err.value) and "rows 0-99" in str(err.value)
        store.append(payload_batch(make_rows(3, start=100), 100, "json"))
        assert store.rows(100, 103) == make_rows(3, start=100)


def test_row_count_mismatch_is_detected() -> None:
    rows = make_rows(10)
    with RowStore(make_columns()) as store:
        payload, usize = encode(rows[:9], "json+lz4")
        store.append(Batch(0, rows, 0, payload, "json+lz4", usize))
        with pytest.raises(RowStoreError, match="rows 0-9: .*9 rows.*10"):
            store.rows(0, 1)


def test_unknown_encoding_fails_on_read_as_one_line() -> None:
    with RowStore(make_columns()) as store:
        store.append(Batch(0, make_rows(2), 0, b"[]", "json+brotli", None))
        with pytest.raises(RowStoreError, match="json\\+brotli") as err:
            store.rows(0, 1)
        assert "\n" not in str(err.value)


def test_append_after_close_is_ignored() -> None:
    store = RowStore(make_columns())
    store.append(Batch(0, make_rows(3)))
    store.close()
    store.append(Batch(3, make_rows(3, start=3)))
    assert store.rows(0, 6) == []


def test_concurrent_append_and_read() -> None:
    source = make_rows(60 * 300)
    store = RowStore(make_columns(), memory_budget=50_000, cache_chunks=4)
    done = threading.Event()
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            for i in range(0, len(source), 300):
                part = source[i:i + 300]
                batch = (Batch(i, part) if (i // 300) % 3 == 0
                         else payload_batch(part, i, "json+zstd" if i % 2 else "json+lz4"))
                store.append(batch)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            done.set()

    producer = threading.Thread(target=produce)
    producer.start()
    rnd = random.Random(3)
    reads = 0
    while not done.is_set() or (reads < 50 and not errors):
        n = len(store)
        if n:
            a = rnd.randrange(0, n)
            b = min(n, a + rnd.randrange(1, 700))
            assert store.rows(a, b) == source[a:b]
            reads += 1
    producer.join(timeout=30)
    assert not errors
    check_ranges(store, source)
    store.close()


def test_compact_bytes_live_in_mmap_slabs_of_any_size() -> None:
    source = make_rows(3000)
    store = RowStore(make_columns())
    store._arena.slab_bytes = 5_000           # small slabs: several, plus an oversized payload
    for i in range(0, 1000, 100):
        store.append(payload_batch(source[i:i + 100], i, "json+lz4"))
    store.append(payload_batch(source[1000:], 1000, "json+zstd"))   # larger than a slab
    slabs = store._arena._slabs
    assert len(slabs) > 3 and any(len(m) > 5_000 for m in slabs)
    check_ranges(store, source)
    store.close()
    assert all(m.closed for m in slabs)


def test_segment_batches_keep_their_bytes_without_decoding() -> None:
    rows = make_rows(10)
    batch = payload_batch(rows, 0, "json+zstd")
    with RowStore(make_columns()) as store:
        store.append(batch)
        assert batch.wire_calls == 0  # the store never asks the client to decode a segment
        assert store.rows(0, 10) == rows


def test_deferred_batches_are_stored_by_row_count_and_checked_on_read() -> None:
    rows = make_rows(10)
    payload, usize = encode(rows, "json+zstd")
    short, short_usize = encode(rows[:7], "json+zstd")
    with RowStore(make_columns()) as store:
        store.append(Batch(0, None, 0, payload, "json+zstd", usize, 10))  # decode="deferred"
        store.append(Batch(10, None, 1, short, "json+zstd", short_usize, 10))  # says 10, holds 7
        assert len(store) == 20
        assert store.rows(0, 10) == rows
        with pytest.raises(RowStoreError, match="7 rows.*10"):
            store.rows(10, 11)
        with pytest.raises(RowStoreError, match="batch at row 20: .*neither rows nor a payload"):
            store.append(Batch(20, None, None, None, None, None, 5))
