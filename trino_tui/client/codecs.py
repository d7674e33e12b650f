"""Segment codecs and THE decoding implementation: ``decode_payload``.

``check_declared`` is the cheap, allocation-free validation of a segment (body length vs
``segmentSize``, declared ``uncompressedSize`` vs the cap, zstd frame header vs the declared
size). ``decompress`` turns a payload into JSON bytes with a bounded output (never more than the
declared size, which is capped before anything is allocated). ``parse_rows`` parses with orjson
(GC paused, see gcpolicy) and checks row count and width. ``decode_payload`` = decompress +
parse; the pipeline decoders and ``Batch.wire_rows`` (and the row store) all use it, so a
payload is decompressed exactly once per decode (``decode_payload_runs``: the same, the rows in
runs, for ``Batch.row_runs`` and the export workers). Failures raise ``SegmentCorrupt`` /
``SegmentTooLarge`` / ``RowWidthMismatch``. Stateless and thread-safe (zstd contexts per thread).
"""

from __future__ import annotations

import threading
from typing import Iterator

import orjson
import zstandard

from .config import KNOWN_ENCODINGS
from .errors import ProtocolError, RowWidthMismatch, SegmentCorrupt, SegmentTooLarge
from .gcpolicy import gc_paused

DEFAULT_MAX_UNCOMPRESSED = 512 << 20  # well above Trino's 128 MB maximum segment
_local = threading.local()


def _zstd() -> zstandard.ZstdDecompressor:
    d = getattr(_local, "zstd", None)
    if d is None:
        d = _local.zstd = zstandard.ZstdDecompressor()
    return d


def _where(index: int | None) -> str:
    return f"segment {index}: " if index is not None else ""


def check_declared(payload: bytes, encoding: str, segment_size: int | None, uncompressed_size: int | None,
                   max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED, index: int | None = None) -> None:
    """Cheap checks before any allocation; raises SegmentCorrupt/SegmentTooLarge/ProtocolError."""
    if encoding not in KNOWN_ENCODINGS:
        raise ProtocolError(f"{_where(index)}unsupported spooling encoding {encoding!r}")
    if segment_size is not None and len(payload) != segment_size:
        cls = SegmentTooLarge if len(payload) > segment_size else SegmentCorrupt
        raise cls(f"segment has {len(payload)} bytes, segmentSize says {segment_size}", index=index)
    if uncompressed_size is None:
        return
    if encoding == "json":
        raise SegmentCorrupt("json segment must not carry uncompressedSize", index=index)
    if uncompressed_size < 0:
        raise SegmentCorrupt(f"uncompressedSize {uncompressed_size} is negative", index=index)
    if uncompressed_size > max_uncompressed:
        raise SegmentTooLarge(
            f"declared uncompressedSize {uncompressed_size} bytes exceeds the limit of {max_uncompressed} bytes",
            index=index)
    if encoding == "json+zstd":
        try:
            declared = zstandard.frame_content_size(payload)
        except zstandard.ZstdError as exc:
            raise SegmentCorrupt(f"zstd frame header is invalid: {exc}", index=index) from None
        if declared >= 0 and declared != uncompressed_size:
            raise SegmentCorrupt(
                f"zstd frame says {declared} bytes, uncompressedSize says {uncompressed_size}", index=index)


def decompress(payload: bytes, encoding: str, uncompressed_size: int | None,
               max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED, index: int | None = None) -> bytes:
    """JSON bytes of a payload (checked; output bounded by the declared, capped size)."""
    check_declared(payload, encoding, None, uncompressed_size, max_uncompressed, index)
    if uncompressed_size is None:
        return payload
    if encoding == "json+zstd":
        try:
            if zstandard.frame_content_size(payload) >= 0:
                data = _zstd().decompress(payload)
            else:  # no content size in the frame: read at most one byte more than declared
                with _zstd().stream_reader(payload) as reader:
                    data = reader.read(uncompressed_size + 1)
        except (zstandard.ZstdError, ValueError, MemoryError, OverflowError) as exc:
            raise SegmentCorrupt(f"zstd decompression failed: {exc}", index=index) from None
    else:
        import lz4.block  # here: a run that never sees json+lz4 does not load it

        try:
            data = lz4.block.decompress(payload, uncompressed_size=uncompressed_size)
        except (lz4.block.LZ4BlockError, ValueError, MemoryError, OverflowError) as exc:
            raise SegmentCorrupt(f"lz4 decompression failed: {exc}", index=index) from None
    if len(data) != uncompressed_size:
        raise SegmentCorrupt(f"decompressed to {len(data)} bytes, uncompressedSize says {uncompressed_size}",
                             index=index)
    return data


def decompress_reusing(payload: bytes, encoding: str, uncompressed_size: int | None, spare: bytearray | None,
                       max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED, index: int | None = None) -> bytes | bytearray:
    """`decompress`, but a zstd frame that declares its size is decompressed into *spare* (resized
    to exactly the JSON's length; its allocation reused), so a decoder thread does not allocate and
    free a segment-sized buffer per segment (that churn left tens of MB of free-but-resident space in
    the malloc arenas of the decoder threads). Other payloads: as `decompress` (a new buffer)."""
    if (spare is None or encoding != "json+zstd" or uncompressed_size is None
            or not payload or zstandard.frame_content_size(payload) < 0):
        return decompress(payload, encoding, uncompressed_size, max_uncompressed, index)
    check_declared(payload, encoding, None, uncompressed_size, max_uncompressed, index)
    if not spare:
        spare = bytearray(uncompressed_size)
    elif len(spare) > uncompressed_size:
        del spare[uncompressed_size:]
    elif len(spare) < uncompressed_size:
        spare.extend(bytes(uncompressed_size - len(spare)))
    try:
        with _zstd().stream_reader(payload) as reader:
            got = reader.readinto(spare)
            extra = reader.read(1) if got == uncompressed_size else b""
    except (zstandard.ZstdError, ValueError, MemoryError, OverflowError) as exc:
        raise SegmentCorrupt(f"zstd decompression failed: {exc}", index=index) from None
    if got != uncompressed_size or extra:
        what = f"more than {got}" if extra else str(got)
        raise SegmentCorrupt(f"decompressed to {what} bytes, uncompressedSize says {uncompressed_size}", index=index)
    return spare


