"""Trino-CLI style progress on stderr for headless runs, drawn from `Query.snapshot()`.

Owns: pure formatting of a PipelineSnapshot into status lines (`render_progress`) and a one-line
final summary (`render_summary`), and `ProgressReporter`, which owns one daemon-free drawing thread
(start/close, joined) redrawing at most every `interval` seconds. On a terminal it redraws in place
(cursor-up + clear); otherwise it appends one compact line per redraw. All writes to the stream go
through one lock so status lines never interleave with messages written via `message()`.
Snapshots are read duck-typed (only fields of the client's PipelineSnapshot are used); a pending
retry (``snapshot.retry``) shows as "retrying in 2 s (97 s left)" on the first line. Numbers use
the one formatter, trino_tui.core.formatting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TextIO

from trino_tui.core.formatting import human_bytes, human_count, human_duration, human_rate, retry_text

__all__ = ["ProgressReporter", "progress_bar", "render_progress", "render_summary"]

_DONE_STATES = frozenset({"delivered", "acked"})


class _Snapshotting(Protocol):
    def snapshot(self) -> Any: ...


def progress_bar(width: int, done_pct: float, running_pct: float = 0.0) -> str:
    """`[====>>   ]`: '=' completed, '>' running, padded to *width* inner cells."""
    width = max(1, width)
    done = min(width, max(0, int(width * done_pct / 100.0)))
    running = min(width - done, max(0, int(width * running_pct / 100.0)))
    return "[" + "=" * done + ">" * running + " " * (width - done - running) + "]"


def _num(stats: Mapping, key: str) -> float:
    v = stats.get(key)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0


def _segments_done(snap: Any) -> int:
    return sum(1 for s in getattr(snap, "segments", ()) if str(getattr(s.state, "value", s.state)) in _DONE_STATES)


def render_progress(snap: Any, *, width: int = 100) -> list[str]:
    """Status lines for a running query (see module docstring); each at most *width* cells."""
    stats: Mapping = snap.server_stats or {}
    nodes = int(_num(stats, "nodes"))
    splits = int(_num(stats, "totalSplits"))
    state = snap.server_state or "QUEUED"
    lines = [f"Query {snap.query_id or '?'}, {state}, {nodes:,} node{'s' if nodes != 1 else ''}, {splits:,} splits"]
    retry = retry_text(getattr(snap, "retry", None), float(snap.now or 0.0))
    if retry:
        lines[0] += f", {retry}"

    elapsed = max(float(snap.elapsed or 0.0), 0.0)
    rows, nbytes = _num(stats, "processedRows"), _num(stats, "processedBytes")
    rps, bps = (rows / elapsed, nbytes / elapsed) if elapsed > 0 else (0.0, 0.0)
    head = (
        f"{human_duration(elapsed)} [{human_count(rows)} rows, {human_bytes(nbytes)}] "
        f"[{human_rate(rps)}, {human_rate(bps, 'bytes')}]"
    )
    if stats.get("scheduled") or "progressPercentage" in stats:
        pct = 100.0 if state == "FINISHED" else min(99.0, _num(stats, "progressPercentage"))
        running = _num(stats, "runningPercentage")
        bar_width = max(10, min(50, width - len(head) - 7))
        head += f" {progress_bar(bar_width, pct, running)} {int(pct)}%"
    lines.append(head)

    if snap.protocol == "spooled":
        lines.append(
            f"segments {_segments_done(snap)}/{snap.segments_total} (inline {snap.segments_inline}, "
            f"spooled {snap.segments_spooled}) acked {snap.segments_acked}, encoding {snap.encoding}"
            + (f", retries {snap.retries}" if snap.retries else "")
        )
    elif snap.protocol == "direct":
        lines.append(f"direct protocol, {snap.pages_fetched:,} pages")
    lines.append(
        f"client {human_count(snap.rows_delivered)} rows, {human_rate(snap.rows_per_s)}, "
        f"{human_bytes(snap.bytes_downloaded)} downloaded, {human_rate(snap.bytes_per_s, 'bytes')}"
    )
    return [line[:width] for line in lines]


def render_summary(snap: Any, *, state: str | None = None) -> str:
    """One line after a query ends: state, rows, time, rate, transfer and spooling figures."""
    elapsed = max(float(snap.elapsed or 0.0), 0.0)
    rate = snap.rows_delivered / elapsed if elapsed > 0 else 0.0
    text = (
        f"Query {snap.query_id or '?'} {state or snap.server_state}: {snap.rows_delivered:,} rows "
        f"in {elapsed:.2f}s ({human_rate(rate)}), {human_bytes(snap.bytes_downloaded)} downloaded"
    )
    if snap.protocol == "spooled":
        text += (
            f", segments {snap.segments_total} (inline {snap.segments_inline}, spooled "
            f"{snap.segments_spooled}, acked {snap.segments_acked}), encoding {snap.encoding}"
        )
    elif snap.protocol == "direct":
        text += ", direct protocol"
    return text


class ProgressReporter:
    """Redraws the attached query's progress on *stream* from a thread it owns.

    With enabled=False it draws nothing but still serialises `message()` lines (network log, errors).

    Thread-safety: every public method may be called from any thread; drawing is serialised
    by one lock. `close()` stops and joins the thread and erases the status lines.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        tty: bool,
        enabled: bool = True,
        interval: float = 0.5,
        width: Callable[[], int] = lambda: 100,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._tty = tty
        self._enabled = enabled
        self._interval = interval
        self._width = width
        self._clock = clock
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._query: _Snapshotting | None = None
        self._drawn = 0  # status lines currently on screen (tty only)
        self._last_draw: float | None = None

    def start(self) -> "ProgressReporter":
        if not self._enabled:
            return self
        self._thread = threading.Thread(target=self._run, name="headless-progress")
        self._thread.start()
        return self

    def attach(self, query: _Snapshotting) -> None:
        """Start showing *query*'s progress (replaces any previous one; no-op when disabled)."""
        if not self._enabled:
            return
        with self._lock:
            self._query = query
            self._last_draw = None

    def detach(self) -> None:
        """Stop showing the current query and erase its status lines."""
        with self._lock:
            self._query = None
            self._erase()

    def message(self, text: str) -> None:
        """Write a line to the stream without breaking the status display (a stream that went
        away, e.g. a hung-up terminal, is ignored: there is nowhere left to report to)."""
        with self._lock:
            try:
                self._erase()
                self._stream.write(text + "\n")
                self._stream.flush()
            except (OSError, ValueError):
                self._drawn = 0

    def tick(self, *, force: bool = False) -> bool:
        """Redraw if at least *interval* passed since the last draw (or *force*); True when it drew."""
        with self._lock:
            query = self._query
            now = self._clock()
            if query is None:
                return False
            if not force and self._last_draw is not None and now - self._last_draw < self._interval:
                return False
            lines = render_progress(query.snapshot(), width=max(20, self._width() - 1))
            self._last_draw = now
            self._erase()
            if self._tty:
                self._stream.write("\n".join(lines) + "\n")
                self._drawn = len(lines)
            else:
                self._stream.write(" | ".join(lines) + "\n")
            self._stream.flush()
            return True

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.detach()

    def _erase(self) -> None:
        if self._drawn:
            self._stream.write(f"\x1b[{self._drawn}F\x1b[J")
            self._stream.flush()
            self._drawn = 0

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.tick(force=True)  # the wait above already spaced draws by *interval*
            except Exception:  # a snapshot/format bug must never kill the export
                continue
