"""`trino-tui bench`: one statement under direct vs json / json+zstd / json+lz4 × downloader counts.

Owns the run matrix, one measured run (a TrinoClient per run; rows read through
``Batch.wire_rows()`` so every mode pays its decoding; a time box per run that *stops* the query
and marks the run incomplete), the measures (rows/s, bytes on the wire summed from the client's
trace records, peak RSS growth during the run from a sampling thread — memory freed by an
earlier run may be reused, so read it as "at least this much more" — first-row time) and the
report: a table, a bar chart of rows/s, the spooled-vs-direct ratio, and JSON. Front-end code:
only ``trino_tui.client.__all__`` names. The sampler thread is owned by ``MemorySampler``
(start/close, bounded join).
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import threading
import time
from typing import Callable, Iterable, Sequence

from trino_tui.client import ClientConfig, TrinoClient, TrinoTuiError

MODES = ("direct", "json", "json+zstd", "json+lz4")
DEFAULT_DOWNLOADERS = (1, 5, 10)
BAR_WIDTH = 40


def _rss() -> int:
    """Resident set size in bytes (Linux /proc; elsewhere the peak so far)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class MemorySampler:
    """Samples RSS every *interval* s on its own thread; ``peak`` growth over the baseline."""

    def __init__(self, interval: float = 0.02, rss: Callable[[], int] = _rss) -> None:
        self.interval, self._rss = interval, rss
        self.baseline = self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-memory", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self._rss())

    def start(self) -> "MemorySampler":
        self._thread.start()
        return self

    def close(self, timeout: float = 1.0) -> int:
        """Stop sampling; the peak growth in bytes."""
        self._stop.set()
        self._thread.join(timeout)
        self.peak = max(self.peak, self._rss())
        return max(0, self.peak - self.baseline)


@dataclasses.dataclass(frozen=True)
class RunResult:
    mode: str
    downloaders: int
    rows: int
    seconds: float
    first_row: float | None
    wire_bytes: int
    peak_memory: int
    complete: bool
    protocol: str
    error: str | None = None

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def matrix(modes: Sequence[str], downloaders: Sequence[int]) -> list[tuple[str, int]]:
    """The runs: direct once (downloaders do not apply), each encoding × each count."""
    runs: list[tuple[str, int]] = []
    for mode in modes:
        if mode == "direct":
            runs.append((mode, 0))
        else:
            runs += [(mode, n) for n in downloaders]
    return runs


def run_config(base: ClientConfig, mode: str, downloaders: int,
               trace: Callable[[dict], None]) -> ClientConfig:
    encoding = () if mode == "direct" else (mode,)
    return dataclasses.replace(base, encoding=encoding, trace=trace,
                               downloaders=downloaders or base.downloaders)


def run_once(base: ClientConfig, sql: str, mode: str, downloaders: int, time_box: float, *,
             clock: Callable[[], float] = time.monotonic) -> RunResult:
    """One measured run of *sql*; stops it after *time_box* seconds."""
    wire = [0]
    lock = threading.Lock()

    def trace(record: dict) -> None:
        with lock:
            wire[0] += int(record.get("bytes") or 0)

    cfg = run_config(base, mode, downloaders, trace)
    memory = MemorySampler().start()
    rows, first, error, stopped = 0, None, None, False
    start = clock()
    protocol = "pending"
    try:
        with TrinoClient(cfg, clock=clock) as client:
            query = client.execute(sql)
            try:
                for batch in query.batches():
                    rows += len(batch.wire_rows())
                    if first is None:
                        first = clock() - start
                    if clock() - start > time_box and not stopped:
                        stopped = True
                        query.stop()
            finally:
                query.close()
            protocol = query.snapshot().protocol
    except TrinoTuiError as exc:
        error = str(exc)
    seconds = clock() - start
    peak = memory.close()
    return RunResult(mode, downloaders, rows, seconds, first, wire[0], peak,
                     complete=error is None and not stopped, protocol=protocol, error=error)


def run_bench(base: ClientConfig, sql: str, *, modes: Sequence[str] = MODES,
              downloaders: Sequence[int] = DEFAULT_DOWNLOADERS, time_box: float = 60.0,
              progress: Callable[[str], None] | None = None) -> list[RunResult]:
    results = []
    for mode, n in matrix(modes, downloaders):
        if progress is not None:
            progress(f"running {label(mode, n)} …")
        results.append(run_once(base, sql, mode, n, time_box))
    return results


def label(mode: str, downloaders: int) -> str:
    return mode if mode == "direct" else f"{mode} ×{downloaders}"


def speedup(results: Iterable[RunResult]) -> tuple[RunResult, RunResult, float] | None:
    """(best spooled run, direct run, rows/s ratio) when both ran without error."""
    ok = [r for r in results if r.error is None and r.rows]
    direct = next((r for r in ok if r.mode == "direct"), None)
    spooled = [r for r in ok if r.mode != "direct" and r.protocol == "spooled"]
    if direct is None or not spooled or not direct.rows_per_s:
        return None
    best = max(spooled, key=lambda r: r.rows_per_s)
    return best, direct, best.rows_per_s / direct.rows_per_s


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def render_text(results: Sequence[RunResult], sql: str) -> str:
    """A table, a bar chart of rows/s, and the spooled-vs-direct ratio."""
    head = f"{'run':<16} {'rows':>10} {'time':>8} {'rows/s':>10} {'first row':>10} {'wire':>10} " \
           f"{'RSS +':>9}  note"
    lines = [f"trino-tui bench · {sql}", head, "─" * len(head)]
    for r in results:
        first = f"{r.first_row * 1000:.0f} ms" if r.first_row is not None else "–"
        note = r.error or ("" if r.complete else "time box hit: stopped")
        if r.mode != "direct" and r.protocol == "direct" and not r.error:
            note = "server fell back to direct"
        lines.append(f"{label(r.mode, r.downloaders):<16} {r.rows:>10,} {r.seconds:>7.2f}s "
                     f"{r.rows_per_s:>10,.0f} {first:>10} {_mb(r.wire_bytes):>10} "
                     f"{_mb(r.peak_memory):>9}  {note}")
    top = max((r.rows_per_s for r in results), default=0.0) or 1.0
    lines.append("")
    lines.append("rows/s")
    for r in results:
        bar = "█" * max(1 if r.rows_per_s else 0, round(BAR_WIDTH * r.rows_per_s / top))
        lines.append(f"{label(r.mode, r.downloaders):<16} {bar} {r.rows_per_s:,.0f}")
    found = speedup(results)
    if found is not None:
        best, direct, ratio = found
        word = "faster" if ratio >= 1 else "slower"
        shown = ratio if ratio >= 1 else 1 / ratio
        lines.append("")
        lines.append(f"spooled ({label(best.mode, best.downloaders)}) is {shown:.2f}× {word} than "
                     f"direct: {best.seconds:.2f} s vs {direct.seconds:.2f} s")
    return "\n".join(lines)


def render_json(results: Sequence[RunResult], sql: str) -> str:
    found = speedup(results)
    return json.dumps({
        "sql": sql,
        "runs": [{**dataclasses.asdict(r), "rows_per_s": round(r.rows_per_s, 1),
                  "label": label(r.mode, r.downloaders)} for r in results],
        "speedup": None if found is None else {
            "best": label(found[0].mode, found[0].downloaders), "ratio": round(found[2], 3)},
    }, indent=2)
