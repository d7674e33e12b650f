"""Memory-bounded compact row store: the grid's (and exporters') view of one result.

Owns every row of one result, kept *compact*: spooled/inline batches keep their segment payload
exactly as downloaded when compressed (json+zstd, json+lz4; plain JSON payloads of 64 KB or more
are zstd-compressed without re-parsing) in anonymous mmap slabs; direct-protocol rows are coalesced into
chunks of about ``SEAL_ROWS`` rows, serialised with orjson and compressed with zstd.  Decoded Python
rows (~1 KB each) are never all kept: readers decode only the chunks they need and keep a small LRU
of decoded *blocks* (``BLOCK_ROWS`` rows each).  When the compact bytes held in memory reach
``memory_budget``, further chunks are appended to a temporary spill file and read back with
``os.pread``.

Invariants: rows are stored in row-offset order, contiguous from 0 (an append whose ``row_offset``
does not continue the store raises ``RowStoreError``: never a silent gap); a chunk never changes
once published; ``rows()`` returns wire values exactly as ``orjson.loads`` produced them.

Thread-safety: ``append`` may run on a producer thread while any thread calls ``rows``/``len``/
``iter_chunks``.  ``_append_lock`` serialises appends (and spill-file writes); ``_lock`` guards the
published chunk index, the open tail and the LRU, and is never held while decoding.  No threads
are started here.  No Textual/Rich import (layering).
"""

from __future__ import annotations

import bisect
import mmap
import os
import tempfile
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Protocol, Sequence

import orjson
import zstandard

from trino_tui.client import TrinoTuiError, decode_payload

if TYPE_CHECKING:
    from trino_tui.client import Column

__all__ = ["RowStore", "RowStoreError", "BLOCK_ROWS", "SEAL_ROWS"]

BLOCK_ROWS = 2048          # rows per decoded LRU block
SEAL_ROWS = 4096           # direct-protocol rows coalesced per compressed chunk
SEAL_BYTES = 4 << 20       # ... or fewer rows once their estimated JSON size reaches this
SLAB_BYTES = 16 << 20      # compact bytes are kept in anonymous mmap slabs of this size
COMPRESS_PLAIN_BYTES = 64 << 10   # uncompressed JSON payloads at least this big are zstd-compressed
_ZSTD_LEVEL = 3


class RowStoreError(TrinoTuiError):
    """A one-line, user-presentable failure of the row store (bad offset, corrupt chunk, I/O)."""


class BatchLike(Protocol):
    """The part of ``trino_tui.client.Batch`` the store reads (a segment's bytes are kept as they
    came; only direct pages are read through ``wire_rows()``)."""

    row_offset: int
    row_count: int
    payload: bytes | None
    encoding: str | None
    uncompressed_size: int | None

    def wire_rows(self) -> list[list]: ...


@dataclass(frozen=True)
class _Chunk:
    """One sealed run of rows: bytes ``[offset, offset + length)`` of arena slab ``slab``, or of the
    spill file when ``slab`` is -1. ``uncompressed_size`` None = the bytes are plain JSON."""

    start: int
    count: int
    encoding: str
    uncompressed_size: int | None
    length: int
    slab: int
    offset: int


class _Arena:
    """Compact bytes kept in anonymous mmap slabs, outside the malloc heap: long-lived payloads
    interleaved with short-lived decode buffers fragmented the heap (RSS ~1.6x the compact bytes
    in an end-to-end run). Pages of a slab cost memory only once written. Writes come from the
    one appender; reads copy published ranges."""

    def __init__(self, slab_bytes: int = SLAB_BYTES) -> None:
        self.slab_bytes = slab_bytes
        self._slabs: list[mmap.mmap] = []
        self._used = 0          # bytes used in the last slab

    def put(self, data: bytes) -> tuple[int, int]:
        """Copy *data* in; returns (slab, offset)."""
        n = len(data)
        if not self._slabs or self._used + n > len(self._slabs[-1]):
            self._slabs.append(mmap.mmap(-1, max(self.slab_bytes, n)))
            self._used = 0
        slab, offset = len(self._slabs) - 1, self._used
        self._slabs[slab][offset:offset + n] = data
        self._used += n
        return slab, offset

    def get(self, slab: int, offset: int, length: int) -> bytes:
        return self._slabs[slab][offset:offset + length]

    def close(self) -> None:
        for m in self._slabs:
            m.close()
        self._slabs = []


