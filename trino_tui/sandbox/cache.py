"""Result cache (knob `cache_results`): reuse already-encoded payloads for a repeated query.

An entry holds the result's column metadata and, in order, every item the query produced:
inline payloads (bytes), spooled payloads and direct pages (shared blob files that segments
reference without owning). Keyed by SQL + session basics + protocol encoding + sizing options,
so a hit reproduces exactly what a fresh run would. Thread-safe (one lock).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Hashable

from .storage import Blob, SegmentStore


@dataclass(frozen=True)
class CachedItem:
    kind: str  # "inline" | "spooled" | "page"
    rows: int
    size: int
    uncompressed_size: int | None
    payload: bytes | None = None
    blob: Blob | None = None


@dataclass
class CachedResult:
    columns: list[dict[str, Any]]
    items: list[CachedItem] = field(default_factory=list)


class ResultCache:
    """Completed results by key; blobs are deleted when the store's temp dir goes (sandbox stop)."""

    def __init__(self, store: SegmentStore):
        self._store = store
        self._entries: dict[Hashable, CachedResult] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> CachedResult | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: Hashable, result: CachedResult) -> None:
        with self._lock:
            old = self._entries.get(key)
            self._entries[key] = result
        if old is not None:
            self.discard(old)

    def discard(self, result: CachedResult) -> None:
        """Delete the blob files of a result that will not be (or no longer is) cached."""
        for item in result.items:
            if item.blob is not None:
                self._store.discard_blob(item.blob)

    def clear(self) -> None:
        with self._lock:
            entries, self._entries = list(self._entries.values()), {}
        for e in entries:
            self.discard(e)
