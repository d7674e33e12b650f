"""Segment codecs: json, json+zstd, json+lz4 (one small object per encoding).

``codec.decompress(payload, segment_size, uncompressed_size)`` returns the JSON bytes after
checking every size; ``parse_rows(json_bytes, rows_count)`` parses them with orjson and checks
the row count. Failures raise ``SegmentCorrupt``. Codecs are stateless and thread-safe
(zstd decompressors are per thread).
"""

from __future__ import annotations

import threading

import lz4.block
import orjson
import zstandard

from .errors import ProtocolError, SegmentCorrupt


class Codec:
    """Identity codec for plain ``json`` and the base of the compressed ones."""

    name = "json"

    def decompress(self, payload: bytes, segment_size: int | None, uncompressed_size: int | None) -> bytes:
        if segment_size is not None and len(payload) != segment_size:
            raise SegmentCorrupt(f"segment has {len(payload)} bytes, segmentSize says {segment_size}")
        if uncompressed_size is None:
            return payload
        data = self._decompress(payload, uncompressed_size)
        if len(data) != uncompressed_size:
            raise SegmentCorrupt(f"decompressed to {len(data)} bytes, uncompressedSize says {uncompressed_size}")
        return data

    def _decompress(self, payload: bytes, uncompressed_size: int) -> bytes:
        raise SegmentCorrupt(f"{self.name} segment must not carry uncompressedSize")


class ZstdCodec(Codec):
    """One zstd frame; content size checked against uncompressedSize."""

    name = "json+zstd"

    def __init__(self) -> None:
        self._local = threading.local()

    def _decompressor(self) -> zstandard.ZstdDecompressor:
        d = getattr(self._local, "d", None)
        if d is None:
            d = self._local.d = zstandard.ZstdDecompressor()
        return d

    def _decompress(self, payload: bytes, uncompressed_size: int) -> bytes:
        try:
            return self._decompressor().decompress(payload, max_output_size=uncompressed_size)
        except zstandard.ZstdError as exc:
            raise SegmentCorrupt(f"zstd decompression failed: {exc}") from None


class Lz4Codec(Codec):
    """Raw LZ4 block whose size is known only from uncompressedSize."""

    name = "json+lz4"

    def _decompress(self, payload: bytes, uncompressed_size: int) -> bytes:
        try:
            return lz4.block.decompress(payload, uncompressed_size=uncompressed_size)
        except (lz4.block.LZ4BlockError, ValueError) as exc:
            raise SegmentCorrupt(f"lz4 decompression failed: {exc}") from None


_CODECS: dict[str, Codec] = {c.name: c for c in (Codec(), ZstdCodec(), Lz4Codec())}


def get_codec(encoding: str) -> Codec:
    """Codec for a negotiated encoding; ProtocolError if unknown."""
    try:
        return _CODECS[encoding]
    except KeyError:
        raise ProtocolError(f"unsupported spooling encoding {encoding!r}") from None


def parse_rows(data: bytes, rows_count: int | None) -> list[list]:
    """Parse a segment's JSON array of rows and check its length."""
    try:
        rows = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SegmentCorrupt(f"invalid JSON in segment: {exc}") from None
    if not isinstance(rows, list):
        raise SegmentCorrupt("segment JSON is not an array of rows")
    if rows_count is not None and len(rows) != rows_count:
        raise SegmentCorrupt(f"segment has {len(rows)} rows, rowsCount says {rows_count}")
    return rows


def decode_segment(payload: bytes, encoding: str, uncompressed_size: int | None,
                   rows_count: int | None) -> list[list]:
    """Segment bytes as downloaded -> rows (size and row count checked)."""
    return parse_rows(get_codec(encoding).decompress(payload, None, uncompressed_size), rows_count)
