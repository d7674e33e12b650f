"""Retrieval routes of spooled segments: which hosts a segment visited and what mode that means.

Owns the classification of a segment's hops (direct storage, coordinator redirect, coordinator
proxy, worker proxy, inline) and the retrieval mode summarised over a query's segments. Pure
functions over duck-typed SegmentSnapshot/PipelineSnapshot objects (no Textual, no client
import); shared by the pipeline panel and the doctor. Stateless and thread-safe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Mapping
from urllib.parse import urlsplit

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client import PipelineSnapshot, SegmentSnapshot

MODE_DIRECT = "direct storage"
MODE_REDIRECT = "coordinator redirect"
MODE_COORDINATOR_PROXY = "coordinator proxy"
MODE_WORKER_PROXY = "worker proxy"
MODE_INLINE = "inline only"


def host_of(hop: str) -> str:
    """Host[:port] of a hop given either as a URL or already as a host. Never returns user
    info, paths or query strings (pre-signed URL signatures stay off the screen)."""
    if "://" in hop:
        hop = urlsplit(hop).netloc or ""
    return hop.rsplit("@", 1)[-1]


def distinct_hops(hops: Iterable[str]) -> list[str]:
    """Hosts in visiting order with consecutive repeats (retries of the same URL) collapsed."""
    out: list[str] = []
    for hop in hops or ():
        host = host_of(hop)
        if not out or out[-1] != host:
            out.append(host)
    return out


def segment_route(seg: "SegmentSnapshot", coordinator_host: str | None = None) -> str:
    """How one segment was (or will be) retrieved, as one of the MODE_* strings.

    Several distinct hops mean the first host answered with a redirect (to storage, or to a
    worker: told apart by :func:`retrieval_mode`, which sees every segment). One hop equal to
    the coordinator means the coordinator proxied the bytes; otherwise they came straight from
    storage.
    """
    if seg.kind == "inline":
        return MODE_INLINE
    hops = distinct_hops(seg.hops)
    if len(hops) > 1:
        return MODE_REDIRECT
    host = hops[0] if hops else (host_of(seg.url_host) if seg.url_host else None)
    if host is not None and coordinator_host is not None and host == host_of(coordinator_host):
        return MODE_COORDINATOR_PROXY
    return MODE_DIRECT


def final_host(seg: "SegmentSnapshot") -> str:
    """The host that served (or will serve) the segment's bytes."""
    return host_of(seg.hops[-1]) if seg.hops else host_of(seg.url_host or "")


def summarize_routes(route_hosts: Mapping[str, set[str]]) -> str:
    """Retrieval mode text from route → final hosts (see :func:`retrieval_mode`)."""
    routes = dict(route_hosts)
    redirect_hosts = routes.pop(MODE_REDIRECT, None)
    if redirect_hosts is not None:
        routes[MODE_WORKER_PROXY if len(redirect_hosts) > 1 else MODE_REDIRECT] = redirect_hosts
    order = (MODE_DIRECT, MODE_REDIRECT, MODE_COORDINATOR_PROXY, MODE_WORKER_PROXY)
    return " + ".join(mode for mode in order if mode in routes)


def retrieval_mode(snap: "PipelineSnapshot", coordinator_host: str | None = None) -> str:
    """Retrieval mode as observed over the spooled segments of *snap* ("–" when unknown yet).

    Trino's WORKER_PROXY and COORDINATOR_STORAGE_REDIRECT both answer the coordinator URL with a
    303; redirects that end on several distinct hosts are taken as worker proxy (a random
    worker per segment; storage is one host). A one-worker cluster reads as a redirect.
    Only finished downloads count while there are any (an in-flight one may still be
    redirected). Different modes across segments are reported joined with " + ".
    """
    if snap.protocol == "direct":
        return "direct protocol"
    spooled = [s for s in snap.segments if s.kind == "spooled"]
    if not spooled:
        return MODE_INLINE if snap.segments else "–"
    downloaded = [s for s in spooled if s.download_end is not None]
    route_hosts: dict[str, set[str]] = {}
    for seg in downloaded or spooled:
        route_hosts.setdefault(segment_route(seg, coordinator_host), set()).add(final_host(seg))
    return summarize_routes(route_hosts)