def _decode_bytes(data: bytes, encoding: str, uncompressed_size: int | None, rows_count: int) -> list[list]:
    """Stored bytes -> rows with the client's one decoder (sizes and row count checked; it applies
    the one GC policy itself). Absence of ``uncompressed_size`` means uncompressed JSON (protocol §5)."""
    try:
        return decode_payload(data, encoding, uncompressed_size, rows_count)
    except TrinoTuiError as e:
        raise RowStoreError(str(e)) from None


def _remove_file(path: str, fd: int) -> None:
    """Finalizer: close and delete a spill file (idempotent, never raises)."""
    try:
        os.close(fd)
    except OSError:
        pass
    try:
        os.unlink(path)
    except OSError:
        pass


class RowStore:
    """Rows of one result, compact in memory up to ``memory_budget`` bytes, then spilled to disk.

    ``nbytes_compact``: compact bytes held in memory; ``nbytes_spilled``: bytes in the spill file;
    ``cache_chunks``: how many decoded blocks (≤ ``BLOCK_ROWS`` rows each) the LRU keeps.
    """

    def __init__(self, columns: Sequence["Column"], *, memory_budget: int = 192 << 20,
                 spill_dir: str | None = None, cache_chunks: int = 16):
        self.columns: list[Column] = list(columns)
        self.memory_budget = memory_budget
        self.spill_dir = spill_dir
        self.cache_chunks = max(2, cache_chunks)
        self.nbytes_compact = 0
        self.nbytes_spilled = 0
        self.spill_path: str | None = None
        self.spill_error: str | None = None   # set when spilling failed and chunks stayed in memory
        self._lock = threading.Lock()
        self._append_lock = threading.Lock()
        self._chunks: list[_Chunk] = []
        self._starts: list[int] = []       # chunk start offsets, for bisect
        self._sealed_rows = 0              # rows in published chunks
        self._tail: list[list] = []        # direct-protocol rows not sealed yet (decoded)
        self._tail_bytes = 0
        self._cache: OrderedDict[tuple[int, int], list[list]] = OrderedDict()
        self._arena = _Arena()
        self._fd = -1
        self._spill_end = 0
        self._finalizer: weakref.finalize | None = None
        self._closed = False

    # ------------------------------------------------------------------ writing

    def append(self, batch: BatchLike) -> None:
        """Add one ordered batch. Raises RowStoreError if it does not continue the store.
        Appends after ``close()`` are ignored (the result was discarded)."""
        count = batch.row_count
        with self._append_lock:
            if self._closed:
                return
            expected = len(self)
            if batch.row_offset != expected:
                raise RowStoreError(
                    f"batch starts at row {batch.row_offset:,}, expected row {expected:,}")
            if not count:
                return
            if batch.payload is not None and batch.encoding is not None:
                self._seal_tail()
                data, encoding, usize = bytes(batch.payload), batch.encoding, batch.uncompressed_size
                if usize is None and len(data) >= COMPRESS_PLAIN_BYTES:
                    # plain JSON (encoding "json", or under the server's compression threshold):
                    # compress it (zstd releases the GIL; no re-parsing)
                    data, encoding, usize = _zstd(data), "json+zstd", len(data)
                self._publish(batch.row_offset, count, data, encoding, usize)
                return
            try:
                rows = batch.wire_rows()
            except (TrinoTuiError, ValueError) as e:
                raise RowStoreError(f"batch at row {batch.row_offset:,}: {e}") from None
            with self._lock:
                self._tail.extend(rows)
            self._tail_bytes += _estimate_json_size(rows)
            if len(self._tail) >= SEAL_ROWS or self._tail_bytes >= SEAL_BYTES:
                self._seal_tail()

    def _seal_tail(self) -> None:
        """Compress the tail rows into a chunk (caller holds ``_append_lock``)."""
        tail = self._tail
        if not tail:
            return
        raw = orjson.dumps(tail)
        self._publish(self._sealed_rows, len(tail), _zstd(raw), "json+zstd", len(raw), from_tail=True)
        self._tail_bytes = 0

    def _publish(self, start: int, count: int, data: bytes, encoding: str,
                 uncompressed_size: int | None, from_tail: bool = False) -> None:
        """Store the bytes (memory or spill file) and publish the chunk (holds ``_append_lock``)."""
        chunk = None
        if self.nbytes_compact + len(data) > self.memory_budget and self.spill_error is None:
            try:
                chunk = _Chunk(start, count, encoding, uncompressed_size, len(data), -1,
                               self._spill(data))
            except OSError as e:
                self.spill_error = f"cannot spill rows to disk ({e.strerror or e}); keeping them in memory"
        spilled = chunk is not None
        if chunk is None:
            slab, offset = self._arena.put(data)
            chunk = _Chunk(start, count, encoding, uncompressed_size, len(data), slab, offset)
        with self._lock:
            self._chunks.append(chunk)
            self._starts.append(start)
            self._sealed_rows = start + count
            if spilled:
                self.nbytes_spilled += len(data)
            else:
                self.nbytes_compact += len(data)
            if from_tail:
                self._tail = []

    def _spill(self, data: bytes) -> int:
        """Append *data* to the spill file; returns its offset (holds ``_append_lock``)."""
        if self._fd < 0:
            fd, path = tempfile.mkstemp(prefix="trino-tui-rows-", suffix=".spill", dir=self.spill_dir)
            self._fd, self.spill_path = fd, path
            self._finalizer = weakref.finalize(self, _remove_file, path, fd)
        offset = self._spill_end
        view = memoryview(data)
        written = 0
        while written < len(view):
            n = os.pwrite(self._fd, view[written:], offset + written)
            if n <= 0:
                raise OSError("short write to the spill file")
            written += n
        self._spill_end = offset + len(data)
        return offset

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        with self._lock:
            return self._sealed_rows + len(self._tail)

    def rows(self, start: int, stop: int) -> list[list]:
        """Rows ``[start, stop)`` (clamped to what is stored) as wire values; [] once closed.
        Decodes only the chunks that hold them; raises RowStoreError if a chunk cannot be read
        (corrupt bytes, spill-file I/O, or a close() racing with this read)."""
        out = self._read_rows(start, stop, decode=True)
        assert out is not None
        return out

    def cached_rows(self, start: int, stop: int) -> list[list] | None:
        """Like ``rows`` but never decodes: None when a needed block is not in the LRU (the UI
        thread's read; a worker's ``rows()`` call fills the LRU)."""
        return self._read_rows(start, stop, decode=False)

    def _read_rows(self, start: int, stop: int, *, decode: bool) -> list[list] | None:
        out: list[list] = []
        with self._lock:
            if self._closed:
                return out
            total = self._sealed_rows + len(self._tail)
            start, stop = max(0, start), min(stop, total)
            if start >= stop:
                return out
            first = bisect.bisect_right(self._starts, start) - 1 if self._chunks else 0
            chunks = self._chunks[max(first, 0):]
            tail_start, tail = self._sealed_rows, self._tail[max(0, start - self._sealed_rows):
                                                             max(0, stop - self._sealed_rows)]
            first = max(first, 0)
        pos = start
        for i, chunk in enumerate(chunks, start=first):
            if pos >= stop or pos >= tail_start or chunk.start >= stop:
                break
            end = min(stop, chunk.start + chunk.count)
            part = self._chunk_rows(i, chunk, pos - chunk.start, end - chunk.start, decode)
            if part is None:
                return None
            out.extend(part)
            pos = end
        if pos < stop:
            out.extend(tail[: stop - pos])
        return out

    def _chunk_rows(self, index: int, chunk: _Chunk, lo: int, hi: int, decode: bool = True) -> list[list] | None:
        """Rows ``[lo, hi)`` of one chunk via the block LRU; decodes the chunk on a miss (or
        returns None when *decode* is False)."""
        first_block, last_block = lo // BLOCK_ROWS, (hi - 1) // BLOCK_ROWS
        blocks: list[list[list]] = []
        with self._lock:
            for b in range(first_block, last_block + 1):
                hit = self._cache.get((index, b))
                if hit is None:
                    blocks = []
                    break
                self._cache.move_to_end((index, b))
                blocks.append(hit)
        if not blocks:
            if not decode:
                return None
            decoded = self._decode(chunk)
            nblocks = (chunk.count - 1) // BLOCK_ROWS + 1
            keep = range(max(0, first_block - 1), min(nblocks, last_block + 2))
            with self._lock:
                if not self._closed:
                    self._cache_blocks(index, decoded, keep)
            blocks = [decoded[b * BLOCK_ROWS:(b + 1) * BLOCK_ROWS]
                      for b in range(first_block, last_block + 1)]
        base = first_block * BLOCK_ROWS
        if len(blocks) == 1:
            return blocks[0][lo - base: hi - base]
        flat = [row for block in blocks for row in block]
        return flat[lo - base: hi - base]

    def _cache_blocks(self, index: int, rows: list[list], blocks: range) -> None:
        """Insert blocks of a decoded chunk into the LRU and evict the oldest (holds ``_lock``)."""
        for b in blocks:
            self._cache[(index, b)] = rows[b * BLOCK_ROWS:(b + 1) * BLOCK_ROWS]
            self._cache.move_to_end((index, b))
        while len(self._cache) > self.cache_chunks:
            self._cache.popitem(last=False)

    def _read(self, chunk: _Chunk) -> bytes:
        if chunk.slab >= 0:
            try:
                return self._arena.get(chunk.slab, chunk.offset, chunk.length)
            except (ValueError, IndexError):   # closed meanwhile
                raise RowStoreError("the result was closed") from None
        try:
            data = os.pread(self._fd, chunk.length, chunk.offset)
        except OSError as e:
            raise RowStoreError(f"cannot read spilled rows: {e.strerror or e}") from None
        if len(data) != chunk.length:
            raise RowStoreError("spill file is shorter than expected")
        return data

    def _decode(self, chunk: _Chunk) -> list[list]:
        data = self._read(chunk)
        try:
            return _decode_bytes(data, chunk.encoding, chunk.uncompressed_size, chunk.count)
        except RowStoreError as e:
            raise RowStoreError(
                f"cannot decode rows {chunk.start:,}-{chunk.start + chunk.count - 1:,}: {e}") from None

    def iter_chunks(self) -> Iterator[list[list]]:
        """All rows stored at call time, in order, one decoded chunk at a time (bypasses the LRU,
        so an export does not evict what the grid shows)."""
        with self._lock:
            chunks = list(self._chunks)
            tail = list(self._tail)
        for chunk in chunks:
            if self._closed:
                raise RowStoreError("the result was closed during the export")
            yield self._decode(chunk)
        if tail:
            yield tail

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        """Free memory and delete the spill file. Idempotent; later reads return no rows."""
        with self._append_lock, self._lock:
            self._closed = True
            self._chunks, self._starts, self._tail = [], [], []
            self._cache.clear()
            self._arena.close()
            self.nbytes_compact = self.nbytes_spilled = 0
            if self._finalizer is not None:
                self._finalizer()
            self._fd = -1

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "RowStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _zstd(raw: bytes) -> bytes:
    """One zstd frame (content size included). zstandard returns a bytes object over-allocated to
    the compress bound, so an exact-size copy is kept (else RSS grows ~3x the compact size)."""
    return bytes(memoryview(zstandard.ZstdCompressor(level=_ZSTD_LEVEL).compress(raw)))


def _estimate_json_size(rows: list[list]) -> int:
    """Cheap upper-ish estimate of a batch's JSON size (for sealing direct chunks by size)."""
    if not rows:
        return 0
    sample = rows[0]
    return len(orjson.dumps(sample)) * len(rows)
