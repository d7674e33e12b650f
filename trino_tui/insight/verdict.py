"""Bottleneck verdict: which part of the path limits a running query, from snapshot history.

Owns the classification of recent PipelineSnapshots into one limit — the server (the pipeline
waits for segments or pages), storage/latency (every downloader busy with work queued behind
them), decoding (every decoder busy with work queued), or the consumer (finished work waits
for the grid or export writer) — with the evidence and one piece of advice. Pure functions over
duck-typed snapshots (the documented field names); no Textual, no client import; thread-safe.

Invariant: a verdict needs a majority of the samples in its window (``MAJORITY``); otherwise it
is "balanced" (nothing dominates), and no verdict at all before ``MIN_SAMPLES`` snapshots or
after the query finished.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

SERVER = "server-bound"
STORAGE = "storage/latency-bound"
DECODE = "decode-bound"
CONSUMER = "consumer-bound"
BALANCED = "balanced"

WINDOW = 2.0
"""Seconds of snapshot history a verdict looks at."""
MIN_SAMPLES = 3
MAJORITY = 0.6
MAX_DOWNLOADERS_ADVICE = 64


@dataclass(frozen=True)
class HostRate:
    """Download throughput of one storage host over the window: bytes per busy second per
    connection, segments finished and their mean duration."""

    host: str
    bytes_per_s: float
    segments: int
    mean_seconds: float


@dataclass(frozen=True)
class Verdict:
    """The limit (one of the constants above), a one-line reason, optional advice, evidence."""

    kind: str
    reason: str
    advice: str | None = None
    share: float = 0.0  # fraction of samples in the window that showed this limit
    hosts: tuple[HostRate, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        """One line for the panel: ``storage/latency-bound — 5/5 downloaders busy: try …``."""
        line = f"{self.kind} — {self.reason}"
        return f"{line}: {self.advice}" if self.advice else line


def _stages(snap: Any) -> dict[str, Any]:
    return {s.name: s for s in snap.stages}


def classify(snap: Any) -> tuple[str, str] | None:
    """The limit one snapshot shows, with its reason; None when nothing is under way."""
    if snap.finished:
        return None
    stages = _stages(snap)
    dl, dec, fin = stages.get("downloaders"), stages.get("decoders"), stages.get("finalizer")
    if snap.protocol == "direct":
        return SERVER, "direct protocol: rows come page by page from the coordinator"
    if fin is not None and fin.queue_depth > 0 and (
            (dl is None or dl.busy < dl.workers) and (dec is None or dec.busy < dec.workers)):
        return CONSUMER, f"{fin.queue_depth} finished segment(s) wait for the consumer"
    if dl is not None and dl.workers and dl.busy >= dl.workers and dl.queue_depth > 0:
        return STORAGE, f"{dl.busy}/{dl.workers} downloaders busy, {dl.queue_depth} queued"
    if dec is not None and dec.workers and dec.busy >= dec.workers and dec.queue_depth > 0:
        return DECODE, f"{dec.busy}/{dec.workers} decoders busy, {dec.queue_depth} queued"
    idle_dl = dl is None or dl.queue_depth == 0
    idle_dec = dec is None or dec.queue_depth == 0
    if idle_dl and idle_dec and (fin is None or fin.queue_depth == 0):
        return SERVER, "the pipeline is waiting for the server to produce segments"
    return None


def host_rates(snap: Any, since: float) -> tuple[HostRate, ...]:
    """Per storage host: throughput of the downloads in *snap* that ended at/after *since*
    (the client lists recently finished segments), fastest host first."""
    latest = {seg.index: seg for seg in snap.segments
              if seg.kind == "spooled" and seg.download_start is not None
              and seg.download_end is not None and seg.download_end >= since}
    per_host: dict[str, list[Any]] = {}
    for seg in latest.values():
        host = seg.hops[-1] if seg.hops else (seg.url_host or "?")
        if "://" in host:
            host = urlsplit(host).netloc
        per_host.setdefault(host, []).append(seg)
    out = []
    for host, segs in per_host.items():
        busy = sum(max(1e-6, s.download_end - s.download_start) for s in segs)
        size = sum(s.segment_size for s in segs)
        out.append(HostRate(host, size / busy, len(segs), busy / len(segs)))
    return tuple(sorted(out, key=lambda h: -h.bytes_per_s))


def _advice(kind: str, snap: Any) -> str | None:
    stages = _stages(snap)
    if kind == STORAGE:
        workers = stages["downloaders"].workers
        return f"try --downloaders {min(MAX_DOWNLOADERS_ADVICE, max(workers + 1, workers * 2))}"
    if kind == DECODE:
        if snap.encoding == "json+zstd":
            return "decoding is CPU-bound; json+lz4 is cheaper to decode (--encoding json+lz4)"
        return "decoding is CPU-bound; more decoders help only with idle cores"
    if kind == CONSUMER:
        return "the grid or export writer is slower than the network"
    if kind == SERVER and snap.protocol == "direct":
        return "spooling (--encoding json+zstd) lets storage serve rows in parallel"
    return None


def verdict(history: Iterable[Any], *, window: float = WINDOW) -> Verdict | None:
    """The limit over the snapshots of the last *window* seconds of *history* (oldest first)."""
    snaps = list(history)
    if not snaps or snaps[-1].finished:
        return None
    now = snaps[-1].now
    recent = [s for s in snaps if s.now >= now - window]
    if len(recent) < MIN_SAMPLES:
        return None
    votes: dict[str, list[str]] = {}
    for snap in recent:
        found = classify(snap)
        if found is not None:
            votes.setdefault(found[0], []).append(found[1])
    hosts = host_rates(recent[-1], now - window)
    if not votes:
        return Verdict(BALANCED, "no single stage limits the pipeline", hosts=hosts)
    kind, reasons = max(votes.items(), key=lambda kv: len(kv[1]))
    share = len(reasons) / len(recent)
    if share < MAJORITY:
        return Verdict(BALANCED, "no single stage limits the pipeline", share=share, hosts=hosts)
    reason = reasons[-1]
    if kind == STORAGE and hosts:
        slow = hosts[-1]
        reason += f"; {slow.host} {slow.mean_seconds * 1000:.0f} ms per segment"
    return Verdict(kind, reason, _advice(kind, recent[-1]), share, hosts)


class VerdictHistory:
    """A bounded window of snapshots for :func:`verdict`, re-judged at most every *every*
    seconds of snapshot time (cheap at the panel's 20 Hz). UI thread only; not locked."""

    def __init__(self, window: float = WINDOW, every: float = 0.25) -> None:
        self.window, self.every = window, every
        self._snaps: deque[Any] = deque()
        self._started: float | None = None
        self._judged_at: float | None = None
        self._verdict: Verdict | None = None

    def add(self, snap: Any) -> Verdict | None:
        """Absorb *snap* (a new ``started_at`` starts over); return the current verdict."""
        if snap.started_at != self._started:
            self._snaps, self._started = deque(), snap.started_at
            self._judged_at = self._verdict = None
        if not self._snaps or snap.now != self._snaps[-1].now:
            self._snaps.append(snap)
        cut = snap.now - self.window
        while self._snaps and self._snaps[0].now < cut:
            self._snaps.popleft()
        if snap.finished:
            self._verdict = None
        elif self._judged_at is None or snap.now - self._judged_at >= self.every:
            self._judged_at = snap.now
            self._verdict = verdict(self._snaps, window=self.window)
        return self._verdict


def describe(v: Verdict | None) -> Mapping[str, Any] | None:
    """The verdict as plain data (JSON reports, traces)."""
    if v is None:
        return None
    return {"kind": v.kind, "reason": v.reason, "advice": v.advice, "share": round(v.share, 3),
            "hosts": [{"host": h.host, "bytes_per_s": round(h.bytes_per_s), "segments": h.segments,
                       "mean_ms": round(h.mean_seconds * 1000, 1)} for h in v.hosts]}
