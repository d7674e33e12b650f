"""Doctor checks: pure pass/fail/skip verdicts, with evidence, over one canary run.

Owns the evidence model (``Canary``: the canary query's facts, its final PipelineSnapshot and
the client's trace records) and one function per check. Each root cause fails exactly one
check: storage errors that are expiries count for ``expiry``, ack failures caused by a gateway
that does not forward ``/v1/spooled/*`` count for ``gateway``. Pure; no I/O; thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import urlsplit

from trino_tui.insight.routes import (
    MODE_COORDINATOR_PROXY,
    distinct_hops,
    host_of,
    retrieval_mode,
)

PASS, FAIL, SKIP = "pass", "fail", "skip"
FORBIDDEN_STORAGE_HEADERS = ("authorization", "proxy-authorization", "cookie")
FORBIDDEN_PREFIXES = ("x-trino-", "x-presto-")
GATEWAY_STATUSES = (403, 404, 405, 501, 502)
EXPIRY_MARGIN = 2.0
"""URLs must outlive the estimated download time of the whole result by this factor."""


@dataclass(frozen=True)
class Check:
    """One check's result: name (stable id), status, one-line summary, evidence, advice."""

    name: str
    status: str
    summary: str
    evidence: tuple[str, ...] = ()
    advice: str | None = None


@dataclass
class Canary:
    """Everything one canary run observed (built by trino_tui.insight.doctor)."""

    server: str
    sql: str
    requested: tuple[str, ...]
    encoding: str | None = None
    outcome: str | None = None
    error: str | None = None
    error_type: str | None = None
    rows: int = 0
    snapshot: Any = None
    records: list[Mapping[str, Any]] = field(default_factory=list)
    wall_start: float = 0.0  # time.time() when the canary started
    mono_start: float = 0.0  # the client clock at the same moment
    offered: Mapping[str, bool | None] = field(default_factory=dict)  # encoding -> offered
    probe_error: str | None = None

    @property
    def coordinator(self) -> str:
        return host_of(self.server)


def _path(record: Mapping[str, Any]) -> str:
    return urlsplit(str(record.get("url", ""))).path


def _host(record: Mapping[str, Any]) -> str:
    return host_of(str(record.get("url", "")))


def segment_records(c: Canary) -> list[Mapping[str, Any]]:
    """Storage-client downloads (not acks): to storage, a proxy or a redirect target."""
    return [r for r in c.records if r.get("kind") == "storage" and "/v1/spooled/ack/" not in _path(r)]


def ack_records(c: Canary) -> list[Mapping[str, Any]]:
    return [r for r in c.records if "/v1/spooled/ack/" in _path(r)]


def spooled_segments(c: Canary) -> list[Any]:
    snap = c.snapshot
    return [s for s in snap.segments if s.kind == "spooled"] if snap is not None else []


def _counts(records: Sequence[Mapping[str, Any]]) -> str:
    out: dict[str, int] = {}
    for r in records:
        key = str(r.get("status")) if r.get("status") is not None else f"error: {r.get('error')}"
        out[key] = out.get(key, 0) + 1
    return ", ".join(f"{k} ×{n}" for k, n in sorted(out.items()))


def check_coordinator(c: Canary) -> Check:
    ok = [r for r in c.records if r.get("kind") == "coordinator" and r.get("status") == 200]
    if ok:
        tls = c.server.startswith("https://")
        return Check("coordinator", PASS, f"coordinator {c.coordinator} answered"
                     f"{' over trusted TLS' if tls else ''}",
                     (f"{len(ok)} request(s) answered 200",))
    return Check("coordinator", FAIL, c.error or f"no answer from {c.server}",
                 tuple(f"{r.get('method')} {r.get('url')}: {r.get('status') or r.get('error')}"
                       for r in c.records[:3]),
                 "check --server, the network path and the credentials")


def check_canary(c: Canary) -> Check:
    if c.error_type == "QueryFailed":
        return Check("canary", FAIL, f"the canary query failed: {c.error}", (c.sql,),
                     "pass --sql with a SELECT over a table of yours (a few MB of result)")
    if c.rows:
        return Check("canary", PASS, f"the canary query read {c.rows:,} rows", (c.sql,))
    return Check("canary", SKIP, "the canary query read no rows", (c.error or c.sql,))


