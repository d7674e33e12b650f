"""Spooling: encoding negotiation, per-query options, payload encoders and the segmenter.

Pure functions and small objects with no threads and no I/O, so they are easy to test:
- `negotiate()` picks the first client encoding the sandbox enables (§4.1).
- `SpoolingOptions.resolve()` merges SandboxConfig defaults with spooling_* session properties.
- `encode_payload()` turns a JSON row array into the segment payload (json / json+zstd / json+lz4),
  compressing only at or above the threshold and then reporting `uncompressed_size`.
- `Segmenter` groups engine chunks (`b'[..],[..]'`, rows already Trino-encoded) into inline
  segments while the inlined totals stay within limits, then spooled segments whose target size
  starts at initial_segment_size and doubles up to max_segment_size. The tail is spooled (Trino 466).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Mapping

import lz4.block
import zstandard

from .config import SandboxConfig, parse_bool, parse_data_size

SESSION_PROPERTIES = (
    "spooling_enabled", "spooling_initial_segment_size", "spooling_max_segment_size",
    "spooling_inlining_enabled", "spooling_inlining_max_size", "spooling_inlining_max_rows",
)

_zstd = threading.local()


def negotiate(header: str | None, enabled: tuple[str, ...]) -> str | None:
    """First encoding of the client's comma-separated list that is enabled here, else None (direct)."""
    if not header:
        return None
    for item in header.split(","):
        name = item.strip()
        if name and name in enabled:
            return name
    return None


def spooling_disabled_by_session(properties: Mapping[str, str]) -> bool:
    """True when the session sets spooling_enabled=false. Raises ValueError on a bad value."""
    value = properties.get("spooling_enabled")
    return value is not None and not parse_bool(value)


@dataclass(frozen=True)
class SpoolingOptions:
    """Effective sizing for one query (validated)."""

    encoding: str
    inlining_enabled: bool
    inlining_max_rows: int
    inlining_max_size: int
    initial_segment_size: int
    max_segment_size: int
    compression_threshold: int

    @classmethod
    def resolve(cls, config: SandboxConfig, encoding: str, properties: Mapping[str, str]) -> "SpoolingOptions":
        """Config defaults overridden by session properties; ValueError names the bad property."""
        def get(name: str, default, parse):
            raw = properties.get(name)
            if raw is None:
                return default
            try:
                return parse(raw)
            except ValueError:
                raise ValueError(f"Invalid value for session property {name}: '{raw}'") from None

        opts = cls(
            encoding=encoding,
            inlining_enabled=get("spooling_inlining_enabled", config.inlining_enabled, parse_bool),
            inlining_max_rows=get("spooling_inlining_max_rows", config.inlining_max_rows, int),
            inlining_max_size=get("spooling_inlining_max_size", config.inlining_max_size, parse_data_size),
            initial_segment_size=get("spooling_initial_segment_size", config.initial_segment_size, parse_data_size),
            max_segment_size=get("spooling_max_segment_size", config.max_segment_size, parse_data_size),
            compression_threshold=config.compression_threshold,
        )
        if opts.initial_segment_size <= 0 or opts.max_segment_size <= 0:
            raise ValueError("Invalid value for session property spooling_initial_segment_size: must be positive")
        if opts.inlining_max_rows < 0 or opts.inlining_max_size < 0:
            raise ValueError("Invalid value for session property spooling_inlining_max_rows: must not be negative")
        return opts


@dataclass(frozen=True)
class Encoded:
    """A segment payload; `uncompressed_size` is set exactly when the payload is compressed."""

    payload: bytes
    uncompressed_size: int | None


def _zstd_compressor() -> zstandard.ZstdCompressor:
    comp = getattr(_zstd, "c", None)
    if comp is None:
        comp = _zstd.c = zstandard.ZstdCompressor(level=3, write_content_size=True)
    return comp


def encode_payload(encoding: str, json_rows: bytes, threshold: int) -> Encoded:
    """Encode a complete JSON document `[[...],[...]]` per *encoding* (thread-safe; releases the GIL)."""
    if encoding == "json" or len(json_rows) < threshold:
        return Encoded(json_rows, None)
    if encoding == "json+zstd":
        return Encoded(_zstd_compressor().compress(json_rows), len(json_rows))
    if encoding == "json+lz4":
        return Encoded(lz4.block.compress(json_rows, store_size=False), len(json_rows))
    raise ValueError(f"unknown encoding {encoding}")


def json_document(chunks: list[bytes]) -> bytes:
    """Join engine chunks (`[..],[..]` without outer brackets) into one JSON array document."""
    return b"[" + b",".join(chunks) + b"]"


@dataclass
class SegmentPlan:
    """Rows grouped into one segment, not yet encoded."""

    kind: str  # "inline" | "spooled"
    rows: int
    chunks: list[bytes] = field(default_factory=list)

    def document(self) -> bytes:
        return json_document(self.chunks)


class Segmenter:
    """Cuts a stream of engine chunks into segment plans (see module docstring). Not thread-safe."""

    def __init__(self, options: SpoolingOptions):
        self._opts = options
        self._inlining = options.inlining_enabled
        self._inlined_rows = 0
        self._inlined_size = 0
        self._target = options.initial_segment_size
        self._buffer: list[bytes] = []
        self._buffered_rows = 0
        self._buffered_size = 0

    def add(self, rows: int, chunk: bytes) -> list[SegmentPlan]:
        if rows <= 0:
            return []
        if self._inlining:
            size = len(chunk) + 2
            if (self._inlined_rows + rows <= self._opts.inlining_max_rows
                    and self._inlined_size + size <= self._opts.inlining_max_size):
                self._inlined_rows += rows
                self._inlined_size += size
                return [SegmentPlan("inline", rows, [chunk])]
            self._inlining = False
        self._buffer.append(chunk)
        self._buffered_rows += rows
        self._buffered_size += len(chunk) + 1
        if self._buffered_size < self._target:
            return []
        plan = self._flush()
        self._target = min(self._target * 2, self._opts.max_segment_size)
        return [plan]

    def finish(self) -> list[SegmentPlan]:
        return [self._flush()] if self._buffer else []

    def _flush(self) -> SegmentPlan:
        plan = SegmentPlan("spooled", self._buffered_rows, self._buffer)
        self._buffer, self._buffered_rows, self._buffered_size = [], 0, 0
        return plan


class PageBuilder:
    """Groups engine chunks into direct-protocol pages of about *target* bytes. Not thread-safe."""

    def __init__(self, target: int):
        self._target = target
        self._chunks: list[bytes] = []
        self._rows = 0
        self._size = 0

    def add(self, rows: int, chunk: bytes) -> list[tuple[int, bytes]]:
        out = []
        if self._chunks and self._size + len(chunk) > self._target:
            out.append(self._flush())
        if rows > 0:
            self._chunks.append(chunk)
            self._rows += rows
            self._size += len(chunk) + 1
        return out

    def finish(self) -> list[tuple[int, bytes]]:
        return [self._flush()] if self._chunks else []

    def _flush(self) -> tuple[int, bytes]:
        page = (self._rows, json_document(self._chunks))
        self._chunks, self._rows, self._size = [], 0, 0
        return page
