"""`trino-tui sandbox --from-trace FILE`: sandbox flags that re-create a traced incident locally.

Owns the translation of a read trace into the sandbox's own command-line flags: the retrieval
mode and encoding seen, the spooled segment size (median of the trace's uncompressed sizes),
the storage latency (median time of a served segment request) plus extra latency for the
segments whose download was much slower, the fraction of segment GETs that answered 503, and
expiry. The sandbox serves TPC-H, so the statement to run is printed, not replayed: run the
traced statement if it reads TPC-H, else any statement of similar size. Pure (no I/O besides reading the trace file); thread-safe.
"""

from __future__ import annotations

import statistics
from typing import Any, Iterable
from urllib.parse import urlsplit

from trino_tui.insight.routes import (
    MODE_COORDINATOR_PROXY,
    MODE_DIRECT,
    MODE_REDIRECT,
    MODE_WORKER_PROXY,
    host_of,
    retrieval_mode,
)

SLOW_FACTOR = 3.0
"""A segment whose download took this many times the median gets its own extra latency."""
MAX_SLOW = 20
MODES = {MODE_DIRECT: "STORAGE", MODE_REDIRECT: "COORDINATOR_STORAGE_REDIRECT",
         MODE_COORDINATOR_PROXY: "COORDINATOR_PROXY", MODE_WORKER_PROXY: "WORKER_PROXY"}


def _segments(snapshots: Iterable[Any]) -> dict[int, Any]:
    """The last snapshot seen of every segment of the trace's last statement."""
    out: dict[int, Any] = {}
    started = None
    for snap in snapshots:
        if snap.started_at != started:
            out, started = {}, snap.started_at
        for seg in snap.segments:
            out[seg.index] = seg
    return out


def sandbox_flags(trace: Any) -> tuple[list[str], list[str]]:
    """(sandbox flags, human notes) reproducing *trace* (a trino_tui.insight.trace.Trace)."""
    flags: list[str] = []
    notes: list[str] = []
    last = trace.snapshots[-1] if trace.snapshots else None
    if last is None:
        return flags, ["the trace holds no pipeline snapshot: nothing to reproduce"]
    if last.protocol == "direct":
        return ["--no-spooling"], ["the traced query used the direct protocol"]
    if last.encoding:
        flags += ["--encodings", last.encoding]
    server = str(trace.meta.get("server") or "")
    mode = MODES.get(retrieval_mode(last, host_of(server) if server else None).split(" + ")[0])
    if mode:
        flags += ["--retrieval-mode", mode]
    segs = [s for s in _segments(trace.snapshots).values() if s.kind == "spooled"]
    sizes = [s.uncompressed_size or s.segment_size for s in segs]
    if sizes:
        size = int(statistics.median(sizes))
        flags += ["--initial-segment-size", str(size), "--max-segment-size", str(size)]
        notes.append(f"{len(segs)} spooled segments, median {size / 1e6:.2f} MB uncompressed")
    gets = [r for r in trace.http if r.get("kind") == "storage" and r.get("method") == "GET"
            and "/v1/spooled/ack/" not in urlsplit(str(r.get("url", ""))).path]
    served = [float(r["elapsed"]) for r in gets if r.get("status") == 200 and r.get("elapsed") is not None]
    if served:  # per request, as the sandbox applies it (a segment's span also holds retries)
        latency = statistics.median(served)
        flags += ["--storage-latency", f"{latency:.3f}"]
        notes.append(f"storage latency {latency * 1000:.0f} ms per request")
    spans = {s.index: s.download_end - s.download_start for s in segs
             if s.download_start is not None and s.download_end is not None and not s.retries}
    if spans:
        median = statistics.median(spans.values())
        slow = sorted((i for i, t in spans.items() if t > SLOW_FACTOR * median and t - median > 0.01),
                      key=lambda i: -spans[i])[:MAX_SLOW]
        for i in sorted(slow):
            flags += ["--segment-latency", f"{i}={spans[i] - median:.3f}"]
        if slow:
            notes.append(f"{len(slow)} slow segment(s): {', '.join(map(str, sorted(slow)))}")
    if gets:
        unavailable = sum(1 for r in gets if r.get("status") == 503)
        if unavailable:
            flags += ["--fault-segment-503", f"{unavailable / len(gets):.3f}"]
            notes.append(f"503 on {unavailable} of {len(gets)} segment GETs")
    if any("expire" in str(s.error or "").lower() for s in segs):
        flags += ["--fault-expire-after", "1"]
        notes.append("segment URLs expired: segments now expire 1 s after creation")
    if trace.statements:
        notes.append(f"traced statement: {trace.statements[-1]}")
    return flags, notes


def flags_from_trace_file(path: str) -> tuple[list[str], list[str]]:
    """sandbox_flags of the trace at *path*; OSError / TraceFormatError with one line."""
    from trino_tui.insight.trace import read_trace

    with open(path, encoding="utf-8") as f:
        return sandbox_flags(read_trace(f))