def check_protocol(c: Canary) -> Check:
    if c.encoding:
        return Check("protocol", PASS, f"spooling negotiated: {c.encoding}",
                     (f"requested {','.join(c.requested)}",
                      f"server answered X-Trino-Query-Data-Encoding: {c.encoding}"))
    if c.error_type == "QueryFailed" and not c.rows:
        return Check("protocol", SKIP, "the canary query failed before sending rows (see canary)")
    if c.snapshot is None or c.snapshot.protocol == "pending" or not c.snapshot.pages_fetched:
        return Check("protocol", SKIP, "the canary query did not get far enough to tell",
                     (c.error or "no response",))
    return Check("protocol", FAIL, "the server silently fell back to the direct protocol",
                 (f"requested {','.join(c.requested)}; no encoding was echoed",
                  f"{c.snapshot.pages_fetched} direct pages, 0 segments"),
                 "enable protocol.spooling.enabled=true (with a shared secret and a spooling "
                 "manager) on the coordinator and every worker")


def check_retrieval(c: Canary) -> Check:
    segs = spooled_segments(c)
    if not segs:
        return Check("retrieval", SKIP, "no spooled segments (only inline or direct rows)",
                     advice="use --sql with a larger result to exercise storage")
    mode = retrieval_mode(c.snapshot, c.coordinator)
    hops: dict[int, int] = {}
    for seg in segs:
        n = len(distinct_hops(seg.hops))
        hops[n] = hops.get(n, 0) + 1
    evidence = [f"{n} segment(s) with {h} hop(s)" for h, n in sorted(hops.items())]
    evidence += [f"segment {s.index}: {' → '.join(distinct_hops(s.hops)) or s.url_host}"
                 for s in segs[:3]]
    if MODE_COORDINATOR_PROXY in mode:
        return Check("retrieval", FAIL, f"retrieval mode: {mode}: every segment byte passes "
                     "through the coordinator", tuple(evidence),
                     "set protocol.spooling.retrieval-mode=STORAGE (or WORKER_PROXY)")
    return Check("retrieval", PASS, f"retrieval mode: {mode}", tuple(evidence))


def _expired_text(text: str | None) -> bool:
    return bool(text) and "expire" in str(text).lower()


def expiry_failed(c: Canary) -> bool:
    return check_expiry(c).status == FAIL


def check_storage(c: Canary) -> Check:
    records = [r for r in segment_records(c) if _host(r) != c.coordinator]
    if not records:
        segs = spooled_segments(c)
        if segs:
            return Check("storage", SKIP, "segments were served by the coordinator, not storage")
        return Check("storage", SKIP, "no segment was downloaded from storage")
    hosts = sorted({_host(r) for r in records})
    bad = [r for r in records if r.get("error") or (r.get("status") or 0) >= 400]
    if expiry_failed(c):
        bad = [r for r in bad if r.get("status") not in (403, 410)]
    evidence = [f"{len(records)} request(s) to {', '.join(hosts)}: {_counts(records)}"]
    coordinator_ok = any(r.get("kind") == "coordinator" and r.get("status") == 200 for r in c.records)
    evidence.append(f"coordinator {c.coordinator}: {'reachable' if coordinator_ok else 'not reachable'}")
    if not bad:
        tls = any(str(r.get("url", "")).startswith("https://") for r in records)
        return Check("storage", PASS, f"storage reachable{' and TLS-trusted' if tls else ''}: "
                     f"{', '.join(hosts)}", tuple(evidence))
    errors = [str(r["error"]) for r in bad if r.get("error")]
    tls = [e for e in errors if "certificate" in e.lower() or "ssl" in e.lower() or "tls" in e.lower()]
    if tls:
        summary = f"storage TLS certificate not trusted: {tls[0]}"
        advice = "pass the storage CA with --cafile (or fix the storage certificate)"
    elif errors:
        summary = f"storage not reachable: {errors[0]}"
        advice = "check network access from this machine to the storage endpoint"
    else:
        statuses = sorted({int(r["status"]) for r in bad})
        summary = f"storage answered {', '.join(map(str, statuses))} to {len(bad)} of " \
                  f"{len(records)} segment request(s)"
        advice = "check the object store's health and request rate limits"
    return Check("storage", FAIL, summary, tuple(evidence), advice)


