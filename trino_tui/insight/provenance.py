"""Row ⇄ segment provenance: which segment delivered a result row, and where a segment starts.

Owns ``Provenance``: an index of row ranges (one per delivered batch: a segment, or a direct
page when ``segment`` is None) with the latest facts seen per segment, answering
``lookup(row)`` (bisect, O(log n)), ``first_row(segment)`` and the stopped-result summary
"rows 0–N from segments 0–k; M never fetched". Fed from delivered batches (row offsets and
counts, exact) and/or from segment snapshots (host, timings, ack state; a delivered segment's
range when no batch feed exists). Pure data, no Textual, no client import. Thread-safe (one
lock): batches may be added on the consumer thread while the UI thread looks rows up.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from typing import Any, Iterable

from trino_tui.insight.routes import distinct_hops, host_of


@dataclass(frozen=True)
class RowOrigin:
    """Where one row came from: its batch's range and, for segments, the segment's facts."""

    row: int
    first: int  # first row of the batch/segment
    count: int
    segment: int | None  # None: a direct-protocol page
    kind: str  # "inline" | "spooled" | "direct page"
    host: str | None = None
    download_ms: float | None = None
    decode_ms: float | None = None
    ack: str = "–"  # "acked" | "ack failed: …" | "not acked" | "–" (inline/direct)

    @property
    def last(self) -> int:
        return self.first + self.count - 1

    def text(self) -> str:
        """One line for the grid/panel: ``row 1,234 · segment 5 (spooled, rows 1,000–1,999) ·
        storage:9000 · download 12 ms · decode 3 ms · acked``."""
        where = "direct page" if self.segment is None else f"segment {self.segment} ({self.kind}"
        span = f"rows {self.first:,}–{self.last:,}"
        head = f"row {self.row:,} · {where}, {span})" if self.segment is not None else \
            f"row {self.row:,} · {where} ({span})"
        parts = [head]
        if self.host:
            parts.append(self.host)
        if self.download_ms is not None:
            parts.append(f"download {self.download_ms:.0f} ms")
        if self.decode_ms is not None:
            parts.append(f"decode {self.decode_ms:.0f} ms")
        if self.segment is not None and self.kind == "spooled":
            parts.append(self.ack)
        return " · ".join(parts)


def _ms(start: float | None, end: float | None) -> float | None:
    return (end - start) * 1000 if start is not None and end is not None else None


def _ack(seg: Any) -> str:
    if seg.ack_error:
        return f"ack failed: {seg.ack_error}"
    return "acked" if seg.acked_at is not None else "not acked"


class Provenance:
    """Row ranges of one result, in delivery order (``reset`` for the next query)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._starts: list[int] = []  # sorted first rows
        self._ranges: dict[int, tuple[int, int | None]] = {}  # first row -> (count, segment)
        self._by_segment: dict[int, tuple[int, int]] = {}
        self._facts: dict[int, Any] = {}
        self.rows = 0  # rows delivered: the contiguous prefix 0..rows-1

    def reset(self) -> None:
        self.__init__()

    def add_batch(self, row_offset: int, row_count: int, segment: int | None) -> None:
        """A batch (or a delivered segment) covers rows ``row_offset …+row_count``; repeats
        of the same range are ignored."""
        if row_count <= 0:
            return
        with self._lock:
            if row_offset in self._ranges or (segment is not None and segment in self._by_segment):
                return  # a segment's rows never move
            bisect.insort(self._starts, row_offset)
            self._ranges[row_offset] = (row_count, segment)
            if segment is not None:
                self._by_segment[segment] = (row_offset, row_count)
            while self.rows in self._ranges:  # extend the contiguous prefix
                self.rows += self._ranges[self.rows][0]

    def update_segments(self, segments: Iterable[Any], *, delivered_ranges: bool = False) -> None:
        """Remember the latest SegmentSnapshot facts (host, timings, ack) per index; with
        *delivered_ranges*, delivered segments also count as delivered rows (no batch feed)."""
        for seg in segments:
            with self._lock:
                if self._facts.get(seg.index) is seg:
                    continue  # snapshots reuse unchanged segment objects
                self._facts[seg.index] = seg
            if delivered_ranges and seg.delivered_at is not None:
                self.add_batch(seg.row_offset, seg.rows, seg.index)

    def first_row(self, segment: int) -> int | None:
        """The first result row of *segment*: from a delivered batch, else its snapshot."""
        with self._lock:
            if segment in self._by_segment:
                return self._by_segment[segment][0]
            seg = self._facts.get(segment)
        return seg.row_offset if seg is not None else None

    def lookup(self, row: int) -> RowOrigin | None:
        """Where *row* came from, or None when no delivered batch holds it."""
        with self._lock:
            i = bisect.bisect_right(self._starts, row) - 1
            if i < 0:
                return None
            first = self._starts[i]
            count, segment = self._ranges[first]
            seg = self._facts.get(segment) if segment is not None else None
        if row >= first + count:
            return None
        if segment is None:
            return RowOrigin(row, first, count, None, "direct page")
        if seg is None:
            return RowOrigin(row, first, count, segment, "segment")
        hops = distinct_hops(seg.hops)
        host = hops[-1] if hops else (host_of(seg.url_host) if seg.url_host else None)
        return RowOrigin(row, first, count, segment, seg.kind, host,
                         _ms(seg.download_start, seg.download_end),
                         _ms(seg.decode_start, seg.decode_end),
                         _ack(seg) if seg.kind == "spooled" else "–")

    def summary(self, segments_total: int) -> str:
        """``rows 0–N from segments 0–k; M never fetched`` (a stopped or partial result)."""
        with self._lock:
            return self._summary(segments_total)

    def _summary(self, segments_total: int) -> str:
        if not self.rows:
            never = segments_total
            return f"no rows; {never:,} segment{'s' if never != 1 else ''} never fetched" \
                if never else "no rows"
        segs = sorted(i for i, (first, _n) in self._by_segment.items() if first < self.rows)
        rows = f"rows 0–{self.rows - 1:,}"
        if not segs:
            return f"{rows} from direct pages"
        delivered = set(segs)
        never = len([i for i in range(segments_total) if i not in delivered and not self._fetched(i)])
        span = f"segment {segs[0]}" if len(segs) == 1 else f"segments {segs[0]}–{segs[-1]}"
        return f"{rows} from {span}; {never:,} never fetched"

    def _fetched(self, index: int) -> bool:
        seg = self._facts.get(index)
        return seg is not None and (seg.download_start is not None or seg.decode_start is not None)