def check_width(rows: list, width: int, first_row: int = 0, index: int | None = None) -> None:
    """RowWidthMismatch naming the first row whose length differs from *width*."""
    for row in rows:  # hot path (every row of every result): no enumerate, no isinstance
        if type(row) is not list or len(row) != width:
            break
    else:
        return
    i, row = next((i, r) for i, r in enumerate(rows) if type(r) is not list or len(r) != width)
    n = len(row) if isinstance(row, list) else "no"
    raise RowWidthMismatch(f"{_where(index)}row {first_row + i} has {n} values but the result has {width} columns")


# JSON parsed per run: a run's rows (~6x its JSON as Python objects) still sit in the CPU cache when
# the consumer of that run (a concatenation, a writer) touches them; whole-segment parses do not.
CHUNK_BYTES = 64 * 1024
_ROW_BREAK = b"],["
_RETRIES = 8  # later "],[" tried after one that was not a row boundary


def _loads(data: bytes, index: int | None) -> object:
    try:
        with gc_paused():
            return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SegmentCorrupt(f"invalid JSON in segment: {exc}", index=index) from None


def iter_row_chunks(data: bytes, rows_count: int | None, width: int | None = None, first_row: int = 0,
                    index: int | None = None, chunk_bytes: int = CHUNK_BYTES) -> Iterator[list[list]]:
    """The rows of a segment's JSON array (``[[...],[...]]``) in runs of about *chunk_bytes* of JSON.

    A run ends at a ``],[`` after *chunk_bytes*; one that is not a row boundary (inside a string or
    a nested array) leaves the run unbalanced, so its parse fails and the run is extended to the
    next ``],[`` (a few times, then to the end; if that fails too the whole segment is parsed, for
    orjson's own message).
    The runs concatenated are exactly ``orjson.loads(data)``. Row count and width are checked as in
    `parse_rows`; a failure may come after earlier runs were yielded (consumers discard them)."""
    n = len(data)
    if n < 4 or not (data.startswith(b"[[") and data.endswith(b"]]")):
        rows = _loads(data, index)
        if not isinstance(rows, list):
            raise SegmentCorrupt("segment JSON is not an array of rows", index=index)
        chunks: Iterator[list] = iter((rows,))
    else:
        chunks = _runs(data, chunk_bytes, index)
    seen = 0
    for rows in chunks:
        if width is not None:
            check_width(rows, width, first_row + seen, index)
        seen += len(rows)
        yield rows
    if rows_count is not None and seen != rows_count:
        raise SegmentCorrupt(f"segment has {seen} rows, rowsCount says {rows_count}", index=index)


def _runs(data: bytes, chunk_bytes: int, index: int | None) -> Iterator[list]:
    pos, last = 1, len(data) - 1  # data[0] == "[" and data[last] == "]": the outer array
    while pos < last:
        cut, tries = data.find(_ROW_BREAK, pos + chunk_bytes, last), 0
        while True:
            end = last if cut < 0 else cut + 1
            try:
                with gc_paused():
                    rows = orjson.loads(b"[" + data[pos:end] + b"]")
                break
            except orjson.JSONDecodeError:
                # not a row boundary (or invalid JSON): pos is one (earlier runs parsed), so try the
                # next "],[" a few times, then the rest in one piece; if even that fails the JSON is bad
                if cut < 0:
                    _loads(data, index)  # raises with orjson's message for the whole segment
                    raise SegmentCorrupt("invalid JSON in segment", index=index) from None
                tries += 1
                cut = data.find(_ROW_BREAK, cut + 1, last) if tries < _RETRIES else -1
        yield rows
        pos = end + 1


def parse_rows(data: bytes, rows_count: int | None, width: int | None = None, first_row: int = 0,
               index: int | None = None) -> list[list]:
    """Parse a segment's JSON array of rows (GC paused; in runs, see `iter_row_chunks`); check row
    count and width."""
    rows: list[list] = []
    for run in iter_row_chunks(data, rows_count, width, first_row, index):
        rows += run
    return rows


def decode_payload(payload: bytes, encoding: str, uncompressed_size: int | None, row_count: int | None,
                   *, width: int | None = None, max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
                   first_row: int = 0, index: int | None = None) -> list[list]:
    """Segment bytes as received -> wire rows (one decompression; sizes, count and width checked).

    Absence of *uncompressed_size* means the bytes are plain JSON (protocol §5)."""
    data = decompress(payload, encoding, uncompressed_size, max_uncompressed, index)
    return parse_rows(data, row_count, width, first_row, index)


def decode_payload_runs(payload: bytes, encoding: str, uncompressed_size: int | None, row_count: int | None,
                        *, width: int | None = None, max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
                        first_row: int = 0, index: int | None = None) -> Iterator[list[list]]:
    """`decode_payload` in runs (`iter_row_chunks`): one decompression, then the rows a run at a
    time; a failure may come after earlier runs were yielded (consumers discard them)."""
    data = decompress(payload, encoding, uncompressed_size, max_uncompressed, index)
    yield from iter_row_chunks(data, row_count, width, first_row, index)