def check_headers(c: Canary) -> Check:
    records = segment_records(c) + ack_records(c)
    if not records:
        return Check("headers", SKIP, "no segment request was made")
    leaks = []
    for r in records:
        for name, _value in r.get("request_headers") or ():
            low = str(name).lower()
            if low in FORBIDDEN_STORAGE_HEADERS or low.startswith(FORBIDDEN_PREFIXES):
                leaks.append(f"{r.get('method')} {r.get('url')} carried {name}")
    redirects = [r for r in records if 300 <= (r.get("status") or 0) < 400]
    downgrades = []
    for r in redirects:
        target = dict((str(k).lower(), v) for k, v in r.get("response_headers") or ()).get("location", "")
        if str(r.get("url", "")).startswith("https://") and str(target).startswith("http://"):
            downgrades.append(f"{r.get('url')} → {target}")
    evidence = [f"{len(records)} segment/ack request(s) checked",
                f"{len(redirects)} redirect(s) followed"]
    if leaks:
        return Check("headers", FAIL, f"{len(leaks)} segment request(s) carried a credential or "
                     "X-Trino-* header", tuple(evidence + leaks[:5]),
                     "segment storage must get only the segment's own headers")
    if downgrades:
        return Check("headers", FAIL, "a redirect downgraded https to http",
                     tuple(evidence + downgrades[:5]), "fix the redirect target's scheme")
    names = sorted({str(k).lower() for r in records for k, _ in r.get("request_headers") or ()})
    evidence.append("headers sent: " + ", ".join(names))
    return Check("headers", PASS, "no Authorization, Cookie or X-Trino-* header reached "
                 "segment storage", tuple(evidence))


def gateway_records(c: Canary) -> list[Mapping[str, Any]]:
    return [r for r in c.records if _path(r).startswith("/v1/spooled/")
            and r.get("status") in GATEWAY_STATUSES]


def check_gateway(c: Canary) -> Check:
    spooled = [r for r in c.records if _path(r).startswith("/v1/spooled/")]
    if not spooled:
        return Check("gateway", SKIP, "no /v1/spooled/* request was made")
    bad = gateway_records(c)
    evidence = [f"/v1/spooled/download: {_counts([r for r in spooled if '/download/' in _path(r)]) or 'not used'}",
                f"/v1/spooled/ack: {_counts([r for r in spooled if '/ack/' in _path(r)]) or 'not used'}"]
    if bad:
        hosts = sorted({_host(r) for r in bad})
        return Check("gateway", FAIL, f"{', '.join(hosts)} does not forward /v1/spooled/* "
                     f"({len(bad)} request(s) answered {_counts(bad)})", tuple(evidence),
                     "route /v1/spooled/download/* and /v1/spooled/ack/* to the coordinator")
    return Check("gateway", PASS, "/v1/spooled/* reaches the coordinator", tuple(evidence))


def check_acks(c: Canary) -> Check:
    snap = c.snapshot
    acks = ack_records(c)
    if snap is None or not acks:
        return Check("acks", SKIP, "no spooled segment to acknowledge")
    gateway = {id(r) for r in gateway_records(c)}
    failed = [r for r in acks if id(r) not in gateway and (r.get("error") or (r.get("status") or 0) >= 400)]
    explained = len(acks) - len([r for r in acks if id(r) not in gateway])
    evidence = [f"{len(acks)} ack(s): {_counts(acks)}", f"snapshot: {snap.segments_acked} acked, "
                f"{snap.ack_failures} ack failure(s)"]
    errors = [s.ack_error for s in snap.segments if s.ack_error]
    if failed or (snap.ack_failures and not explained):
        return Check("acks", FAIL, f"{len(failed) or snap.ack_failures} segment ack(s) failed",
                     tuple(evidence + [str(e) for e in errors[:3]]),
                     "unacknowledged segments stay in storage until the TTL prunes them")
    if explained == len(acks):
        return Check("acks", SKIP, "no ack reached the coordinator (see gateway)", tuple(evidence))
    return Check("acks", PASS, f"{len(acks) - explained} ack(s) succeeded", tuple(evidence))


def check_heartbeat(c: Canary) -> Check:
    heads = [r for r in c.records if r.get("method") == "HEAD" and r.get("kind") == "coordinator"]
    if not heads:
        return Check("heartbeat", SKIP, "the canary ended before a heartbeat was due")
    statuses = sorted({r.get("status") for r in heads}, key=str)
    evidence = (f"{len(heads)} HEAD request(s): {_counts(heads)}",)
    if all(r.get("status") == 200 for r in heads):
        return Check("heartbeat", PASS, "HEAD heartbeats answered 200", evidence)
    return Check("heartbeat", FAIL, f"HEAD heartbeat not supported (answered "
                 f"{', '.join(map(str, statuses))})", evidence,
                 "Trino >= 475 answers HEAD; older servers (or a proxy dropping HEAD) may abandon "
                 "queries whose client is busy downloading for more than query.client.timeout")


def parse_expiry(text: str) -> float | None:
    """Epoch seconds of Trino's ``expiresAt`` (a LocalDateTime; the canary's session zone is UTC)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


def check_expiry(c: Canary) -> Check:
    segs = spooled_segments(c)
    expired = [s for s in segs if _expired_text(s.error)]
    if c.error_type == "SegmentExpired" or _expired_text(c.error) or expired:
        return Check("expiry", FAIL, "segment URLs expired before they were downloaded",
                     tuple([c.error or ""] + [f"segment {s.index}: {s.error}" for s in expired[:3]]),
                     "raise fs.segment.ttl / fs.segment.direct.ttl, or download faster "
                     "(--downloaders)")
    timed = [(s, parse_expiry(s.expires_at)) for s in segs if s.expires_at]
    timed = [(s, t) for s, t in timed if t is not None]
    if not timed:
        return Check("expiry", SKIP, "no segment carried expiresAt (Trino < 471 or no spooling)")
    lefts = [t - (c.wall_start + (s.queued_at - c.mono_start)) for s, t in timed]
    busy = sum((s.download_end - s.download_start) for s in segs
               if s.download_start is not None and s.download_end is not None)
    size = sum(s.segment_size for s in segs if s.download_end is not None)
    rate = size / busy if busy > 0 else None
    total = sum(s.segment_size for s in segs)
    need = total / rate if rate else 0.0
    least = min(lefts)
    evidence = (f"shortest time left at issue: {least:.1f} s",
                f"measured download rate: {rate / 1e6:.2f} MB/s per connection" if rate else
                "no download finished",
                f"{total / 1e6:.2f} MB spooled → {need:.2f} s to download at that rate")
    if least <= 0 or (rate and least < need * EXPIRY_MARGIN):
        return Check("expiry", FAIL, f"URLs expire {least:.1f} s after issue, too soon for the "
                     f"measured download rate", evidence,
                     "raise fs.segment.ttl / fs.segment.direct.ttl")
    summary = f"URLs live {least:.0f} s"
    if rate:
        summary += f"; the result downloads in {need:.1f} s"
    return Check("expiry", PASS, summary, evidence)


def check_encodings(c: Canary) -> Check:
    if c.probe_error:
        return Check("encodings", FAIL, f"encoding probe failed: {c.probe_error}")
    offered = [e for e, ok in c.offered.items() if ok]
    refused = [e for e, ok in c.offered.items() if ok is False]
    evidence = tuple(f"{e}: {'offered' if ok else 'not offered' if ok is False else 'unknown'}"
                     for e, ok in c.offered.items())
    if not c.offered:
        return Check("encodings", SKIP, "encodings were not probed")
    summary = f"offered: {', '.join(offered) or 'none'}"
    if refused and offered:
        summary += f" (not: {', '.join(refused)})"
    return Check("encodings", PASS, summary, evidence)


CHECKS: tuple[Callable[[Canary], Check], ...] = (
    check_coordinator, check_canary, check_protocol, check_retrieval, check_storage, check_headers,
    check_gateway, check_acks, check_heartbeat, check_expiry, check_encodings,
)


def run_checks(c: Canary) -> list[Check]:
    return [check(c) for check in CHECKS]
